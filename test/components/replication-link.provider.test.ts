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
