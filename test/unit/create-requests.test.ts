import { afterEach, describe, expect, it } from "vitest";
import { Batched } from "../../provider/client/coalesce";
import { setTransportFactory } from "../../provider/client/cluster";
import type { HttpRequest, Transport } from "../../provider/client/http";
import { provider } from "../../provider/dynamic";
import { FakeEs } from "./fake-es";
import { WRITES_PER_CLUSTER } from "../../provider/resources/follower-index/provider";

/**
 * What the FollowerIndex create path reads. Creating N followers must cost O(N) small, index-scoped requests: a write
 * to index X re-reads only X, never a whole-cluster answer whose size grows with every index already there (which made
 * 100 creates through the CLI read the whole cluster ~400 times, O(N²) bytes).
 */
const connection = { urls: ["http://fake:9200"] };
afterEach(() => setTransportFactory(undefined));

const WHOLE_CLUSTER = [/^GET \/_all\/_settings$/, /^GET \/_all\/_ccr\/info$/, /^GET \/_ccr\/stats$/, /^GET \/_settings$/];

async function createMany(existing: number, n: number, inFlight: number) {
  const es = new FakeEs();
  es.persistent["cluster.remote.leader.seeds"] = ["127.0.0.1:9300"];
  for (let i = 0; i < existing; i++) es.follow(`old-${i}`, `old-leader-${i}`);
  let bytes = 0;
  const log: HttpRequest[] = [];
  const counting: Transport = {
    request: async (r) => {
      const res = await es.request(r);
      log.push(r);
      bytes += JSON.stringify(res.body ?? "").length;
      return res;
    },
    close: () => {},
  };
  setTransportFactory(() => counting, { sleep: async () => {}, readCacheMs: 5000 });
  const fi = provider("FollowerIndex");
  // Warm the per-process identity (one GET / per cluster and process, whatever N).
  await fi.create!({ name: "warm", remoteCluster: "leader", leaderIndex: "warm", connection });
  log.length = 0;
  bytes = 0;
  const names = Array.from({ length: n }, (_, i) => `f-${i}`);
  // The engine creates resources a few at a time as they become ready, not all in one turn of the event loop.
  for (let i = 0; i < n; i += inFlight) {
    const outs = await Promise.all(names.slice(i, i + inFlight).map((name) => fi.create!({ name, remoteCluster: "leader", leaderIndex: `l-${name}`, connection })));
    for (const o of outs) expect(o.outs).toMatchObject({ status: "active", leaderIndexUuid: `uuid-l-${o.id}` });
  }
  return { requests: log.map((r) => `${r.method} ${r.path}`), bytesPerCreate: bytes / n, requestsPerCreate: log.length / n };
}

describe("FollowerIndex create path", () => {
  it("sends no whole-cluster read per create, and reads the same bytes per create whatever the cluster holds", async () => {
    const small = await createMany(10, 16, 4);
    const large = await createMany(400, 16, 4);
    for (const r of [...small.requests, ...large.requests]) for (const w of WHOLE_CLUSTER) expect(r).not.toMatch(w);
    expect(large.requestsPerCreate).toBeLessThanOrEqual(6);
    // Bytes per create do not grow with the number of indexes on the cluster (index names differ in length a little).
    expect(large.bytesPerCreate).toBeLessThanOrEqual(small.bytesPerCreate * 1.1);
  });

  it("concurrent creates share their scoped reads (one batched request per kind per turn, not one per follower)", async () => {
    const { requests } = await createMany(0, 32, 32);
    const per = (re: RegExp) => requests.filter((r) => re.test(r)).length;
    expect(per(/^PUT \/f-\d+\/_ccr\/follow$/)).toBe(32);
    // Settings before (absent) and after the follow, info and stats while waiting: each batched over all 32 names.
    expect(per(/^GET \/[^_][^/]*\/_settings$/)).toBeLessThanOrEqual(4);
    expect(per(/^GET \/[^_][^/]*\/_ccr\/info$/)).toBeLessThanOrEqual(3);
    expect(per(/^GET \/[^_][^/]*\/_ccr\/stats$/)).toBeLessThanOrEqual(3);
    expect(requests.length).toBeLessThanOrEqual(32 + 14);
  });
});

describe("FollowerIndex waits for active", () => {
  it("followers whose PUTs answer one after another wait in shared waves: no read of its own per follower", async () => {
    const es = new FakeEs();
    es.persistent["cluster.remote.leader.seeds"] = ["127.0.0.1:9300"];
    // As on Elasticsearch, a follower has no shard-follow tasks until its restore ends ("paused", no parameters).
    es.restoreMs = 300;
    setTransportFactory(() => es, { sleep: async () => {} });
    const fi = provider("FollowerIndex");
    await fi.create!({ name: "warm", remoteCluster: "leader", leaderIndex: "warm", connection });
    es.requests.length = 0;
    // 16 creates arriving 20 ms apart, as the engine (or a link's write slots) hands them out: their PUTs answer at
    // different moments, so the waits meet only on the shared grid.
    const outs = await Promise.all(Array.from({ length: 16 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, 20 * i));
      return fi.create!({ name: `s-${i}`, remoteCluster: "leader", leaderIndex: `l-${i}`, connection });
    }));
    for (const o of outs) expect(o.outs).toMatchObject({ status: "active" });
    const info = es.requests.filter((r) => /^GET \/[^_][^/]*\/_ccr\/info$/.test(r));
    // The waves of ~0.6 s of restores on a 250 ms grid, not one immediate read per follower (16) on top of them.
    expect(info.length).toBeLessThanOrEqual(8);
  });
});

describe("FollowerIndex writes per cluster", () => {
  it("many creates at once (a large `pulumi up --parallel`) send at most WRITES_PER_CLUSTER follows at a time, and wait side by side", async () => {
    const es = new FakeEs();
    es.persistent["cluster.remote.leader.seeds"] = ["127.0.0.1:9300"];
    // Restores far longer than a PUT: a create that held its write slot through its wait would let the next PUT out
    // only once its own follower is active, so no PUT could ever be sent while more than WRITES_PER_CLUSTER are restoring.
    es.restoreMs = 1500;
    let inFlight = 0;
    let most = 0;
    let restoringAtSomePut = 0;
    const restoring = () => [...es.indices.values()]
      .filter((i) => i.follower?.restoringUntil !== undefined && i.follower.restoringUntil > Date.now()).length;
    const slowPut: Transport = {
      request: async (r) => {
        const put = r.method === "PUT" && /\/_ccr\/follow$/.test(r.path);
        if (!put) return es.request(r);
        inFlight++;
        most = Math.max(most, inFlight);
        restoringAtSomePut = Math.max(restoringAtSomePut, restoring());
        try {
          await new Promise((res) => setTimeout(res, 10));
          return await es.request(r);
        } finally {
          inFlight--;
        }
      },
      close: () => {},
    };
    setTransportFactory(() => slowPut, { sleep: async () => {} });
    const fi = provider("FollowerIndex");
    const outs = await Promise.all(Array.from({ length: 32 }, (_, i) => fi.create!({ name: `w-${i}`, remoteCluster: "leader", leaderIndex: `l-${i}`, connection })));
    for (const o of outs) expect(o.outs).toMatchObject({ status: "active" });
    expect(most).toBe(WRITES_PER_CLUSTER);
    expect(restoringAtSomePut).toBeGreaterThan(WRITES_PER_CLUSTER);
  });
});

describe("Batched per-key invalidation", () => {
  it("a write to one key drops only that key's answer, also while a load of it is in flight", async () => {
    const loads: string[][] = [];
    let version = 1;
    const b = new Batched<number>(async (keys) => {
      loads.push([...keys]);
      return new Map(keys.map((k) => [k, version]));
    }, 60_000);
    expect(await Promise.all([b.get("a"), b.get("b")])).toEqual([1, 1]);
    expect(loads).toEqual([["a", "b"]]);
    version = 2;
    b.invalidate("a");
    expect(await Promise.all([b.get("a"), b.get("b")])).toEqual([2, 1]);
    expect(loads).toEqual([["a", "b"], ["a"]]);
    // A load in flight when its key is invalidated hands its answer out but does not keep it.
    version = 3;
    b.invalidate("a");
    const p = b.get("a");
    b.invalidate("a");
    expect(await p).toBe(3);
    expect(await b.get("a")).toBe(3);
    expect(loads.length).toBe(4);
  });
});
