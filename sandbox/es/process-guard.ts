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
 *
 * On SIGINT/SIGTERM/SIGHUP the owner first runs the graceful shutdown tasks registered with `onShutdown` (the
 * sandbox CLI stops its fronts and nodes there), bounded in time; then, and on every exit, whatever is still
 * tracked is killed and its directory removed synchronously. The signal handler is the only one that exits: an
 * async cleanup in another handler would race this one's process.exit (Ctrl-C used to leave node directories and
 * front records behind that way).
 */

const live = new Map<number, string>(); // pgid -> node dir
const shutdownTasks = new Set<() => Promise<unknown>>();
let hooksInstalled = false;
let shuttingDown = false;
const SHUTDOWN_GRACE_MS = 30_000;

function killGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
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

/**
 * Is any process of the group still running? Zombies (dead, not yet reaped) do not count: `kill(-pgid, 0)` alone
 * would count them, and death after SIGKILL is asynchronous.
 */
export function groupRunning(pgid: number): boolean {
  if (!killGroup(pgid, 0)) return false;
  let entries: string[];
  try { entries = fs.readdirSync("/proc"); } catch { return true; }
  for (const d of entries) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      // pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses: split after the last ')'.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z" && state !== "X") return true;
    } catch { /* exited meanwhile */ }
  }
  return false;
}

/** Synchronous sleep (exit handlers cannot await). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Kills every tracked node group, waits (bounded) until the group is gone, and removes its directory: all
 * synchronous, so it also works inside an 'exit' handler.
 */
function killAllNow(): void {
  for (const [pgid, dir] of [...live.entries()]) {
    killGroup(pgid, "SIGKILL");
    // A SIGKILLed JVM stays in /proc (state R/D) while the kernel frees its heap; on a loaded machine that took
    // over 5 s (seen in CI on 9.5.4), and a CLI that exits before its nodes are gone leaves them for the caller.
    const end = Date.now() + 30_000;
    while (groupRunning(pgid) && Date.now() < end) sleepSync(50);
    live.delete(pgid);
    if (!process.env.CCR_KEEP_NODE_DIRS) {
      try { fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }); } catch { /* best effort at exit */ }
    }
  }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' handlers must be synchronous.
  process.on("exit", killAllNow);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const code = 128 + (sig === "SIGINT" ? 2 : sig === "SIGTERM" ? 15 : 1);
    process.on(sig, () => {
      if (shuttingDown || shutdownTasks.size === 0) {
        // A second signal (or nothing graceful to do): stop now.
        killAllNow();
        process.exit(code);
      }
      shuttingDown = true;
      const grace = new Promise((r) => setTimeout(r, SHUTDOWN_GRACE_MS).unref());
      void Promise.race([Promise.allSettled([...shutdownTasks].map((t) => t())), grace]).finally(() => {
        killAllNow();
        process.exit(code);
      });
    });
  }
}

/**
 * Registers a graceful shutdown task run on SIGINT/SIGTERM/SIGHUP before the process exits (bounded to 30 s; a
 * second signal skips it). Returns a function that unregisters it.
 */
export function onShutdown(task: () => Promise<unknown>): () => void {
  installHooks();
  shutdownTasks.add(task);
  return () => shutdownTasks.delete(task);
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
