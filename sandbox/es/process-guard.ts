import * as fs from "node:fs";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { runRoot } from "../paths";

/**
 * Every node the sandbox starts is recorded in <run>/<dir>/owner.json (its PID, its process group, the PID of the
 * process that started it). Three layers make sure no Java process outlives its owner:
 *  1. stop() kills the node's process group;
 *  2. exit/signal hooks of the owning Node process kill whatever it still has running;
 *  3. a detached watchdog shell polls the owner's PID and kills the group when the owner is gone (covers SIGKILL
 *     of the test runner, where no hook runs).
 * `reapOrphans()` finally kills nodes whose recorded owner is dead (used by .ci/run and `ccr-sandbox cleanup`).
 */

const live = new Map<number, string>(); // pgid -> node dir
let hooksInstalled = false;

function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL is the only thing we can still do reliably there.
  process.on("exit", () => {
    for (const pgid of live.keys()) killGroup(pgid, "SIGKILL");
  });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(sig, () => {
      for (const pgid of live.keys()) killGroup(pgid, "SIGKILL");
      process.exit(128 + (sig === "SIGINT" ? 2 : sig === "SIGTERM" ? 15 : 1));
    });
  }
}

export function track(pgid: number, dir: string): void {
  installHooks();
  live.set(pgid, dir);
  fs.writeFileSync(path.join(dir, "owner.json"), JSON.stringify({ pgid, owner: process.pid, started: new Date().toISOString() }));
  // The watchdog is its own session (detached) so that it survives the owner's death, and it exits by itself
  // once the group is gone.
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 -${pgid} 2>/dev/null; do sleep 2; done; ` +
    `kill -TERM -${pgid} 2>/dev/null; sleep 15; kill -KILL -${pgid} 2>/dev/null; exit 0`;
  const w = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
  w.unref();
}

export function untrack(pgid: number): void {
  live.delete(pgid);
}

/** Kills (by process group) nodes recorded under the run directory whose owner process has died. */
export function reapOrphans(log: (s: string) => void = () => {}): number {
  let n = 0;
  let dirs: string[] = [];
  try {
    dirs = fs.readdirSync(runRoot());
  } catch {
    return 0;
  }
  for (const d of dirs) {
    const dir = path.join(runRoot(), d);
    let rec: { pgid: number; owner: number } | undefined;
    try {
      rec = JSON.parse(fs.readFileSync(path.join(dir, "owner.json"), "utf8"));
    } catch {
      continue;
    }
    if (!rec || isAlive(rec.owner)) continue;
    if (killGroup(rec.pgid, "SIGKILL")) {
      n++;
      log(`killed orphaned node group ${rec.pgid} (${dir})`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return n;
}

/** PIDs whose command line mentions `text` (a node's directory appears in its JVM's -Djava.io.tmpdir). */
export function pidsMentioning(text: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, "utf8");
      if (cmd.includes(text) && !cmd.includes("kill -0")) out.push(Number(d));
    } catch { /* exited meanwhile */ }
  }
  return out;
}
