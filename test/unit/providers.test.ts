import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setTransportFactory } from "../../provider/client/cluster";
import { configure, provider } from "../../provider/dynamic";
import { setStackConnection } from "../../provider/resources/common";
import { FakeEs } from "./fake-es";

/** The executors against an in-memory cluster: what requests they send, and that retries and drift converge. */
let es: FakeEs;
const connection = { urls: ["http://fake:9200"] };
const fi = provider("FollowerIndex");
const rc = provider("RemoteCluster");
const afp = provider("AutoFollowPattern");
const writes = () => es.requests.filter((r) => !r.startsWith("GET"));

beforeEach(() => {
  es = new FakeEs();
  setTransportFactory(() => es, { sleep: async () => {}, readCacheMs: 5000 });
});
afterEach(() => setTransportFactory(undefined));

async function withRemote() {
  await rc.create({ alias: "leader", seeds: ["127.0.0.1:9300"], connection });
}

describe("RemoteCluster provider", () => {
  it("create writes the alias, waits for connected and reports it", async () => {
    const r = await rc.create({ alias: "leader", seeds: ["127.0.0.1:9300"], connection });
    expect(r.id).toBe("leader");
    expect(r.outs).toMatchObject({ connected: true, nodesConnected: 1, mode: "sniff", skipUnavailable: true });
    expect(es.persistent["cluster.remote.leader.skip_unavailable"]).toBe("true");
  });

  it("refresh shows no drift; out-of-band change is read and repaired", async () => {
    const { outs } = await rc.create({ alias: "leader", seeds: ["127.0.0.1:9300"], connection });
    const read = await rc.read!("leader", outs);
    expect(read.inputs).toMatchObject({ skipUnavailable: true, seeds: ["127.0.0.1:9300"] });
    es.persistent["cluster.remote.leader.skip_unavailable"] = "false";
    await new Promise((r) => setTimeout(r, 0));
    setTransportFactory(() => es, { sleep: async () => {}, readCacheMs: 0 });
    const drift = await rc.read!("leader", outs);
    expect(drift.props.skipUnavailable).toBe(false);
    expect((await rc.diff!("leader", drift.props, { alias: "leader", seeds: ["127.0.0.1:9300"], connection })).changes).toBe(true);
    await rc.update!("leader", drift.props, { alias: "leader", seeds: ["127.0.0.1:9300"], connection });
    expect(es.persistent["cluster.remote.leader.skip_unavailable"]).toBe("true");
  });

  it("delete refuses while a follower uses the alias, unless forced; gone is gone", async () => {
    const { outs } = await rc.create({ alias: "leader", seeds: ["127.0.0.1:9300"], connection });
    es.follow("f1", "l1");
    await expect(rc.delete!("leader", outs)).rejects.toThrow(/still used by follower index "f1".*force: true/);
    await rc.delete!("leader", { ...outs, force: true });
    expect(Object.keys(es.persistent)).toEqual([]);
    const read = await rc.read!("leader", outs);
    expect(read.id).toBe("");
    await rc.delete!("leader", { ...outs, force: true });
  });
});

describe("FollowerIndex provider", () => {
  const args = { name: "orders-copy", remoteCluster: "leader", leaderIndex: "orders", connection };

  it("create → read (no drift) → tuning update → pause → promote → delete keeps data", async () => {
    await withRemote();
    const c = await fi.create(args);
    expect(c.outs).toMatchObject({ status: "active", leaderIndexUuid: "uuid-orders", lag: 0, shardCount: 1 });
    const r = await fi.read!("orders-copy", c.outs);
    expect((await fi.diff!("orders-copy", r.props, args)).changes).toBe(false);

    es.requests = [];
    const u = await fi.update!("orders-copy", r.props, { ...args, maxReadRequestSize: "64mb" });
    expect(writes()).toEqual(["POST /orders-copy/_ccr/pause_follow", "POST /orders-copy/_ccr/resume_follow"]);
    expect(es.indices.get("orders-copy")!.follower!.params.max_read_request_size).toBe("64mb");

    const p = await fi.update!("orders-copy", u.outs, { ...args, status: "paused" });
    expect(p.outs.status).toBe("paused");

    es.requests = [];
    const pr = await fi.update!("orders-copy", p.outs, { ...args, status: "promoted" });
    expect(writes()).toEqual(["POST /orders-copy/_close", "POST /orders-copy/_ccr/unfollow", "POST /orders-copy/_open"]);
    expect(pr.outs.status).toBe("promoted");

    await fi.delete!("orders-copy", pr.outs);
    expect(es.indices.get("orders-copy")).toMatchObject({ open: true, follower: undefined });
  });

  it("a retried create adopts the follower that already follows the same leader", async () => {
    await withRemote();
    es.follow("orders-copy", "orders");
    es.requests = [];
    const c = await fi.create(args);
    expect(writes()).toEqual([]);
    expect(c.outs.status).toBe("active");
  });

  it("refuses a follower of another leader and a regular index, naming the fix", async () => {
    await withRemote();
    es.follow("orders-copy", "other");
    await expect(fi.create(args)).rejects.toThrow(/already exists and differs from the declaration \(leaderIndex: existing "other", declared "orders"\), so it is not adopted.*Fix: it cannot be changed/);
    es.indices.set("orders-copy", { open: true, settings: {} });
    await expect(fi.create(args)).rejects.toThrow(/regular \(non-follower\) index.*Delete or rename/);
  });

  it("an out-of-band pause is detected by read and repaired by update; out-of-band unfollow is a visible change", async () => {
    await withRemote();
    const c = await fi.create(args);
    setTransportFactory(() => es, { sleep: async () => {}, readCacheMs: 0 });
    es.indices.get("orders-copy")!.follower!.active = false;
    const r = await fi.read!("orders-copy", c.outs);
    expect(r.props.status).toBe("paused");
    expect(r.inputs!.status).toBe("paused");
    const d = await fi.diff!("orders-copy", r.props, args);
    expect(d).toMatchObject({ changes: true, replaces: [] });
    es.requests = [];
    await fi.update!("orders-copy", r.props, args);
    expect(writes()).toEqual(["POST /orders-copy/_ccr/resume_follow"]);

    es.unfollow("orders-copy");
    const gone = await fi.read!("orders-copy", c.outs);
    expect(gone.props).toMatchObject({ status: "promoted", statusMessage: expect.stringMatching(/converted to a regular index outside Pulumi/) });
    expect((await fi.diff!("orders-copy", gone.props, args)).replaces).toEqual(["status"]);
  });

  it("delete of a paused follower skips pause; delete of a gone follower succeeds; deletePolicy delete removes it", async () => {
    await withRemote();
    const c = await fi.create({ ...args, status: "paused", deletePolicy: "delete" });
    es.requests = [];
    await fi.delete!("orders-copy", c.outs);
    expect(writes()).toEqual(["POST /orders-copy/_close", "POST /orders-copy/_ccr/unfollow", "DELETE /orders-copy"]);
    es.requests = [];
    await fi.delete!("orders-copy", c.outs);
    expect(writes()).toEqual([]);
  });

  it("pausing a follower that got paused meanwhile is not an error (server: no shard follow tasks)", async () => {
    await withRemote();
    const c = await fi.create(args);
    const inner = es.request.bind(es);
    // The follower is paused by someone else between our observation and our pause request.
    es.request = async (req) => {
      if (req.path.endsWith("/_ccr/pause_follow")) es.indices.get("orders-copy")!.follower!.active = false;
      return inner(req);
    };
    const u = await fi.update!("orders-copy", c.outs, { ...args, status: "paused" });
    expect(u.outs.status).toBe("paused");
    expect(es.requests).toContain("POST /orders-copy/_ccr/pause_follow");
  });

  it("an unfollow that converted the index but failed to release leases is re-read and accepted", async () => {
    await withRemote();
    const c = await fi.create(args);
    const inner = es.request.bind(es);
    es.request = async (req) => {
      const r = await inner(req);
      return req.path.endsWith("/_ccr/unfollow")
        ? { status: 500, body: { error: { type: "exception", reason: "failed_to_remove_retention_leases", caused_by: { type: "connect_transport_exception", reason: "leader down" } } } }
        : r;
    };
    await fi.delete!("orders-copy", c.outs);
    expect(es.indices.get("orders-copy")).toMatchObject({ open: true, follower: undefined });
  });

  it("a create that times out waiting for active reports the id, so the engine keeps the resource", async () => {
    await withRemote();
    const inner = es.request.bind(es);
    es.request = async (req) => {
      const r = await inner(req);
      const f = es.indices.get("orders-copy")?.follower;
      if (f && req.method === "PUT") f.active = false; // restore started, following never does
      return r;
    };
    const e = await fi.create({ ...args, waitTimeoutSeconds: 0.3 }).catch((x) => x);
    expect(e.message).toMatch(/did not become active within 0.3s.*Fix:/);
    expect(e.id).toBe("orders-copy");
    expect(e.properties).toMatchObject({ name: "orders-copy", status: "paused" });
  });

  it("a missing remote alias maps to an actionable error", async () => {
    await expect(fi.create(args)).rejects.toThrow(/no_such_remote_cluster_exception.*Declare a RemoteCluster/);
  });

  it("import: read with only the id fills identity from the cluster", async () => {
    await withRemote();
    es.follow("orders-copy", "orders");
    setStackConnection({ urls: ["http://fake:9200"] });
    const r = await fi.read!("orders-copy", {});
    expect(r.inputs).toMatchObject({ name: "orders-copy", remoteCluster: "leader", leaderIndex: "orders", status: "active" });
    setStackConnection({});
  });
});

describe("AutoFollowPattern provider", () => {
  const args = { name: "logs", remoteCluster: "leader", leaderIndexPatterns: ["logs-*"], followIndexPattern: "{{leader_index}}-copy", connection };

  it("create paused re-pauses after PUT; change keeps it paused; out-of-band resume is repaired", async () => {
    await withRemote();
    const c = await afp.create({ ...args, active: false });
    expect(es.patterns.get("logs")!.active).toBe(false);
    expect(c.outs).toMatchObject({ active: false, recentErrors: [] });
    const u = await afp.update!("logs", c.outs, { ...args, active: false, leaderIndexPatterns: ["logs-*", "app-*"] });
    expect(es.patterns.get("logs")!.active).toBe(false);
    setTransportFactory(() => es, { sleep: async () => {}, readCacheMs: 0 });
    es.patterns.get("logs")!.active = true;
    const r = await afp.read!("logs", u.outs);
    expect(r.props.active).toBe(true);
    expect((await afp.diff!("logs", r.props, { ...args, active: false, leaderIndexPatterns: ["logs-*", "app-*"] })).changes).toBe(true);
    es.requests = [];
    await afp.update!("logs", r.props, { ...args, active: false, leaderIndexPatterns: ["logs-*", "app-*"] });
    expect(writes()).toEqual(["POST /_ccr/auto_follow/logs/pause"]);
    await afp.delete!("logs", u.outs);
    await afp.delete!("logs", u.outs);
    expect(es.patterns.size).toBe(0);
  });
});

describe("configure", () => {
  it("takes connection defaults from namespaced stack config", async () => {
    await configure({ config: { get: (k: string) => ({ "elasticsearch-ccr:urls": "http://fake:9200", "elasticsearch-ccr:apiKey": "abc" } as Record<string, string>)[k] } } as never);
    await withRemote();
    const c = await fi.create({ name: "x", remoteCluster: "leader", leaderIndex: "y" });
    expect(c.outs.status).toBe("active");
    setStackConnection({});
  });
});
