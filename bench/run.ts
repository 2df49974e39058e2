/**
 * `npm run bench`: every benchmark in one run, on one pair of local clusters (real Elasticsearch of CCR_ES_VERSION
 * behind the sandbox's EMULATED `_ccr` layer), each figure printed with its target, the ratio to the direct way
 * (and to Elastic's Terraform provider under OpenTofu when scripts/build-terraform.sh has built them) and how it ran.
 * A figure printer, not a test: nothing here is part of `npm test`.
 *
 *   npm run bench                               # sizes 10,100,1000
 *   BENCH_SIZES=10,100 BENCH_RUNS=3 npm run bench -- --readme   # also writes the table into README.md
 *
 * Per size N: `pulumi up` creating N followers + remote + pattern through the real CLI (program compiled ahead of
 * time, see bench/preview-time.ts for why) vs the direct follow + wait; the engine's fixed cost (a no-change `up` of
 * the same stack); `pulumi refresh` (requests per cluster per wave, wall time vs one direct `_ccr/stats` +
 * `_ccr/info` read, the provider process's peak RSS); `pulumi preview --refresh` and without refresh (requests);
 * state bytes per resource; the same work with OpenTofu + terraform-provider-elasticstack; the ReplicationLink over
 * N pre-existing leader indexes vs the direct bootstrap (bench/replication-link.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { offlineEnv, PULUMI_CLI_VERSION } from "../sandbox/pulumi/engine";
import { repoRoot } from "../sandbox/paths";
import { esRequest } from "../sandbox/es/http";
import { benchProject, setEntry, SMALL_YOUNG_GEN, stateFigures, withNodeOptions, withProviderRss } from "./lib/project";
import { fmt, repeat, runInfo, Timing } from "./lib/stats";
import { findTofu, tofuBench } from "./lib/terraform";
import { cleanSlate, ensureLeaderIndexes, World, startWorld } from "./lib/world";
import { directFollow, linkBench } from "./replication-link";

const say = (s: string) => console.log(`[bench] ${s}`);
const SIZES = (process.env.BENCH_SIZES ?? "10,100,1000").split(",").map(Number);
const LINK_SIZES = (process.env.BENCH_LINK_SIZES ?? process.env.BENCH_SIZES ?? "10,100,1000").split(",").map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** The sizes the Terraform side runs at (default: all of BENCH_SIZES). */
const TERRAFORM_SIZES = process.env.BENCH_TERRAFORM_SIZES?.split(",").map(Number);
/** `pulumi up --parallel` of the second create (the CLI's default is 4 per CPU: 8 here). */
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 64);
/** Follows of the uncounted warm-up pass on the fresh nodes (0: none). */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 100);

interface Row {
  figure: string;
  n: number;
  ours: string;
  direct?: string;
  terraform?: string;
  ratio?: string;
  target: string;
  ok?: boolean;
}
const rows: Row[] = [];
function row(r: Row): void {
  rows.push(r);
  say(`${r.figure} @${r.n}: ours ${r.ours}${r.direct ? `; direct ${r.direct}` : ""}${r.terraform ? `; terraform ${r.terraform}` : ""}${r.ratio ? `; ratio ${r.ratio}` : ""}; target ${r.target}${r.ok === undefined ? "" : r.ok ? " — met" : " — NOT met"}`);
}
const s2 = (x: number) => `${x.toFixed(2)} s`;
const x2 = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

async function directRead(w: World): Promise<Timing> {
  return repeat("direct read", Math.max(RUNS, 5), async () => {
    const a = await esRequest(w.followerUrl, "GET", "/_all/_ccr/info", undefined, { auth: w.follower.auth });
    const b = await esRequest(w.followerUrl, "GET", "/_ccr/stats", undefined, { auth: w.follower.auth });
    if (a.status !== 200 || b.status !== 200) throw new Error(`direct read: ${a.status} ${b.status}`);
  });
}

async function ours(w: World, n: number, last: boolean): Promise<Record<string, number>> {
  const env = offlineEnv();
  const config = { followers: String(n), followerUrl: w.followerUrl, leaderSeeds: w.leader.transportAddress };
  const p = await benchProject({ name: `ours-${n}`, env, entry: "js", config });
  const out: Record<string, number> = {};
  try {
    w.followerProxy.reset();
    w.leaderProxy.reset();
    let t = Date.now();
    await p.up({ skipPreview: true, refresh: false });
    out.upS = (Date.now() - t) / 1000;
    out.upRequests = w.followerProxy.total() + w.leaderProxy.total();
    out.upBytesPerResource = Math.round(w.followerProxy.bytes() / (n + 2));
    say(`ours @${n}: up's requests to the follower per kind (time in flight summed over concurrent requests; window from the start of the up):`);
    for (const l of w.followerProxy.profile.summary()) say(`ours @${n}:   ${l}`);
    const fixed = await repeat("no-change up", RUNS, () => p.up({ skipPreview: true, refresh: false, expectNoChanges: true }));
    out.fixedS = fixed.medianS;
    say(`ours @${n}: up ${s2(out.upS)}, ${out.upRequests} requests (${(out.upRequests / (n + 2)).toFixed(1)}/resource, ${out.upBytesPerResource} B read/resource); engine fixed cost (no-change up) ${fmt(fixed)}`);

    let refreshRequests = 0;
    const rss = await withProviderRss(p.dir, () => repeat("refresh", RUNS, async () => {
      w.followerProxy.reset();
      await p.refresh({ skipPreview: true, expectNoChanges: true });
      refreshRequests = w.followerProxy.total();
    }));
    out.refreshS = rss.value.medianS;
    out.refreshRequests = refreshRequests;
    out.peakRssMb = rss.peakRssMb;
    say(`ours @${n}: refresh ${fmt(rss.value)}, ${refreshRequests} requests to the follower; provider peak RSS ${rss.peakRssMb.toFixed(0)} MB`);
    // The same refresh with V8's young generation capped (README, "Many followers in one stack").
    const small = await withNodeOptions(SMALL_YOUNG_GEN, () => withProviderRss(p.dir, () => repeat("refresh (small young generation)", RUNS, () => p.refresh({ skipPreview: true, expectNoChanges: true }))));
    out.refreshSmallS = small.value.medianS;
    out.peakRssSmallMb = small.peakRssMb;
    say(`ours @${n}: refresh with NODE_OPTIONS=${SMALL_YOUNG_GEN} ${fmt(small.value)}; provider peak RSS ${small.peakRssMb.toFixed(0)} MB`);

    let previewRequests = 0;
    const pv = await repeat("preview", RUNS, async () => {
      w.followerProxy.reset();
      await p.preview({ refresh: false, expectNoChanges: true });
      previewRequests = w.followerProxy.total();
    });
    out.previewS = pv.medianS;
    out.previewRequests = previewRequests;
    const pvr = await repeat("preview --refresh", RUNS, () => p.preview({ refresh: true, expectNoChanges: true }));
    out.previewRefreshS = pvr.medianS;
    if (n === 100 || last) {
      // The same stack with the program as a TypeScript entry point type-checked by ts-node (the default a
      // `pulumi new typescript` project has): the cost bench/preview-time.ts breaks down.
      for (const [entry, k] of [["ts", "previewRefreshTsS"], ["ts-nocheck", "previewRefreshNoCheckS"]] as const) {
        setEntry(p.dir, `ours-${n}`, entry);
        await p.preview({ refresh: true });
        out[k] = (await repeat(`preview --refresh (${entry})`, RUNS, () => p.preview({ refresh: true, expectNoChanges: true }))).medianS;
      }
      setEntry(p.dir, `ours-${n}`, "js");
    }
    say(`ours @${n}: preview ${fmt(pv)} (${previewRequests} requests); preview --refresh ${fmt(pvr)}${out.previewRefreshTsS ? `; index.ts type-checked ${s2(out.previewRefreshTsS)}, with noCheck ${s2(out.previewRefreshNoCheckS)}` : ""}`);
    const st = await stateFigures(p);
    out.stateBytesPerResource = st.perResourceBytes;
    out.providerTextBytes = st.providerBytes;
    say(`ours @${n}: state ${st.perResourceBytes} B per resource (largest ${st.maxResourceBytes} B, provider text ${st.providerBytes} B)`);
    t = Date.now();
    await p.destroy({ skipPreview: true });
    out.destroyS = (Date.now() - t) / 1000;
    // The same create with the engine's parallelism raised: the provider still sends at most WRITES_PER_CLUSTER
    // writes at a time to the cluster (the direct script's 8 in flight), and the waits for "active" no longer hold
    // the engine's slots.
    await cleanSlate(w, "f-");
    w.followerProxy.reset();
    w.leaderProxy.reset();
    t = Date.now();
    await p.up({ skipPreview: true, refresh: false, extraArgs: ["--parallel", String(PARALLEL)] });
    out.upParallelS = (Date.now() - t) / 1000;
    out.upParallelRequests = w.followerProxy.total() + w.leaderProxy.total();
    say(`ours @${n}: up --parallel ${PARALLEL} ${s2(out.upParallelS)}, ${out.upParallelRequests} requests`);
    for (const l of w.followerProxy.profile.summary()) say(`ours @${n}:   ${l}`);
    await p.destroy({ skipPreview: true });
  } finally {
    await p.removeStack();
    fs.rmSync(env.stateDir, { recursive: true, force: true });
    await cleanSlate(w, "f-");
  }
  return out;
}

function writeReadme(info: Record<string, string>): void {
  const file = path.join(repoRoot(), "README.md");
  const text = fs.readFileSync(file, "utf8");
  const begin = "<!-- bench:begin -->";
  const end = "<!-- bench:end -->";
  if (!text.includes(begin)) throw new Error(`README.md has no ${begin} … ${end} markers`);
  const table = [
    begin,
    `One run of \`${process.env.BENCH_COMMAND ?? "npm run bench"}\` on ${info.date}: ${info.machine}; Elasticsearch ${info.elasticsearch} (\`_ccr\` EMULATED), Pulumi CLI ${info.pulumi}, Node ${info.node}${info.terraform ? `, ${info.terraform}` : ""}. Times are tinybench medians of ${RUNS} runs where repeated (creates run once).`,
    "",
    "| figure | N | ours | direct | Terraform | ratio | target | met |",
    "|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.figure} | ${r.n} | ${r.ours} | ${r.direct ?? ""} | ${r.terraform ?? ""} | ${r.ratio ?? ""} | ${r.target} | ${r.ok === undefined ? "" : r.ok ? "yes" : "**no**"} |`),
    end,
  ].join("\n");
  fs.writeFileSync(file, text.replace(new RegExp(`${begin}[\\s\\S]*?${end}`), table));
  say("README.md benchmark table written");
}

async function main(): Promise<void> {
  const started = Date.now();
  const tofu = findTofu();
  // rootInfo: the proxy answers `GET /` (the integ-test-zip refuses it with 405); Elastic's Terraform provider
  // cannot run without it, and both tools then see the same proxy. Without it every Terraform section failed.
  const world = await startWorld(say, { rootInfo: true });
  try {
    const info = runInfo({ elasticsearch: world.version, pulumi: PULUMI_CLI_VERSION, sizes: SIZES.join(","), runs: String(RUNS), ...(tofu ? { terraform: tofu.versions } : {}) });
    say(`how it runs: ${JSON.stringify(info)}`);
    if (!tofu) say("Terraform side: not built here (run `bash scripts/build-terraform.sh` once); its columns stay empty");
    const max = Math.max(...SIZES);
    const made = await ensureLeaderIndexes(world.leader, "l-", max);
    say(`${made} leader indexes l-* created (${max} wanted)`);
    if (WARMUP > 0) {
      // Fresh JVMs run the first heavy work at a fraction of their speed (JIT compilation): on fresh nodes the
      // direct script's 100 follows took 23–24 s, and 9–12 s right after (bench/up-cpu.ts, 2026-12-02). Whatever
      // section ran first paid that, and ours ran first. A direct pass that is not counted warms both nodes.
      const names = Array.from({ length: WARMUP }, (_, i) => `w-${i}`);
      const s = await directFollow(world, names, names.map((_, i) => `l-${i % max}`));
      say(`warm-up (not counted): the direct script, ${WARMUP} follows, ${s2(s)}`);
      await cleanSlate(world, "w-", { remote: true });
    }
    for (const n of SIZES) {
      const o = await ours(world, n, n === max);
      const names = Array.from({ length: n }, (_, i) => `d-${i}`);
      world.followerProxy.reset();
      const direct = await directFollow(world, names, names.map((_, i) => `l-${i}`));
      const directRequests = world.followerProxy.total();
      say(`direct @${n}: requests to the follower per kind:`);
      for (const l of world.followerProxy.profile.summary()) say(`direct @${n}:   ${l}`);
      const read = await directRead(world);
      await cleanSlate(world, "d-", { remote: true });
      const directEach = await directFollow(world, names, names.map((_, i) => `l-${i}`), "0", true);
      say(`direct @${n}, follow + wait each, 8 workers: ${s2(directEach)}`);
      await cleanSlate(world, "d-", { remote: true });
      const tf = TERRAFORM_SIZES && !TERRAFORM_SIZES.includes(n) ? (say(`terraform @${n}: skipped (BENCH_TERRAFORM_SIZES=${TERRAFORM_SIZES.join(",")})`), undefined)
        : await tofuBench(world, n, RUNS, say, PARALLEL);
      const tfs = (k: string, f = s2) => (tf && tf[k] !== undefined ? f(tf[k]) : undefined);
      const ahead = (k: string) => (tf ? o[k] <= tf[k] : undefined);
      row({ figure: "`pulumi up` creating N followers + remote + pattern, vs the direct script at the engine's concurrency (8 workers, each follow + wait for active)", n, ours: s2(o.upS), direct: s2(directEach),
        ratio: `${x2(o.upS, directEach)} direct (${x2(o.upS - o.fixedS, directEach)} without the engine's fixed cost)`, target: "≤ 1.3× direct", ok: o.upS / directEach <= 1.3 });
      row({ figure: "`pulumi up` creating N followers + remote + pattern, vs the direct script sending every follow first (8 in flight), then one wait for all", n, ours: s2(o.upS), direct: s2(direct), terraform: tfs("upS"), ratio: `${x2(o.upS, direct)} direct (${x2(o.upS - o.fixedS, direct)} without the engine's fixed cost)${tf ? `, ${x2(o.upS, tf.upS)} Terraform` : ""}`, target: "≤ 1.3× direct, ahead of Terraform", ok: o.upS / direct <= 1.3 && ahead("upS") !== false });
      row({ figure: `\`pulumi up --parallel ${PARALLEL}\` creating N followers + remote + pattern`, n, ours: s2(o.upParallelS), direct: s2(direct), terraform: tfs("upParallelS", (x) => `${s2(x)} (-parallelism=${PARALLEL})`),
        ratio: `${x2(o.upParallelS, direct)} direct (${x2(o.upParallelS - o.fixedS, direct)} without the engine's fixed cost)${tf?.upParallelS ? `, ${x2(o.upParallelS, tf.upParallelS)} Terraform` : ""}`,
        target: "≤ 1.3× direct, ahead of Terraform", ok: o.upParallelS / direct <= 1.3 && ahead("upParallelS") !== false });
      row({ figure: "engine fixed cost (no-change `up`, no refresh)", n, ours: s2(o.fixedS), terraform: tfs("fixedS"), target: "reported separately", ok: ahead("fixedS") });
      row({ figure: "requests sent by the create", n, ours: `${o.upRequests} (${(o.upRequests / (n + 2)).toFixed(1)}/resource)`, direct: `${directRequests} (incl. polling)`, terraform: tfs("upRequests", String), target: "ahead of Terraform", ok: ahead("upRequests") });
      row({ figure: "bytes read per created resource", n, ours: `${o.upBytesPerResource} B`, terraform: tfs("upBytesPerResource", (x) => `${x} B`), target: "not growing with N", ok: ahead("upBytesPerResource") });
      row({ figure: "`pulumi refresh`: requests to the follower per wave", n, ours: String(o.refreshRequests), terraform: tfs("refreshRequests", String), target: "≤ 6, independent of N", ok: o.refreshRequests <= 6 && ahead("refreshRequests") !== false });
      row({ figure: "`pulumi refresh` wall time", n, ours: s2(o.refreshS), direct: `${read.medianS.toFixed(3)} s (\`_ccr/info\` + \`_ccr/stats\`)`, terraform: tfs("refreshS"), ratio: `${x2(o.refreshS, read.medianS)} direct${tf ? `, ${x2(o.refreshS, tf.refreshS)} Terraform` : ""}`, target: "ahead of Terraform", ok: ahead("refreshS") });
      row({ figure: "`pulumi preview` (no refresh): requests", n, ours: String(o.previewRequests), terraform: tfs("previewRequests", String), target: "0", ok: o.previewRequests === 0 });
      row({ figure: "`pulumi preview` (no refresh) wall time", n, ours: s2(o.previewS), terraform: tfs("previewS"), target: "ahead of Terraform", ok: ahead("previewS") });
      row({ figure: "no-change `pulumi preview --refresh` wall time", n, ours: `${s2(o.previewRefreshS)}${o.previewRefreshTsS ? ` (index.ts type-checked: ${s2(o.previewRefreshTsS)}; with noCheck: ${s2(o.previewRefreshNoCheckS)})` : ""}`, terraform: tfs("previewRefreshS"), ratio: tf ? x2(o.previewRefreshS, tf.previewRefreshS) : undefined, target: "ahead of Terraform", ok: ahead("previewRefreshS") });
      row({ figure: "state bytes per resource", n, ours: `${o.stateBytesPerResource} B (provider text ${o.providerTextBytes} B)`, terraform: tfs("stateBytesPerResource", (x) => `${x} B`), target: "≤ 4 KB", ok: o.stateBytesPerResource <= 4096 });
      row({ figure: "provider process peak RSS (refresh)", n, ours: `${o.peakRssMb.toFixed(0)} MB`, target: "≤ 150 MB at 1000", ok: n < 1000 ? undefined : o.peakRssMb <= 150 });
      row({ figure: `provider process peak RSS (refresh), \`NODE_OPTIONS=${SMALL_YOUNG_GEN}\``, n, ours: `${o.peakRssSmallMb.toFixed(0)} MB (refresh ${s2(o.refreshSmallS)})`, target: "≤ 150 MB at 1000", ok: n < 1000 ? undefined : o.peakRssSmallMb <= 150 });
    }
    for (const n of LINK_SIZES) {
      const l = await linkBench(world, n, say);
      row({ figure: "ReplicationLink create over N existing leader indexes", n, ours: `${s2(l.linkSeconds)} (${l.linkRequests} requests)`, direct: s2(l.directSeconds), ratio: `${l.ratio.toFixed(2)}×`, target: "≤ 1.3×", ok: l.ratio <= 1.3 });
      row({ figure: "ReplicationLink refresh: requests", n, ours: String(l.refreshRequests), target: "O(1) in N", ok: undefined });
    }
    console.log("");
    console.log(`| figure | N | ours | direct | Terraform | ratio | target | met |`);
    for (const r of rows) console.log(`| ${r.figure} | ${r.n} | ${r.ours} | ${r.direct ?? ""} | ${r.terraform ?? ""} | ${r.ratio ?? ""} | ${r.target} | ${r.ok === undefined ? "" : r.ok ? "yes" : "NO"} |`);
    say(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (process.argv.includes("--readme")) writeReadme(info);
  } finally {
    await world.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
