/**
 * Follower life cycle in the EMULATED `_ccr` layer on two real nodes of CCR_ES_VERSION: deleted followers lose their
 * shard-follow tasks (ShardFollowTaskCleaner), slow restores (the `restoreDelayMs` knob), and the REST response
 * parameters (filter_path, pretty, error_trace) applied to the layer's own answers as the real node applies them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, docs, Pair, startPair, stopPair, until } from "../helpers";
import { prettyJson, renderAnswer } from "../../../sandbox/ccr/response";

// Indexes named slow-* take 6 s to "restore"; everything else restores at once.
const SLOW_MS = 6000;
let p: Pair;
beforeAll(async () => { p = await startPair({ restoreDelayMs: (index) => (index.startsWith("slow-") ? SLOW_MS : 0) }); });
afterAll(async () => { await stopPair(p); });

const mkLeader = async (name: string, n: number, from = 0) => {
  expect((await call(p.leader, "PUT", `/${name}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } })).status).toBe(200);
  for (let i = from; i < from + n; i++) await call(p.leader, "PUT", `/${name}/_doc/${i}`, { n: i });
};
const follow = (f: string, leader: string, q = "?wait_for_active_shards=1") =>
  call(p.follower, "PUT", `/${f}/_ccr/follow${q}`, { remote_cluster: "leader", leader_index: leader });
const raw = async (base: string, path: string, init?: RequestInit) => {
  const r = await fetch(`${base}${path}`, init);
  return { status: r.status, text: await r.text() };
};

describe("a deleted follower loses its shard-follow tasks (ShardFollowTaskCleaner)", () => {
  for (const via of ["front", "node"] as const) {
    it(`leader deleted → follower fatal → follower deleted (${via}) → leader recreated → a new follower of the same name replicates`, async () => {
      const [l, f] = [`d-l-${via}`, `d-f-${via}`];
      await mkLeader(l, 2);
      expect((await follow(f, l)).status).toBe(200);
      await call(p.leader, "DELETE", `/${l}`);
      await until(() => call(p.follower, "GET", `/${f}/_ccr/stats`), (x) => !!x.body.indices?.[0]?.shards[0].fatal_exception, 30_000, "fatal_exception");
      const del = via === "front" ? await call(p.follower, "DELETE", `/${f}`) : await p.followerNode.request("DELETE", `/${f}`);
      expect(del.status).toBe(200);

      await mkLeader(l, 1, 100);
      expect((await follow(f, l)).body).toEqual({ follow_index_created: true, follow_index_shards_acked: true, index_following_started: true });
      await call(p.leader, "PUT", `/${l}/_doc/after-follow`, { n: 101 });
      await until(() => docs(p.follower, f), (d) => "after-follow" in d, 15_000, "a document written after the new follow replicates");
      const st = await call(p.follower, "GET", `/${f}/_ccr/stats`);
      expect(st.body.indices[0].shards[0].fatal_exception).toBeUndefined();
      expect((await call(p.follower, "GET", `/${f}/_ccr/info`)).body.follower_indices[0].status).toBe("active");
    });
  }

  it("a paused follower deleted on the node and recreated as a regular index is no follower any more", async () => {
    await mkLeader("d-l-paused", 1);
    expect((await follow("d-f-paused", "d-l-paused")).status).toBe(200);
    expect((await call(p.follower, "POST", "/d-f-paused/_ccr/pause_follow")).status).toBe(200);
    expect((await p.followerNode.request("DELETE", "/d-f-paused")).status).toBe(200);
    expect((await p.followerNode.request("PUT", "/d-f-paused", { settings: { number_of_replicas: 0 } })).status).toBe(200);
    expect((await call(p.follower, "GET", "/d-f-paused/_ccr/info")).body).toEqual({ follower_indices: [] });
    expect((await call(p.follower, "PUT", "/d-f-paused/_doc/1", { mine: true })).status).toBe(201);
  });
});

describe("slow restores (restoreDelayMs)", () => {
  const OPEN_INDEX_REASON = (f: string) => `[_ccr_leader:_latest_/_latest_] cannot restore index [${f}] because an open index with same name already exists in the cluster. Either close or delete the existing index or restore the index under a different name by providing a rename pattern and replacement name`;

  it("wait_for_active_shards=1 outlives a client timeout; a second PUT during the restore → 500 snapshot_restore_exception; the restore completes", async () => {
    await mkLeader("slow-l1", 3);
    const t0 = Date.now();
    // A client whose request timeout (1 s) is shorter than the restore gives up; the restore goes on (as on ES).
    const first = await fetch(`${p.follower.url}/slow-f1/_ccr/follow?wait_for_active_shards=1`, {
      method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ remote_cluster: "leader", leader_index: "slow-l1" }),
      signal: AbortSignal.timeout(1000),
    }).then(() => "answered", (e: Error) => e.name);
    expect(first).toBe("TimeoutError");
    // During the restore: the follower exists, paused, without parameters (no shard-follow tasks yet); no stats.
    // (The layer records the follower right after the node created the index: wait for both, not just the index.)
    const info = await until(() => call(p.follower, "GET", "/slow-f1/_ccr/info"), (x) => x.body?.follower_indices?.length === 1, 5_000, "follower recorded");
    expect(info.body).toEqual({ follower_indices: [{ follower_index: "slow-f1", remote_cluster: "leader", leader_index: "slow-l1", status: "paused" }] });
    expect((await call(p.follower, "GET", "/slow-f1/_ccr/stats")).status).toBe(404);
    // The restore shows in the recovery API as Elasticsearch shows a CCR restore: a SNAPSHOT recovery of the primary
    // from the repository _ccr_<alias> (CcrRepository), whole-cluster and index-scoped, filter_path applied.
    const rec = await call(p.follower, "GET", "/_recovery?active_only=true&filter_path=*.shards.type,*.shards.source.repository");
    expect(rec.body["slow-f1"]).toEqual({ shards: [{ type: "SNAPSHOT", source: { repository: "_ccr_leader" } }] });
    expect((await call(p.follower, "GET", "/slow-f1/_recovery")).body["slow-f1"].shards[0]).toMatchObject({ type: "SNAPSHOT", stage: "INDEX", primary: true, source: { index: "slow-l1", snapshot: "_latest_" } });
    const second = await follow("slow-f1", "slow-l1");
    expect(Date.now() - t0).toBeLessThan(SLOW_MS);
    const reason = OPEN_INDEX_REASON("slow-f1");
    expect(second).toEqual({ status: 500, body: { error: { root_cause: [{ type: "snapshot_restore_exception", reason }], type: "snapshot_restore_exception", reason }, status: 500 } });
    const done = await until(() => call(p.follower, "GET", "/slow-f1/_ccr/info"), (x) => x.body.follower_indices?.[0]?.status === "active", SLOW_MS + 15_000, "restore completes");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(SLOW_MS);
    expect(done.body.follower_indices[0].parameters).toBeDefined();
    expect(Object.keys(await docs(p.follower, "slow-f1")).sort()).toEqual(["0", "1", "2"]);
    expect((await call(p.follower, "GET", "/_recovery?active_only=true")).body["slow-f1"]).toBeUndefined();
  });

  it("PUT follows of one name sent at once: one restores, the others get the restore's 500, and the restore shows and completes as one", async () => {
    await mkLeader("slow-l4", 2);
    const t0 = Date.now();
    // Sent together, every request finds no index of that name; one creates it, and the others' restores then find
    // it open (RestoreService's cluster-state update), as a PUT sent later does.
    const answers = await Promise.all(Array.from({ length: 4 }, () => follow("slow-f4", "slow-l4", "?wait_for_active_shards=0")));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    const reason = OPEN_INDEX_REASON("slow-f4");
    for (const a of answers.filter((x) => x.status !== 200)) {
      expect(a).toEqual({ status: 500, body: { error: { root_cause: [{ type: "snapshot_restore_exception", reason }], type: "snapshot_restore_exception", reason }, status: 500 } });
    }
    // The failed ones did not end the restore that runs: it still shows as one, and the follower as paused.
    expect(Date.now() - t0).toBeLessThan(SLOW_MS);
    expect((await call(p.follower, "GET", "/slow-f4/_recovery")).body["slow-f4"]?.shards?.[0]).toMatchObject({ type: "SNAPSHOT", source: { index: "slow-l4" } });
    expect((await call(p.follower, "GET", "/slow-f4/_ccr/info")).body.follower_indices).toEqual([{ follower_index: "slow-f4", remote_cluster: "leader", leader_index: "slow-l4", status: "paused" }]);
    await until(() => call(p.follower, "GET", "/slow-f4/_ccr/info"), (x) => x.body.follower_indices[0].status === "active", SLOW_MS + 15_000, "the one restore completes");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(SLOW_MS);
    expect(Object.keys(await docs(p.follower, "slow-f4")).sort()).toEqual(["0", "1"]);
  });

  it("wait_for_active_shards=1 answers only after the restore, with everything acknowledged", async () => {
    await mkLeader("slow-l2", 1);
    const t0 = Date.now();
    const r = await follow("slow-f2", "slow-l2");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(SLOW_MS);
    expect(r.body).toEqual({ follow_index_created: true, follow_index_shards_acked: true, index_following_started: true });
    expect((await call(p.follower, "GET", "/slow-f2/_ccr/info")).body.follower_indices[0].status).toBe("active");
  });

  it("wait_for_active_shards=0 answers at once; info shows paused without parameters until the restore is done", async () => {
    await mkLeader("slow-l3", 1);
    const t0 = Date.now();
    const r = await follow("slow-f3", "slow-l3", "?wait_for_active_shards=0");
    expect(Date.now() - t0).toBeLessThan(SLOW_MS);
    expect(r.body).toEqual({ follow_index_created: true, follow_index_shards_acked: false, index_following_started: false });
    expect((await call(p.follower, "GET", "/slow-f3/_ccr/info")).body.follower_indices).toEqual([{ follower_index: "slow-f3", remote_cluster: "leader", leader_index: "slow-l3", status: "paused" }]);
    await until(() => call(p.follower, "GET", "/slow-f3/_ccr/info"), (x) => x.body.follower_indices[0].status === "active" && !!x.body.follower_indices[0].parameters, SLOW_MS + 15_000, "active after the restore");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(SLOW_MS);
  });
});

describe("filter_path, pretty and error_trace on the layer's answers, as the node applies them to its own", () => {
  it("the layer's renderer produces the node's exact bytes on non-CCR endpoints (successes and errors)", async () => {
    const node = p.followerNode.httpUrl;
    const cases: Array<[string, string]> = [
      ["/_nodes/_local", "nodes.*.roles"], ["/_nodes/_local", "**.roles"], ["/_cluster/health", "cluster_name,number_of_*"],
      ["/_cluster/health", "-active_shards_percent_as_number,-status"], ["/_cluster/health", "status,-status"], ["/_cluster/health", "nothing"],
      ["/_search?size=0", "hits.hits,_shards.total"],
    ];
    for (const [path, fp] of cases) {
      const full = JSON.parse((await raw(node, path)).text);
      for (const pretty of [false, true]) {
        const q = new URLSearchParams(path.split("?")[1] ?? "");
        q.set("filter_path", fp);
        if (pretty) q.set("pretty", "");
        const real = await raw(node, `${path.split("?")[0]}?${q}`);
        expect(renderAnswer(200, full, q), `${path} filter_path=${fp} pretty=${pretty}`).toBe(real.text);
      }
    }
    // Errors: never filtered; pretty applies; stack traces only with error_trace=true, in the same places.
    const err = await raw(node, "/missing-index");
    const errBody = JSON.parse(err.text);
    for (const qs of ["filter_path=error.type", "filter_path=error.type&pretty", "pretty", "error_trace=false"]) {
      expect(renderAnswer(404, errBody, new URLSearchParams(qs)), qs).toBe((await raw(node, `/missing-index?${qs}`)).text);
    }
    const tracePaths = (v: unknown, path = ""): string[] => typeof v !== "object" || v === null ? [] :
      Object.entries(v).flatMap(([k, x]) => (k === "stack_trace" ? [path] : tracePaths(x, `${path}/${k}`)));
    for (const qs of ["error_trace=true", "error_trace="]) {
      const realTrace = JSON.parse((await raw(node, `/missing-index?${qs}`)).text);
      const ours = JSON.parse(renderAnswer(404, errBody, new URLSearchParams(qs)));
      expect(tracePaths(ours), qs).toEqual(tracePaths(realTrace));
      expect(tracePaths(ours), qs).toEqual(["/error/root_cause/0", "/error"]);
    }
  });

  it("_ccr answers honour filter_path, pretty and error_trace", async () => {
    const info = await raw(p.follower.url, "/_all/_ccr/info?filter_path=follower_indices.follower_index,-follower_indices.status&pretty");
    expect(info.status).toBe(200);
    const names = (await call(p.follower, "GET", "/_all/_ccr/info")).body.follower_indices.map((f: { follower_index: string }) => ({ follower_index: f.follower_index }));
    expect(names.length).toBeGreaterThan(0);
    expect(info.text).toBe(prettyJson({ follower_indices: names }));
    expect((await raw(p.follower.url, "/_all/_ccr/info?filter_path=nothing")).text).toBe("{}");
    const plain = await raw(p.follower.url, "/nope/_ccr/info?filter_path=error.type");
    expect(JSON.parse(plain.text).error.reason).toBe("no such index [nope]"); // errors are not filtered
    expect(plain.text).not.toContain("stack_trace");
    const traced = JSON.parse((await raw(p.follower.url, "/nope/_ccr/info?error_trace=true")).text);
    expect(traced.error.stack_trace).toMatch(/^\[nope\] org\.elasticsearch\.index\.IndexNotFoundException: no such index \[nope\]\n\tat /);
    expect(traced.error.root_cause[0].stack_trace).toBeDefined();
  });
});
