/**
 * Conformance of the EMULATED `_ccr` layer against the reference (shared/reference/es-ccr-api.md, sections 2-4),
 * on two real nodes of CCR_ES_VERSION.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulk, call, docs, Pair, startPair, stopPair, until } from "../helpers";

let p: Pair;
beforeAll(async () => { p = await startPair(); });
afterAll(async () => { await stopPair(p); });

const err = (r: { status: number; body: any }) => ({ status: r.status, type: r.body?.error?.type, reason: r.body?.error?.reason });
const mkLeader = async (name: string, shards = 1, n = 3) => {
  expect((await call(p.leader, "PUT", `/${name}`, { settings: { number_of_shards: shards, number_of_replicas: 0 } })).status).toBe(200);
  for (let i = 0; i < n; i++) await call(p.leader, "PUT", `/${name}/_doc/${i}`, { n: i });
};
const follow = (f: string, body: Record<string, unknown>, q = "?wait_for_active_shards=1") => call(p.follower, "PUT", `/${f}/_ccr/follow${q}`, body);

describe("PUT /<index>/_ccr/follow", () => {
  it("creates a follower with the leader's shards, mappings and documents; info shows default parameters", async () => {
    await mkLeader("c-l1", 2, 5);
    const r = await follow("c-f1", { remote_cluster: "leader", leader_index: "c-l1", settings: { "index.number_of_replicas": 0 } });
    expect(r.body).toEqual({ follow_index_created: true, follow_index_shards_acked: true, index_following_started: true });
    const s = await call(p.follower, "GET", "/c-f1/_settings");
    expect(s.body["c-f1"].settings.index.number_of_shards).toBe("2");
    expect(Object.keys(await docs(p.follower, "c-f1"))).toHaveLength(5);
    const info = await call(p.follower, "GET", "/c-f1/_ccr/info");
    expect(info.body).toEqual({ follower_indices: [{ follower_index: "c-f1", remote_cluster: "leader", leader_index: "c-l1", status: "active", parameters: {
      max_read_request_operation_count: 5120, max_read_request_size: "32mb", max_outstanding_read_requests: 12,
      max_write_request_operation_count: 5120, max_write_request_size: "9223372036854775807b", max_outstanding_write_requests: 9,
      max_write_buffer_count: 2147483647, max_write_buffer_size: "512mb", max_retry_delay: "500ms", read_poll_timeout: "1m" } }] });
  });

  it("wait_for_active_shards=0 answers {true,false,false} and info briefly reports paused without parameters", async () => {
    await mkLeader("c-l2");
    const r = await follow("c-f2", { remote_cluster: "leader", leader_index: "c-l2", max_read_request_size: "1024k", max_retry_delay: "2s" }, "");
    expect(r.body).toEqual({ follow_index_created: true, follow_index_shards_acked: false, index_following_started: false });
    const early = await call(p.follower, "GET", "/c-f2/_ccr/info");
    expect(early.body.follower_indices[0]).toEqual({ follower_index: "c-f2", remote_cluster: "leader", leader_index: "c-l2", status: "paused" });
    const later = await until(() => call(p.follower, "GET", "/c-f2/_ccr/info"), (x) => x.body.follower_indices[0].status === "active");
    expect(later.body.follower_indices[0].parameters.max_read_request_size).toBe("1024kb");
    expect(later.body.follower_indices[0].parameters.max_retry_delay).toBe("2s");
  });

  it("error rows: unknown field, validation, no such remote, missing leader, alias leader, forbidden override, open index", async () => {
    expect(err(await follow("x", { remote_cluster: "leader", leader_index: "c-l1", bogus: 1 }))).toEqual({ status: 400, type: "x_content_parse_exception", reason: "[1:50] [indices:admin/xpack/ccr/put_follow] unknown field [bogus]" });
    expect(err(await follow("x", { leader_index: "c-l1", max_outstanding_read_requests: 0 }))).toEqual({ status: 400, type: "action_request_validation_exception", reason: "Validation Failed: 1: remote_cluster is missing;2: max_outstanding_read_requests must be larger than 0;" });
    expect(err(await follow("x", { remote_cluster: "leader", leader_index: "c-l1", max_retry_delay: "6m" })).reason).toBe("Validation Failed: 1: [max_retry_delay] must be less than [5m] but was [6m];");
    expect(err(await follow("x", { remote_cluster: "nope", leader_index: "c-l1" }))).toEqual({ status: 404, type: "no_such_remote_cluster_exception", reason: "no such remote cluster: [nope]" });
    expect(err(await follow("x", { remote_cluster: "leader", leader_index: "missing" }))).toEqual({ status: 404, type: "index_not_found_exception", reason: "no such index [missing]" });
    await call(p.leader, "POST", "/_aliases", { actions: [{ add: { index: "c-l1", alias: "c-alias" } }] });
    expect(err(await follow("x", { remote_cluster: "leader", leader_index: "c-alias" }))).toEqual({ status: 400, type: "illegal_argument_exception", reason: "cannot follow [c-alias], because it is a ALIAS" });
    expect(err(await follow("x", { remote_cluster: "leader", leader_index: "c-l1", settings: { "index.number_of_shards": 3 } }))).toEqual({ status: 400, type: "illegal_argument_exception", reason: 'can not put follower index that could override leader settings {"index.number_of_shards":"3"}' });
    const open = err(await follow("c-f1", { remote_cluster: "leader", leader_index: "c-l1" }));
    expect(open.status).toBe(500);
    expect(open.type).toBe("snapshot_restore_exception");
    expect(open.reason).toContain("cannot restore index [c-f1] because an open index with same name already exists in the cluster");
  });

  it("leader closed → index_closed_exception", async () => {
    await mkLeader("c-closed", 1, 0);
    await call(p.leader, "POST", "/c-closed/_close");
    const e = err(await follow("x", { remote_cluster: "leader", leader_index: "c-closed" }));
    expect(e.status).toBe(400);
    expect(e.type).toBe("index_closed_exception");
  });

  it("a closed index with the follower name is replaced (recreate procedure)", async () => {
    await call(p.follower, "PUT", "/c-old", { settings: { number_of_shards: 1 } });
    await call(p.follower, "PUT", "/c-old/_doc/zzz?refresh=true", { stale: true });
    await call(p.follower, "POST", "/c-old/_close");
    await mkLeader("c-l3", 1, 2);
    expect((await follow("c-old", { remote_cluster: "leader", leader_index: "c-l3" })).status).toBe(200);
    expect(Object.keys(await docs(p.follower, "c-old")).sort()).toEqual(["0", "1"]);
  });

  it("a cluster can follow itself through an alias pointing at its own transport address", async () => {
    await call(p.follower, "PUT", "/c-local", { settings: { number_of_replicas: 0 } });
    await call(p.follower, "PUT", "/c-local/_doc/a?refresh=true", { v: 1 });
    expect((await follow("c-local-copy", { remote_cluster: "self", leader_index: "c-local" })).status).toBe(200);
    expect(await docs(p.follower, "c-local-copy")).toEqual({ a: { v: 1 } });
  });
});

describe("writes to a follower are rejected like Elasticsearch's FollowingEngine", () => {
  const reason = "a following engine does not accept operations without an assigned sequence number";
  it("single-document APIs → 403 status_exception", async () => {
    for (const [m, path, body] of [["PUT", "/c-f1/_doc/9", { a: 1 }], ["POST", "/c-f1/_doc", { a: 1 }], ["PUT", "/c-f1/_create/9", { a: 1 }],
      ["POST", "/c-f1/_update/1", { doc: { a: 2 } }], ["DELETE", "/c-f1/_doc/1", undefined], ["POST", "/c-f1/_delete_by_query", { query: { match_all: {} } }]] as const) {
      expect(err(await call(p.follower, m, path, body))).toEqual({ status: 403, type: "status_exception", reason });
    }
  });
  it("_bulk: follower items fail, others succeed", async () => {
    const r = await bulk(p.follower, [{ index: { _index: "c-f1", _id: "b" } }, { a: 1 }, { index: { _index: "c-plain", _id: "b" } }, { a: 1 }]);
    expect(r.errors).toBe(true);
    expect(r.items[0].index).toMatchObject({ _index: "c-f1", _id: "b", status: 403, error: { type: "status_exception", reason } });
    expect(r.items[1].index.status).toBe(201);
  });
  it("non-CCR errors pass through untouched", async () => {
    const r = await call(p.follower, "GET", "/nope-index/_doc/1");
    expect(err(r)).toEqual({ status: 404, type: "index_not_found_exception", reason: "no such index [nope-index]" });
  });
});

describe("pause / resume / unfollow", () => {
  it("pause is not idempotent; resume rejects an active follower; errors for missing and non-followers", async () => {
    expect((await call(p.follower, "POST", "/c-f2/_ccr/pause_follow")).body).toEqual({ acknowledged: true });
    expect(err(await call(p.follower, "POST", "/c-f2/_ccr/pause_follow"))).toEqual({ status: 400, type: "illegal_argument_exception", reason: "no shard follow tasks for [c-f2]" });
    expect((await call(p.follower, "GET", "/c-f2/_ccr/info")).body.follower_indices[0]).toEqual({ follower_index: "c-f2", remote_cluster: "leader", leader_index: "c-l2", status: "paused" });
    expect(err(await call(p.follower, "POST", "/c-plain/_ccr/pause_follow"))).toEqual({ status: 400, type: "illegal_argument_exception", reason: "index [c-plain] is not a follower index" });
    expect(err(await call(p.follower, "POST", "/nope/_ccr/pause_follow")).status).toBe(404);
    expect(err(await call(p.follower, "GET", "/c-f2/_ccr/stats"))).toEqual({ status: 404, type: "resource_not_found_exception", reason: "No shard follow tasks for follower indices [c-f2]" });
    expect((await call(p.follower, "POST", "/c-f2/_ccr/resume_follow", { max_outstanding_read_requests: 3 })).body).toEqual({ acknowledged: true });
    const params = (await call(p.follower, "GET", "/c-f2/_ccr/info")).body.follower_indices[0].parameters;
    expect(params.max_outstanding_read_requests).toBe(3);
    expect(params.max_read_request_size).toBe("32mb"); // omitted → default, not the previous 1024kb
    const again = err(await call(p.follower, "POST", "/c-f2/_ccr/resume_follow"));
    expect(again.status).toBe(400);
    expect(again.type).toBe("resource_already_exists_exception");
    expect(again.reason).toMatch(/^task with id \{.+-0\} already exist$/);
    expect(err(await call(p.follower, "POST", "/c-plain/_ccr/resume_follow")).reason).toBe("follow index [c-plain] does not have ccr metadata");
    expect(err(await call(p.follower, "POST", "/c-f2/_ccr/resume_follow", { remote_cluster: "x" })).type).toBe("x_content_parse_exception");
  });

  it("unfollow checks closed, then paused, and leaves the index closed", async () => {
    expect(err(await call(p.follower, "POST", "/c-f2/_ccr/unfollow"))).toEqual({ status: 400, type: "illegal_argument_exception", reason: "cannot convert the follower index [c-f2] to a non-follower, because it has not been closed" });
    await call(p.follower, "POST", "/c-f2/_close");
    expect(err(await call(p.follower, "POST", "/c-f2/_ccr/unfollow")).reason).toBe("cannot convert the follower index [c-f2] to a non-follower, because it has not been paused");
    await call(p.follower, "POST", "/c-f2/_ccr/pause_follow");
    expect((await call(p.follower, "POST", "/c-f2/_ccr/unfollow")).body).toEqual({ acknowledged: true });
    const st = await call(p.follower, "GET", "/_cluster/state/metadata/c-f2?filter_path=metadata.indices.*.state");
    expect(st.body.metadata.indices["c-f2"].state).toBe("close");
    expect((await call(p.follower, "GET", "/c-f2/_ccr/info")).body).toEqual({ follower_indices: [] });
    expect(err(await call(p.follower, "POST", "/c-f2/_ccr/unfollow")).reason).toBe("index [c-f2] is not a follower index");
    expect(err(await call(p.follower, "POST", "/nope/_ccr/unfollow")).status).toBe(404);
  });

  it("forget_follower runs on the leader and removes the follower's retention lease; a lease it does not hold is a shard failure", async () => {
    // The restore of c-f1 took a lease on each leader shard, keyed by both clusters' names and index UUIDs.
    const uuid = (await call(p.follower, "GET", "/c-f1/_settings/index.uuid?flat_settings=true")).body["c-f1"].settings["index.uuid"];
    const leaderUuid = (await call(p.leader, "GET", "/c-l1/_settings/index.uuid?flat_settings=true")).body["c-l1"].settings["index.uuid"];
    const body = { follower_cluster: p.followerNode.clusterName, follower_index: "c-f1", follower_index_uuid: uuid, leader_remote_cluster: "leader" };
    expect((await call(p.leader, "POST", "/c-l1/_ccr/forget_follower", body)).body).toEqual({ _shards: { total: 2, successful: 2, failed: 0, failures: [] } });
    // Gone now: TransportForgetFollowerAction answers 200 with RetentionLeaseNotFoundException per shard.
    const id = `${p.followerNode.clusterName}/c-f1/${uuid}-following-leader/c-l1/${leaderUuid}`;
    const again = await call(p.leader, "POST", "/c-l1/_ccr/forget_follower", body);
    expect(again.status).toBe(200);
    expect(again.body._shards).toMatchObject({ total: 2, successful: 0, failed: 2 });
    expect(again.body._shards.failures[0]).toEqual({ shard: 0, index: "c-l1", status: "NOT_FOUND", reason: { type: "retention_lease_not_found_exception", reason: `retention lease with ID [${id}] not found` } });
    const wrong = await call(p.leader, "POST", "/c-l1/_ccr/forget_follower", { ...body, follower_index_uuid: "x" });
    expect(wrong.body._shards).toMatchObject({ successful: 0, failed: 2 });
  });
});

describe("info and stats", () => {
  it("info: missing → 404, non-followers omitted", async () => {
    expect(err(await call(p.follower, "GET", "/nope/_ccr/info")).type).toBe("index_not_found_exception");
    expect((await call(p.follower, "GET", "/c-plain/_ccr/info")).body).toEqual({ follower_indices: [] });
  });
  it("stats: per-shard checkpoints from the leader's real sequence numbers", async () => {
    await call(p.leader, "PUT", "/c-l1/_doc/extra", { n: 99 });
    // The leader's global checkpoint advances asynchronously after a write, and stats report what the last read
    // saw (as real CCR does), so poll until both sides agree rather than comparing two moments.
    const leaderShards = async () =>
      (await call(p.leader, "GET", "/c-l1/_stats?level=shards&filter_path=indices.*.shards.*.seq_no")).body.indices["c-l1"].shards;
    const { st, seq } = await until(
      async () => ({ seq: await leaderShards(), st: await call(p.follower, "GET", "/c-f1/_ccr/stats") }),
      ({ st: x, seq: sq }) =>
        x.body.indices?.[0]?.total_global_checkpoint_lag === 0 &&
        x.body.indices[0].shards.reduce((a: number, s: any) => a + s.leader_max_seq_no, 0) >= 4 &&
        x.body.indices[0].shards.every((s: any) => s.leader_global_checkpoint === sq[String(s.shard_id)][0].seq_no.global_checkpoint),
    );
    const idx = st.body.indices[0];
    expect(idx.shards).toHaveLength(2);
    for (const s of idx.shards) {
      expect(s.leader_global_checkpoint).toBe(seq[String(s.shard_id)][0].seq_no.global_checkpoint);
      expect(s.follower_global_checkpoint).toBe(s.leader_global_checkpoint);
      expect(s.read_exceptions).toEqual([]);
      expect(s.fatal_exception).toBeUndefined();
    }
    expect(err(await call(p.follower, "GET", "/c-plain/_ccr/stats")).status).toBe(404);
    const g = await call(p.follower, "GET", "/_ccr/stats");
    expect(Object.keys(g.body)).toEqual(["auto_follow_stats", "follow_stats"]);
    expect(g.body.follow_stats.indices.map((i: any) => i.index)).toContain("c-f1");
  });
  it("leader deleted → fatal_exception while status stays active; resume after recreate → UUID error", async () => {
    await mkLeader("c-l4", 1, 1);
    await follow("c-f4", { remote_cluster: "leader", leader_index: "c-l4" });
    await call(p.leader, "DELETE", "/c-l4");
    const st = await until(() => call(p.follower, "GET", "/c-f4/_ccr/stats"), (x) => !!x.body.indices?.[0]?.shards[0].fatal_exception);
    expect(st.body.indices[0].shards[0].fatal_exception.type).toBe("index_not_found_exception");
    expect((await call(p.follower, "GET", "/c-f4/_ccr/info")).body.follower_indices[0].status).toBe("active");
    await mkLeader("c-l4", 1, 1);
    await call(p.follower, "POST", "/c-f4/_ccr/pause_follow");
    const e = err(await call(p.follower, "POST", "/c-f4/_ccr/resume_follow"));
    expect(e.status).toBe(400);
    expect(e.reason).toMatch(/^follow index \[c-f4\] should reference \[.+\] as leader index but instead reference \[.+\] as leader index$/);
  });
});

describe("auto-follow patterns", () => {
  it("CRUD, only new indexes followed, templating, exclusions, dot-indexes, conflicts, pause/resume", async () => {
    await mkLeader("af-old", 1, 1);
    expect(err(await call(p.follower, "GET", "/_ccr/auto_follow/p1"))).toEqual({ status: 404, type: "resource_not_found_exception", reason: "auto-follow pattern [p1] is missing" });
    expect((await call(p.follower, "GET", "/_ccr/auto_follow")).body).toEqual({ patterns: [] });
    expect((await call(p.follower, "PUT", "/_ccr/auto_follow/p1", { remote_cluster: "leader", leader_index_patterns: ["af-*", ".af-*"], leader_index_exclusion_patterns: ["af-skip*"], follow_index_pattern: "{{leader_index}}-copy", max_read_request_size: "1024k" })).body).toEqual({ acknowledged: true });
    expect((await call(p.follower, "GET", "/_ccr/auto_follow/p1")).body).toEqual({ patterns: [{ name: "p1", pattern: { active: true, remote_cluster: "leader", leader_index_patterns: ["af-*", ".af-*"], leader_index_exclusion_patterns: ["af-skip*"], follow_index_pattern: "{{leader_index}}-copy", max_read_request_size: "1024kb" } }] });
    expect(err(await call(p.follower, "PUT", "/_ccr/auto_follow/bad", { remote_cluster: "nope", leader_index_patterns: ["x"] })).type).toBe("no_such_remote_cluster_exception");
    expect(err(await call(p.follower, "PUT", "/_ccr/auto_follow/bad", { remote_cluster: "leader", leader_index_patterns: ["x"], settings: { "index.number_of_shards": 1 } })).reason).toBe('can not put auto-follow pattern that could override leader settings {"index.number_of_shards":"1"}');
    await mkLeader("af-new", 1, 2);
    await mkLeader("af-skip1", 1, 0);
    await until(() => call(p.follower, "GET", "/af-new-copy/_ccr/info"), (x) => x.status === 200 && x.body.follower_indices[0]?.status === "active");
    // The pattern may pick af-new up between its creation and its documents (Elasticsearch too): the documents
    // written after the restore arrive through the follow tasks, so wait for them rather than read once.
    expect(await until(() => docs(p.follower, "af-new-copy"), (d) => Object.keys(d).length >= 2)).toEqual({ 0: { n: 0 }, 1: { n: 1 } });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await call(p.follower, "GET", "/af-old-copy/_ccr/info")).status).toBe(404);
    expect((await call(p.follower, "GET", "/af-skip1-copy/_ccr/info")).status).toBe(404);
    // Two patterns of the same remote matching one index → error in stats, not followed.
    await call(p.follower, "PUT", "/_ccr/auto_follow/p2", { remote_cluster: "leader", leader_index_patterns: ["af-both*"] });
    await mkLeader("af-both", 1, 0);
    const g = await until(() => call(p.follower, "GET", "/_ccr/stats"), (x) => x.body.auto_follow_stats.recent_auto_follow_errors.length > 0);
    const e = g.body.auto_follow_stats.recent_auto_follow_errors.find((x: any) => x.leader_index === "p1:af-both");
    expect(e.auto_follow_exception).toEqual({ type: "exception", reason: "index to follow [af-both] for pattern [p1] matches with other patterns [p2]" });
    expect(typeof e.timestamp).toBe("number");
    expect(g.body.auto_follow_stats.number_of_successful_follow_indices).toBeGreaterThanOrEqual(1);
    expect(g.body.auto_follow_stats.auto_followed_clusters[0].cluster_name).toBe("leader");
    expect((await call(p.follower, "DELETE", "/_ccr/auto_follow/p2")).body).toEqual({ acknowledged: true });
    // Pause is idempotent; PUT re-activates.
    expect((await call(p.follower, "POST", "/_ccr/auto_follow/p1/pause")).status).toBe(200);
    expect((await call(p.follower, "POST", "/_ccr/auto_follow/p1/pause")).status).toBe(200);
    expect((await call(p.follower, "GET", "/_ccr/auto_follow/p1")).body.patterns[0].pattern.active).toBe(false);
    await mkLeader("af-paused", 1, 0);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await call(p.follower, "GET", "/af-paused-copy/_ccr/info")).status).toBe(404);
    await call(p.follower, "PUT", "/_ccr/auto_follow/p1", { remote_cluster: "leader", leader_index_patterns: ["af-*"], follow_index_pattern: "{{leader_index}}-copy" });
    const got = (await call(p.follower, "GET", "/_ccr/auto_follow/p1")).body.patterns[0].pattern;
    expect(got.active).toBe(true);
    expect(got.max_read_request_size).toBeUndefined(); // full overwrite
    await until(() => call(p.follower, "GET", "/af-paused-copy/_ccr/info"), (x) => x.status === 200);
    // A deleted auto-created follower is not recreated.
    await call(p.follower, "DELETE", "/af-new-copy");
    await new Promise((r) => setTimeout(r, 1200));
    expect((await call(p.follower, "GET", "/af-new-copy/_ccr/info")).status).toBe(404);
    // Delete leaves existing followers replicating.
    await call(p.follower, "DELETE", "/_ccr/auto_follow/p1");
    await call(p.leader, "PUT", "/af-paused/_doc/late", { v: 1 });
    await until(() => docs(p.follower, "af-paused-copy"), (d) => "late" in d);
    expect(err(await call(p.follower, "DELETE", "/_ccr/auto_follow/p1")).status).toBe(404);
    expect(err(await call(p.follower, "POST", "/_ccr/auto_follow/p1/resume")).status).toBe(404);
  });
});
