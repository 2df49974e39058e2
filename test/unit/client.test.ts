import { describe, expect, it } from "vitest";
import { Cluster } from "../../provider/client/cluster";
import { Coalesced } from "../../provider/client/coalesce";
import { clusterLabel, connectionFromConfig, mergeConnection, resolveConnection } from "../../provider/client/connection";
import { fixFor, responseError } from "../../provider/client/errors";
import { TransportFailure } from "../../provider/client/http";
import { backoffDelay } from "../../provider/client/retry";
import { FakeEs } from "./fake-es";

const ctx = { resource: 'FollowerIndex "orders-copy"', cluster: "http://es:9200", action: "follow leader:orders" };
const body = (type: string, reason: string, caused?: { type: string; reason: string }) => ({ error: { type, reason, caused_by: caused }, status: 400 });

describe("error mapping", () => {
  it.each([
    [403, body("security_exception", "current license is non-compliant for [ccr]"), /license on BOTH clusters.*start_trial/],
    [400, body("status_exception", "can not fetch remote index [leader:orders] metadata as the remote cluster [leader] is not licensed for [ccr]"), /leader cluster's license/],
    [400, body("status_exception", "can not fetch remote index [leader:orders] metadata as the license state of the remote cluster [leader] could not be determined"), /not connected.*_remote\/info/],
    [404, body("no_such_remote_cluster_exception", "no such remote cluster: [leader]"), /Declare a RemoteCluster/],
    [400, body("illegal_argument_exception", "leader index [orders] does not have soft deletes enabled"), /Reindex/],
    [400, body("illegal_argument_exception", "can not put follower index that could override leader settings {\"index.number_of_shards\":\"2\"}"), /Remove these keys/],
    [403, body("security_exception", "insufficient privileges to follow index [orders]"), /manage_ccr/],
    [401, body("security_exception", "unable to authenticate user"), /Authentication failed/],
    [500, body("snapshot_restore_exception", "cannot restore index [f] because an open index with same name already exists in the cluster"), /restore of this follower is in progress.*pulumi up/],
    [400, body("x_content_parse_exception", "[indices:admin/xpack/ccr/put_follow] unknown field [data_stream_name]"), /8\.4/],
  ])("HTTP %i %o", (status, b, fix) => {
    const e = responseError(ctx, status, b);
    expect(e.message).toContain('FollowerIndex "orders-copy"');
    expect(e.message).toContain("http://es:9200");
    expect(e.message).toContain(b.error.type);
    expect(e.message).toMatch(fix);
  });

  it("unknown errors still name resource, cluster and type", () => {
    const e = responseError(ctx, 400, body("weird_exception", "odd"));
    expect(e.message).toBe('FollowerIndex "orders-copy": follow leader:orders failed on cluster http://es:9200: HTTP 400 weird_exception: odd');
    expect(fixFor(400, undefined)).toBeUndefined();
  });
});

describe("connection", () => {
  it("labels clusters without credentials", () => {
    expect(clusterLabel({ urls: ["https://es1:9200/", "https://es2:9200"] })).toBe("https://es1:9200,https://es2:9200");
  });

  it("reads namespaced stack config and lets a resource override field by field", () => {
    const cfg = connectionFromConfig((k) => ({ "elasticsearch-ccr:urls": '["https://a:9200"]', "elasticsearch-ccr:username": "u", "elasticsearch-ccr:password": "p", "elasticsearch-ccr:requestTimeoutSeconds": "5" } as Record<string, string>)[k]);
    expect(cfg).toEqual({ urls: ["https://a:9200"], username: "u", password: "p", requestTimeoutSeconds: 5 });
    const merged = mergeConnection({ apiKey: "k" }, cfg);
    expect(merged).toEqual({ urls: ["https://a:9200"], apiKey: "k", requestTimeoutSeconds: 5 });
    expect(resolveConnection(merged, "x").auth).toEqual({ kind: "apiKey", apiKey: "k" });
  });

  it("a missing URL says where to set it, and never echoes secrets", () => {
    expect(() => resolveConnection({ password: "hunter2", username: "u" }, 'FollowerIndex "f"')).toThrow(/connection\.urls.*elasticsearch-ccr:urls/);
    try {
      resolveConnection({ password: "hunter2", username: "u" }, 'FollowerIndex "f"');
    } catch (e) {
      expect(String(e)).not.toContain("hunter2");
    }
  });
});

describe("cluster: retries, coalescing, version", () => {
  const conn = resolveConnection({ urls: ["http://fake:9200"], username: "elastic", password: "s3cret" }, "t");

  it("retries 429/502-504 with backoff, bounded", async () => {
    const es = new FakeEs();
    es.failNext = [429, 503, 502];
    const sleeps: number[] = [];
    const c = new Cluster(conn, es, { sleep: async (ms) => void sleeps.push(ms), retry: { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 } });
    await c.call({ resource: "r", action: "a" }, { method: "GET", path: "/_ccr/stats" });
    expect(sleeps).toHaveLength(3);
    es.failNext = [503, 503, 503, 503, 503];
    await expect(c.call({ resource: "r", action: "a" }, { method: "GET", path: "/_ccr/stats" })).rejects.toThrow(/HTTP 503/);
  });

  it("retries connection resets, then reports the cluster without credentials", async () => {
    let n = 0;
    const flaky = { request: async () => { n++; throw new TransportFailure("ECONNRESET", "socket hang up"); }, close() {} };
    const c = new Cluster(conn, flaky, { sleep: async () => {}, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
    const e = await c.call({ resource: "r", action: "a" }, { method: "GET", path: "/" }).catch((x) => x);
    expect(n).toBe(3);
    expect(e.message).toMatch(/cannot reach cluster http:\/\/fake:9200 \(ECONNRESET/);
    expect(e.message).not.toContain("s3cret");
  });

  it("does not retry a non-transient failure", async () => {
    let n = 0;
    const t = { request: async () => { n++; throw new TransportFailure("CERT_FINGERPRINT_MISMATCH", "mismatch"); }, close() {} };
    const e = await new Cluster(conn, t, { sleep: async () => {} }).call({ resource: "r", action: "a" }, { method: "GET", path: "/" }).catch((x) => x);
    expect(n).toBe(1);
    expect(e.message).toMatch(/caFingerprint/);
  });

  it("backoff grows and is capped", () => {
    const p = { attempts: 5, baseDelayMs: 100, maxDelayMs: 500 };
    expect([0, 1, 2, 3].map((r) => backoffDelay(r, p, () => 1))).toEqual([100, 200, 400, 500]);
    expect(backoffDelay(0, p, () => 0)).toBe(50);
  });

  it("concurrent reads share one request, writes invalidate", async () => {
    const es = new FakeEs();
    const c = new Cluster(conn, es, { readCacheMs: 5000 });
    await Promise.all(Array.from({ length: 50 }, () => c.followInfo.get()));
    await c.followInfo.get();
    expect(es.requests.filter((r) => r.includes("_ccr/info"))).toHaveLength(1);
    await c.call({ resource: "r", action: "a" }, { method: "POST", path: "/x/_close" }, [404]);
    await c.followInfo.get();
    expect(es.requests.filter((r) => r.includes("_ccr/info"))).toHaveLength(2);
  });

  it("a cached value expires", async () => {
    let t = 0;
    let loads = 0;
    const c = new Coalesced(async () => ++loads, 100, () => t);
    await c.get();
    t = 50;
    await c.get();
    t = 150;
    await c.get();
    expect(loads).toBe(2);
  });

  it("a wave keeps its answer while it keeps asking, up to the maximum age; a pause reads afresh", async () => {
    let t = 0;
    let loads = 0;
    const c = new Coalesced(async () => ++loads, { idleMs: 100, maxAgeMs: 1000 }, () => t);
    // Asked every 60 ms: reused past the 100 ms idle time, as long as no gap reaches it.
    for (t = 0; t <= 900; t += 60) expect(await c.get()).toBe(1);
    // Past the maximum age it is read again however often it is asked.
    t = 1000;
    expect(await c.get()).toBe(2);
    // A gap of the idle time reads again.
    t = 1100;
    expect(await c.get()).toBe(3);
    // A write drops it at once.
    t = 1150;
    c.invalidate();
    expect(await c.get()).toBe(4);
  });

  it("a refresh wave longer than the idle time reads each whole-cluster answer once (Cluster's defaults)", async () => {
    const es = new FakeEs();
    es.follow("f1", "l1");
    let t = 0;
    const realNow = Date.now;
    Date.now = () => t;
    try {
      const c = new Cluster(conn, es, { readCacheMs: 5000 });
      // 12.5 s of reads, one every 250 ms (a refresh of 1000 followers took that long here).
      for (t = 0; t <= 12_500; t += 250) await Promise.all([c.followInfo.get(), c.ccrStats.get(), c.indices.get()]);
      expect(es.requests.filter((r) => r === "GET /_ccr/stats")).toHaveLength(1);
      expect(es.requests.filter((r) => r === "GET /_all/_settings")).toHaveLength(1);
      // The maximum age (30 s by default) still ends it.
      t = 40_000;
      await c.ccrStats.get();
      expect(es.requests.filter((r) => r === "GET /_ccr/stats")).toHaveLength(2);
    } finally {
      Date.now = realNow;
    }
  });

  it("detects version and cluster UUID from GET /, falling back to local-node cluster stats when / answers 405", async () => {
    const es = new FakeEs();
    const c = new Cluster(conn, es);
    expect((await c.version()).major).toBe(8);
    expect((await c.identity()).uuid).toBe(es.clusterUuid);
    const es405 = new FakeEs();
    es405.rootAnswers405 = true;
    es405.version = "9.1.4";
    es405.clusterUuid = "other-uuid";
    const c405 = new Cluster(conn, es405);
    expect((await c405.version()).text).toBe("9.1.4");
    expect((await c405.identity()).uuid).toBe("other-uuid");
    // Once per cluster per process: the second and third ask send nothing.
    expect(es405.requests).toEqual(["GET /", "GET /_cluster/stats/nodes/_local"]);
  });

  it("a cluster that has not formed yet reports no UUID rather than \"_na_\"", async () => {
    const es = new FakeEs();
    es.clusterUuid = "_na_";
    expect((await new Cluster(conn, es).identity()).uuid).toBeUndefined();
  });

  it("refuses unsupported majors", async () => {
    const es = new FakeEs();
    es.version = "7.17.0";
    await expect(new Cluster(conn, es).version()).rejects.toThrow(/runs Elasticsearch 7\.17\.0; this provider supports 8\.x and 9\.x.*upgrade/);
    // identity() alone does not refuse: a leader's version is only compared, never managed.
    expect((await new Cluster(conn, es).identity()).version.text).toBe("7.17.0");
  });
});
