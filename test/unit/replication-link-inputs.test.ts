import { describe, expect, it } from "vitest";
import { Cluster } from "../../provider/client/cluster";
import { resolveConnection } from "../../provider/client/connection";
import { observeFollowerSide } from "../../provider/components/replication-link/reader";
import { FakeEs } from "./fake-es";
import { changeLines, checkLink, diffLink, normalizeLinkInputs } from "../../provider/components/replication-link/inputs";
import { versionRefusal } from "../../provider/components/replication-link/plan";
import { followerHealth, forgetFollowerProblem, linkHealth, parseFollowers, parseLeaderListing } from "../../provider/components/replication-link/observe";
import type { LinkFollowersOutputs } from "../../provider/components/replication-link/types";

const base = { remoteCluster: "leader", patternName: "link", leaderIndexPatterns: ["logs-*"], leaderConnection: { urls: ["http://l:9200"] }, plan: [] };

describe("link inputs", () => {
  it("check names the property and what to do", () => {
    expect(checkLink(base).failures).toEqual([]);
    const f = checkLink({ ...base, leaderIndexPatterns: [], onLeaderDeleted: "drop", patternName: "_x", leaderConnection: undefined, followIndexPattern: "copy" }).failures;
    expect(f.map((x) => x.property).sort()).toEqual(["leaderConnection", "leaderIndexPatterns", "onLeaderDeleted", "patternName"]);
    expect(checkLink({ ...base, followIndexPattern: "copy" }).failures[0]).toMatchObject({ property: "followIndexPattern", reason: expect.stringMatching(/\{\{leader_index\}\}/) });
  });

  it("a refusal planned at preview fails check with the way out", () => {
    const f = checkLink({ ...base, plan: ["follow logs-a as logs-a", 'refuse logs-b: a regular index "logs-b" exists on the follower cluster'] }).failures;
    expect(f).toEqual([{ property: "leaderIndexPatterns", reason: expect.stringMatching(/refuse logs-b: .*Exclude that leader index/) }]);
  });

  it("a version-rule problem found at preview fails check on leaderConnection, naming both versions", () => {
    const f = checkLink({ ...base, plan: [versionRefusal("leader cluster 9.1.0, follower cluster 8.19.21: upgrade the follower cluster first")] }).failures;
    expect(f).toEqual([{ property: "leaderConnection", reason: expect.stringMatching(/^leader cluster 9\.1\.0, follower cluster 8\.19\.21: upgrade .*nothing is followed/) }]);
  });

  it("diff: nothing to do is no change; planned or pending changes are an update; another remote is a replace", () => {
    const olds = { ...normalizeLinkInputs(base), followers: [], pending: [], health: {}, followerHealth: [] } as unknown as LinkFollowersOutputs;
    expect(diffLink(olds, base).changes).toBe(false);
    expect(diffLink(olds, { ...base, plan: ["adopt logs-a (already follows logs-a, same leader uuid)", "wait for logs-c: closed"] }).changes).toBe(false);
    expect(diffLink(olds, { ...base, plan: ["follow logs-a as logs-a"] })).toMatchObject({ changes: true, replaces: [] });
    expect(diffLink({ ...olds, pending: ["delete logs-a: leader deleted (logs-a)"] }, base).changes).toBe(true);
    // A refresh diffs the refreshed outputs against the inputs of the last up: its plan, already carried out.
    expect(diffLink({ ...olds, plan: ["follow logs-a as logs-a"] }, { ...base, plan: ["follow logs-a as logs-a"] }).changes).toBe(false);
    expect(diffLink({ ...olds, plan: ["follow logs-a as logs-a"] }, { ...base, plan: ["delete logs-a: leader deleted (logs-a)"] }).changes).toBe(true);
    expect(diffLink({ ...olds, plan: ["follow logs-a as logs-a"], pending: ["failed logs-a: timeout"] }, { ...base, plan: ["follow logs-a as logs-a"] }).changes).toBe(true);
    expect(diffLink({ ...olds, pending: ["leave logs-a: leader deleted (logs-a); reported only"] }, base).changes).toBe(false);
    expect(diffLink(olds, { ...base, remoteCluster: "other" })).toMatchObject({ changes: true, replaces: ["remoteCluster"] });
    expect(diffLink(olds, { ...base, leaderIndexPatterns: ["logs-*", "more-*"] })).toMatchObject({ changes: true, replaces: [] });
    expect(changeLines(["keep x", "follow a as a", "refuse b: …", "recreate c: …"])).toEqual(["follow a as a", "recreate c: …"]);
  });
});

describe("link observation and health", () => {
  it("parses the leader listing (resolve + uuids); an index missing from one answer is left out", () => {
    const resolve = { indices: [
      { name: "logs-a", attributes: ["open"] }, { name: "logs-c", attributes: ["closed"] }, { name: ".ds-d-2026.12.01-000001", attributes: ["open", "hidden"], data_stream: "d" },
      { name: ".sys", attributes: ["open", "hidden", "system"] }, { name: "new", attributes: ["open"] },
    ] };
    const settings = { "logs-a": { settings: { "index.uuid": "A" } }, "logs-c": { settings: { "index.uuid": "C" } }, ".ds-d-2026.12.01-000001": { settings: { "index.uuid": "D" } }, ".sys": { settings: { "index.uuid": "S" } } };
    expect(parseLeaderListing(resolve, settings)).toEqual([
      { name: ".ds-d-2026.12.01-000001", uuid: "D", open: true, hidden: true, system: false, dataStream: "d" },
      { name: ".sys", uuid: "S", open: true, hidden: true, system: true },
      { name: "logs-a", uuid: "A", open: true, hidden: false, system: false },
      { name: "logs-c", uuid: "C", open: false, hidden: false, system: false },
    ]);
  });

  it("a follower is what _ccr/info lists or what carries the follower setting (hidden followers); fatal errors make it failed", () => {
    // The shared follower-info read asks hidden followers by name, so both are in `info`; leader UUIDs come from the
    // batched CCR-metadata read.
    const info = [
      { follower_index: "f1", remote_cluster: "leader", leader_index: "l1", status: "active" as const },
      { follower_index: "hid", remote_cluster: "leader", leader_index: "l2", status: "active" as const },
    ];
    const indices = {
      f1: { settings: { "index.uuid": "u1", "index.xpack.ccr.following_index": "true" } },
      hid: { settings: { "index.uuid": "u2", "index.hidden": "true", "index.xpack.ccr.following_index": "true" } },
      plain: { settings: {} },
    };
    const uuids = new Map([["f1", "L1"], ["hid", "L2"]]);
    const stats = { follow_stats: { indices: [
      { index: "f1", shards: [{ shard_id: 0, leader_global_checkpoint: 10, follower_global_checkpoint: 4, time_since_last_read_millis: 400_000 }, { shard_id: 1, leader_global_checkpoint: 3, follower_global_checkpoint: 3 }] },
      { index: "hid", shards: [{ shard_id: 0, fatal_exception: { type: "index_not_found_exception", reason: "no such index [l2]" } }] },
    ] } };
    const { followers, regularIndexes } = parseFollowers(info, indices, stats as never, uuids);
    expect(regularIndexes).toEqual(["plain"]);
    expect(followers).toEqual([
      { name: "f1", uuid: "u1", remoteCluster: "leader", leaderIndex: "l1", leaderUuid: "L1", status: "active", fatalErrors: [] },
      { name: "hid", uuid: "u2", remoteCluster: "leader", leaderIndex: "l2", leaderUuid: "L2", status: "failed", fatalErrors: ["shard 0: index_not_found_exception: no such index [l2]"] },
    ]);
    const rec = [{ name: "f1", leaderIndex: "l1", leaderUuid: "L1", origin: "bootstrap" as const }, { name: "hid", leaderIndex: "l2", leaderUuid: "L2", origin: "auto" as const }, { name: "gone", leaderIndex: "g", leaderUuid: "G", origin: "auto" as const }];
    const fh = followerHealth(rec, followers, stats as never);
    expect(fh[0]).toEqual({ name: "f1", leaderIndex: "l1", status: "active", lag: 6, shards: [{ shard: 0, lag: 6 }, { shard: 1, lag: 0 }], minutesSinceLastRead: 5, fatalErrors: [], readErrors: [] });
    expect(fh.map((f) => f.status)).toEqual(["active", "failed", "missing"]);
    const h = linkHealth("leader", "link", "active", { leader: { connected: true, cluster_credentials: "::es_redacted::" } },
      { auto_follow_stats: { recent_auto_follow_errors: [{ leader_index: "link:x", auto_follow_exception: { type: "t", reason: "r" } }, { leader_index: "other:y" }] } } as never, fh);
    expect(h).toMatchObject({ remoteConnected: true, securityModel: "api_key", followers: 3, failed: 2, maxLag: 6, autoFollowErrors: ["x: t: r"] });
    expect(h.summary).toBe("remote leader connected (api_key); pattern link active; 3 followers: 1 active, 0 paused, 2 failed; max lag 6 ops; 1 recent auto-follow errors");
    // a pattern deleted out of band is told from a paused one
    const gone = linkHealth("leader", "link", "missing", {}, {} as never, []);
    expect(gone).toMatchObject({ patternActive: false, patternPresent: false });
    expect(gone.summary).toMatch(/pattern link MISSING/);
    expect(linkHealth("leader", "link", "paused", {}, {} as never, [])).toMatchObject({ patternActive: false, patternPresent: true });
  });
});

describe("forget_follower answers", () => {
  it("a shard without the lease has nothing to release; any other shard failure is reported", () => {
    const shards = (failures: unknown[]) => ({ _shards: { total: 2, successful: 2 - failures.length, failed: failures.length, failures } });
    const notFound = { shard: 0, index: "logs-a", status: "NOT_FOUND", reason: { type: "retention_lease_not_found_exception", reason: "retention lease with ID [x] not found" } };
    expect(forgetFollowerProblem(200, shards([]))).toBeUndefined();
    expect(forgetFollowerProblem(200, shards([notFound, { ...notFound, shard: 1 }]))).toBeUndefined();
    expect(forgetFollowerProblem(404, { error: { type: "index_not_found_exception" } })).toBeUndefined();
    expect(forgetFollowerProblem(200, shards([{ shard: 1, reason: { type: "shard_not_available_exception", reason: "no active copy" } }])))
      .toBe("shard 1: shard_not_available_exception: no active copy");
  });
});

describe("link follower-side reads", () => {
  it("reuse a recorded leader UUID while the follower's index UUID is unchanged (no CCR-metadata read), read it otherwise", async () => {
    const es = new FakeEs();
    es.follow("f1", "l1");
    es.follow("f2", "l2");
    const cluster = new Cluster(resolveConnection({ urls: ["http://fake:9200"] }, "t"), es, { readCacheMs: 0 });
    const fresh = await observeFollowerSide(cluster);
    const metadataReads = () => es.requests.filter((r) => r.startsWith("GET /_cluster/state/metadata/")).length;
    expect(metadataReads()).toBe(1);
    const f1 = fresh.followers.find((f) => f.name === "f1")!;
    expect(f1.leaderUuid).toEqual(expect.any(String));

    es.requests = [];
    cluster.invalidate();
    const known = fresh.followers.map((f) => ({ name: f.name, uuid: f.uuid, leaderUuid: f.leaderUuid! }));
    const again = await observeFollowerSide(cluster, known);
    expect(metadataReads()).toBe(0);
    expect(again.followers.map((f) => f.leaderUuid)).toEqual(fresh.followers.map((f) => f.leaderUuid));

    // f2 recreated under the same name (new index UUID): its leader UUID is read again; f1's is still reused.
    es.follow("f2", "l2");
    es.requests = [];
    cluster.invalidate();
    await observeFollowerSide(cluster, known);
    expect(es.requests.filter((r) => r.startsWith("GET /_cluster/state/metadata/"))).toEqual(["GET /_cluster/state/metadata/f2"]);
  });
});
