import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setTransportFactory } from "../../provider/client/cluster";
import { provider } from "../../provider/dynamic";
import { FakeEs } from "./fake-es";

/**
 * Identity (which cluster a resource lives on) and ownership (what create adopted, what destroy may touch), through
 * the providers against in-memory clusters. URLs pick the fake: "a" and "a-new-url" are one cluster, "b" another,
 * "leader" the leader cluster of leaderConnection.
 */
let a: FakeEs;
let b: FakeEs;
let leaderEs: FakeEs;
const conn = (host: string, password = "one") => ({ urls: [`http://${host}:9200`], username: "u", password });
const fi = provider("FollowerIndex");
const rc = provider("RemoteCluster");
const afp = provider("AutoFollowPattern");
const writes = (es: FakeEs) => es.requests.filter((r) => !r.startsWith("GET"));

beforeEach(() => {
  a = new FakeEs();
  b = new FakeEs();
  b.clusterUuid = "fake-cluster-uuid-2";
  leaderEs = new FakeEs();
  leaderEs.clusterUuid = "leader-cluster-uuid";
  leaderEs.indices.set("orders", { open: true, settings: {}, uuid: "uuid-orders" });
  for (const es of [a, b]) {
    es.persistent["cluster.remote.leader.mode"] = "sniff";
    es.persistent["cluster.remote.leader.seeds"] = ["127.0.0.1:9300"];
  }
  wire();
});

/** (Re)connects the URLs to the fakes; also starts a new "process" (version and UUID are detected once per process). */
function wire(): void {
  const byHost: Record<string, FakeEs> = { a, "a-new-url": a, b, leader: leaderEs };
  setTransportFactory((c) => byHost[new URL(c.urls[0]).hostname], { sleep: async () => {}, readCacheMs: 0 });
}
afterEach(() => setTransportFactory(undefined));

const follower = (o: Record<string, unknown> = {}) => ({ name: "orders-copy", remoteCluster: "leader", leaderIndex: "orders", connection: conn("a"), ...o });

describe("cluster identity", () => {
  it("create records the cluster UUID; read and update keep it", async () => {
    const c = await fi.create(follower());
    expect(c.outs).toMatchObject({ clusterUuid: "fake-cluster-uuid-1", adopted: false });
    const r = await fi.read!("orders-copy", c.outs);
    expect(r.props).toMatchObject({ clusterUuid: "fake-cluster-uuid-1", adopted: false });
    expect(r.inputs).not.toHaveProperty("clusterUuid");
    expect(r.inputs).not.toHaveProperty("adopted");
  });

  it("a rotated password or a new URL of the same cluster is an in-place update without writes", async () => {
    const c = await fi.create(follower());
    const rotated = follower({ connection: conn("a-new-url", "two") });
    expect(await fi.diff!("orders-copy", c.outs, rotated)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    a.requests = [];
    const u = await fi.update!("orders-copy", c.outs, rotated);
    expect(writes(a)).toEqual([]);
    expect(u.outs.clusterUuid).toBe("fake-cluster-uuid-1");
  });

  it("a connection that now reaches another cluster is refused by update, read and delete before any request to it", async () => {
    b.follow("orders-copy", "orders"); // a same-named follower on the other cluster must stay untouched
    for (const [kind, p, inputs] of [
      ["FollowerIndex", fi, follower()],
      ["RemoteCluster", rc, { alias: "second", seeds: ["127.0.0.1:9300"], connection: conn("a") }],
      ["AutoFollowPattern", afp, { name: "logs", remoteCluster: "leader", leaderIndexPatterns: ["logs-*"], connection: conn("a") }],
    ] as const) {
      const c = await p.create(inputs);
      expect(c.outs.clusterUuid, kind).toBe("fake-cluster-uuid-1");
      const moved = { ...c.outs, connection: conn("b") };
      b.requests = [];
      const problem = /reaches cluster fake-cluster-uuid-2, but this resource lives on cluster fake-cluster-uuid-1.*--replace/;
      await expect(p.update!(c.id, c.outs, { ...inputs, connection: conn("b") }), kind).rejects.toThrow(problem);
      await expect(p.read!(c.id, moved), kind).rejects.toThrow(problem);
      await expect(p.delete!(c.id, moved), kind).rejects.toThrow(problem);
      expect(b.requests.filter((r) => r !== "GET /"), kind).toEqual([]);
    }
    expect(b.indices.get("orders-copy")!.follower).toBeDefined();
    expect(b.persistent["cluster.remote.leader.seeds"]).toEqual(["127.0.0.1:9300"]);
  });

  it("refresh never reports an object gone through a connection to another cluster, and costs no request when it is there", async () => {
    const c = await fi.create(follower());
    wire(); // a new provider process, as for `pulumi refresh`: nothing detected yet
    await expect(fi.read!("orders-copy", { ...c.outs, connection: conn("b") })).rejects.toThrow(/reaches cluster fake-cluster-uuid-2, but this resource lives on cluster fake-cluster-uuid-1/);
    wire();
    a.requests = [];
    expect((await fi.read!("orders-copy", c.outs)).id).toBe("orders-copy");
    expect(a.requests).not.toContain("GET /");
  });

  it("state written before UUIDs were recorded is bound on the next update", async () => {
    const c = await fi.create(follower());
    const { clusterUuid: _u, ...legacy } = c.outs;
    const u = await fi.update!("orders-copy", legacy, follower({ connection: conn("b") }));
    expect(u.outs.clusterUuid).toBe("fake-cluster-uuid-2");
  });

  it("refuses 7.x clusters before any write, saying what to do", async () => {
    a.version = "7.17.9";
    await expect(fi.create(follower())).rejects.toThrow(/7\.17\.9; this provider supports 8\.x and 9\.x.*upgrade/);
    await expect(rc.create({ alias: "x", seeds: ["h:9300"], connection: conn("a") })).rejects.toThrow(/7\.17\.9/);
    expect(writes(a)).toEqual([]);
  });
});

describe("adoption", () => {
  it("a follower that already follows the declared leader is adopted, and released (untouched) on destroy", async () => {
    a.follow("orders-copy", "orders");
    const c = await fi.create(follower());
    expect(c.outs.adopted).toBe(true);
    a.requests = [];
    await fi.delete!("orders-copy", c.outs);
    expect(a.requests).toEqual([]);
    expect(a.indices.get("orders-copy")!.follower?.active).toBe(true);
    // Updates keep the flag; adoptedOnDestroy: "destroy" makes destroy treat it like one Pulumi created.
    const u = await fi.update!("orders-copy", c.outs, follower({ adoptedOnDestroy: "destroy" }));
    expect(u.outs).toMatchObject({ adopted: true, adoptedOnDestroy: "destroy" });
    await fi.delete!("orders-copy", u.outs);
    expect(a.indices.get("orders-copy")!.follower).toBeUndefined();
  });

  it("what Pulumi created is not adopted and is destroyed by its delete policy", async () => {
    const c = await fi.create(follower());
    expect(c.outs.adopted).toBe(false);
    await fi.delete!("orders-copy", c.outs);
    expect(a.indices.get("orders-copy")!.follower).toBeUndefined();
  });

  it("a follower of a leader that was recreated (new UUID, seen through leaderConnection) is refused, saying so", async () => {
    a.follow("orders-copy", "orders"); // the fake records leader UUID uuid-orders
    leaderEs.indices.get("orders")!.uuid = "uuid-recreated";
    const leaderConnection = conn("leader");
    await expect(fi.create(follower({ leaderConnection }))).rejects.toThrow(
      /already exists and differs.*leader was deleted and recreated.*existing "uuid-orders", declared "uuid-recreated".*not adopted/);
    await expect(fi.create(follower({ leaderConnection, adoptExisting: "overwrite" }))).rejects.toThrow(/cannot be changed into what is declared/);
    leaderEs.indices.get("orders")!.uuid = "uuid-orders";
    expect((await fi.create(follower({ leaderConnection }))).outs.adopted).toBe(true);
  });

  it("a remote alias with other seeds is refused naming them, and adopted and rewritten with adoptExisting: overwrite", async () => {
    const declared = { alias: "leader", seeds: ["10.0.0.9:9300"], connection: conn("a") };
    await expect(rc.create(declared)).rejects.toThrow(/remote cluster alias "leader" already exists and differs from the declaration \(seeds: existing \["127\.0\.0\.1:9300"\], declared \["10\.0\.0\.9:9300"\]\).*adoptExisting: "overwrite"/);
    expect(a.persistent["cluster.remote.leader.seeds"]).toEqual(["127.0.0.1:9300"]);
    const c = await rc.create({ ...declared, adoptExisting: "overwrite" });
    expect(c.outs).toMatchObject({ adopted: true, seeds: ["10.0.0.9:9300"] });
    expect(a.persistent["cluster.remote.leader.seeds"]).toEqual(["10.0.0.9:9300"]);
    a.requests = [];
    await rc.delete!("leader", c.outs);
    expect(writes(a)).toEqual([]);
    expect(a.persistent["cluster.remote.leader.seeds"]).toEqual(["10.0.0.9:9300"]);
    // A matching alias is adopted as it is.
    expect((await rc.create({ ...declared })).outs.adopted).toBe(true);
  });

  it("a pattern with another definition is refused; overwrite rewrites it, but never its remote", async () => {
    a.patterns.set("logs", { active: true, remote_cluster: "leader", leader_index_patterns: ["other-*"], leader_index_exclusion_patterns: [] });
    const declared = { name: "logs", remoteCluster: "leader", leaderIndexPatterns: ["logs-*"], connection: conn("a") };
    await expect(afp.create(declared)).rejects.toThrow(/auto-follow pattern "logs" already exists and differs.*leaderIndexPatterns: existing \["other-\*"\], declared \["logs-\*"\]/);
    const c = await afp.create({ ...declared, adoptExisting: "overwrite" });
    expect(c.outs).toMatchObject({ adopted: true, leaderIndexPatterns: ["logs-*"] });
    a.persistent["cluster.remote.second.seeds"] = ["127.0.0.2:9300"];
    a.patterns.set("p2", { active: true, remote_cluster: "second", leader_index_patterns: ["logs-*"], leader_index_exclusion_patterns: [] });
    await expect(afp.create({ ...declared, name: "p2", adoptExisting: "overwrite" })).rejects.toThrow(/remoteCluster: existing "second", declared "leader".*cannot be changed/);
    a.requests = [];
    await afp.delete!("logs", c.outs);
    expect(a.patterns.has("logs")).toBe(true);
    expect(writes(a)).toEqual([]);
  });

  it("a delete-first replace of a released adopted object is refused at preview (diff)", async () => {
    a.follow("orders-copy", "orders");
    const c = await fi.create(follower());
    await expect(fi.diff!("orders-copy", c.outs, follower({ leaderIndex: "other" }))).rejects.toThrow(/adopted.*adoptedOnDestroy is "release".*adoptedOnDestroy: "destroy"/);
    expect((await fi.diff!("orders-copy", { ...c.outs, adoptedOnDestroy: "destroy" }, follower({ leaderIndex: "other", adoptedOnDestroy: "destroy" }))).replaces).toEqual(["leaderIndex"]);
    // Under a new name nothing has to be deleted first: allowed (the old one is released).
    expect((await fi.diff!("orders-copy", c.outs, follower({ name: "orders-copy-2", leaderIndex: "other" }))).replaces).toContain("name");
  });

  it("check validates the adoption inputs", async () => {
    const r = await fi.check!({}, follower({ adoptExisting: "always", adoptedOnDestroy: "keep" }));
    expect(r.failures?.map((f) => f.property)).toEqual(["adoptExisting", "adoptedOnDestroy"]);
  });
});

describe("checks before follow", () => {
  it("refuses a follower older than its leader (leaderConnection) before PUT follow", async () => {
    leaderEs.version = "9.5.4";
    await expect(fi.create(follower({ leaderConnection: conn("leader") }))).rejects.toThrow(
      /leader cluster 9\.5\.4, follower cluster 8\.19\.21: CCR needs the follower cluster on the same or a newer version/);
    expect(writes(a)).toEqual([]);
    await expect(afp.create({ name: "logs", remoteCluster: "leader", leaderIndexPatterns: ["logs-*"], connection: conn("a"), leaderConnection: conn("leader") }))
      .rejects.toThrow(/leader cluster 9\.5\.4, follower cluster 8\.19\.21/);
    expect(writes(a)).toEqual([]);
    leaderEs.version = "8.19.21";
    wire();
    expect((await fi.create(follower({ leaderConnection: conn("leader") }))).outs.status).toBe("active");
  });

  it("refuses overrides the follower's major replicates (index.search.throttled on 9.x) before PUT follow", async () => {
    a.version = "9.5.4";
    await expect(fi.create(follower({ settings: { "index.search.throttled": "false" } }))).rejects.toThrow(
      /settings index\.search\.throttled cannot be overridden on a follower in Elasticsearch 9\.x/);
    expect(writes(a)).toEqual([]);
  });
});
