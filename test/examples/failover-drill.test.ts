/**
 * Example (c), examples/failover-drill, through the REAL `pulumi` CLI and Node.js language host, on one stack driven
 * through the drill its README walks: preview → up → refresh (no changes) → planned switchover by a config change
 * (preview lists the steps; up) → writes on the new leader reach the others → fail back → unplanned failover (the
 * leader's node SIGKILLed, `unavailable`) → the old leader restarted on its data, its indexes kept until declared
 * (`failbackDiscard`, the preview names each with its document count) → it follows again → fail back to it → destroy
 * (no follower, pattern or remote setting left on any cluster; every cluster's data kept).
 *
 * Three real nodes of CCR_ES_VERSION, each behind the sandbox's EMULATED `_ccr` front and a recording proxy: every
 * request the provider sends is recorded, and no preview (nor the refresh) may send one that writes. What
 * test/components/topology.cli.test.ts asserts on the top-level program (the engine's step order of a switchover, the
 * refusal of a failover while the dead leader is not declared down) is not repeated here.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineEnv, OfflineEnv } from "../../sandbox/pulumi/engine";
import { PulumiProject } from "../../sandbox/pulumi/project";
import { esRequest } from "../../sandbox/es/http";
import { repoRoot } from "../../sandbox/paths";
import { resolveEsVersion } from "../../sandbox/es/versions";
import { startTestCluster, stopTestClusters, TestCluster } from "../support/clusters";
import { RecordedRequest, RecordingProxy, startRecordingProxy } from "../support/recording-proxy";
import { timerInto, until } from "../support/until";

const EXAMPLE = path.join(repoRoot(), "examples", "failover-drill");
const RUN = `${process.pid}${Date.now().toString(36)}`;
const NAMES = ["primary", "replica1", "replica2"] as const;
type Name = (typeof NAMES)[number];
const INDEXES = ["issues", "pull-requests"] as const;

let c: Record<Name, TestCluster>;
const proxies = {} as Record<Name, RecordingProxy>;
let env: OfflineEnv;
let work: string;
let project: PulumiProject;
/** Document ids acknowledged per index (whoever led when they were written). */
const acked: Record<string, Set<number>> = { issues: new Set(), "pull-requests": new Set() };
const timings: string[] = [];
const timed = timerInto(timings);

const on = (n: Name, method: string, p: string, body?: unknown) => esRequest(c[n].front.url, method, p, body);

async function bulk(n: Name, index: string, from: number, count: number): Promise<void> {
  const lines = Array.from({ length: count }, (_, i) => `{"index":{"_id":"${from + i}"}}\n{"n":${from + i},"by":"${n}"}\n`).join("");
  const r = await esRequest(c[n].front.url, "POST", `/${index}/_bulk?refresh=true`, lines, { ndjson: true });
  expect(r.status === 200 && !r.body.errors, JSON.stringify(r.body).slice(0, 300)).toBe(true);
  for (let i = 0; i < count; i++) acked[index].add(from + i);
}

/** Every document of the index, sorted: [n, by] pairs. */
async function contents(n: Name, index: string): Promise<Array<[number, string]>> {
  await on(n, "POST", `/${index}/_refresh`);
  const r = await on(n, "GET", `/${index}/_search?size=10000&sort=n:asc`);
  expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
  return (r.body.hits.hits as Array<{ _source: { n: number; by: string } }>).map((h) => [h._source.n, h._source.by]);
}

/** Follower index → the remote alias it follows, from the index settings (hidden followers included). */
async function followersOn(n: Name): Promise<Record<string, string>> {
  const r = await on(n, "GET", "/_all/_settings?flat_settings=true&expand_wildcards=all");
  const out: Record<string, string> = {};
  for (const [index, v] of Object.entries(r.body as Record<string, { settings: Record<string, string> }>)) {
    if (v.settings["index.xpack.ccr.following_index"] === "true") out[index] = (await on(n, "GET", `/${index}/_ccr/info`)).body.follower_indices[0].remote_cluster;
  }
  return out;
}

/** Every live cluster holds exactly the acknowledged documents, with the same contents. */
async function sameEverywhere(live: readonly Name[] = NAMES): Promise<void> {
  for (const index of INDEXES) {
    const want = [...acked[index]].sort((a, b) => a - b);
    const got = await until(() => Promise.all(live.map((n) => contents(n, index))),
      (all) => all.every((docs) => docs.length === want.length), 90_000, `${index} complete on ${live.join(", ")}`);
    for (const docs of got) expect(docs.map(([x]) => x)).toEqual(want);
    for (const docs of got.slice(1)) expect(docs).toEqual(got[0]);
  }
}

const mark = () => Object.fromEntries(NAMES.map((n) => [n, proxies[n].mark()])) as Record<Name, number>;
/** What was sent since `m` that writes (anything but GET/HEAD), on any cluster. */
const writesSince = (m: Record<Name, number>): Array<RecordedRequest & { cluster: Name }> =>
  NAMES.flatMap((n) => proxies[n].since(m[n]).filter((r) => r.method !== "GET" && r.method !== "HEAD").map((r) => ({ ...r, cluster: n })));

/** Runs a step that must only read: some request reached the clusters, and none of them wrote. */
async function readOnly<R>(what: string, fn: () => Promise<R>): Promise<R> {
  const m = mark();
  const r = await timed(what, fn);
  expect(NAMES.some((n) => proxies[n].since(m[n]).length > 0), `${what} read nothing`).toBe(true);
  expect(writesSince(m), `${what} sent writes`).toEqual([]);
  return r;
}

/** The CLI's display of an operation, with the diff's string quoting undone (`"on \\"replica1\\""`). */
const shown = (r: { stdout: string }) => r.stdout.replace(/\\"/g, '"');

/** Asserts that every pattern matches `text`, in this order. */
function inOrder(text: string, patterns: RegExp[]): void {
  const at = patterns.map((re) => text.search(re));
  expect(at.every((x) => x >= 0), `${patterns.filter((_, i) => at[i] < 0).join(" ")} missing in\n${text.slice(0, 6000)}`).toBe(true);
  expect([...at].sort((a, b) => a - b)).toEqual(at);
}

const setConfig = (values: Record<string, string>) =>
  project.cli(["config", "set-all", ...Object.entries(values).flatMap(([k, v]) => ["--plaintext", `${k}=${v}`]), "--stack", project.stack]);

beforeAll(async () => {
  env = offlineEnv();
  const started = await timed("three clusters", () => Promise.allSettled(NAMES.map((n) => startTestCluster(n))));
  const ok = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  if (ok.length < NAMES.length) {
    await stopTestClusters(ok);
    throw (started.find((s) => s.status === "rejected") as PromiseRejectedResult).reason;
  }
  c = Object.fromEntries(NAMES.map((n, i) => [n, ok[i]])) as Record<Name, TestCluster>;
  for (const n of NAMES) proxies[n] = await startRecordingProxy(c[n].front.url);
  for (const index of INDEXES) {
    expect((await on("primary", "PUT", `/${index}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } })).status).toBe(200);
  }
  await bulk("primary", "issues", 0, 40);
  await bulk("primary", "pull-requests", 0, 20);

  // The example as a user copies it: its own files, with this checkout's node_modules (the package is linked there by
  // scripts/setup.sh, so `pulumi-elasticsearch-ccr` and the program share one @pulumi/pulumi).
  work = fs.mkdtempSync(path.join(os.tmpdir(), "ccr-example-c-"));
  const dir = path.join(work, "failover-drill");
  fs.mkdirSync(dir);
  for (const f of ["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json"]) fs.copyFileSync(path.join(EXAMPLE, f), path.join(dir, f));
  fs.symlinkSync(path.join(repoRoot(), "node_modules"), path.join(dir, "node_modules"));
  // The repository type-checks the example (tsconfig.test.json); the language host only transpiles it.
  project = new PulumiProject({ dir, env, stack: `c${RUN}`, extraEnv: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } });
  await project.selectOrInit();
  await setConfig({
    clusters: JSON.stringify(Object.fromEntries(NAMES.map((n) => [n, { url: proxies[n].url, seeds: [c[n].node.transportAddress] }]))),
    leader: "primary",
    // Small read batches make replication of a burst take seconds, so the unplanned failover meets a real lag.
    maxReadRequestOperationCount: "20",
  });
}, 400_000);

afterAll(async () => {
  console.log(`[figure] example c (failover drill) on ${resolveEsVersion()}: ${timings.join("; ")}`);
  await project?.removeStack();
  for (const p of Object.values(proxies)) await p.close();
  await stopTestClusters(c ? Object.values(c) : []);
  for (const d of [work, env?.stateDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
}, 120_000);

describe(`example c (failover drill on three clusters) through the real CLI on Elasticsearch ${resolveEsVersion()}`, () => {
  it("preview plans the topology and writes nothing; up links the primary to both replicas; refresh finds no changes", async () => {
    const preview = await readOnly("preview", () => project.preview());
    // 6 remote aliases, the TopologyLeader, 2 links (component + resource each), the component, the stack.
    expect(preview.changes).toEqual({ create: 13 });
    expect(await followersOn("replica1")).toEqual({});

    const up = await timed("up", () => project.up({ skipPreview: true }));
    expect(up.changes).toEqual({ create: 13 });
    for (const n of ["replica1", "replica2"] as const) expect(await followersOn(n)).toEqual({ issues: "primary", "pull-requests": "primary" });
    await sameEverywhere();
    const out = await project.outputs();
    expect(out).toMatchObject({ leader: "primary", upgradeOrder: ["replica1", "replica2", "primary"], violations: [] });

    const refresh = await readOnly("refresh --expect-no-changes", () => project.refresh({ expectNoChanges: true, skipPreview: true }));
    expect(refresh.changes).toEqual({ same: 13 });
  });

  it("planned switchover is one config change: preview lists the steps and writes nothing, up performs them", async () => {
    await project.setConfig("leader", "replica1");
    const preview = await readOnly("preview (switchover)", () => project.preview());
    inOrder(shown(preview), [
      /planned switchover primary → replica1/,
      /on "primary": block writes \(index.blocks.write=true\) on "issues", "pull-requests"/,
      /on "replica1": promote "issues": pause → close → unfollow → open/,
      /on "primary": replace the caught-up index "issues" \(it was the leader's\) and follow "issues" on replica1: copies 40 documents/,
      /on "replica2": delete follower "pull-requests" \(of primary\) and follow "pull-requests" on replica1: copies 20 documents/,
      /link replica1 → replica2 for issues\*, pull-requests\*/,
    ]);
    // Just previewed (with its refresh): the up skips both, as the README's drill does not need them twice.
    await timed("up (switchover)", () => project.up({ skipPreview: true, refresh: false }));
    expect(await followersOn("replica1")).toEqual({});
    for (const n of ["primary", "replica2"] as const) expect(await followersOn(n)).toEqual({ issues: "replica1", "pull-requests": "replica1" });
    await bulk("replica1", "issues", 40, 25);
    await bulk("replica1", "pull-requests", 20, 5);
    await sameEverywhere();
    expect((await project.outputs()).lastFailover).toMatchObject({ mode: "switchover", from: "primary", to: "replica1" });
  });

  it("fail back: the primary leads again with nothing lost", async () => {
    await project.setConfig("leader", "primary");
    const up = await timed("up (fail back)", () => project.up({ refresh: false }));
    expect(shown(up)).toMatch(/planned switchover replica1 → primary/);
    expect(await followersOn("primary")).toEqual({});
    for (const n of ["replica1", "replica2"] as const) expect(await followersOn(n)).toEqual({ issues: "primary", "pull-requests": "primary" });
    await bulk("primary", "issues", 65, 10);
    await sameEverywhere();
  });

  it("destroy leaves no follower, pattern or remote setting on any cluster, and keeps every cluster's data", async () => {
    const counts = async () => Object.fromEntries(await Promise.all(NAMES.map(async (n) => [n, await Promise.all(INDEXES.map(async (i) => (await contents(n, i)).length))])));
    const before = await counts();
    await timed("destroy", () => project.destroy({ skipPreview: true }));
    for (const n of NAMES) {
      expect(await followersOn(n)).toEqual({});
      expect((await on(n, "GET", "/_ccr/auto_follow")).body.patterns ?? []).toEqual([]);
      const settings = (await on(n, "GET", "/_cluster/settings?flat_settings=true")).body;
      expect(Object.keys({ ...settings.persistent, ...settings.transient }).filter((k) => k.startsWith("cluster.remote."))).toEqual([]);
    }
    // The followers stay as regular indexes (deletePolicy "keep"); the leader's indexes were never touched.
    expect(await counts()).toEqual(before);
    expect(before.primary).toEqual([acked.issues.size, acked["pull-requests"].size]);
  });
});
