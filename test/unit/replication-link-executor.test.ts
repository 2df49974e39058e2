import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setTransportFactory } from "../../provider/client/cluster";
import { provider } from "../../provider/dynamic";
import { FakeEs } from "./fake-es";

/**
 * The ReplicationLink executor against two in-memory clusters (leader and follower): what it writes, in which
 * order, and what it refuses before writing anything. The integration tests run the same against real nodes.
 */
let leader: FakeEs;
let follower: FakeEs;
const link = provider("ReplicationLinkFollowers");

beforeEach(() => {
  leader = new FakeEs();
  follower = new FakeEs();
  follower.clusterUuid = "fake-follower-uuid";
  follower.persistent["cluster.remote.leader.seeds"] = ["127.0.0.1:9300"];
  setTransportFactory((c) => (c.urls[0].includes("leader") ? leader : follower), { sleep: async () => {}, readCacheMs: 5000 });
});
afterEach(() => setTransportFactory(undefined));

function leaderIndex(name: string): void {
  leader.indices.set(name, { open: true, settings: { "index.number_of_shards": "1", "index.uuid": `uuid-${name}` } });
}

async function inputs(o: Record<string, unknown> = {}) {
  const r = await link.check!({}, {
    remoteCluster: "leader", patternName: "link", leaderIndexPatterns: ["logs-*"], onLeaderDeleted: "delete", plan: [],
    connection: { urls: ["http://follower:9200"] }, leaderConnection: { urls: ["http://leader:9200"] }, ...o,
  });
  expect(r.failures).toEqual([]);
  return r.inputs;
}

const writes = (es: FakeEs) => es.requests.filter((r) => !r.startsWith("GET"));

describe("ReplicationLink executor", () => {
  it("bootstraps all followers with their PUTs first and one wait for all of them", async () => {
    for (let i = 0; i < 12; i++) leaderIndex(`logs-${i}`);
    const r = await link.create!(await inputs({ concurrency: 4 }));
    expect((r.outs.followers as unknown[]).length).toBe(12);
    expect(writes(follower).filter((w) => w.endsWith("/_ccr/follow")).length).toBe(12);
    // No whole-cluster read per follower: the follower side is read a fixed number of times for the whole link.
    expect(follower.requests.filter((q) => q === "GET /_all/_settings").length).toBeLessThanOrEqual(3);
    // The waits for "active" share batched `GET /<names>/_ccr/info` reads, one per wave. How the 12 waits fall into
    // waves depends on when each PUT's answer arrives (1 to 3 waves seen in 40 runs; a wave may hold one name), so
    // the test bounds the count well below one read per follower (12) and checks every follower was asked for.
    const scoped = follower.requests.filter((q) => /^GET \/logs-[^/]*\/_ccr\/info$/.test(q));
    expect(scoped.length).toBeLessThanOrEqual(6);
    const asked = new Set(scoped.flatMap((q) => q.slice("GET /".length, -"/_ccr/info".length).split(",")));
    expect([...asked].sort()).toEqual(Array.from({ length: 12 }, (_, i) => `logs-${i}`).sort());
    expect(writes(leader)).toEqual([]);
  });

  it("a later up with widened patterns or new exclusions rewrites the link's own pattern and follows what now matches", async () => {
    leaderIndex("logs-a");
    leaderIndex("metrics-a");
    const first = await link.create!(await inputs());
    expect((first.outs.followers as Array<{ name: string }>).map((f) => f.name)).toEqual(["logs-a"]);
    const widened = await link.update!("link", first.outs, await inputs({ leaderIndexPatterns: ["logs-*", "metrics-*"], leaderIndexExclusionPatterns: ["logs-skip*"] }));
    expect((widened.outs.followers as Array<{ name: string }>).map((f) => f.name)).toEqual(["logs-a", "metrics-a"]);
    const p = follower.patterns.get("link") as { leader_index_patterns: string[]; leader_index_exclusion_patterns: string[] };
    expect([p.leader_index_patterns, p.leader_index_exclusion_patterns]).toEqual([["logs-*", "metrics-*"], ["logs-skip*", ".*"]]);
  });

  it("checks the CCR version rule (followerVersionProblem) before any write, and says so at preview", async () => {
    leaderIndex("logs-a");
    leader.version = "9.1.0";
    follower.version = "8.19.21";
    await expect(link.create!(await inputs())).rejects.toThrow(/leader cluster 9\.1\.0, follower cluster 8\.19\.21: .*upgrade the follower cluster first/);
    expect(writes(follower)).toEqual([]);
    expect(writes(leader)).toEqual([]);
  });

  it("repairs a failed follower whose leader is there (pause, close, follow again), with its own preview line", async () => {
    leaderIndex("logs-a");
    follower.follow("logs-a", "logs-a");
    follower.indices.get("logs-a")!.follower!.fatal = { type: "illegal_state_exception", reason: "history gone" };
    const first = await link.create!(await inputs());
    expect(first.outs.pending).toEqual([]);
    expect(writes(follower).filter((w) => w.startsWith("POST /logs-a") || w.startsWith("PUT /logs-a"))).toEqual([
      "POST /logs-a/_ccr/pause_follow", "POST /logs-a/_close", "PUT /logs-a/_ccr/follow",
    ]);
    expect(follower.indices.get("logs-a")!.follower).toMatchObject({ active: true, leader: "logs-a" });
    expect(follower.indices.get("logs-a")!.follower!.fatal).toBeUndefined();
    // A refresh while it is failed says what the next up does about it.
    follower.indices.get("logs-a")!.follower!.fatal = { type: "illegal_state_exception", reason: "history gone" };
    const read = await link.read!("link", first.outs);
    expect(read.props.pending).toEqual([expect.stringMatching(/^repair logs-a: replication stopped \(shard 0: illegal_state_exception: history gone\)/)]);
    expect((read.props.followers as Array<{ name: string }>).map((f) => f.name)).toEqual(["logs-a"]);
  });

  it("a follower whose restore ends between the refresh's `_ccr/info` and `_recovery` reads is not taken for paused out of band", async () => {
    leaderIndex("logs-a");
    leaderIndex("logs-b");
    const created = await link.create!(await inputs());
    // logs-a is still restoring (no shard-follow tasks: `_ccr/info` says paused) when the refresh starts, and its
    // restore ends just before the `_recovery` read is answered; logs-b was paused out of band.
    follower.indices.get("logs-a")!.follower!.active = false;
    follower.indices.get("logs-a")!.follower!.restoringUntil = Date.now() + 60_000;
    follower.indices.get("logs-b")!.follower!.active = false;
    follower.onRequest = (req) => {
      if (req.path === "/_recovery") follower.indices.get("logs-a")!.follower!.restoringUntil = 0;
    };
    follower.requests = [];
    const r = await link.read!("link", created.outs);
    expect(r.props.pending).toEqual(["resume logs-b: paused out of band (follows logs-b); resumed with the declared parameters"]);
    // The restores were read once, and the followers that read paused without a restore were asked again, by name
    // in one batched request.
    expect(follower.requests.filter((q) => q === "GET /_recovery")).toHaveLength(1);
    expect(follower.requests.filter((q) => /^GET \/logs-[^/]*\/_ccr\/info$/.test(q))).toEqual(["GET /logs-a,logs-b/_ccr/info"]);
  });
});
