import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setTransportFactory } from "../../provider/client/cluster";
import { provider } from "../../provider/dynamic";
import { FakeEs } from "./fake-es";

/**
 * What the providers observe on a cluster that behaves like Elasticsearch where the old fake was lenient: hidden
 * followers missing from `_all/_ccr/info`, fatal shard errors behind an "active" status, remotes configured outside
 * persistent settings, and follower data streams.
 */
let es: FakeEs;
const connection = { urls: ["http://fake:9200"] };
const fi = provider("FollowerIndex");
const rc = provider("RemoteCluster");
const writes = () => es.requests.filter((r) => !r.startsWith("GET"));
const fresh = () => setTransportFactory(() => es, { sleep: async () => {}, readCacheMs: 0 });

beforeEach(() => {
  es = new FakeEs();
  fresh();
});
afterEach(() => setTransportFactory(undefined));

const remote = { alias: "leader", seeds: ["127.0.0.1:9300"], connection };
const args = { name: "orders-copy", remoteCluster: "leader", leaderIndex: "orders", connection };

describe("hidden followers (index.hidden: true is missing from GET _all/_ccr/info)", () => {
  it("are followers right after create, a second up plans nothing, and the alias guard sees them", async () => {
    const link = await rc.create(remote);
    const hidden = { ...args, settings: { "index.hidden": true } };
    const c = await fi.create(hidden);
    expect(c.outs).toMatchObject({ status: "active", leaderIndexUuid: "uuid-orders" });
    expect(c.outs.statusMessage).toBeUndefined();

    const r = await fi.read!("orders-copy", c.outs);
    expect(r.props).toMatchObject({ status: "active", remoteCluster: "leader", leaderIndex: "orders" });
    const d = await fi.diff!("orders-copy", r.props, hidden);
    expect(d.changes).toBe(false);
    expect(d.replaces ?? []).toEqual([]);
    es.requests = [];
    await fi.update!("orders-copy", r.props, hidden);
    expect(writes()).toEqual([]);

    await expect(rc.delete!("leader", link.outs)).rejects.toThrow(/still used by follower index "orders-copy"/);
  });

  it("a paused hidden follower keeps its identity and is resumed", async () => {
    await rc.create(remote);
    es.follow("orders-copy", "orders", "leader", { "index.hidden": "true" });
    es.indices.get("orders-copy")!.follower!.active = false;
    const r = await fi.read!("orders-copy", { ...args, status: "active" });
    expect(r.props).toMatchObject({ status: "paused", leaderIndex: "orders" });
    es.requests = [];
    await fi.update!("orders-copy", r.props, args);
    expect(writes()).toEqual(["POST /orders-copy/_ccr/resume_follow"]);
  });
});
