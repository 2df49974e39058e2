/** Command line of ccr-sandbox (sandbox/cli.ts), parsed without side effects so that `--help` can never start anything. */
import { defaultNames } from "./local";

export const USAGE = `usage: ccr-sandbox <command> [options]

commands:
  up [NAME ...]       start one single-node Elasticsearch cluster per NAME (default: leader follower), each behind
                      the sandbox's EMULATED _ccr front; prints them and keeps them running until Ctrl-C, which
                      stops them and removes their node directories and front records
  fetch               obtain (and cache) the Elasticsearch distribution of the selected version, and nothing else
  cleanup             kill nodes and remove front records left behind by processes that died
  help                print this help

options:
  --names a,b,c       cluster names for up (instead of positional names)
  --count N           N clusters with the default names leader, follower, follower-2, ...
  --version V         Elasticsearch version: a major (8, 9) or exact x.y.z (default CCR_ES_VERSION, else 8)
  -h, --help          print this help and start nothing

For each cluster, up prints (stdout, one JSON line each; also a table on stderr):
  connection_url      what Pulumi connections and clients use: the _ccr front (CCR emulated, the rest passed to the node)
  remote_seed         the transport address another cluster's RemoteCluster seeds point at
  node_url            the node's own HTTP port (no _ccr API there; for debugging)

Environment: CCR_ES_VERSION, CCR_CACHE_DIR (distributions and node directories), CCR_POLL_MS,
CCR_RESTORE_DELAY_MS (how long an emulated follower restore takes; see sandbox/ccr/README.md).`;

export type CliCommand =
  | { cmd: "help" }
  | { cmd: "fetch"; version?: string }
  | { cmd: "cleanup" }
  | { cmd: "up"; names: string[]; version?: string };

export class UsageError extends Error {}

const NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** Parses argv (without node and script). Throws UsageError with a message that says what to do. */
export function parseCliArgs(argv: string[]): CliCommand {
  if (argv.length === 0 || argv.some((a) => a === "-h" || a === "--help") || argv[0] === "help") return { cmd: "help" };
  const [cmd, ...rest] = argv;
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith("--")) { positional.push(a); continue; }
    const [k, inline] = a.slice(2).split("=", 2);
    if (!["names", "count", "version"].includes(k)) throw new UsageError(`unknown option --${k} (see ccr-sandbox --help)`);
    const v = inline ?? rest[++i];
    if (v === undefined || v.startsWith("--")) throw new UsageError(`--${k} needs a value`);
    flags[k] = v;
  }
  switch (cmd) {
    case "fetch":
    case "cleanup":
      if (positional.length) throw new UsageError(`${cmd} takes no names (got ${positional.join(" ")})`);
      if (cmd === "cleanup") return { cmd };
      return { cmd, ...(flags.version ? { version: flags.version } : {}) };
    case "up": {
      const sources = [positional.length > 0, flags.names !== undefined, flags.count !== undefined].filter(Boolean).length;
      if (sources > 1) throw new UsageError("give cluster names either as arguments, with --names or with --count, not several of them");
      let names: string[];
      if (flags.names !== undefined) names = flags.names.split(",").map((s) => s.trim()).filter(Boolean);
      else if (positional.length) names = positional;
      else if (flags.count !== undefined) {
        const n = Number(flags.count);
        if (!Number.isInteger(n) || n < 1 || n > 9) throw new UsageError(`--count ${flags.count}: expected a whole number from 1 to 9`);
        names = defaultNames(n);
      } else names = defaultNames(2);
      if (!names.length) throw new UsageError("--names: no cluster name given");
      for (const n of names) if (!NAME.test(n)) throw new UsageError(`cluster name "${n}": use lower-case letters, digits, - and _ (at most 40, starting with a letter or digit)`);
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup) throw new UsageError(`cluster name "${dup}" is given twice`);
      return { cmd, names, ...(flags.version ? { version: flags.version } : {}) };
    }
    default:
      throw new UsageError(`unknown command "${cmd}" (see ccr-sandbox --help)`);
  }
}
