/** Replication correctness of the EMULATED CCR layer, restart of the front, and the license gate (runs last). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCcrFront } from "../../../sandbox/ccr/front";
import { bulk, call, docs, log, Pair, startPair, stopPair, until } from "../helpers";

let p: Pair;
beforeAll(async () => { p = await startPair(); });
afterAll(async () => { await stopPair(p); });

const equalSoon = async (l: string, f: string) => {
  const want = await docs(p.leader, l);
  await until(() => docs(p.follower, f), (d) => JSON.stringify(sorted(d)) === JSON.stringify(sorted(want)), 30_000);
  return want;
};
const sorted = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

describe("replication", () => {
  it("index / update / delete bursts end with equal counts and contents", async () => {
    await call(p.leader, "PUT", "/r-l", { settings: { number_of_shards: 3, number_of_replicas: 0 } });
    await call(p.follower, "PUT", "/r-f/_ccr/follow?wait_for_active_shards=1", { remote_cluster: "leader", leader_index: "r-l" });
    const lines: unknown[] = [];
    for (let i = 0; i < 600; i++) lines.push({ index: { _index: "r-l", _id: `d${i}` } }, { i, tag: "v1" });
    expect((await bulk(p.leader, lines)).errors).toBe(false);
    const upd: unknown[] = [];
    for (let i = 0; i < 600; i += 3) upd.push({ update: { _index: "r-l", _id: `d${i}` } }, { doc: { tag: "v2" } });
    for (let i = 1; i < 600; i += 5) upd.push({ delete: { _index: "r-l", _id: `d${i}` } });
    expect((await bulk(p.leader, upd)).errors).toBe(false);
    await call(p.leader, "DELETE", "/r-l/_doc/d2");
    await call(p.leader, "POST", "/r-l/_refresh");
    await call(p.leader, "POST", "/r-l/_delete_by_query?refresh=true", { query: { range: { i: { gte: 590 } } } });
    await call(p.leader, "PUT", "/r-l/_doc/d1", { i: 1, tag: "recreated" });
    const want = await equalSoon("r-l", "r-f");
    expect(Object.keys(want).length).toBeGreaterThan(400);
    expect(want.d2).toBeUndefined();
    expect(want.d6).toBeUndefined();
    expect(want.d1).toEqual({ i: 1, tag: "recreated" });
    expect(want.d3).toEqual({ i: 3, tag: "v2" });
    const l = await call(p.leader, "GET", "/r-l/_count");
    const f = await call(p.follower, "GET", "/r-f/_count");
    expect(f.body.count).toBe(l.body.count);
    const v = await call(p.follower, "GET", "/r-f/_doc/d3");
    const lv = await call(p.leader, "GET", "/r-l/_doc/d3");
    expect(v.body._version).toBe(lv.body._version);
  });

  it("mapping changes are replicated", async () => {
    await call(p.leader, "PUT", "/r-l/_mapping", { properties: { kw: { type: "keyword" } } });
    await call(p.leader, "PUT", "/r-l/_doc/m1", { kw: "x" });
    await until(() => call(p.follower, "GET", "/r-f/_mapping"), (x) => x.body["r-f"]?.mappings?.properties?.kw?.type === "keyword");
  });

  it("the loops' whole-cluster reads: a hidden leader replicates while another leader index is closed", async () => {
    // The shared leader reads cover every index at once (replicator.ts WaveReads): hidden ones must be in the
    // `_stats` answer, and a closed one (which `_stats` refuses by name) must not spoil the answer for the others.
    await call(p.leader, "PUT", "/r-shut", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    expect((await call(p.leader, "POST", "/r-shut/_close")).status).toBe(200);
    await call(p.leader, "PUT", "/.r-hidden", { settings: { number_of_shards: 2, number_of_replicas: 0, "index.hidden": true } });
    const f = await call(p.follower, "PUT", "/r-hidden-f/_ccr/follow?wait_for_active_shards=1", { remote_cluster: "leader", leader_index: ".r-hidden" });
    expect(f.status).toBe(200);
    const lines: unknown[] = [];
    for (let i = 0; i < 40; i++) lines.push({ index: { _index: ".r-hidden", _id: `h${i}` } }, { i });
    expect((await bulk(p.leader, lines)).errors).toBe(false);
    const want = await equalSoon(".r-hidden", "r-hidden-f");
    expect(Object.keys(want)).toHaveLength(40);
    await call(p.follower, "POST", "/r-hidden-f/_ccr/pause_follow");
    await call(p.leader, "DELETE", "/r-shut");
  });

  it("a restart of the follower front mid-replication loses nothing and resumes from persisted state", async () => {
    const writer = (async () => {
      for (let b = 0; b < 20; b++) {
        const lines: unknown[] = [];
        for (let i = 0; i < 50; i++) lines.push({ index: { _index: "r-l", _id: `x${b}-${i}` } }, { b, i });
        await bulk(p.leader, lines);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    await p.follower.stop();
    await new Promise((r) => setTimeout(r, 500));
    p.follower = await startCcrFront({ node: p.followerNode, stateDir: p.dirs[1], log, pollMs: 100, reconcileMs: 1000, autoFollowMs: 300 });
    await writer;
    await equalSoon("r-l", "r-f");
    expect((await call(p.follower, "GET", "/r-f/_ccr/info")).body.follower_indices[0].status).toBe("active");
  });
});

describe("license gate (runs last: a node cannot go back to trial)", () => {
  it("remote on basic → 400 status_exception", async () => {
    await call(p.leader, "PUT", "/lic-l", { settings: { number_of_replicas: 0 } });
    expect((await call(p.leader, "POST", "/_license/start_basic?acknowledge=true")).status).toBe(200);
    const r = await call(p.follower, "PUT", "/lic-f/_ccr/follow", { remote_cluster: "leader", leader_index: "lic-l" });
    expect(r.status).toBe(400);
    expect(r.body.error.type).toBe("status_exception");
    expect(r.body.error.reason).toBe("can not fetch remote index [leader:lic-l] metadata as the remote cluster [leader] is not licensed for [ccr]; the license mode [BASIC] on cluster [leader] does not enable [ccr]");
  });
  it("local basic → 403 security_exception; info and pause still work", async () => {
    expect((await call(p.follower, "POST", "/_license/start_basic?acknowledge=true")).status).toBe(200);
    for (const [m, path, body] of [["PUT", "/lic-f/_ccr/follow", { remote_cluster: "leader", leader_index: "lic-l" }], ["POST", "/r-f/_ccr/resume_follow", {}],
      ["GET", "/_ccr/stats", undefined], ["PUT", "/_ccr/auto_follow/x", { remote_cluster: "leader", leader_index_patterns: ["a"] }]] as const) {
      const r = await call(p.follower, m, path, body);
      expect(r.status).toBe(403);
      expect(r.body.error).toMatchObject({ type: "security_exception", reason: "current license is non-compliant for [ccr]", "license.expired.feature": "ccr" });
    }
    expect((await call(p.follower, "GET", "/r-f/_ccr/info")).status).toBe(200);
    expect((await call(p.follower, "POST", "/r-f/_ccr/pause_follow")).body).toEqual({ acknowledged: true });
  });
});
