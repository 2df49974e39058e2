/**
 * Where the seconds of a no-change `pulumi preview --refresh` go, through the real CLI and language host on the local
 * clusters: one stack with N followers + remote + pattern (default 100), previewed with each way of starting the
 * program (lib/project.ts `Entry`), plus the parts measured alone: the same preview without refresh, an empty
 * program's preview (engine, language host and program start), and loading the SDK and this package in a bare `node`.
 *
 *   CCR_ES_VERSION=8 npx tsx bench/preview-time.ts [N] [runs]
 */
import { execFileSync } from "node:child_process";
import { offlineEnv } from "../sandbox/pulumi/engine";
import { repoRoot } from "../sandbox/paths";
import { benchProject, Entry, setEntry } from "./lib/project";
import { fmt, repeat, runInfo, Timing } from "./lib/stats";
import { ensureLeaderIndexes, startWorld } from "./lib/world";

const say = (s: string) => console.log(`[preview-time] ${s}`);

/** N dynamic resources of a provider that does nothing, with inputs shaped like a FollowerIndex's. */
const NOOP_PROGRAM = `
const noop = { async check(_o, n) { return { inputs: n }; }, async diff() { return { changes: false }; }, async create(i) { return { id: i.name, outs: i }; } };
class Noop extends pulumi.dynamic.Resource { constructor(name, args) { super(noop, name, args); } }
const count = new pulumi.Config().requireNumber("followers");
for (let i = 0; i < count; i++) new Noop(\`t-\${i}\`, { name: \`t-\${i}\`, remoteCluster: "leader", leaderIndex: \`l-\${i}\`, connection: { urls: ["http://127.0.0.1:1"] } });
`;

/** Node start plus `require` of the SDK and of this package, as the language host and the provider process pay it. */
export function loadTimes(): Record<string, number> {
  const t = (code: string) => {
    const out = execFileSync(process.execPath, ["-e", `const t=process.hrtime.bigint();${code};console.log(Number(process.hrtime.bigint()-t)/1e6)`], { cwd: repoRoot(), encoding: "utf8" });
    return Math.round(Number(out.trim()));
  };
  const node = (() => {
    const s = process.hrtime.bigint();
    execFileSync(process.execPath, ["-e", "0"]);
    return Math.round(Number(process.hrtime.bigint() - s) / 1e6);
  })();
  return {
    "node start (ms)": node,
    "require @pulumi/pulumi (ms)": t(`require("@pulumi/pulumi")`),
    "require pulumi-elasticsearch-ccr (ms, after the SDK)": t(`require("@pulumi/pulumi");const s=process.hrtime.bigint();require("pulumi-elasticsearch-ccr");console.log(Number(process.hrtime.bigint()-s)/1e6);process.exit(0)`),
    "require typescript (ms)": t(`require("typescript")`),
  };
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100);
  const runs = Number(process.argv[3] ?? 3);
  const entries = (process.env.BENCH_ENTRIES ?? "ts,ts-nocheck,js").split(",") as Entry[];
  const world = await startWorld(say);
  try {
    await ensureLeaderIndexes(world.leader, "l-", n);
    const env = offlineEnv();
    const config = { followers: String(n), followerUrl: world.followerUrl, leaderSeeds: world.leader.transportAddress };
    const p = await benchProject({ name: `preview-${n}`, env, entry: "js", config });
    say(`up: ${n} followers + remote + pattern`);
    await p.up({ skipPreview: true, refresh: false });
    const rows: [string, Timing, number][] = [];
    for (const entry of entries) {
      setEntry(p.dir, `preview-${n}`, entry);
      await p.preview({ refresh: true }); // first run after a change of entry fills caches (ts-node's, the OS's)
      let requests = 0;
      const t = await repeat(`preview --refresh (${entry})`, runs, async () => {
        world.followerProxy.reset();
        const r = await p.preview({ refresh: true, expectNoChanges: true });
        if (r.code !== 0) throw new Error(r.stdout + r.stderr);
        requests = world.followerProxy.total();
      });
      rows.push([`preview --refresh, entry ${entry}`, t, requests]);
      const t2 = await repeat(`preview (${entry})`, runs, async () => {
        world.followerProxy.reset();
        await p.preview({ refresh: false, expectNoChanges: true });
        requests = world.followerProxy.total();
      });
      rows.push([`preview (no refresh), entry ${entry}`, t2, requests]);
    }
    // The floor for N resources of any dynamic provider: N resources of one that does nothing (check returns the
    // inputs, diff reports no change), previewed the same way. What ours takes above it is ours.
    const floor = await benchProject({ name: "preview-floor", env, entry: "js", config: { followers: String(n) }, program: NOOP_PROGRAM });
    await floor.up({ skipPreview: true });
    await floor.preview();
    rows.push([`${n} no-op dynamic resources preview, entry js`, await repeat("no-op", runs, () => floor.preview({ refresh: false, expectNoChanges: true })), 0]);
    await floor.destroy({ skipPreview: true });
    const empty = await benchProject({ name: "preview-empty", env, entry: "js", config: { ...config, followers: "0", pattern: "false" } });
    await empty.up({ skipPreview: true });
    for (const entry of entries) {
      setEntry(empty.dir, "preview-empty", entry);
      await empty.preview();
      rows.push([`empty program preview, entry ${entry}`, await repeat("empty", runs, () => empty.preview()), 0]);
    }
    console.log(JSON.stringify(runInfo({ elasticsearch: world.version, followers: String(n) })));
    for (const [what, t, req] of rows) console.log(`${what.padEnd(44)} ${fmt(t)}; ${req} requests`);
    console.log(JSON.stringify(loadTimes()));
    await p.destroy({ skipPreview: true });
  } finally {
    await world.stop();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
