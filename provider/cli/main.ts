#!/usr/bin/env node
/**
 * The package's command (`npx pulumi-elasticsearch-ccr <command>`). One command for now: `drift` (drift.ts).
 */
import { driftCommand } from "./drift";

const USAGE = `usage: pulumi-elasticsearch-ccr <command>
  drift --stack <name> [--cwd DIR] [--json] [--lag-threshold N]   report CCR drift of a stack (exit 0 clean, 1 drift, 2 error)
run \`pulumi-elasticsearch-ccr drift --help\` for details`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === "drift") {
    return driftCommand(rest, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), cwd: process.cwd() });
  }
  if (cmd === undefined || cmd === "--help" || cmd === "-h" || cmd === "help") {
    process.stdout.write(`${USAGE}\n`);
    return cmd === undefined ? 2 : 0;
  }
  process.stderr.write(`unknown command ${cmd}\n${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 2;
  },
);
