/**
 * Example (c), examples/failover-drill, through the REAL `pulumi` CLI and Node.js language host, on one stack driven
 * through the drill its README walks: preview → up → refresh (no changes) → up --expect-no-changes → drift made out
 * of band on the clusters (a follower paused, a link's pattern paused, the other link's pattern deleted, a follower
 * retuned, a remote alias removed, a leader index deleted) → `pulumi preview --refresh` and the package's drift
 * command name each drifted thing → `pulumi up` (Pulumi.yaml `refresh: always`) repairs what the program declares and
 * leaves the deleted leader's followers, as the links' default `onLeaderDeleted: "leave"` says → refresh (no
 * changes) → those followers deleted by hand, the next up stops tracking them → the leader's node SIGKILLed during a
 * burst of writes → unplanned failover by config (refused until the dead cluster is declared `unavailable`; the
 * reported possible loss is exactly what the new leader is missing) → the old leader restarted on its data: its
 * indexes, which hold writes the others never saw, are kept until declared (`failbackDiscard`; the preview names each
 * with its document count), then replaced by followers of the leader → writes on the leader reach every cluster →
 * fail back, a planned switchover by one config change (the preview lists the ordered steps; nothing acknowledged is
 * lost) → destroy (no follower, pattern or remote setting left on any cluster; every cluster's data kept).
 *
 * Three real nodes of CCR_ES_VERSION, each behind the sandbox's EMULATED `_ccr` front and a recording proxy: every
 * request the provider sends is recorded, and no preview (nor a refresh, nor the drift command) may send one that
 * writes. The drift itself is made on the fronts directly (not through the proxies).
 * test/components/topology.cli.test.ts drives the top-level program through a planned switchover primary → replica1
 * and back (with the engine's step order); that is not repeated here.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineEnv, OfflineEnv } from "../../sandbox/pulumi/engine";
import { EngineStep, OperationResult, PulumiProject } from "../../sandbox/pulumi/project";
import { resolveEsVersion } from "../../sandbox/es/versions";
import { startTestCluster, stopTestClusters, TestCluster } from "../support/clusters";
import { documents } from "../support/documents";
import { exampleProject } from "../support/example-project";
import { RecordedRequest, RecordingProxy, startRecordingProxy } from "../support/recording-proxy";
import { runDriftCommand } from "../support/drift-command";
import { timerInto, until } from "../support/until";

const RUN = `${process.pid}${Date.now().toString(36)}`;
const NAMES = ["primary", "replica1", "replica2"] as const;
type Name = (typeof NAMES)[number];
const INDEXES = ["issues", "pull-requests"] as const;
const REPLICAS = ["replica1", "replica2"] as const;
/** A leader index that matches the patterns and is deleted on the primary by the drift step (its followers stay). */
const GONE = "issues-gone";
const T = "pulumi-nodejs:dynamic/elasticsearch-ccr:";
/** The links' auto-follow patterns (and ReplicationLinkFollowers resources): `<topology>-<leader>-<cluster>`. */
const PATTERN = { replica1: "drill-primary-replica1", replica2: "drill-primary-replica2" } as const;

let c: Record<Name, TestCluster>;
const proxies = {} as Record<Name, RecordingProxy>;
let env: OfflineEnv;
let work: string;
let project: PulumiProject;
const timings: string[] = [];
const figures: string[] = [];
/** What the unplanned failover reported and what the new leader was missing then. */
let failover: { lost: number[]; lossOps: number };
const timed = timerInto(timings);

const { acked, on, bulk, contents, followersOn, sameEverywhere } = documents<Name>({ names: NAMES, indexes: INDEXES, url: (n) => c[n].front.url });

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

/** `op Type::name` of the steps that change something (not same, not the refresh reads, not the stack's), sorted. */
const changesOf = (r: OperationResult): string[] =>
  r.steps.filter((s) => !["same", "refresh", "read"].includes(s.op) && !s.type.startsWith("pulumi:"))
    .map((s) => `${s.op} ${s.type.replace(T, "")}::${s.urn.split("::").pop()}`).sort();
/** The step of one resource (by its type's last segment and name). */
const stepOf = (r: OperationResult, type: string, name: string): EngineStep | undefined => r.steps.find((s) => s.urn.endsWith(`${type}::${name}`) && s.op !== "refresh");

/** `_ccr/info` of one follower on `n` (undefined: not a follower). */
async function followInfo(n: Name, index: string): Promise<{ status: string; parameters?: Record<string, unknown> } | undefined> {
  const r = await on(n, "GET", `/${index}/_ccr/info`);
  return r.status === 200 ? r.body.follower_indices?.find((f: { follower_index: string }) => f.follower_index === index) : undefined;
}

/** The link's auto-follow pattern on `n` (undefined: absent). */
async function patternOn(n: (typeof REPLICAS)[number]): Promise<{ active: boolean; remote_cluster: string } | undefined> {
  const r = await on(n, "GET", `/_ccr/auto_follow/${PATTERN[n]}`);
  return r.status === 200 ? r.body.patterns[0].pattern : undefined;
}

/** `cluster.remote.<alias>.*` in the persistent settings of `n`. */
async function remoteSettings(n: Name, alias: string): Promise<Record<string, unknown>> {
  const r = await on(n, "GET", "/_cluster/settings?flat_settings=true");
  return Object.fromEntries(Object.entries(r.body.persistent as Record<string, unknown>).filter(([k]) => k.startsWith(`cluster.remote.${alias}.`)));
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
  expect((await on("primary", "PUT", `/${GONE}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } })).status).toBe(200);
  await bulk("primary", GONE, 0, 5);

  work = fs.mkdtempSync(path.join(os.tmpdir(), "ccr-example-c-"));
  project = await exampleProject({ example: "failover-drill", work, env, stack: `c${RUN}` });
  await setConfig({
    clusters: JSON.stringify(Object.fromEntries(NAMES.map((n) => [n, { url: proxies[n].url, seeds: [c[n].node.transportAddress] }]))),
    leader: "primary",
    // Small read batches make replication of a burst take seconds, so the unplanned failover meets a real lag.
    maxReadRequestOperationCount: "20",
  });
}, 400_000);

afterAll(async () => {
  console.log([...figures, `example c (failover drill) on ${resolveEsVersion()}: ${timings.join("; ")}`].map((f) => `[figure] ${f}`).join("\n"));
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
    for (const n of REPLICAS) expect(await followersOn(n)).toEqual({ issues: "primary", "pull-requests": "primary", [GONE]: "primary" });
    await sameEverywhere();
    const out = await project.outputs();
    expect(out).toMatchObject({ leader: "primary", upgradeOrder: ["replica1", "replica2", "primary"], violations: [] });

    const refresh = await readOnly("refresh --expect-no-changes", () => project.refresh({ expectNoChanges: true, skipPreview: true }));
    expect(refresh.changes).toEqual({ same: 13 });
    // An up with nothing to do (its refresh included, Pulumi.yaml) writes nothing either.
    const again = await readOnly("up --expect-no-changes", () => project.up({ expectNoChanges: true, skipPreview: true }));
    expect(again.changes).toEqual({ same: 13 });
  });

  // The checks of each drifted thing are soft: a run reports every one that fails, not only the first.
  it("drift made out of band: preview --refresh and the drift command name each drifted thing, and write nothing", async () => {
    // Made directly on the clusters (their fronts, not the recording proxies), as an operator or an accident would.
    // A leader index deleted on the primary: its followers' shard tasks stop (index_not_found, a fatal error).
    expect((await on("primary", "DELETE", `/${GONE}`)).status).toBe(200);
    for (const n of REPLICAS) {
      await until(async () => JSON.stringify((await on(n, "GET", `/${GONE}/_ccr/stats`)).body), (b) => b.includes("fatal_exception"), 30_000, `${GONE} failed on ${n}`);
    }
    // replica1: a follower paused, the link's pattern paused.
    expect((await on("replica1", "POST", "/issues/_ccr/pause_follow")).status).toBe(200);
    expect((await on("replica1", "POST", `/_ccr/auto_follow/${PATTERN.replica1}/pause`)).status).toBe(200);
    // replica2: the link's pattern deleted, a follower retuned (pause, then resume with other parameters).
    expect((await on("replica2", "DELETE", `/_ccr/auto_follow/${PATTERN.replica2}`)).status).toBe(200);
    expect((await on("replica2", "POST", "/pull-requests/_ccr/pause_follow")).status).toBe(200);
    expect((await on("replica2", "POST", "/pull-requests/_ccr/resume_follow", { max_read_request_operation_count: 999 })).status).toBe(200);
    // replica1: its remote alias for the primary removed (every key nulled in one request, as Elasticsearch requires).
    const nulls = Object.fromEntries(Object.keys(await remoteSettings("replica1", "primary")).map((k) => [k, null]));
    expect(Object.keys(nulls).length).toBeGreaterThan(0);
    expect((await on("replica1", "PUT", "/_cluster/settings", { persistent: nulls })).status).toBe(200);
    expect(await remoteSettings("replica1", "primary")).toEqual({});

    const preview = await readOnly("preview --refresh (drift)", () => project.preview({ refresh: true }));
    // The removed alias is created again; each link is updated to repair what drifted on its cluster; nothing else.
    expect.soft(changesOf(preview)).toEqual([
      "create RemoteCluster::drill-replica1-primary",
      `update ReplicationLinkFollowers::${PATTERN.replica1}`,
      `update ReplicationLinkFollowers::${PATTERN.replica2}`,
    ]);
    // What each link found pending, and the display (`--diff`) shows the same lines.
    const pending = (n: (typeof REPLICAS)[number]) => [...((stepOf(preview, "ReplicationLinkFollowers", PATTERN[n])?.old?.outputs?.pending as string[] | undefined) ?? [])].sort();
    expect.soft(pending("replica1")).toEqual([
      expect.stringMatching(new RegExp(`^leave ${GONE}: leader deleted \\(${GONE}\\); reported only`)),
      expect.stringMatching(/^resume issues: paused out of band/),
      expect.stringMatching(new RegExp(`^resume pattern ${PATTERN.replica1}: paused out of band`)),
    ]);
    expect.soft(pending("replica2")).toEqual([
      expect.stringMatching(new RegExp(`^leave ${GONE}: leader deleted \\(${GONE}\\); reported only`)),
      expect.stringMatching(new RegExp(`^restore pattern ${PATTERN.replica2}: deleted out of band`)),
      expect.stringMatching(/^retune pull-requests: runs with other parameters than declared \(max_read_request_operation_count 999 -> 20\)/),
    ]);
    const text = shown(preview);
    for (const line of [...pending("replica1"), ...pending("replica2")]) expect.soft(text, line).toContain(line);

    // The package's drift command (a refresh in preview mode, summarised): exit 1, one finding per drifted thing.
    const r = await readOnly("drift command (drift)", () => runDriftCommand(project, ["--json"]));
    expect(r.code, r.stderr.slice(-3000)).toBe(1);
    const findings = (JSON.parse(r.stdout).findings as Array<{ kind: string; name: string; problem: string; detail: string }>)
      .map((f) => `${f.kind} ${f.name}: ${f.problem}: ${f.detail}`).sort();
    // The followers of the deleted leader, one per link: their tasks stopped with index_not_found.
    const gone = findings.filter((f) => f.startsWith(`follower ${GONE}: `));
    expect.soft(gone).toEqual(REPLICAS.map((n) => expect.stringMatching(new RegExp(`^follower ${GONE}: failed: .*no such index \\[${GONE}\\].* \\(follower of link ${PATTERN[n]}\\)$`))));
    expect.soft(findings.filter((f) => !gone.includes(f))).toEqual([
      "follower issues: paused: follower of link drill-primary-replica1 paused",
      ...pending("replica1").map((p) => `link ${PATTERN.replica1}: changed: pending: ${p}`),
      `link ${PATTERN.replica1}: disconnected: the link's remote alias is not connected`,
      `link ${PATTERN.replica1}: paused: the link's auto-follow pattern is paused`,
      ...pending("replica2").map((p) => `link ${PATTERN.replica2}: changed: pending: ${p}`),
      `link ${PATTERN.replica2}: missing: the link's auto-follow pattern is not on the cluster`,
      "remote primary: missing: deleted outside Pulumi (in the state, not on the cluster)",
    ].sort());
  });

  it("pulumi up repairs the drift; the deleted leader's followers are left, as the link's default policy says", async () => {
    // Pulumi.yaml `refresh: always`: a plain `up` reads the clusters first.
    const up = await timed("up (repair)", () => project.up({ skipPreview: true }));
    expect.soft(changesOf(up)).toEqual([
      "create RemoteCluster::drill-replica1-primary",
      `update ReplicationLinkFollowers::${PATTERN.replica1}`,
      `update ReplicationLinkFollowers::${PATTERN.replica2}`,
    ]);
    // The paused follower is active again and the retuned one runs with the declared parameters (both declared by
    // `maxReadRequestOperationCount: 20` in stack config).
    for (const [n, index] of [["replica1", "issues"], ["replica2", "pull-requests"]] as const) {
      expect.soft(await followInfo(n, index)).toMatchObject({ status: "active", parameters: { max_read_request_operation_count: 20 } });
    }
    // Both patterns are there and active, following the primary.
    for (const n of REPLICAS) expect.soft(await patternOn(n)).toMatchObject({ active: true, remote_cluster: "primary" });
    // The alias is back as declared, and connected.
    expect.soft(await remoteSettings("replica1", "primary")).toMatchObject({ "cluster.remote.primary.seeds": [c.primary.node.transportAddress] });
    expect.soft((await on("replica1", "GET", "/_remote/info")).body.primary).toMatchObject({ connected: true });
    // onLeaderDeleted "leave" (the Topology's links do not set it): the followers of the deleted leader stay, with
    // their documents, and the link keeps reporting them.
    for (const n of REPLICAS) {
      expect.soft(await followersOn(n)).toEqual({ issues: "primary", "pull-requests": "primary", [GONE]: "primary" });
      expect.soft((await contents(n, GONE)).length).toBe(5);
    }
    // Documents written after the repair reach both replicas (the resumed and the retuned follower among them).
    await bulk("primary", "issues", 100, 10);
    await bulk("primary", "pull-requests", 100, 5);
    await sameEverywhere();
    // A refresh right after finds nothing to change.
    const refresh = await readOnly("refresh --expect-no-changes (repaired)", () => project.refresh({ expectNoChanges: true, skipPreview: true }));
    expect(refresh.changes).toEqual({ same: 13 });

    // The operator acts on the report: the followers of the deleted leader are deleted by hand; the next up stops
    // tracking them, and the topology is back to its two application indexes for the rest of the drill.
    for (const n of REPLICAS) expect((await on(n, "DELETE", `/${GONE}`)).status).toBe(200);
    const cleanup = await timed("up (after the leftovers were deleted)", () => project.up({ skipPreview: true }));
    expect(changesOf(cleanup)).toEqual(REPLICAS.map((n) => `update ReplicationLinkFollowers::${PATTERN[n]}`));
    for (const n of REPLICAS) expect(await followersOn(n)).toEqual({ issues: "primary", "pull-requests": "primary" });
    // The leader's data was never touched by any of it.
    expect((await Promise.all(INDEXES.map((i) => contents("primary", i)))).map((d) => d.length)).toEqual([acked.issues.size, acked["pull-requests"].size]);
  });

  it("unplanned failover: the leader's node dies; refused until declared down, then the loss reported is what is missing", async () => {
    const before = new Set(acked.issues);
    await bulk("primary", "issues", 1000, 1500);
    await new Promise((r) => setTimeout(r, 1500)); // the followers' next reads see the leader's new checkpoint
    await c.primary.node.kill(); // SIGKILL of the node's process group; its data directory stays
    await project.setConfig("leader", "replica1");
    // refresh=false: a refresh would read the resources on the dead cluster (README: unplanned failover).
    const refused = await readOnly("preview (leader dead, not declared down)", () => project.preview({ refresh: false, allowFailure: true }));
    expect(refused.code).not.toBe(0);
    expect(shown({ stdout: refused.stdout + refused.stderr })).toMatch(/cluster "primary" does not answer .*declare it down: unavailable: \["primary"\].*pulumi config set unavailable primary/s);
    await project.setConfig("unavailable", "primary");
    const t0 = Date.now();
    const up = await timed("up (unplanned failover)", () => project.up({ refresh: false }));
    const took = (Date.now() - t0) / 1000;
    // Its preview (shown first) is the step list: no wait, the loss report, promotion, re-pointing, nothing on primary.
    inOrder(shown(up), [
      /unplanned failover primary → replica1 \(old leader unreachable\)/,
      /Possible loss, the lag on "replica1" at promotion: \d+ operations/,
      /on "replica1": promote "issues"/,
      /on "replica2": delete follower "issues" \(of primary\) and follow "issues" on replica1/,
      /not now: the old leader "primary" is unreachable/,
    ]);
    const lf = (await project.outputs()).lastFailover as { mode: string; possibleLossOps: number; lossByIndex: Record<string, number>; seconds: number };
    expect(lf).toMatchObject({ mode: "failover", from: "primary", to: "replica1" });
    const present = (await contents("replica1", "issues")).map(([n]) => n);
    const missing = [...acked.issues].filter((n) => !present.includes(n));
    for (const n of before) expect(present).toContain(n); // everything replicated before the burst survived
    expect(present.every((n) => acked.issues.has(n))).toBe(true);
    expect(lf.lossByIndex).toEqual({ issues: missing.length, "pull-requests": 0 });
    expect(await followersOn("replica1")).toEqual({});
    expect(await followersOn("replica2")).toEqual({ issues: "replica1", "pull-requests": "replica1" });
    failover = { lost: missing, lossOps: lf.possibleLossOps };
    figures.push(`unplanned failover primary → replica1 (SIGKILL): up ${took.toFixed(1)} s, steps ${lf.seconds.toFixed(1)} s; acknowledged ${acked.issues.size}, ` +
      `on the new leader ${present.length}, missing ${missing.length}, reported possible loss ${lf.possibleLossOps} operations`);
  });

  it("the old leader back on its data: its indexes are kept until declared, then replaced by followers of the leader", async () => {
    await timed("restart of primary's node", () => c.primary.node.restart());
    // It answers again and still holds everything it acknowledged, the burst the others never saw included.
    const held = Object.fromEntries(await Promise.all(INDEXES.map(async (i) => [i, (await contents("primary", i)).length] as const)));
    expect(held).toEqual({ issues: acked.issues.size, "pull-requests": acked["pull-requests"].size });
    await project.cli(["config", "rm", "unavailable", "--stack", project.stack]);
    const preview = await readOnly("preview (old leader back)", () => project.preview());
    const text = shown(preview);
    for (const i of INDEXES) {
      expect(text).toContain(`"primary" holds the regular index "${i}" (${held[i]} documents) that replica1 cannot replicate into; it is kept. ` +
        `To replace it by a follower of replica1 (discarding those documents), declare failback.discard: [{ cluster: "primary", index: "${i}", docs: ${held[i]} }]`);
    }
    await project.setConfig("failbackDiscard", JSON.stringify(INDEXES.map((index) => ({ cluster: "primary", index, docs: held[index] }))));
    // Just previewed with a refresh: the up skips both (CI time). What it performed is its `plan` output, the same
    // text a preview of it shows.
    await timed("up (failback discard)", () => project.up({ skipPreview: true, refresh: false }));
    inOrder(((await project.outputs()).plan as string[]).join("\n"), [
      /Failback: replace declared indexes by followers of the leader/,
      new RegExp(`on "primary": DISCARD "issues" \\(${held.issues} documents`),
      new RegExp(`on "primary": DISCARD "pull-requests" \\(${held["pull-requests"]} documents`),
    ]);
    for (const n of ["primary", "replica2"] as const) expect(await followersOn(n)).toEqual({ issues: "replica1", "pull-requests": "replica1" });
    // What the failover reported as possible loss is gone for good now: declared, and discarded with primary's copy.
    expect(failover.lost.length).toBe(failover.lossOps);
    for (const n of failover.lost) acked.issues.delete(n);
    // Writes on the leader of the moment reach both others, the returned primary included.
    await bulk("replica1", "issues", 3000, 10);
    await bulk("replica1", "pull-requests", 3000, 5);
    await sameEverywhere();
    expect(Object.keys((await project.outputs()).health as object).sort()).toEqual(["replica1 → primary", "replica1 → replica2"]);
  });

  it("fail back is a planned switchover, one config change: preview lists the steps and writes nothing, up performs them", async () => {
    await project.cli(["config", "rm", "failbackDiscard", "--stack", project.stack]);
    await project.setConfig("leader", "primary");
    const preview = await readOnly("preview (fail back)", () => project.preview());
    const docs = { issues: acked.issues.size, "pull-requests": acked["pull-requests"].size };
    inOrder(shown(preview), [
      /planned switchover replica1 → primary \(old leader reachable\)/,
      /on "primary": pause auto-follow pattern "drill-replica1-primary"/,
      /on "replica1": block writes \(index.blocks.write=true\) on "issues", "pull-requests"/,
      /on "primary": wait up to 300 s until every follower of replica1 has lag 0/,
      /on "primary": promote "issues": pause → close → unfollow → open/,
      new RegExp(`on "replica1": replace the caught-up index "issues" \\(it was the leader's\\) and follow "issues" on primary: copies ${docs.issues} documents`),
      new RegExp(`on "replica2": delete follower "pull-requests" \\(of replica1\\) and follow "pull-requests" on primary: copies ${docs["pull-requests"]} documents`),
      /link primary → replica1 for issues\*, pull-requests\*/,
    ]);
    expect(await followersOn("primary")).toEqual({ issues: "replica1", "pull-requests": "replica1" }); // the preview wrote nothing
    const t0 = Date.now();
    // Just previewed (with its refresh): the up skips both.
    await timed("up (fail back)", () => project.up({ skipPreview: true, refresh: false }));
    const took = (Date.now() - t0) / 1000;
    expect(await followersOn("primary")).toEqual({});
    for (const n of ["replica1", "replica2"] as const) expect(await followersOn(n)).toEqual({ issues: "primary", "pull-requests": "primary" });
    await sameEverywhere(); // nothing acknowledged before the switchover is lost
    await bulk("primary", "issues", 4000, 10);
    await sameEverywhere();
    const out = await project.outputs();
    const lf = out.lastFailover as { seconds: number; waitSeconds: number };
    expect(out).toMatchObject({ leader: "primary", upgradeOrder: ["replica1", "replica2", "primary"], violations: [] });
    expect(out.lastFailover).toMatchObject({ mode: "switchover", from: "replica1", to: "primary", writesStopped: false });
    figures.push(`fail back replica1 → primary after the rejoin: up ${took.toFixed(1)} s, steps ${lf.seconds.toFixed(1)} s, catch-up wait ${lf.waitSeconds.toFixed(2)} s, documents lost 0`);
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
