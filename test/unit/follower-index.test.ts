import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../provider/core/unknown";
import {
  checkFollower, diffFollower, FollowerObserved, followerInputsFromOutputs, followerOutputs, normalizeFollowerInputs,
  observeFollower, planFollower, planFollowerDelete, PlanRefusal,
} from "../../provider/resources/follower-index/plan";
import type { FollowerIndexInputs, FollowerIndexOutputs } from "../../provider/resources/follower-index/types";

const desired = (o: Partial<FollowerIndexInputs> = {}): FollowerIndexInputs =>
  normalizeFollowerInputs({ name: "orders-copy", remoteCluster: "leader", leaderIndex: "orders", ...o });

const follower = (o: Partial<Extract<FollowerObserved, { kind: "follower" }>> = {}): FollowerObserved => ({
  kind: "follower", status: "active", open: true, remoteCluster: "leader", leaderIndex: "orders",
  tuning: {}, settings: {}, ...o,
});

const ops = (list: { op: string }[]) => list.map((o) => o.op);

describe("FollowerIndex check", () => {
  it("accepts a minimal follower and fills defaults", () => {
    const r = checkFollower({ name: "orders-copy", remoteCluster: "leader", leaderIndex: "orders" });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toMatchObject({ status: "active", deletePolicy: "keep" });
  });

  it.each([
    [{ name: undefined }, "name", /name is required/],
    [{ name: "Orders" }, "name", /must be lower case/],
    [{ name: "_x" }, "name", /must not start with/],
    [{ remoteCluster: "a.b" }, "remoteCluster", /may only contain/],
    [{ leaderIndex: "logs*" }, "leaderIndex", /must not contain '\*'/],
    [{ status: "stopped" }, "status", /one of "active", "paused", "promoted"/],
    [{ deletePolicy: "purge" }, "deletePolicy", /one of "keep", "delete"/],
    [{ dataStreamName: "" }, "dataStreamName", /must not be empty/],
    [{ settings: { "index.number_of_shards": 2 } }, "settings.index.number_of_shards", /cannot be overridden/],
    [{ maxRetryDelay: "1h" }, "maxRetryDelay", /at most "5m"/],
    [{ waitTimeoutSeconds: -1 }, "waitTimeoutSeconds", /≥ 0/],
    [{ connection: { urls: ["https://u:p@es:9200"] } }, "connection.urls[0]", /must not contain credentials/],
    [{ connection: { urls: ["es:9200x"] } }, "connection.urls[0]", /http: or https:|not a URL/],
    [{ connection: { apiKey: "k", username: "u", password: "p" } }, "connection", /only one of/],
    [{ connection: { caFingerprint: "abc" } }, "connection.caFingerprint", /SHA-256/],
  ])("reports %o on %s", (patch, property, reason) => {
    const r = checkFollower({ name: "orders-copy", remoteCluster: "leader", leaderIndex: "orders", ...patch });
    expect(r.failures).toContainEqual({ property, reason: expect.stringMatching(reason) });
  });

  it("tolerates unknown values during preview", () => {
    const r = checkFollower({ name: UNKNOWN, remoteCluster: UNKNOWN, leaderIndex: UNKNOWN, settings: UNKNOWN, maxReadRequestSize: UNKNOWN, connection: UNKNOWN });
    expect(r.failures).toEqual([]);
  });
});

describe("FollowerIndex diff", () => {
  const olds = (o: Partial<FollowerIndexOutputs> = {}): FollowerIndexOutputs =>
    ({ ...desired(), fatalErrors: [], readExceptions: [], ...o }) as FollowerIndexOutputs;

  it("no change when only spelling differs", () => {
    const d = diffFollower(olds({ maxReadRequestSize: "32mb", readPollTimeout: "1m", settings: { "index.number_of_replicas": "0" } }),
      { name: "orders-copy", remoteCluster: "leader", leaderIndex: "orders", maxReadRequestSize: "32768kb", readPollTimeout: "60s", settings: { index: { number_of_replicas: 0 } } });
    expect(d).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("a declared server default is not a change", () => {
    expect(diffFollower(olds(), { ...desired(), maxOutstandingReadRequests: 12 }).changes).toBe(false);
  });

  it.each(["remoteCluster", "leaderIndex", "dataStreamName"])("%s forces a delete-before-replace", (prop) => {
    const d = diffFollower(olds(), { ...desired(), [prop]: "other" });
    expect(d).toEqual({ changes: true, replaces: [prop], deleteBeforeReplace: true });
  });

  it("a new name replaces without deleting first", () => {
    expect(diffFollower(olds(), { ...desired(), name: "orders-2" })).toEqual({ changes: true, replaces: ["name"], deleteBeforeReplace: false });
  });

  it.each([
    [{ maxReadRequestSize: "64mb" }],
    [{ status: "paused" }],
    [{ status: "promoted" }],
    [{ settings: { "index.number_of_replicas": 1 } }],
    [{ deletePolicy: "delete" }],
    [{ connection: { urls: ["http://other:9200"] } }],
  ])("%o is an in-place update", (patch) => {
    const d = diffFollower(olds(), { ...desired(), ...patch });
    expect(d.changes).toBe(true);
    expect(d.replaces).toEqual([]);
  });

  it("going back from promoted is a replace, and says it is the status", () => {
    expect(diffFollower(olds({ status: "promoted" }), { ...desired(), status: "active" }))
      .toEqual({ changes: true, replaces: ["status"], deleteBeforeReplace: true });
  });

  it("tuning is irrelevant once promoted", () => {
    expect(diffFollower(olds({ status: "promoted" }), { ...desired(), status: "promoted", maxReadRequestSize: "1mb" }).changes).toBe(false);
  });

  it("a static setting forces a replace", () => {
    expect(diffFollower(olds(), { ...desired(), settings: { "index.codec": "best_compression" } }).replaces).toEqual(["settings"]);
  });

  it("unknown identity during preview is a possible replace", () => {
    expect(diffFollower(olds(), { ...desired(), leaderIndex: UNKNOWN }).replaces).toEqual(["leaderIndex"]);
  });
});

describe("FollowerIndex planning: every state transition", () => {
  it.each([
    ["absent → active", { kind: "absent" } as FollowerObserved, "active", ["follow", "waitActive"]],
    ["absent → paused", { kind: "absent" } as FollowerObserved, "paused", ["follow", "waitActive", "pause"]],
    ["absent → promoted", { kind: "absent" } as FollowerObserved, "promoted", ["follow", "waitActive", "pause", "close", "unfollow", "open"]],
    ["active → active (same)", follower(), "active", []],
    ["active → paused", follower(), "paused", ["pause"]],
    ["active → promoted", follower(), "promoted", ["pause", "close", "unfollow", "open"]],
    ["paused → active", follower({ status: "paused", tuning: undefined }), "active", ["resume", "waitActive"]],
    ["paused → paused", follower({ status: "paused", tuning: undefined }), "paused", []],
    ["paused → promoted", follower({ status: "paused", tuning: undefined }), "promoted", ["close", "unfollow", "open"]],
    ["closed paused → active", follower({ status: "paused", open: false }), "active", ["open", "resume", "waitActive"]],
    ["closed paused → promoted", follower({ status: "paused", open: false }), "promoted", ["unfollow", "open"]],
    ["regular → promoted", { kind: "regular", open: true, settings: {} } as FollowerObserved, "promoted", []],
    ["closed regular → promoted", { kind: "regular", open: false, settings: {} } as FollowerObserved, "promoted", ["open"]],
  ] as const)("%s", (_name, obs, status, expected) => {
    expect(ops(planFollower(obs, desired({ status })))).toEqual(expected);
  });

  it("a tuning change on an active follower pauses and resumes with the COMPLETE parameter set", () => {
    const plan = planFollower(follower({ tuning: { maxReadRequestSize: "32mb" } }), desired({ maxReadRequestSize: "64mb" }));
    expect(ops(plan)).toEqual(["pause", "resume", "waitActive"]);
    const resume = plan[1] as { op: "resume"; body: Record<string, unknown> };
    expect(Object.keys(resume.body)).toHaveLength(10);
    expect(resume.body.max_read_request_size).toBe("64mb");
    expect(resume.body.max_outstanding_write_requests).toBe(9);
  });

  it("an out-of-band pause is repaired by resuming", () => {
    expect(ops(planFollower(follower({ status: "paused", tuning: undefined }), desired()))).toEqual(["resume", "waitActive"]);
  });

  it("settings changes pause, update, resume; removed keys are reset with null", () => {
    const plan = planFollower(follower({ settings: { "index.number_of_replicas": "0", "index.refresh_interval": "5s" } }),
      desired({ settings: { "index.number_of_replicas": 1 } }), ["index.number_of_replicas", "index.refresh_interval"]);
    expect(ops(plan)).toEqual(["pause", "putSettings", "resume", "waitActive"]);
    expect((plan[1] as { settings: unknown }).settings).toEqual({ "index.number_of_replicas": "1", "index.refresh_interval": null });
  });

  it("create sends identity, overrides, data stream name and only the declared tuning", () => {
    const plan = planFollower({ kind: "absent" }, desired({ settings: { "index.number_of_replicas": 0 }, dataStreamName: "logs-copy", maxReadRequestSize: "1024k" }));
    expect((plan[0] as { body: unknown }).body).toEqual({
      remote_cluster: "leader", leader_index: "orders", settings: { "index.number_of_replicas": "0" },
      data_stream_name: "logs-copy", max_read_request_size: "1mb",
    });
  });

  it("refuses to re-point a follower of another leader", () => {
    expect(() => planFollower(follower({ leaderIndex: "other" }), desired())).toThrow(PlanRefusal);
    expect(() => planFollower(follower({ leaderIndex: "other" }), desired())).toThrow(/cannot be re-pointed/);
  });

  it("refuses to turn a regular index into a follower, with the fix", () => {
    expect(() => planFollower({ kind: "regular", open: true, settings: {} }, desired())).toThrow(/Delete or rename "orders-copy"/);
  });

  it.each([
    ["absent", { kind: "absent" } as FollowerObserved, "keep", []],
    ["active keep", follower(), "keep", ["pause", "close", "unfollow", "open"]],
    ["active delete", follower(), "delete", ["pause", "close", "unfollow", "deleteIndex"]],
    ["paused keep", follower({ status: "paused" }), "keep", ["close", "unfollow", "open"]],
    ["closed paused", follower({ status: "paused", open: false }), "keep", ["unfollow", "open"]],
    ["promoted keep", { kind: "regular", open: true, settings: {} } as FollowerObserved, "keep", []],
    ["promoted delete", { kind: "regular", open: true, settings: {} } as FollowerObserved, "delete", ["deleteIndex"]],
  ] as const)("delete %s (%s)", (_n, obs, policy, expected) => {
    expect(ops(planFollowerDelete(obs, policy))).toEqual(expected);
  });
});

describe("FollowerIndex observation and outputs", () => {
  const info = [{ follower_index: "orders-copy", remote_cluster: "leader", leader_index: "orders", status: "active" as const,
    parameters: { max_read_request_size: "32mb", max_outstanding_read_requests: 12, read_poll_timeout: "1m" } }];
  const followerSettings = { "index.number_of_shards": "2", "index.number_of_replicas": "0", "index.xpack.ccr.following_index": "true", "index.uuid": "F1" };
  const indices = { "orders-copy": { settings: followerSettings } };
  const regular = { "orders-copy": { settings: { "index.number_of_shards": "2", "index.uuid": "F1" } } };

  it("a follower", () => {
    const obs = observeFollower("orders-copy", info, indices, "U1");
    expect(obs).toMatchObject({ kind: "follower", status: "active", open: true, leaderIndexUuid: "U1", shardCount: 2, indexUuid: "F1" });
  });

  it("gone and regular", () => {
    expect(observeFollower("x", info, indices).kind).toBe("absent");
    expect(observeFollower("orders-copy", [], regular).kind).toBe("regular");
  });

  it("closed is told by index.verified_before_close (set by close, removed by open)", () => {
    const closed = { "orders-copy": { settings: { ...followerSettings, "index.verified_before_close": "true" } } };
    expect(observeFollower("orders-copy", info, closed)).toMatchObject({ kind: "follower", open: false });
    expect(observeFollower("orders-copy", [], { "orders-copy": { settings: { ...regular["orders-copy"].settings, "index.verified_before_close": "true" } } }))
      .toMatchObject({ kind: "regular", open: false });
  });

  it("a follower by its settings that no info answer lists is an inconsistent read, not a regular index", () => {
    expect(() => observeFollower("orders-copy", [], indices)).toThrow(/is a follower by its settings.*retry/);
  });

  it("refresh right after create shows no drift", () => {
    const d = desired({ settings: { "index.number_of_replicas": 0 } });
    const outs = followerOutputs(d, observeFollower("orders-copy", info, indices, "U1"), {
      index: "orders-copy", total_global_checkpoint_lag: 0, shards: [{ shard_id: 0 }, { shard_id: 1 }],
    });
    expect(outs).toMatchObject({ status: "active", lag: 0, leaderIndexUuid: "U1", fatalErrors: [], readExceptions: [] });
    expect(diffFollower(outs, d).changes).toBe(false);
    expect(diffFollower(outs, followerInputsFromOutputs(outs) as never).changes).toBe(false);
  });

  it("summarises fatal and read errors", () => {
    const outs = followerOutputs(desired(), observeFollower("orders-copy", info, indices), {
      index: "orders-copy", shards: [{ shard_id: 0, fatal_exception: { type: "index_not_found_exception", reason: "no such index [orders]" },
        read_exceptions: [{ from_seq_no: 5, retries: 2, exception: { type: "connect_transport_exception", reason: "x" } }] }],
    });
    expect(outs.fatalErrors).toEqual(["shard 0: index_not_found_exception: no such index [orders]"]);
    expect(outs.readExceptions[0]).toMatch(/shard 0: from seq_no 5 after 2 retries: connect_transport_exception/);
    expect(outs.statusMessage).toMatch(/replication stopped/);
  });

  it("an out-of-band pause shows as drift of status", () => {
    const outs = followerOutputs(desired(), observeFollower("orders-copy", [{ ...info[0], status: "paused", parameters: undefined }], indices), undefined);
    expect(outs.status).toBe("paused");
    expect(diffFollower(outs, desired()).changes).toBe(true);
  });

  it("a follower turned into a regular index out of band is a visible change with a message", () => {
    const outs = followerOutputs(desired(), observeFollower("orders-copy", [], regular), undefined);
    expect(outs.status).toBe("promoted");
    expect(outs.statusMessage).toMatch(/converted to a regular index outside Pulumi/);
    expect(diffFollower(outs, desired())).toMatchObject({ changes: true, replaces: ["status"] });
  });

  it("drift of a tuning parameter is detected", () => {
    const outs = followerOutputs(desired(), observeFollower("orders-copy", [{ ...info[0], parameters: { max_read_request_size: "1mb" } }], indices), undefined);
    expect(outs.maxReadRequestSize).toBe("1mb");
    expect(diffFollower(outs, desired())).toMatchObject({ changes: true, replaces: [] });
  });
});

describe("which followers the _all answer misses", () => {
  it("hidden followers: listed by their settings, not by _all/_ccr/info", async () => {
    const { followersMissingFromInfo, chunkIndexNames } = await import("../../provider/core/index-meta");
    const indices = {
      a: { settings: { "index.xpack.ccr.following_index": "true" } },
      ".ds-logs-000001": { settings: { "index.xpack.ccr.following_index": "true", "index.hidden": "true" } },
      h: { settings: { "index.xpack.ccr.following_index": "true", "index.hidden": "true" } },
      r: { settings: {} },
    };
    expect(followersMissingFromInfo(indices, ["a"])).toEqual([".ds-logs-000001", "h"]);
    expect(followersMissingFromInfo(indices, ["a", "h", ".ds-logs-000001"])).toEqual([]);
    expect(chunkIndexNames(["a", "b", "c"], 3)).toEqual(["a,b", "c"]);
    expect(chunkIndexNames(["x y"])).toEqual(["x%20y"]);
    const many = Array.from({ length: 1000 }, (_, i) => `follower-index-${i}`);
    const chunks = chunkIndexNames(many);
    expect(chunks.every((c) => c.length <= 3000)).toBe(true);
    expect(chunks.join(",").split(",")).toEqual(many);
  });
});

describe("FollowerIndex planning: failed followers", () => {
  const failed = follower({ fatal: [{ shard: 0, type: "index_not_found_exception", reason: "no such index [orders]" }] });
  it.each([
    ["leader present → recreate", { exists: true } as const, "active", ["pause", "close", "follow", "waitActive"]],
    ["declared paused → pause (the fatal task goes with it)", undefined, "paused", ["pause"]],
    ["declared promoted → promote", undefined, "promoted", ["pause", "close", "unfollow", "open"]],
  ] as const)("%s", (_n, leader, status, expected) => {
    expect(ops(planFollower(failed, desired({ status }), [], leader))).toEqual(expected);
  });
  it("a closed failed follower is not closed again", () => {
    expect(ops(planFollower({ ...failed, open: false } as FollowerObserved, desired(), [], { exists: true }))).toEqual(["pause", "follow", "waitActive"]);
  });
  it("refuses when the leader is gone or cannot be checked, naming the leader", () => {
    expect(() => planFollower(failed, desired(), [], { exists: false })).toThrow(/leader index "leader:orders" no longer exists/);
    expect(() => planFollower(failed, desired(), [], { exists: "unknown", why: "connect_transport_exception" })).toThrow(/could not be checked \(connect_transport_exception\).*reachable/);
  });
});
