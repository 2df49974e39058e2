/**
 * Where the CPU goes while `pulumi up` creates N followers, beside the direct script doing the same calls: CPU
 * seconds per process group (the CLI's engine, the Node.js language host, the program, the dynamic-provider
 * process, the two Elasticsearch JVMs, this process, which holds the EMULATED `_ccr` fronts and the counting
 * proxies), sampled from /proc. On two cores, every CPU-second of ours is one the nodes cannot spend answering
 * PUT follow, so this is the figure behind the `up` ratio. A figure printer, not a test.
 *
 *   CCR_ES_VERSION=8 npx tsx bench/up-cpu.ts 100 [parallel]      # parallel default 64
 */
import * as fs from "node:fs";
import { offlineEnv } from "../sandbox/pulumi/engine";
import { benchProject } from "./lib/project";
import { cleanSlate, ensureLeaderIndexes, startWorld, World } from "./lib/world";
import { directFollow } from "./replication-link";

const TICK = 100; // USER_HZ on Linux

interface Sample { group: string; cpu: number }

function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** The group of `pid` or of its nearest ancestor in `roots` (a node's JVM runs under the launcher that was started). */
function rootGroup(pid: number, roots: Map<number, string>): string | undefined {
  for (let p: number | undefined = pid, hops = 0; p && p > 1 && hops < 8; p = parentOf(p), hops++) {
    const g = roots.get(p);
    if (g) return g;
  }
  return undefined;
}

function group(pid: string, self: number, jvms: Map<number, string>): string | undefined {
  if (+pid === self) return "bench process (EMULATED _ccr fronts, proxies)";
  const j = rootGroup(+pid, jvms);
  if (j) return j;
  let cmd: string;
  try {
    cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return undefined;
  }
  if (cmd.includes("dynamic-provider")) return "dynamic-provider process";
  if (cmd.includes("pulumi-language-nodejs")) return "language host (Go)";
  if (/run-plugin|@pulumi\/pulumi\/cmd\/run/.test(cmd)) return "program (node)";
  if (/\/pulumi (up|preview|refresh|destroy)\b/.test(cmd) || /^\S*pulumi (up|preview|refresh|destroy)\b/.test(cmd)) return "engine (pulumi CLI)";
  return undefined;
}

function cpuOf(pid: string): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime, stime are fields 14 and 15 (1-based), i.e. 11 and 12 after the command.
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return undefined;
  }
}

/** CPU seconds per group spent while `fn` runs (processes that start and end in between are caught by sampling). */
async function cpuDuring<T>(jvms: Map<number, string>, fn: () => Promise<T>): Promise<{ value: T; byGroup: Map<string, number>; wallS: number }> {
  const start = new Map<string, number>();
  const last = new Map<string, Sample>();
  const sample = (first: boolean) => {
    for (const pid of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      const g = last.get(pid)?.group ?? group(pid, process.pid, jvms);
      if (!g) continue;
      const c = cpuOf(pid);
      if (c === undefined) continue;
      if (first) start.set(pid, c);
      last.set(pid, { group: g, cpu: c });
    }
  };
  sample(true);
  const timer = setInterval(() => sample(false), 50);
  const t = Date.now();
  try {
    const value = await fn();
    sample(false);
    const byGroup = new Map<string, number>();
    for (const [pid, s] of last) byGroup.set(s.group, (byGroup.get(s.group) ?? 0) + s.cpu - (start.get(pid) ?? 0));
    return { value, byGroup, wallS: (Date.now() - t) / 1000 };
  } finally {
    clearInterval(timer);
  }
}

function print(label: string, r: { byGroup: Map<string, number>; wallS: number }): void {
  const total = [...r.byGroup.values()].reduce((a, b) => a + b, 0);
  console.log(`[up-cpu] ${label}: ${r.wallS.toFixed(2)} s wall, ${total.toFixed(2)} CPU-s in all (${(total / r.wallS).toFixed(2)} cores busy on average)`);
  for (const [g, c] of [...r.byGroup].sort((a, b) => b[1] - a[1])) console.log(`[up-cpu]   ${c.toFixed(2).padStart(7)} CPU-s  ${g}`);
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100);
  const parallel = Number(process.argv[3] ?? 64);
  const world: World = await startWorld((s) => console.log(`[up-cpu] ${s}`));
  try {
    const jvms = new Map<number, string>([[world.leader.node.pid, "leader JVM"], [world.follower.node.pid, "follower JVM"]]);
    await ensureLeaderIndexes(world.leader, "l-", n);
    const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
    // Direct first and alternating: the first heavy work on fresh JVMs pays their JIT warm-up, which would be
    // charged to whichever side runs first.
    for (let round = 1; round <= rounds; round++) {
      const names = Array.from({ length: n }, (_, i) => `d-${i}`);
      const direct = await cpuDuring(jvms, () => directFollow(world, names, names.map((_, i) => `l-${i}`)));
      print(`round ${round}: direct script, ${n} PUT follows 8 at a time + wait`, direct);
      await cleanSlate(world, "d-", { remote: true });
      const p = await benchProject({
        name: `cpu-${n}`, env: offlineEnv(), entry: "js",
        config: { followers: String(n), followerUrl: world.followerUrl, leaderSeeds: world.leader.transportAddress },
      });
      world.followerProxy.reset();
      const ours = await cpuDuring(jvms, () => p.up({ skipPreview: true, refresh: false, extraArgs: ["--parallel", String(parallel)] }));
      print(`round ${round}: pulumi up --parallel ${parallel} of ${n} followers + remote + pattern (${world.followerProxy.total()} requests to the follower)`, ours);
      for (const l of world.followerProxy.profile.summary()) console.log(`[up-cpu]     ${l}`);
      if (round === 1) print("no-change up (the engine's fixed cost)", await cpuDuring(jvms, () => p.up({ skipPreview: true, refresh: false, expectNoChanges: true })));
      await p.destroy({ skipPreview: true });
      await p.removeStack();
      await cleanSlate(world, "f-");
    }
  } finally {
    await world.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
