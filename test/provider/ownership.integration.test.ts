/**
 * Identity, adoption and the exact override list against two local clusters (real Elasticsearch of CCR_ES_VERSION
 * behind the sandbox's emulated `_ccr` layer), through the ResourceProvider API the dynamic-provider shim calls.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setTransportFactory } from "../../provider/client/cluster";
import { provider } from "../../provider/dynamic";
import { startTestCluster, stopTestClusters, TestCluster } from "../support/clusters";

type Cluster = TestCluster;
let leader: Cluster;
let follower: Cluster;
// Filled in beforeAll; the argument objects below keep these references.
const connection: { urls: string[]; username?: string; password?: string } = { urls: [] };
const leaderConnection: { urls: string[]; username?: string; password?: string } = { urls: [] };
const rc = provider("RemoteCluster");
const fi = provider("FollowerIndex");


/** The cluster UUID as the node itself reports it (cluster state is fine for a test; the provider uses public APIs). */
async function uuidOf(c: Cluster): Promise<string> {
  return (await c.node.request("GET", "/_cluster/state/metadata?filter_path=metadata.cluster_uuid")).body.metadata.cluster_uuid;
}

async function leaderIndex(name: string): Promise<void> {
  expect((await leader.node.request("PUT", `/${name}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } })).status).toBe(200);
  await leader.node.request("PUT", `/${name}/_doc/1?refresh=true`, { n: 1 });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const followerFront = async (method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> => {
  const auth = follower.node.auth;
  const res = await fetch(new URL(p, follower.front.url), {
    method, body: body === undefined ? undefined : JSON.stringify(body),
    headers: { "content-type": "application/json", ...(auth ? { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}` } : {}) },
  });
  return { status: res.status, body: await res.json().catch(() => undefined) };
};

beforeAll(async () => {
  [leader, follower] = await Promise.all([startTestCluster("leader"), startTestCluster("follower")]);
  Object.assign(connection, { urls: [follower.front.url], ...(follower.node.auth ?? {}) });
  Object.assign(leaderConnection, { urls: [leader.front.url], ...(leader.node.auth ?? {}) });
  setTransportFactory(undefined, { readCacheMs: 0 });
}, 300_000);

afterAll(async () => {
  setTransportFactory(undefined);
  await stopTestClusters([leader, follower]);
}, 120_000);

describe("cluster identity", () => {
  it("create records the follower cluster's UUID (GET / answers 405 here: the public fallback is used)", async () => {
    expect((await follower.node.request("GET", "/")).status).toBe(405);
    const c = await rc.create({ alias: "leader", seeds: [leader.node.transportAddress], connection });
    expect(c.outs.adopted).toBe(false);
    expect(c.outs.clusterUuid).toBe(await uuidOf(follower));
    expect(c.outs.clusterUuid).not.toBe(await uuidOf(leader));
  }, 120_000);

  it("a connection that now reaches the leader cluster is refused by update and delete, which change nothing there", async () => {
    const outs = (await rc.read!("leader", { alias: "leader", connection })).props;
    // Rotation to the same cluster through another URL (the node itself instead of the front) passes with no write.
    const direct = { urls: [follower.node.httpUrl], ...(follower.node.auth ?? {}) };
    const rotated = await rc.update!("leader", outs, { alias: "leader", seeds: [leader.node.transportAddress], connection: direct });
    expect(rotated.outs.clusterUuid).toBe(outs.clusterUuid);
    // The leader cluster has an alias of that name too: it must not be touched.
    await leader.node.request("PUT", "/_cluster/settings", { persistent: { "cluster.remote.leader.seeds": ["127.0.0.1:1"] } });
    const other = { alias: "leader", seeds: [leader.node.transportAddress], connection: leaderConnection };
    await expect(rc.update!("leader", outs, other)).rejects.toThrow(/reaches cluster .*, but this resource lives on cluster .*--replace/);
    await expect(rc.delete!("leader", { ...outs, connection: leaderConnection, force: true })).rejects.toThrow(/lives on cluster/);
    const s = await leader.node.request("GET", "/_cluster/settings?flat_settings=true");
    expect(s.body.persistent["cluster.remote.leader.seeds"]).toEqual(["127.0.0.1:1"]);
  }, 120_000);
});

describe("adoption of a follower made outside Pulumi", () => {
  const args = () => ({ name: "adopt-copy", remoteCluster: "leader", leaderIndex: "adopt-src", connection, leaderConnection });

  it("is adopted when it follows the declared leader, and released on destroy (still following)", async () => {
    await leaderIndex("adopt-src");
    expect((await followerFront("PUT", "/adopt-copy/_ccr/follow?wait_for_active_shards=1", { remote_cluster: "leader", leader_index: "adopt-src" })).status).toBe(200);
    const c = await fi.create(args());
    expect(c.outs).toMatchObject({ adopted: true, status: "active", clusterUuid: await uuidOf(follower) });
    await fi.delete!("adopt-copy", c.outs);
    const info = await followerFront("GET", "/adopt-copy/_ccr/info");
    expect(info.body.follower_indices[0]).toMatchObject({ follower_index: "adopt-copy", status: "active" });
  }, 180_000);

  it("is refused once its leader was deleted and recreated (the leader UUID, read through leaderConnection, differs)", async () => {
    expect((await leader.node.request("DELETE", "/adopt-src")).status).toBe(200);
    await leaderIndex("adopt-src");
    await expect(fi.create(args())).rejects.toThrow(/leader was deleted and recreated.*not adopted/);
  }, 120_000);
});

describe("settings overrides: the server's exact non-replicated list", () => {
  it("an override CCR replicates (index.max_ngram_diff) is refused by check, and by the (emulated) server", async () => {
    await leaderIndex("settings-src");
    const bad = { name: "settings-copy", remoteCluster: "leader", leaderIndex: "settings-src", connection, settings: { "index.max_ngram_diff": 2 } };
    expect((await fi.check!({}, bad)).failures?.map((f) => f.property)).toEqual(["settings.index.max_ngram_diff"]);
    const r = await followerFront("PUT", "/settings-copy/_ccr/follow", { remote_cluster: "leader", leader_index: "settings-src", settings: { "index.max_ngram_diff": 2 } });
    expect(r.status).toBe(400);
    expect(r.body.error.reason).toMatch(/can not put follower index that could override leader settings/);
  }, 120_000);

  it("overrides the approximation refused (index.compound_format, index.query_string.lenient) are accepted and applied", async () => {
    const ok = { name: "settings-copy", remoteCluster: "leader", leaderIndex: "settings-src", connection,
      settings: { "index.compound_format": "false", "index.query_string.lenient": "true", "index.number_of_replicas": 0 } };
    expect((await fi.check!({}, ok)).failures).toEqual([]);
    const c = await fi.create(ok);
    expect(c.outs).toMatchObject({ status: "active", adopted: false });
    expect(c.outs.settings).toMatchObject({ "index.compound_format": "false", "index.query_string.lenient": "true" });
  }, 180_000);
});
