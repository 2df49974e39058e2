/**
 * EMULATED CCR layer: registry of running fronts, one JSON file per transport address under the sandbox run dir,
 * so a follower front (in any process) finds the leader front and node behind a `cluster.remote.<alias>` address.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runRoot } from "../paths";
import type { HttpAuth } from "../es/http";

export interface RegistryEntry {
  transportAddress: string;
  frontUrl: string;
  nodeUrl: string;
  clusterName: string;
  auth?: HttpAuth;
  pid: number;
}

function dir(): string {
  return path.join(runRoot(), "ccr-fronts");
}

function fileFor(address: string): string {
  return path.join(dir(), `${address.replace(/[^A-Za-z0-9.-]/g, "_")}.json`);
}

/** Records this process wrote (file → front URL), removed synchronously at exit if still ours. */
const mine = new Map<string, string>();
let exitHook = false;

function removeMine(): void {
  for (const [f, url] of mine) {
    try {
      if ((JSON.parse(fs.readFileSync(f, "utf8")) as RegistryEntry).frontUrl === url) fs.rmSync(f, { force: true });
    } catch { /* gone or replaced */ }
  }
  mine.clear();
}

export function register(e: RegistryEntry): void {
  fs.mkdirSync(dir(), { recursive: true });
  const f = fileFor(e.transportAddress);
  // A process that exits without stopping its fronts (signal, process.exit) must not leave records behind.
  if (!exitHook) { exitHook = true; process.on("exit", removeMine); }
  mine.set(f, e.frontUrl);
  const tmp = `${f}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(e), { mode: 0o600 });
  fs.renameSync(tmp, f);
}

export function unregister(address: string, frontUrl: string): void {
  const cur = lookup(address);
  if (cur && cur.frontUrl === frontUrl) fs.rmSync(fileFor(address), { force: true });
  if (mine.get(fileFor(address)) === frontUrl) mine.delete(fileFor(address));
}

/** Path of the record for a transport address (for tests and `ccr-sandbox cleanup`). */
export function recordPath(address: string): string {
  return fileFor(address);
}

/** Removes records whose front process is dead (left by a process killed outright). Returns how many. */
export function reapStaleRecords(): number {
  let n = 0;
  let files: string[] = [];
  try { files = fs.readdirSync(dir()).filter((f) => f.endsWith(".json")); } catch { return 0; }
  for (const f of files) {
    const p = path.join(dir(), f);
    try {
      const e = JSON.parse(fs.readFileSync(p, "utf8")) as RegistryEntry;
      try { process.kill(e.pid, 0); } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ESRCH") { fs.rmSync(p, { force: true }); n++; }
      }
    } catch { /* being written or removed */ }
  }
  return n;
}

/** Entry for a transport address; "localhost:p" and "127.0.0.1:p" are treated alike. */
export function lookup(address: string): RegistryEntry | undefined {
  const candidates = [address, address.replace(/^localhost:/, "127.0.0.1:"), address.replace(/^127\.0\.0\.1:/, "localhost:")];
  for (const a of candidates) {
    try {
      return JSON.parse(fs.readFileSync(fileFor(a), "utf8")) as RegistryEntry;
    } catch { /* next */ }
  }
  return undefined;
}
