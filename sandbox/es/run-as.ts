import * as fs from "node:fs";
import { spawnSync } from "node:child_process";

/** The unprivileged account nodes run as when the sandbox itself runs as root (CI and our machines do). */
export const NODE_USER = "es-ccr";

export interface RunAs {
  /** Command prefix that drops privileges; empty when not root. */
  prefix: string[];
  uid?: number;
  gid?: number;
}

function idOf(flag: "-u" | "-g"): number | undefined {
  const r = spawnSync("id", [flag, NODE_USER], { encoding: "utf8" });
  return r.status === 0 ? Number(r.stdout.trim()) : undefined;
}

/**
 * Elasticsearch exits with "can not run elasticsearch as root". As root we create (once) a system account and
 * start the node through `setpriv`, which execs in place: the PID we record is the node's own launcher.
 */
export function nodeRunAs(): RunAs {
  if (process.getuid?.() !== 0) return { prefix: [] };
  if (idOf("-u") === undefined) {
    const r = spawnSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", NODE_USER], { encoding: "utf8" });
    if (r.status !== 0 && idOf("-u") === undefined) throw new Error(`running as root, and creating the user '${NODE_USER}' for Elasticsearch failed: ${r.stderr}`);
  }
  const setpriv = spawnSync("sh", ["-c", "command -v setpriv"], { encoding: "utf8" });
  if (setpriv.status !== 0) throw new Error("running as root needs 'setpriv' (util-linux) to start Elasticsearch as an unprivileged user");
  return { prefix: [setpriv.stdout.trim(), `--reuid=${NODE_USER}`, `--regid=${NODE_USER}`, "--init-groups"], uid: idOf("-u"), gid: idOf("-g") };
}

export function chownTree(dir: string, runAs: RunAs): void {
  if (runAs.uid === undefined || runAs.gid === undefined) return;
  const walk = (p: string) => {
    fs.chownSync(p, runAs.uid!, runAs.gid!);
    if (fs.statSync(p).isDirectory()) for (const c of fs.readdirSync(p)) walk(`${p}/${c}`);
  };
  walk(dir);
}
