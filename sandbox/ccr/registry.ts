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

export function register(e: RegistryEntry): void {
  fs.mkdirSync(dir(), { recursive: true });
  const f = fileFor(e.transportAddress);
  const tmp = `${f}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(e), { mode: 0o600 });
  fs.renameSync(tmp, f);
}

export function unregister(address: string, frontUrl: string): void {
  const cur = lookup(address);
  if (cur && cur.frontUrl === frontUrl) fs.rmSync(fileFor(address), { force: true });
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
