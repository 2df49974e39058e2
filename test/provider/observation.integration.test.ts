/**
 * What the providers observe on real Elasticsearch nodes (CCR_ES_VERSION) behind the sandbox's EMULATED `_ccr`
 * layer: hidden followers (missing from `_all/_ccr/info`, found by their follower setting in `_all/_settings`),
 * open/closed from `index.verified_before_close` (the node's own close/open), a follower whose shard task stopped
 * with a fatal error (leader deleted) reported as failed, refused while the leader is gone and recreated once it is
 * back, and remote aliases in transient settings (the node's own settings and `_remote/info`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setTransportFactory } from "../../provider/client/cluster";
import { provider } from "../../provider/dynamic";
import { startTestCluster, stopTestClusters, TestCluster } from "../support/clusters";
import { until } from "../support/until";

type Cluster = TestCluster;
let leader: Cluster;
let follower: Cluster;
const connection: { urls: string[]; username?: string; password?: string } = { urls: [] };
const rc = provider("RemoteCluster");
const fi = provider("FollowerIndex");


// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function front(method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> {
  const auth = follower.node.auth;
  const res = await fetch(new URL(p, follower.front.url), {
    method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: { "content-type": "application/json", ...(auth ? { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}` } : {}) },
  });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

async function leaderIndex(name: string, docs: number): Promise<string> {
  expect((await leader.node.request("PUT", `/${name}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } })).status).toBe(200);
  for (let i = 0; i < docs; i++) await leader.node.request("PUT", `/${name}/_doc/${i}?refresh=true`, { n: i });
  return (await leader.node.request("GET", `/${name}/_settings`)).body[name].settings.index.uuid;
}

const remote = () => ({ alias: "leader", seeds: [leader.node.transportAddress], connection });

beforeAll(async () => {
  [leader, follower] = await Promise.all([startTestCluster("leader"), startTestCluster("follower")]);
  Object.assign(connection, { urls: [follower.front.url], ...(follower.node.auth ?? {}) });
  setTransportFactory(undefined, { readCacheMs: 0 });
  await rc.create(remote());
}, 300_000);

afterAll(async () => {
  setTransportFactory(undefined);
  await stopTestClusters([leader, follower]);
}, 120_000);

describe("hidden follower", () => {
  it("is a follower after create and on refresh, _all/_ccr/info omits it, and the alias guard sees it", async () => {
    await leaderIndex("h-src", 2);
    const args = { name: "h-copy", remoteCluster: "leader", leaderIndex: "h-src", connection, settings: { "index.hidden": true, "index.number_of_replicas": 0 } };
    const c = await fi.create(args);
    expect(c.outs).toMatchObject({ status: "active", settings: { "index.hidden": "true", "index.number_of_replicas": "0" } });
    expect(c.outs.statusMessage).toBeUndefined();

    // The layer resolves like Elasticsearch: _all skips hidden followers, the concrete name answers; stats include it.
    expect((await front("GET", "/_all/_ccr/info")).body.follower_indices.map((e: { follower_index: string }) => e.follower_index)).not.toContain("h-copy");
    expect((await front("GET", "/h-copy/_ccr/info")).body.follower_indices[0]).toMatchObject({ follower_index: "h-copy", status: "active" });
    expect((await front("GET", "/_all/_ccr/stats")).body.indices.map((i: { index: string }) => i.index)).toContain("h-copy");
    const settings = await front("GET", "/_all/_settings?expand_wildcards=all&flat_settings=true");
    expect(settings.body["h-copy"].settings).toMatchObject({ "index.xpack.ccr.following_index": "true", "index.hidden": "true" });

    const r = await fi.read!("h-copy", c.outs);
    expect(r.props).toMatchObject({ status: "active", leaderIndex: "h-src" });
    expect((await fi.diff!("h-copy", r.props, args)).changes).toBe(false);
    await expect(rc.delete!("leader", { ...remote(), connected: true, nodesConnected: 1, mode: "sniff" })).rejects.toThrow(/still used by follower index "h-copy"/);

    // Closed/open is the node's own index.verified_before_close.
    expect((await front("POST", "/h-copy/_ccr/pause_follow")).status).toBe(200);
    expect((await front("POST", "/h-copy/_close")).status).toBe(200);
    expect((await follower.node.request("GET", "/h-copy/_settings?flat_settings=true&expand_wildcards=all")).body["h-copy"].settings["index.verified_before_close"]).toBe("true");
    const closed = await fi.read!("h-copy", r.props);
    expect(closed.props).toMatchObject({ status: "paused", statusMessage: expect.stringMatching(/is closed/) });
    const repaired = await fi.update!("h-copy", closed.props, args);
    expect(repaired.outs).toMatchObject({ status: "active" });
    expect(repaired.outs.statusMessage).toBeUndefined();
    await fi.delete!("h-copy", { ...repaired.outs, deletePolicy: "delete" });
  }, 180_000);
});

describe("fatal follower", () => {
  it("leader deleted → failed; up refuses while it is gone; leader back → up recreates the follower from it", async () => {
    const firstUuid = await leaderIndex("f-src", 3);
    const args = { name: "f-copy", remoteCluster: "leader", leaderIndex: "f-src", connection, settings: { "index.number_of_replicas": 0 } };
    const c = await fi.create(args);
    expect(c.outs).toMatchObject({ status: "active", leaderIndexUuid: firstUuid });

    expect((await leader.node.request("DELETE", "/f-src")).status).toBe(200);
    const failed = await until(() => fi.read!("f-copy", c.outs), (r) => r.props.status === "failed", 60_000, "status failed");
    expect(failed.props.fatalErrors[0]).toMatch(/index_not_found_exception/);
    expect(failed.props.statusMessage).toMatch(/leader index "leader:f-src".*recreates it from the leader/);
    expect(await fi.diff!("f-copy", failed.props, args)).toMatchObject({ changes: true, replaces: [] });

    await expect(fi.update!("f-copy", failed.props, args)).rejects.toThrow(/leader index "leader:f-src" no longer exists.*Fix:/);
    // Nothing was written: still the same failed follower.
    expect((await front("GET", "/f-copy/_ccr/info")).body.follower_indices[0].status).toBe("active");

    const secondUuid = await leaderIndex("f-src", 5);
    const again = await fi.read!("f-copy", failed.props);
    const u = await fi.update!("f-copy", again.props, args);
    expect(u.outs).toMatchObject({ status: "active", fatalErrors: [], leaderIndexUuid: secondUuid });
    expect(u.outs.statusMessage).toBeUndefined();
    await until(async () => (await front("GET", "/f-copy/_count")).body?.count, (n) => n === 5, 60_000, "rebuilt from the new leader");
    const r = await fi.read!("f-copy", u.outs);
    expect((await fi.diff!("f-copy", r.props, args)).changes).toBe(false);
  }, 240_000);
});

describe("remote alias in transient settings", () => {
  it("is reported as configured there, and never written over", async () => {
    expect((await follower.node.request("PUT", "/_cluster/settings", { transient: { "cluster.remote.tr.seeds": [leader.node.transportAddress] } })).status).toBe(200);
    try {
      const r = await rc.read!("tr", { alias: "tr", connection });
      expect(r.id).toBe("tr");
      expect(r.props).toMatchObject({ configuredIn: "transient", seeds: [leader.node.transportAddress], securityModel: "certificate" });
      await expect(rc.create({ alias: "tr", seeds: ["127.0.0.1:1"], connection })).rejects.toThrow(/TRANSIENT cluster settings \(cluster\.remote\.tr\.seeds\)/);
      const s = (await follower.node.request("GET", "/_cluster/settings?flat_settings=true")).body;
      expect(Object.keys(s.persistent).filter((k) => k.startsWith("cluster.remote.tr."))).toEqual([]);
    } finally {
      await follower.node.request("PUT", "/_cluster/settings", { transient: { "cluster.remote.tr.seeds": null } });
    }
  }, 120_000);
});
