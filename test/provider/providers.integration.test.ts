/**
 * The three providers against two local clusters (real Elasticsearch of CCR_ES_VERSION behind the sandbox's emulated
 * `_ccr` layer), through the ResourceProvider API the dynamic-provider shim calls. Covers every transition, refresh
 * right after create, out-of-band changes detected by read and repaired by update, and idempotent retries.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setTransportFactory } from "../../provider/client/cluster";
import { provider } from "../../provider/dynamic";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startCcrFront } from "../../sandbox/ccr/front";
import { EsNode, startNode } from "../../sandbox/es/node";
import { until } from "../support/until";

/** The LocalCluster shape of sandbox/local.ts, built here because its lazy require of the front fails under vitest. */
interface LocalCluster { url: string; node: EsNode; transportAddress: string; auth?: { username: string; password: string }; stop(): Promise<void> }

async function startCluster(name: string): Promise<LocalCluster> {
  const node = await startNode({ clusterName: `${name}-${process.pid}`, license: "trial" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ccr-${name}-`));
  const front = await startCcrFront({ node, stateDir: dir, pollMs: 100, reconcileMs: 1000, autoFollowMs: 300 });
  return {
    url: front.url, node, transportAddress: node.transportAddress, auth: node.auth,
    stop: async () => {
      await front.stop();
      await node.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

let leader: LocalCluster;
let follower: LocalCluster;
// One object, filled in beforeAll: the argument objects below are built at collection time and keep this reference.
const connection: { urls: string[]; username?: string; password?: string } = { urls: [] };
const rc = provider("RemoteCluster");
const fi = provider("FollowerIndex");
const afp = provider("AutoFollowPattern");

const onFollower = (method: string, path: string, body?: unknown) => follower.node.request(method, path, body);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const onFollowerFront = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
  const res = await fetch(new URL(path, follower.url), { method, headers: { "content-type": "application/json", ...authHeader() }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => undefined) };
};
function authHeader(): Record<string, string> {
  return follower.auth ? { authorization: `Basic ${Buffer.from(`${follower.auth.username}:${follower.auth.password}`).toString("base64")}` } : {};
}


async function leaderIndex(name: string, docs = 3): Promise<void> {
  expect((await leader.node.request("PUT", `/${name}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } })).status).toBe(200);
  for (let i = 0; i < docs; i++) await leader.node.request("PUT", `/${name}/_doc/${i}?refresh=true`, { n: i });
}

const remoteArgs = () => ({ alias: "leader", seeds: [leader.transportAddress], connection });

beforeAll(async () => {
  [leader, follower] = await Promise.all([startCluster("leader"), startCluster("follower")]);
  Object.assign(connection, { urls: [follower.url], ...(follower.auth ?? {}) });
  // Shared reads are not reused between steps here, so every read sees the previous step's effect.
  setTransportFactory(undefined, { readCacheMs: 0 });
}, 300_000);

afterAll(async () => {
  setTransportFactory(undefined);
  await Promise.allSettled([leader?.stop(), follower?.stop()]);
}, 120_000);

describe("RemoteCluster", () => {
  it("create connects; refresh shows no drift; out-of-band change is detected and repaired", async () => {
    const c = await rc.create(remoteArgs());
    expect(c.outs).toMatchObject({ connected: true, mode: "sniff", skipUnavailable: true });
    expect(c.outs.nodesConnected).toBeGreaterThan(0);
    const r = await rc.read!("leader", c.outs);
    expect((await rc.diff!("leader", r.props, remoteArgs())).changes).toBe(false);

    await onFollower("PUT", "/_cluster/settings", { persistent: { "cluster.remote.leader.skip_unavailable": false } });
    const drift = await rc.read!("leader", c.outs);
    expect(drift.inputs).toMatchObject({ skipUnavailable: false });
    expect((await rc.diff!("leader", drift.props, remoteArgs())).changes).toBe(true);
    await rc.update!("leader", drift.props, remoteArgs());
    const s = await onFollower("GET", "/_cluster/settings?flat_settings=true");
    expect(s.body.persistent["cluster.remote.leader.skip_unavailable"]).toBe("true");
  }, 120_000);

  it("a retried create converges without error", async () => {
    const again = await rc.create(remoteArgs());
    expect(again.outs.connected).toBe(true);
  }, 60_000);

  it("sniff → proxy → sniff in place", async () => {
    const proxy = { alias: "leader", mode: "proxy", proxyAddress: leader.transportAddress, connection };
    const p = await rc.update!("leader", (await rc.read!("leader", { alias: "leader", connection })).props, proxy);
    expect(p.outs).toMatchObject({ mode: "proxy", connected: true });
    const back = await rc.update!("leader", p.outs, remoteArgs());
    expect(back.outs).toMatchObject({ mode: "sniff", connected: true });
  }, 120_000);
});

describe("FollowerIndex", () => {
  const args = { name: "orders-copy", remoteCluster: "leader", leaderIndex: "orders", connection, settings: { "index.number_of_replicas": 0 } };

  it("create waits until active; documents arrive; refresh shows no drift", async () => {
    await leaderIndex("orders");
    const c = await fi.create(args);
    expect(c.outs).toMatchObject({ status: "active", shardCount: 1, fatalErrors: [] });
    await until(() => onFollowerFront("GET", "/orders-copy/_count"), (r) => r.body?.count === 3);
    const r = await fi.read!("orders-copy", c.outs);
    expect((await fi.diff!("orders-copy", r.props, args)).changes).toBe(false);
    expect(typeof r.props.lag).toBe("number");
  }, 180_000);

  it("a retried create adopts the existing follower", async () => {
    const again = await fi.create(args);
    expect(again.outs.status).toBe("active");
  }, 60_000);

  it("tuning change is applied by pause + resume with the full parameter set", async () => {
    const r = await fi.read!("orders-copy", { ...args });
    const u = await fi.update!("orders-copy", r.props, { ...args, maxReadRequestSize: "16mb", readPollTimeout: "30s" });
    expect(u.outs).toMatchObject({ status: "active", maxReadRequestSize: "16mb", readPollTimeout: "30s" });
    const info = await onFollowerFront("GET", "/orders-copy/_ccr/info");
    expect(info.body.follower_indices[0].parameters).toMatchObject({ max_read_request_size: "16mb", read_poll_timeout: "30s", max_outstanding_write_requests: 9 });
  }, 120_000);

  it("an out-of-band pause is detected by read and repaired by update", async () => {
    const desired = { ...args, maxReadRequestSize: "16mb", readPollTimeout: "30s" };
    await onFollowerFront("POST", "/orders-copy/_ccr/pause_follow");
    const r = await fi.read!("orders-copy", desired);
    expect(r.props.status).toBe("paused");
    expect((await fi.diff!("orders-copy", r.props, desired)).changes).toBe(true);
    const u = await fi.update!("orders-copy", r.props, desired);
    expect(u.outs.status).toBe("active");
    const info = await onFollowerFront("GET", "/orders-copy/_ccr/info");
    expect(info.body.follower_indices[0].parameters.max_read_request_size).toBe("16mb");
  }, 120_000);

  it("active → paused → paused (retry) → active", async () => {
    const p = await fi.update!("orders-copy", { ...args }, { ...args, status: "paused" });
    expect(p.outs.status).toBe("paused");
    const again = await fi.update!("orders-copy", p.outs, { ...args, status: "paused" });
    expect(again.outs.status).toBe("paused");
    const a = await fi.update!("orders-copy", again.outs, args);
    expect(a.outs.status).toBe("active");
  }, 120_000);

  it("promoted: pause → close → unfollow → open gives a writable regular index; leader untouched", async () => {
    const p = await fi.update!("orders-copy", { ...args }, { ...args, status: "promoted" });
    expect(p.outs.status).toBe("promoted");
    const w = await onFollowerFront("PUT", "/orders-copy/_doc/local?refresh=true", { local: true });
    expect([200, 201]).toContain(w.status);
    const r = await fi.read!("orders-copy", p.outs);
    expect((await fi.diff!("orders-copy", r.props, { ...args, status: "promoted" })).changes).toBe(false);
    expect((await fi.diff!("orders-copy", r.props, args)).replaces).toEqual(["status"]);
    // destroy with the default policy keeps the data
    await fi.delete!("orders-copy", r.props);
    expect((await onFollower("GET", "/orders-copy/_count")).body.count).toBe(4);
    expect((await leader.node.request("GET", "/orders/_count")).body.count).toBe(3);
  }, 180_000);

  it("create refuses to overwrite the regular index, naming the fix", async () => {
    await expect(fi.create(args)).rejects.toThrow(/regular \(non-follower\) index.*Delete or rename/);
    await onFollower("DELETE", "/orders-copy");
  }, 60_000);

  it("out-of-band unfollow shows as a change with a message; delete policy 'delete' removes the follower, never the leader", async () => {
    const c = await fi.create({ ...args, deletePolicy: "delete" });
    await onFollowerFront("POST", "/orders-copy/_ccr/pause_follow");
    await onFollower("POST", "/orders-copy/_close");
    await onFollowerFront("POST", "/orders-copy/_ccr/unfollow");
    await onFollower("POST", "/orders-copy/_open");
    const r = await fi.read!("orders-copy", c.outs);
    expect(r.props as object).toMatchObject({ status: "promoted", statusMessage: expect.stringMatching(/outside Pulumi/) });
    await fi.delete!("orders-copy", r.props);
    expect((await onFollower("HEAD", "/orders-copy")).status).toBe(404);
    expect((await leader.node.request("GET", "/orders/_count")).body.count).toBe(3);
    // deleting what is already gone succeeds; read removes it from state
    await fi.delete!("orders-copy", r.props);
    expect((await fi.read!("orders-copy", r.props)).id).toBe("");
  }, 180_000);

  it("check rejects a forbidden override offline; the server's errors are mapped", async () => {
    expect((await fi.check!({}, { ...args, settings: { "index.number_of_shards": 2 } })).failures?.[0]?.property).toBe("settings.index.number_of_shards");
    await expect(fi.create({ ...args, name: "x-missing", leaderIndex: "does-not-exist" })).rejects.toThrow(/index_not_found_exception/);
    await expect(fi.create({ ...args, name: "x-noalias", remoteCluster: "nope" })).rejects.toThrow(/no_such_remote_cluster_exception.*Declare a RemoteCluster/);
  }, 60_000);
});

describe("AutoFollowPattern", () => {
  const args = { name: "logs", remoteCluster: "leader", leaderIndexPatterns: ["logs-*"], followIndexPattern: "{{leader_index}}-copy", connection };

  it("create (paused) → refresh no drift → out-of-band resume detected → update re-pauses → active follows new indexes → delete", async () => {
    const c = await afp.create({ ...args, active: false });
    expect(c.outs).toMatchObject({ active: false, recentErrors: [] });
    const r = await afp.read!("logs", c.outs);
    expect((await afp.diff!("logs", r.props, { ...args, active: false })).changes).toBe(false);

    await onFollowerFront("POST", "/_ccr/auto_follow/logs/resume");
    const drift = await afp.read!("logs", c.outs);
    expect(drift.props.active).toBe(true);
    const u = await afp.update!("logs", drift.props, { ...args, active: false, maxReadRequestSize: "8mb" });
    expect(u.outs).toMatchObject({ active: false, maxReadRequestSize: "8mb" });

    const a = await afp.update!("logs", u.outs, args);
    expect(a.outs.active).toBe(true);
    await leaderIndex("logs-1", 2);
    await until(() => onFollowerFront("GET", "/logs-1-copy/_count"), (x) => x.body?.count === 2, 60_000);

    await afp.delete!("logs", a.outs);
    await afp.delete!("logs", a.outs);
    expect((await afp.read!("logs", a.outs)).id).toBe("");
  }, 180_000);
});

describe("RemoteCluster delete", () => {
  it("refuses while followers use the alias, then removes every key in one request when forced", async () => {
    const outs = (await rc.read!("leader", { alias: "leader", connection })).props;
    await expect(rc.delete!("leader", outs)).rejects.toThrow(/still used by follower index "logs-1-copy"/);
    await rc.delete!("leader", { ...outs, force: true });
    const s = await onFollower("GET", "/_cluster/settings?flat_settings=true");
    expect(Object.keys(s.body.persistent).filter((k) => k.startsWith("cluster.remote.leader."))).toEqual([]);
    await rc.delete!("leader", { ...outs, force: true });
  }, 60_000);
});
