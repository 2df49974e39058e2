/**
 * The ReplicationLink's resource provider against two local clusters (real Elasticsearch of CCR_ES_VERSION behind
 * the sandbox's EMULATED `_ccr` layer), through the ResourceProvider API the dynamic-provider shim calls: bootstrap,
 * auto-follow, leader indexes created concurrently during create, deletion/recreation per policy, forget_follower
 * for a follower deleted without unfollow, and a destroy that leaves nothing behind and never writes to the leader.
 * The leader is reached through a recording proxy, so every request the link sends there is checked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provider } from "../../provider/dynamic";
import { resetClusters } from "../../provider/client/cluster";
import { esRequest } from "../../sandbox/es/http";
import { LocalCluster, startLocalClusters, stopAll } from "../../sandbox/local";
import { RecordingProxy, startRecordingProxy } from "../support/recording-proxy";
import { until } from "../support/until";

let leader: LocalCluster;
let follower: LocalCluster;
let leaderProxy: RecordingProxy;
const link = provider("ReplicationLinkFollowers");
const rc = provider("RemoteCluster");
const conn = () => ({ urls: [follower.url], ...(follower.auth ?? {}) });
const leaderConn = () => ({ urls: [leaderProxy.url], ...(leader.auth ?? {}) });

const on = (c: LocalCluster, method: string, path: string, body?: unknown) => esRequest(c.url, method, path, body, { auth: c.auth });

async function leaderIndex(name: string, docs = 2): Promise<void> {
  const r = await on(leader, "PUT", `/${name}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  for (let i = 0; i < docs; i++) await on(leader, "PUT", `/${name}/_doc/${i}?refresh=true`, { n: i });
}

async function leaderUuid(name: string): Promise<string> {
  const r = await on(leader, "GET", `/${name}/_settings/index.uuid?flat_settings=true`);
  return r.body[name].settings["index.uuid"];
}

/** follower index → leader index, for every follower of the follower cluster (hidden ones included). */
async function followers(): Promise<Record<string, string>> {
  const r = await on(follower, "GET", "/_all/_ccr/info?expand_wildcards=all");
  return Object.fromEntries((r.body?.follower_indices ?? []).map((f: { follower_index: string; leader_index: string }) => [f.follower_index, f.leader_index]));
}

/** `_ccr/info` entries by follower name (hidden ones included). */
async function followerInfo(): Promise<Record<string, { status: string; parameters?: Record<string, unknown> }>> {
  const r = await on(follower, "GET", "/_all/_ccr/info?expand_wildcards=all");
  return Object.fromEntries((r.body?.follower_indices ?? []).map((f: { follower_index: string }) => [f.follower_index, f]));
}

const inputs = () => ({
  remoteCluster: "leader", patternName: "link", leaderIndexPatterns: ["logs-*"], leaderIndexExclusionPatterns: ["logs-skip*"],
  onLeaderDeleted: "delete", onNoLongerMatching: "promote", deletePolicy: "delete", plan: [],
  connection: conn(), leaderConnection: leaderConn(),
});

async function checked(): Promise<Record<string, unknown>> {
  const r = await link.check!({}, inputs());
  expect(r.failures).toEqual([]);
  return r.inputs;
}

let state: Record<string, unknown>;

beforeAll(async () => {
  [leader, follower] = await startLocalClusters({ count: 2 });
  leaderProxy = await startRecordingProxy(leader.url);
  await Promise.all([leaderIndex("logs-a", 3), leaderIndex("logs-b", 2), leaderIndex("logs-skip1"), leaderIndex("other"), leaderIndex(".logs-dot")]);
  await rc.create!({ alias: "leader", seeds: [leader.transportAddress], skipUnavailable: false, connection: conn() });
}, 400_000);

afterAll(async () => {
  resetClusters();
  await leaderProxy?.close();
  if (leader && follower) await stopAll([leader, follower]);
});

describe("ReplicationLink provider", () => {
  it("follows pre-existing and new indexes exactly once, also while indexes are created concurrently during create", async () => {
    const mark = leaderProxy.mark();
    let stop = false;
    const created: string[] = [];
    // A loop creating leader indexes before, while and after the pattern is installed.
    const loop = (async () => {
      for (let i = 0; !stop && i < 30; i++) {
        const name = `logs-c${i}`;
        await leaderIndex(name, 1);
        created.push(name);
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    const res = await link.create!(await checked());
    stop = true;
    await loop;
    state = res.outs;
    await leaderIndex("logs-late", 1);
    const want = ["logs-a", "logs-b", ...created, "logs-late"].sort();
    const got = await until(followers, (f) => want.every((n) => f[n] === n), 60_000, "every logs-* leader followed");
    // Exactly once: one follower per leader index, under its name; nothing excluded, dot-prefixed or unmatched.
    const byLeader = Object.values(got).reduce<Record<string, number>>((m, l) => ((m[l] = (m[l] ?? 0) + 1), m), {});
    expect(Object.keys(got).sort()).toEqual(want);
    expect(Object.values(byLeader).every((n) => n === 1)).toBe(true);
    expect((state.followers as Array<{ name: string; origin: string }>).find((f) => f.name === "logs-a")?.origin).toBe("bootstrap");
    const hits = await on(follower, "GET", "/logs-a/_count");
    await until(() => on(follower, "GET", "/logs-a/_count"), (r) => r.body?.count === 3, 30_000, "logs-a replicated");
    expect(hits.status).toBe(200);
    // The link never writes to the leader here.
    expect(leaderProxy.since(mark).filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it("refresh records what the pattern made and has nothing pending", async () => {
    const r = await link.read!("link", state);
    expect(r.props.pending).toEqual([]);
    const names = (r.props.followers as Array<{ name: string }>).map((f) => f.name);
    expect(names).toContain("logs-late");
    expect(r.props.health.remoteConnected).toBe(true);
    expect(r.props.health.summary).toMatch(/remote leader connected/);
    expect((await link.diff!("link", r.props, await checked())).changes).toBe(false);
    state = r.props;
  });

  it("drift out of band (a follower paused, another retuned, the pattern paused, then deleted) is reported by a refresh and repaired by the update", async () => {
    expect((await on(follower, "POST", "/logs-a/_ccr/pause_follow")).status).toBe(200);
    expect((await on(follower, "POST", "/logs-b/_ccr/pause_follow")).status).toBe(200);
    expect((await on(follower, "POST", "/logs-b/_ccr/resume_follow", { max_read_request_operation_count: 1000 })).status).toBe(200);
    expect((await on(follower, "POST", "/_ccr/auto_follow/link/pause")).status).toBe(200);
    const r = await link.read!("link", state);
    expect([...r.props.pending].sort()).toEqual([
      "resume logs-a: paused out of band (follows logs-a); resumed with the declared parameters",
      "resume pattern link: paused out of band",
      "retune logs-b: runs with other parameters than declared (max_read_request_operation_count 1000 -> 5120); pause and resume with the declared ones",
    ]);
    expect(r.props.health.patternActive).toBe(false);
    expect((await link.diff!("link", r.props, await checked())).changes).toBe(true);
    const mark = leaderProxy.mark();
    state = (await link.update!("link", r.props, await checked())).outs;
    const info = await followerInfo();
    expect(info["logs-a"]?.status).toBe("active");
    expect(info["logs-b"]?.parameters?.max_read_request_operation_count).toBe(5120);
    expect((await on(follower, "GET", "/_ccr/auto_follow/link")).body.patterns[0].pattern.active).toBe(true);
    await on(leader, "PUT", "/logs-a/_doc/after-resume?refresh=true", { n: 9 });
    await until(() => on(follower, "GET", "/logs-a/_doc/after-resume"), (x) => x.status === 200, 30_000, "a document written after the resume replicates");

    // The pattern deleted out of band: put back, and a leader index made while it was gone is followed.
    expect((await on(follower, "DELETE", "/_ccr/auto_follow/link")).status).toBe(200);
    await leaderIndex("logs-while-gone", 1);
    const r2 = await link.read!("link", state);
    expect(r2.props.pending).toEqual(["restore pattern link: deleted out of band; put it back as declared", "follow logs-while-gone as logs-while-gone"]);
    state = (await link.update!("link", r2.props, await checked())).outs;
    expect((await on(follower, "GET", "/_ccr/auto_follow/link")).status).toBe(200);
    expect((await followers())["logs-while-gone"]).toBe("logs-while-gone");
    const r3 = await link.read!("link", state);
    expect(r3.props.pending).toEqual([]);
    expect((await link.diff!("link", r3.props, await checked())).changes).toBe(false);
    state = r3.props;
    expect(leaderProxy.since(mark).filter((x) => x.method !== "GET").map((x) => `${x.method} ${x.path}`)).toEqual([]);
  });

  it("leader deleted → follower deleted (policy); leader recreated → follower recreated; follower deleted without unfollow → forget_follower and follow again", async () => {
    const oldB = await leaderUuid("logs-b");
    expect((await on(leader, "DELETE", "/logs-a")).status).toBe(200);
    expect((await on(leader, "DELETE", "/logs-b")).status).toBe(200);
    await leaderIndex("logs-b", 1);
    expect(await leaderUuid("logs-b")).not.toBe(oldB);
    expect((await on(follower, "DELETE", "/logs-c0")).status).toBe(200);
    const r = await link.read!("link", state);
    expect(r.props.pending).toEqual(expect.arrayContaining([
      "delete logs-a: leader deleted (logs-a)",
      expect.stringMatching(/^recreate logs-b: leader logs-b was recreated/),
      expect.stringMatching(/^forget_follower on leader logs-c0 for removed follower logs-c0/),
      "follow logs-c0 as logs-c0 (its follower was removed)",
    ]));
    expect((await link.diff!("link", r.props, await checked())).changes).toBe(true);
    const mark = leaderProxy.mark();
    const u = await link.update!("link", r.props, await checked());
    const f = await followers();
    expect(f["logs-a"]).toBeUndefined();
    expect((await on(follower, "GET", "/logs-a")).status).toBe(404);
    expect(f["logs-b"]).toBe("logs-b");
    expect(f["logs-c0"]).toBe("logs-c0");
    const info = await on(follower, "GET", "/logs-b/_ccr/stats");
    expect(info.status).toBe(200);
    const writes = leaderProxy.since(mark).filter((x) => x.method !== "GET").map((x) => `${x.method} ${x.path.split("?")[0]}`);
    expect(writes).toEqual(["POST /logs-c0/_ccr/forget_follower"]);
    // It released the lease the deleted follower had left on the leader: a second forget finds none (a shard failure).
    const oldUuid = (state.followers as Array<{ name: string; uuid?: string }>).find((x) => x.name === "logs-c0")?.uuid;
    const clusterName = (await on(follower, "GET", "/_cluster/health")).body.cluster_name;
    const again = await on(leader, "POST", "/logs-c0/_ccr/forget_follower", { follower_cluster: clusterName, follower_index: "logs-c0", follower_index_uuid: oldUuid, leader_remote_cluster: "leader" });
    expect(again.body._shards).toMatchObject({ successful: 0, failed: 1 });
    expect(again.body._shards.failures[0].reason.type).toBe("retention_lease_not_found_exception");
    expect(u.outs.pending).toEqual([]);
    state = u.outs;
  });

  it("leader deleted → onLeaderDeleted 'promote' keeps the follower as a regular index with its documents; 'leave' keeps it following and reports it", async () => {
    // Two more links on the same clusters and remote, one per policy (their patterns do not overlap the first link's).
    const promote = { ...inputs(), patternName: "link-promote", leaderIndexPatterns: ["keep-*"], leaderIndexExclusionPatterns: [], onLeaderDeleted: "promote", deletePolicy: "keep" };
    const leave = { ...inputs(), patternName: "link-leave", leaderIndexPatterns: ["stay-*"], leaderIndexExclusionPatterns: [], onLeaderDeleted: "leave", deletePolicy: "delete" };
    const checkedAs = async (i: Record<string, unknown>) => {
      const r = await link.check!({}, i);
      expect(r.failures).toEqual([]);
      return r.inputs;
    };
    await Promise.all([leaderIndex("keep-a", 3), leaderIndex("keep-b", 1), leaderIndex("stay-a", 2)]);
    const [p0, l0] = await Promise.all([link.create!(await checkedAs(promote)), link.create!(await checkedAs(leave))]);
    await until(() => Promise.all(["keep-a", "stay-a"].map((n) => on(follower, "GET", `/${n}/_count`))), (rs) => rs[0].body?.count === 3 && rs[1].body?.count === 2, 30_000, "keep-a and stay-a replicated");
    expect((await on(leader, "DELETE", "/keep-a")).status).toBe(200);
    expect((await on(leader, "DELETE", "/stay-a")).status).toBe(200);

    // The refresh's planned actions say what the next up does about each affected index, per policy.
    const [pr, lr] = await Promise.all([link.read!("link-promote", p0.outs), link.read!("link-leave", l0.outs)]);
    expect(pr.props.pending).toEqual(["promote keep-a: leader deleted (keep-a)"]);
    expect(lr.props.pending).toEqual(["leave stay-a: leader deleted (stay-a); reported only"]);
    // Promote is a change for the next up; leave is a report only (nothing to do, so no diff).
    expect((await link.diff!("link-promote", pr.props, await checkedAs(promote))).changes).toBe(true);
    expect((await link.diff!("link-leave", lr.props, await checkedAs(leave))).changes).toBe(false);

    const mark = leaderProxy.mark();
    const [pu, lu] = await Promise.all([link.update!("link-promote", pr.props, await checkedAs(promote)), link.update!("link-leave", lr.props, await checkedAs(leave))]);
    const f = await followers();
    // promote: no longer a follower, an open regular index that kept the leader's documents; keep-b is untouched.
    expect(f["keep-a"]).toBeUndefined();
    const promoted = await on(follower, "GET", "/keep-a/_settings?flat_settings=true");
    expect(promoted.status).toBe(200);
    expect(promoted.body["keep-a"].settings["index.xpack.ccr.following_index"]).toBeUndefined();
    expect((await on(follower, "GET", "/keep-a/_count")).body.count).toBe(3);
    expect((await on(follower, "PUT", "/keep-a/_doc/new?refresh=true", { n: 9 })).status).toBe(201);
    expect(f["keep-b"]).toBe("keep-b");
    expect((pu.outs.followers as Array<{ name: string }>).map((x) => x.name)).toEqual(["keep-b"]);
    expect(pu.outs.pending).toEqual([]);
    // leave: still a follower of the deleted leader, still recorded, and reported after the up.
    expect(f["stay-a"]).toBe("stay-a");
    expect((await on(follower, "GET", "/stay-a/_count")).body.count).toBe(2);
    expect((lu.outs.followers as Array<{ name: string }>).map((x) => x.name)).toEqual(["stay-a"]);
    expect(lu.outs.pending).toEqual(["leave stay-a: leader deleted (stay-a); reported only"]);
    expect(leaderProxy.since(mark).filter((x) => x.method !== "GET")).toEqual([]);

    // Destroy of each: the promoted index is no follower and stays; the left one is released per deletePolicy.
    await Promise.all([link.delete!("link-promote", pu.outs), link.delete!("link-leave", lu.outs)]);
    const after = await followers();
    expect(["keep-a", "keep-b", "stay-a"].filter((n) => n in after)).toEqual([]);
    expect((await on(follower, "GET", "/keep-a/_count")).body.count).toBe(4);
    expect((await on(follower, "GET", "/keep-b/_count")).body.count).toBe(1); // deletePolicy keep: unfollowed, kept
    expect((await on(follower, "GET", "/stay-a")).status).toBe(404); // deletePolicy delete
    const patterns = ((await on(follower, "GET", "/_ccr/auto_follow")).body.patterns as Array<{ name: string }>).map((p) => p.name);
    expect(patterns).toEqual(["link"]);
  });

  it("data streams: the existing backing indexes are followed with their stream, a rollover by the pattern; the follower's stream is replicated and lists both", async () => {
    const ts = () => new Date().toISOString();
    expect((await on(leader, "PUT", "/_index_template/events", { index_patterns: ["events-*"], data_stream: {}, priority: 500, template: { settings: { number_of_shards: 1, number_of_replicas: 0 } } })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await on(leader, "POST", "/events-app/_doc?refresh=true", { "@timestamp": ts(), n: i })).status).toBe(201);
    const leaderStream = async () => (await on(leader, "GET", "/_resolve/index/events-app")).body.data_streams[0].backing_indices as string[];
    const [gen1] = await leaderStream();
    expect(gen1).toMatch(/^\.ds-events-app-\d{4}\.\d{2}\.\d{2}-000001$/);
    const ds = { ...inputs(), patternName: "link-ds", leaderIndexPatterns: ["events-*"], leaderIndexExclusionPatterns: [], onLeaderDeleted: "leave", deletePolicy: "delete" };
    const c = await link.check!({}, ds);
    expect(c.failures).toEqual([]);
    const created = await link.create!(c.inputs);
    // Bootstrap: the hidden, dot-prefixed backing index is followed because its stream matches.
    expect((created.outs.followers as Array<{ name: string; origin: string }>).map((f) => [f.name, f.origin])).toEqual([[gen1, "bootstrap"]]);
    const stream = async () => {
      const r = await on(follower, "GET", "/_data_stream/events-app");
      return r.status === 200 ? r.body.data_streams[0] as { indices: Array<{ index_name: string }>; replicated: boolean; generation: number } : undefined;
    };
    await until(stream, (s) => s?.indices.length === 1, 30_000, "the follower's data stream made by the follow");

    // A rollover on the leader: its new backing index is followed by the pattern, into the same follower stream.
    const roll = await on(leader, "POST", "/events-app/_rollover");
    expect(roll.status).toBe(200);
    const gen2 = roll.body.new_index as string;
    for (let i = 3; i < 5; i++) expect((await on(leader, "POST", "/events-app/_doc?refresh=true", { "@timestamp": ts(), n: i })).body._index).toBe(gen2);
    const s = await until(stream, (x) => x?.indices.length === 2, 30_000, "the rollover's backing index auto-followed into the stream");
    expect(s!.indices.map((i) => i.index_name)).toEqual([gen1, gen2]); // the newest generation is the write index
    expect(s!.replicated).toBe(true);
    expect(s!.generation).toBe(2);
    // `_all/_ccr/info` skips hidden followers (backing indexes are hidden); by name they answer.
    const info = async () => ((await on(follower, "GET", `/${gen1},${gen2}/_ccr/info`)).body.follower_indices as Array<{ follower_index: string; leader_index: string; status: string }>)
      .map((f) => [f.follower_index, f.leader_index, f.status]);
    expect(await until(info, (x) => x.every((f) => f[2] === "active"), 30_000, "both followers active")).toEqual([[gen1, gen1, "active"], [gen2, gen2, "active"]]);
    // Documents arrive, read by the stream's name; a replicated stream takes no local rollover and no writes.
    await until(() => on(follower, "GET", "/events-app/_count"), (r) => r.body?.count === 5, 30_000, "5 documents through the follower's stream");
    const refused = await on(follower, "POST", "/events-app/_rollover");
    expect([refused.status, refused.body.error?.reason]).toEqual([400, "data stream [events-app] cannot be rolled over, because it is a replicated data stream"]);
    expect((await on(follower, "POST", "/events-app/_doc", { "@timestamp": ts(), n: 99 })).status).toBe(403);
    const resolved = await on(follower, "GET", "/_resolve/index/events-app");
    expect(resolved.body.data_streams).toEqual([{ name: "events-app", backing_indices: [gen1, gen2], timestamp_field: "@timestamp" }]);

    // A refresh records what the pattern made; nothing is pending.
    const r = await link.read!("link-ds", created.outs);
    expect(r.props.pending).toEqual([]);
    expect((r.props.followers as Array<{ name: string }>).map((f) => f.name)).toEqual([gen1, gen2]);
    // Destroy with deletePolicy delete: the followers go, and the stream with them; the leader's stream is untouched.
    await link.delete!("link-ds", r.props);
    for (const n of [gen1, gen2]) expect((await on(follower, "GET", `/${n}`)).status).toBe(404);
    expect((await on(follower, "GET", "/_data_stream/events-app")).status).toBe(404);
    expect(await leaderStream()).toEqual([gen1, gen2]);
    expect((await on(leader, "GET", "/events-app/_count")).body.count).toBe(5);

    // With a followIndexPattern the stream is renamed: `.ds-<renamed stream>-<date>-<generation>`, data_stream_name set.
    const renamed = { ...ds, patternName: "link-ds-copy", followIndexPattern: "{{leader_index}}-copy" };
    const rc2 = await link.check!({}, renamed);
    expect(rc2.failures).toEqual([]);
    const copy = await link.create!(rc2.inputs);
    const names = [gen1, gen2].map((g) => g.replace(".ds-events-app-", ".ds-events-app-copy-"));
    expect((copy.outs.followers as Array<{ name: string; dataStreamName?: string }>).map((f) => [f.name, f.dataStreamName])).toEqual(names.map((n) => [n, "events-app-copy"]));
    const copied = await until(() => on(follower, "GET", "/_data_stream/events-app-copy"), (x) => x.status === 200, 30_000, "the renamed follower stream");
    expect(copied.body.data_streams[0]).toMatchObject({ name: "events-app-copy", replicated: true, indices: names.map((n) => expect.objectContaining({ index_name: n })) });
    await until(() => on(follower, "GET", "/events-app-copy/_count"), (x) => x.body?.count === 5, 30_000, "5 documents through the renamed stream");
    // The stream no longer matches (excluded by its name) and onNoLongerMatching is "delete": the whole stream goes,
    // its write index with it (Elasticsearch deletes a stream's write index only with the stream).
    const narrowed = await link.check!({}, { ...renamed, leaderIndexExclusionPatterns: ["events-app"], onNoLongerMatching: "delete" });
    expect(narrowed.failures).toEqual([]);
    const u = await link.update!("link-ds-copy", copy.outs, narrowed.inputs);
    expect(u.outs.followers).toEqual([]);
    expect((await on(follower, "GET", "/_data_stream/events-app-copy")).status).toBe(404);
    for (const n of names) expect((await on(follower, "GET", `/${n}`)).status).toBe(404);
    await link.delete!("link-ds-copy", u.outs);
  });

  it("destroy removes the pattern and every follower it or the link made, the remote can go, the leader keeps its data", async () => {
    await leaderIndex("logs-just-before-destroy", 1);
    await until(followers, (f) => "logs-just-before-destroy" in f, 30_000, "auto-followed before destroy");
    const mark = leaderProxy.mark();
    await link.delete!("link", state);
    expect(await followers()).toEqual({});
    expect((await on(follower, "GET", "/_ccr/auto_follow")).body.patterns).toEqual([]);
    await rc.delete!("leader", { alias: "leader", connection: conn() });
    expect(leaderProxy.since(mark).filter((x) => x.method !== "GET")).toEqual([]);
    expect((await on(leader, "GET", "/logs-b/_count")).body.count).toBe(1);
    expect((await on(leader, "GET", "/logs-c1/_count")).body.count).toBe(1);
  });
});
