/**
 * The sandbox CLI as a user runs it: `ccr-sandbox up NAME...` prints each cluster's connection URL (the `_ccr`
 * front) and remote seed (transport address); Ctrl-C (SIGINT to the whole process group, as a terminal sends it)
 * leaves no node process, node directory or front record behind. Repeated: the old CLI left some in 2 of 3 runs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { groupRunning, isAlive, pidsMentioning } from "../../sandbox/es/process-guard";
import { recordPath } from "../../sandbox/ccr/registry";

const tsx = path.resolve(__dirname, "../../node_modules/.bin/tsx");
const cli = path.resolve(__dirname, "../../sandbox/cli.ts");

interface Printed { name: string; connection_url: string; remote_seed: string; node_url: string; ccr: string; pid: number; dir: string }


async function upThenCtrlC(names: string[]): Promise<void> {
  // detached: the CLI (npx-less: tsx and its node child) gets its own process group, which we signal like a terminal.
  const p = spawn(tsx, [cli, "up", ...names], { detached: true, stdio: ["ignore", "pipe", "pipe"], env: process.env });
  let out = "";
  let err = "";
  p.stdout.on("data", (d) => (out += d));
  p.stderr.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => p.on("exit", (code) => resolve(code)));
  try {
    const end = Date.now() + 240_000;
    while (!err.includes("clusters are up")) {
      if (p.exitCode !== null) throw new Error(`ccr-sandbox exited early (${p.exitCode}):\n${err}`);
      if (Date.now() > end) throw new Error(`ccr-sandbox not up within 240 s:\n${err}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const printed = out.trim().split("\n").map((l) => JSON.parse(l) as Printed);
    expect(printed.map((c) => c.name)).toEqual(names);
    expect(err).toContain("connection URL (the _ccr front)");
    expect(err).toContain("remote seed (transport)");
    for (const c of printed) {
      expect(c.ccr).toBe("emulated");
      expect(c.remote_seed).toMatch(/^127\.0\.0\.1:\d+$/);
      // The connection URL is the front: it serves _ccr (marked as emulated); the node's own port has no _ccr.
      const r = await fetch(`${c.connection_url}/_ccr/auto_follow`);
      expect(r.status).toBe(200);
      expect(r.headers.get("x-ccr-emulated")).toBe("true");
      expect(fs.existsSync(c.dir)).toBe(true);
      expect(fs.existsSync(recordPath(c.remote_seed))).toBe(true);
      expect(isAlive(c.pid)).toBe(true);
    }

    process.kill(-p.pid!, "SIGINT");
    const code = await Promise.race([exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 60_000))]);
    expect(code, err.split("\n").slice(-5).join("\n")).toBe(130);
    for (const c of printed) {
      expect(groupRunning(c.pid), `node group ${c.pid} of ${c.name}`).toBe(false);
      expect(pidsMentioning(c.dir), `processes of ${c.name}`).toEqual([]);
      expect(fs.existsSync(c.dir), `node directory ${c.dir}`).toBe(false);
      expect(fs.existsSync(recordPath(c.remote_seed)), `front record of ${c.name}`).toBe(false);
    }
  } finally {
    if (p.exitCode === null) try { process.kill(-p.pid!, "SIGKILL"); } catch { /* gone */ }
  }
}

describe("ccr-sandbox up and Ctrl-C", () => {
  it("named clusters, printed with connection URL and remote seed; Ctrl-C leaves nothing behind (3 runs)", async () => {
    await upThenCtrlC(["primary", "replica1"]);
    await upThenCtrlC(["replica2"]);
    await upThenCtrlC(["primary"]);
  }, 900_000);
});
