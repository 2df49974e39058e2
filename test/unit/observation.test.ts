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

describe("RemoteCluster: effective configuration, security model, inputs", () => {
  it("read returns only inputs in inputs (observed connection state is output only)", async () => {
    const { outs } = await rc.create(remote);
    const r = await rc.read!("leader", outs);
    expect(r.props).toMatchObject({ connected: true, nodesConnected: 1, configuredIn: "persistent", securityModel: "certificate" });
    for (const k of ["connected", "nodesConnected", "configuredIn", "securityModel", "statusMessage"]) expect(r.inputs).not.toHaveProperty(k);
    expect(r.inputs).toMatchObject({ alias: "leader", seeds: ["127.0.0.1:9300"], skipUnavailable: true });
  });

  it("an alias set in transient settings is not gone, and is never written over: create refuses, naming the keys", async () => {
    es.transient["cluster.remote.leader.seeds"] = ["10.0.0.1:9300"];
    const r = await rc.read!("leader", { alias: "leader", connection });
    expect(r.id).toBe("leader");
    expect(r.props).toMatchObject({ configuredIn: "transient", seeds: ["10.0.0.1:9300"] });
    es.requests = [];
    await expect(rc.create(remote)).rejects.toThrow(/TRANSIENT cluster settings \(cluster\.remote\.leader\.seeds\).*Fix: remove the transient keys \(PUT _cluster\/settings \{"transient": \{"cluster\.remote\.leader\.seeds": null\}\}\)/);
    expect(writes()).toEqual([]);
  });

  it("transient keys win over persistent ones in what read reports", async () => {
    const { outs } = await rc.create(remote);
    es.transient["cluster.remote.leader.skip_unavailable"] = "false";
    const r = await rc.read!("leader", outs);
    expect(r.props).toMatchObject({ configuredIn: "transient", skipUnavailable: false });
    expect((await rc.diff!("leader", r.props, remote)).changes).toBe(true);
  });

  it("an alias from elasticsearch.yml (only in _remote/info) is not gone", async () => {
    es.nodeRemotes.leader = { seeds: ["10.0.0.2:9300"], skip_unavailable: "false" };
    const r = await rc.read!("leader", { alias: "leader", connection });
    expect(r.id).toBe("leader");
    expect(r.props).toMatchObject({ configuredIn: "node", mode: "sniff", seeds: ["10.0.0.2:9300"], skipUnavailable: false, connected: true });
  });

  it("cluster_credentials in _remote/info means the API-key model; not connecting names the keystore entry", async () => {
    es.remoteCredentials.add("leader");
    const { outs } = await rc.create(remote);
    expect(outs.securityModel).toBe("api_key");
    es.disconnected.add("leader");
    const r = await rc.read!("leader", outs);
    expect(r.props).toMatchObject({ connected: false, securityModel: "api_key", statusMessage: expect.stringMatching(/keystore entry cluster\.remote\.leader\.credentials/) });
    await expect(rc.update!("leader", outs, { ...remote, skipUnavailable: false, waitTimeoutSeconds: 0.2 })).rejects.toThrow(/API-key security model.*cluster\.remote\.leader\.credentials/);
  });

  it("a certificate-model remote that does not connect also names the entry (the API-key model needs it)", async () => {
    es.disconnected.add("leader");
    await expect(rc.create({ ...remote, waitTimeoutSeconds: 0.2 })).rejects.toThrow(/did not connect.*keystore entry cluster\.remote\.leader\.credentials is missing/);
  });
});

describe("fatal followers: _ccr/info says active, the shard task has stopped", () => {
  const fatal = { type: "index_not_found_exception", reason: "no such index [orders]" };

  it("read shows status failed with the error, which is drift from declared active", async () => {
    await rc.create(remote);
    const c = await fi.create(args);
    es.indices.get("orders-copy")!.follower!.fatal = fatal;
    const r = await fi.read!("orders-copy", c.outs);
    expect(r.props).toMatchObject({
      status: "failed", fatalErrors: ["shard 0: index_not_found_exception: no such index [orders]"],
      statusMessage: expect.stringMatching(/replication stopped.*leader index "leader:orders"/),
    });
    expect(r.inputs!.status).toBe("failed");
    expect(await fi.diff!("orders-copy", r.props, args)).toMatchObject({ changes: true, replaces: [] });
  });

  it("the next up recreates it from a healthy leader: pause, close, follow again under the same name", async () => {
    await rc.create(remote);
    const c = await fi.create({ ...args, settings: { "index.number_of_replicas": 0 } });
    es.indices.get("orders-copy")!.follower!.fatal = fatal;
    const r = await fi.read!("orders-copy", c.outs);
    es.requests = [];
    const u = await fi.update!("orders-copy", r.props, { ...args, settings: { "index.number_of_replicas": 0 } });
    expect(writes()).toEqual(["POST /orders-copy/_ccr/pause_follow", "POST /orders-copy/_close", "PUT /orders-copy/_ccr/follow"]);
    expect(es.requests).toContain("GET /_resolve/index/leader:orders");
    expect(u.outs).toMatchObject({ status: "active", fatalErrors: [] });
    expect(u.outs.statusMessage).toBeUndefined();
    expect(es.indices.get("orders-copy")!.settings["index.number_of_replicas"]).toBe("0");
  });

  it("when the leader index is gone, up says so and writes nothing", async () => {
    await rc.create(remote);
    const c = await fi.create(args);
    es.indices.get("orders-copy")!.follower!.fatal = fatal;
    es.missingLeaders.add("leader:orders");
    const r = await fi.read!("orders-copy", c.outs);
    es.requests = [];
    await expect(fi.update!("orders-copy", r.props, args)).rejects.toThrow(
      /leader index "leader:orders" no longer exists.*Fix: .*recreate "orders" on the leader cluster.*status "promoted"/);
    expect(writes()).toEqual([]);
    // Declaring "promoted" keeps the copy as a regular index.
    const p = await fi.update!("orders-copy", r.props, { ...args, status: "promoted" });
    expect(p.outs.status).toBe("promoted");
  });
});

describe("promoting a follower that backs a data stream also promotes the data stream", () => {
  it("the data stream's write index cannot be closed (so not unfollowed): pause, promote the stream, then stop and say to roll it over", async () => {
    await rc.create(remote);
    const backing = ".ds-logs-2099.01.01-000001";
    es.follow(backing, backing, "leader", { "index.hidden": "true" });
    es.dataStreams.set("logs", { indices: [backing], replicated: true });
    const declared = { name: backing, remoteCluster: "leader", leaderIndex: backing, connection };
    const c = await fi.create(declared);
    es.requests = [];
    const e = await fi.update!(backing, c.outs, { ...declared, status: "promoted" }).then(() => undefined, (x: Error) => x);
    expect(e?.message).toMatch(/is the write index of data stream "logs", which Elasticsearch will not close.*POST \/logs\/_rollover.*then run up again/s);
    expect(writes()).toEqual([`POST /${backing}/_ccr/pause_follow`, "POST /_data_stream/_promote/logs"]);
    expect(es.dataStreams.get("logs")!.replicated).toBe(false);
    // Once a rollover made another index the write index, the next up unfollows the old one.
    es.indices.set(".ds-logs-2099.01.02-000002", { ...structuredClone(es.indices.get(backing)!), follower: undefined, uuid: "local-2" });
    es.dataStreams.get("logs")!.indices.push(".ds-logs-2099.01.02-000002");
    es.requests = [];
    const p = await fi.update!(backing, c.outs, { ...declared, status: "promoted" });
    expect(writes()).toEqual([`POST /${backing}/_close`, `POST /${backing}/_ccr/unfollow`, `POST /${backing}/_open`, "POST /_data_stream/_promote/logs"]);
    expect(p.outs.status).toBe("promoted");
  });

  it("an older backing index: pause, close, unfollow, open, then POST _data_stream/_promote/<name>", async () => {
    await rc.create(remote);
    const backing = ".ds-logs-2099.01.01-000001";
    es.follow(backing, backing, "leader", { "index.hidden": "true" });
    es.follow(".ds-logs-2099.01.02-000002", ".ds-logs-2099.01.02-000002", "leader", { "index.hidden": "true" });
    es.dataStreams.set("logs", { indices: [backing, ".ds-logs-2099.01.02-000002"], replicated: true });
    const declared = { name: backing, remoteCluster: "leader", leaderIndex: backing, connection };
    const c = await fi.create(declared);
    expect(c.outs.status).toBe("active");
    es.requests = [];
    const p = await fi.update!(backing, c.outs, { ...declared, status: "promoted" });
    expect(writes()).toEqual([
      `POST /${backing}/_ccr/pause_follow`, `POST /${backing}/_close`, `POST /${backing}/_ccr/unfollow`, `POST /${backing}/_open`,
      "POST /_data_stream/_promote/logs",
    ]);
    expect(es.dataStreams.get("logs")!.replicated).toBe(false);
    expect(p.outs.status).toBe("promoted");
  });

  it("a follower outside any data stream promotes only the index", async () => {
    await rc.create(remote);
    const c = await fi.create(args);
    es.requests = [];
    await fi.update!("orders-copy", c.outs, { ...args, status: "promoted" });
    expect(writes()).toEqual(["POST /orders-copy/_ccr/pause_follow", "POST /orders-copy/_close", "POST /orders-copy/_ccr/unfollow", "POST /orders-copy/_open"]);
  });
});

describe("leader UUID: CCR metadata is in no public API, so it is read only when it cannot be reused", () => {
  it("refresh reuses the stored value while the follower index UUID is unchanged, and re-reads it after a recreate", async () => {
    await rc.create(remote);
    const c = await fi.create(args);
    expect(c.outs).toMatchObject({ leaderIndexUuid: "uuid-orders", indexUuid: expect.any(String) });
    es.requests = [];
    await fi.read!("orders-copy", c.outs);
    expect(es.requests.filter((r) => r.includes("_cluster/state"))).toEqual([]);
    expect(es.requests).not.toContain("GET /_cluster/state/metadata");

    es.follow("orders-copy", "orders-v2"); // recreated out of band: new index UUID, another leader
    es.requests = [];
    const r = await fi.read!("orders-copy", c.outs);
    expect(es.requests.filter((x) => x.includes("_cluster/state"))).toEqual(["GET /_cluster/state/metadata/orders-copy"]);
    expect(r.props).toMatchObject({ leaderIndex: "orders-v2", leaderIndexUuid: "uuid-orders-v2" });
  });
});
