/**
 * Safe writes on real Elasticsearch nodes (CCR_ES_VERSION) behind the sandbox's EMULATED `_ccr` layer:
 * - a restore that outlasts the client's request timeout (the layer's `restoreDelayMs`, as a large leader would):
 *   PUT follow must not block on it (`wait_for_active_shards=0`) and is sent once; the bounded poll waits instead;
 * - answers lost after the cluster applied the write (the recording proxy cuts the connection once the node has
 *   answered): the provider re-reads and re-plans instead of resending, so every write reaches the cluster once and
 *   the declared state is reached.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setTransportFactory } from "../../provider/client/cluster";
import { provider } from "../../provider/dynamic";
import { startTestCluster, stopTestClusters, TestCluster } from "../support/clusters";
import { RecordingProxy, startRecordingProxy } from "../support/recording-proxy";
import { until } from "../support/until";

type Cluster = TestCluster;
let leader: Cluster;
let follower: Cluster;
let proxy: RecordingProxy;
const SLOW = "slow-copy";
const RESTORE_MS = 9_000;
const TIMEOUT_S = 3;
const connection: { urls: string[]; requestTimeoutSeconds: number } = { urls: [], requestTimeoutSeconds: TIMEOUT_S };
const rc = provider("RemoteCluster");
const fi = provider("FollowerIndex");


const sent = (since: number, method: string, suffix: string) => proxy.since(since).filter((r) => r.method === method && r.path.split("?")[0].endsWith(suffix));

beforeAll(async () => {
  [leader, follower] = await Promise.all([startTestCluster("leader"), startTestCluster("follower", { restoreDelayMs: (i) => (i === SLOW ? RESTORE_MS : 0) })]);
  proxy = await startRecordingProxy(follower.front.url);
  connection.urls = [proxy.url];
  setTransportFactory(undefined, { readCacheMs: 0 });
  expect((await leader.node.request("PUT", "/orders", { settings: { number_of_shards: 1, number_of_replicas: 0 } })).status).toBe(200);
  for (let i = 0; i < 5; i++) await leader.node.request("PUT", `/orders/_doc/${i}?refresh=true`, { n: i });
  await rc.create({ alias: "leader", seeds: [leader.node.transportAddress], connection });
}, 300_000);

afterAll(async () => {
  setTransportFactory(undefined);
  await proxy?.close();
  await stopTestClusters([leader, follower]);
}, 120_000);

describe("safe writes against the emulated layer", () => {
  it("a restore longer than the request timeout: one PUT follow, then the bounded wait until active", async () => {
    const m = proxy.mark();
    const t0 = Date.now();
    const c = await fi.create({ name: SLOW, remoteCluster: "leader", leaderIndex: "orders", connection, waitTimeoutSeconds: 60 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(RESTORE_MS - 500);
    expect(c.outs).toMatchObject({ status: "active", leaderIndex: "orders" });
    const follows = sent(m, "PUT", `/${SLOW}/_ccr/follow`);
    expect(follows).toHaveLength(1);
    expect(follows[0].path).toMatch(/wait_for_active_shards=0/);
    expect(follows[0].status).toBe(200);
    await until(async () => (await follower.node.request("GET", `/${SLOW}/_count`)).body?.count, (n) => n === 5, 60_000, "documents replicated");
    await fi.delete!(SLOW, { ...c.outs, deletePolicy: "delete" });
  }, 180_000);

  it("a lost answer to PUT follow is not resent: the re-read finds the follower and create completes", async () => {
    proxy.loseAnswer((method, p) => method === "PUT" && p.startsWith("/lost-copy/_ccr/follow"));
    const m = proxy.mark();
    const c = await fi.create({ name: "lost-copy", remoteCluster: "leader", leaderIndex: "orders", connection, status: "paused" });
    expect(c.outs).toMatchObject({ status: "paused", leaderIndex: "orders" });
    const follows = sent(m, "PUT", "/lost-copy/_ccr/follow");
    expect(follows).toHaveLength(1);
    expect(follows[0].lost).toBe(true);
    // The declared pause still came after the lost follow (the rest of its plan), once.
    expect(sent(m, "POST", "/lost-copy/_ccr/pause_follow")).toHaveLength(1);
    expect(await fetch(`${follower.front.url}/lost-copy/_ccr/info`).then((r) => r.json())).toMatchObject({ follower_indices: [{ status: "paused" }] });

    // A lost answer to resume: sent once, the follower ends active.
    proxy.loseAnswer((method, p) => method === "POST" && p.startsWith("/lost-copy/_ccr/resume_follow"));
    const m2 = proxy.mark();
    const u = await fi.update!("lost-copy", c.outs, { name: "lost-copy", remoteCluster: "leader", leaderIndex: "orders", connection, status: "active" });
    expect(u.outs).toMatchObject({ status: "active" });
    expect(sent(m2, "POST", "/lost-copy/_ccr/resume_follow")).toHaveLength(1);
    await until(async () => (await follower.node.request("GET", "/lost-copy/_count")).body?.count, (n) => n === 5, 60_000, "documents replicated");

    // Destroy with a lost answer to unfollow: one unfollow, the index ends a regular open index with the data.
    proxy.loseAnswer((method, p) => method === "POST" && p.startsWith("/lost-copy/_ccr/unfollow"));
    const m3 = proxy.mark();
    await fi.delete!("lost-copy", u.outs);
    expect(sent(m3, "POST", "/lost-copy/_ccr/unfollow")).toHaveLength(1);
    const s = (await follower.node.request("GET", "/lost-copy/_settings?flat_settings=true")).body["lost-copy"].settings;
    expect(s["index.xpack.ccr.following_index"]).toBeUndefined();
    expect((await follower.node.request("GET", "/lost-copy/_count")).body.count).toBe(5);
  }, 180_000);
});
