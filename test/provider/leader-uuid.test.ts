/**
 * The FollowerIndex provider reports the leader index UUID: it reads it from the follower's `ccr` custom index
 * metadata in `GET _cluster/state/metadata` (shown by the sandbox's emulated CCR front as Elasticsearch shows it).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { setTransportFactory } from "../../provider/client/cluster";
import { provider } from "../../provider/dynamic";
import { startTestCluster, stopTestClusters, TestCluster } from "../support/clusters";

type Cluster = TestCluster;
let leader: Cluster;
let follower: Cluster;
const connection: { urls: string[]; username?: string; password?: string } = { urls: [] };


beforeAll(async () => {
  [leader, follower] = await Promise.all([startTestCluster("leader"), startTestCluster("follower")]);
  Object.assign(connection, { urls: [follower.front.url], ...(follower.node.auth ?? {}) });
  setTransportFactory(undefined, { readCacheMs: 0 });
}, 300_000);

afterAll(async () => {
  setTransportFactory(undefined);
  await stopTestClusters([leader, follower]);
}, 120_000);

it("create and read report outs.leaderIndexUuid = the leader index's uuid", async () => {
  expect((await leader.node.request("PUT", "/uuid-src", { settings: { number_of_shards: 1, number_of_replicas: 0 } })).status).toBe(200);
  const leaderUuid = (await leader.node.request("GET", "/uuid-src/_settings")).body["uuid-src"].settings.index.uuid;
  expect(typeof leaderUuid).toBe("string");
  await provider("RemoteCluster").create({ alias: "leader", seeds: [leader.node.transportAddress], connection });
  const fi = provider("FollowerIndex");
  const args = { name: "uuid-copy", remoteCluster: "leader", leaderIndex: "uuid-src", connection, settings: { "index.number_of_replicas": 0 } };
  const c = await fi.create(args);
  expect(c.outs.status).toBe("active");
  expect(c.outs.leaderIndexUuid).toBe(leaderUuid);
  const r = await fi.read!("uuid-copy", c.outs);
  expect(r.props.leaderIndexUuid).toBe(leaderUuid);
}, 180_000);
