import { describe, expect, it } from "vitest";
import { isAppIndex, lagOf, leaderCheckpoints, parseObserved } from "../../provider/components/topology/observe";
import { refusals, type TopologyStateInputs } from "../../provider/components/topology/executor";
import { planFailover } from "../../provider/components/topology/plan";
import type { CcrStats } from "../../provider/client/cluster";
import type { ObservedCluster } from "../../provider/components/topology/types";

const stats = (index: string, shards: Array<[number, number, number]>): CcrStats => ({
  follow_stats: { indices: [{ index, shards: shards.map(([shard_id, leader_global_checkpoint, follower_global_checkpoint]) => ({ shard_id, leader_global_checkpoint, follower_global_checkpoint })) as never }] },
});

describe("topology observation (pure)", () => {
  it("lag is the max over shards of leader − follower checkpoint; against the leader's current checkpoints when given", () => {
    const s = stats("issues", [[0, 10, 7], [1, 5, 5]]);
    expect(lagOf(s, "issues")).toBe(3);
    expect(lagOf(s, "issues", new Map([[0, 12], [1, 9]]))).toBe(5);
    expect(lagOf(s, "other")).toBeUndefined(); // no shard-follow task (paused): unknown, not 0
    expect(lagOf(s, "issues", new Map([[0, 12]]))).toBeUndefined(); // a shard the leader read did not cover
  });

  it("reads the primaries' global checkpoints from index stats", () => {
    const m = leaderCheckpoints({ indices: { issues: { shards: { 0: [{ routing: { primary: true }, seq_no: { global_checkpoint: 41 } }], 1: [{ routing: { primary: false }, seq_no: { global_checkpoint: 1 } }, { routing: { primary: true }, seq_no: { global_checkpoint: 9 } }] } } } });
    expect([...m.get("issues")!]).toEqual([[0, 41], [1, 9]]);
  });

  it("application indexes: the patterns minus exclusions, never dot-prefixed ones", () => {
    expect(isAppIndex("issues", ["issues*"])).toBe(true);
    expect(isAppIndex("issues-tmp", ["issues*"], ["*-tmp"])).toBe(false);
    expect(isAppIndex(".issues", ["*"])).toBe(false);
  });

  it("splits followers (remote alias = leader cluster) from regular indexes, with docs, bytes and lag", () => {
    const o = parseObserved({
      version: "9.5.4",
      followInfo: [{ follower_index: "issues", remote_cluster: "primary", leader_index: "issues", status: "active" }],
      stats: stats("issues", [[0, 4, 2]]),
      patterns: [{ name: "app-primary-r1", pattern: { remote_cluster: "primary", active: false } }],
      storeBytes: { issues: 100, wikis: 50, ".internal": 1, other: 3 },
      docs: { issues: 3, wikis: 2 },
    }, ["issues", "wikis*"]);
    expect(o).toEqual({
      reachable: true, version: "9.5.4",
      followers: [{ index: "issues", leaderCluster: "primary", leaderIndex: "issues", lagOps: 2, docs: 3, bytes: 100 }],
      indexes: [{ index: "wikis", docs: 2, bytes: 50 }],
      patterns: [{ name: "app-primary-r1", leaderCluster: "primary", active: false }],
    });
  });
});

describe("refusals before any write", () => {
  const cl = (name: string) => ({ name, connection: { urls: [`http://${name}:9200`] }, seeds: [`${name}:9300`] });
  const d = (leader: string, extra: Partial<TopologyStateInputs> = {}): TopologyStateInputs => ({ topology: "t", clusters: [cl("p"), cl("r1"), cl("r2")], leader, indexPatterns: ["issues"], ...extra });
  const up = (version: string, followers: ObservedCluster["followers"] = []): ObservedCluster => ({ reachable: true, version, followers, indexes: [], patterns: [] });
  const down: ObservedCluster = { reachable: false, followers: [], indexes: [], patterns: [] };
  const f = (leader: string) => [{ index: "issues", leaderCluster: leader, leaderIndex: "issues", lagOps: 0, docs: 1, bytes: 1 }];

  it("names both clusters and versions when a follower would run an older version than its leader", () => {
    const obs = { p: up("9.5.4"), r1: up("9.5.4", f("p")), r2: up("9.5.3", f("p")) };
    const decl = d("p");
    const plan = planFailover({ clusters: ["p", "r1", "r2"], previousLeader: "p", newLeader: "p", links: [], observed: obs });
    expect(refusals(decl, "p", obs, plan)).toEqual([expect.stringMatching(/^"r2" \(9\.5\.3\) cannot follow "p" \(9\.5\.4\): .*patch level.*upgrade "r2" first/)]);
  });

  it("an unreachable old leader must be declared unavailable; once declared the failover may proceed", () => {
    const obs = { p: { ...down, error: "connect ECONNREFUSED" }, r1: up("9.5.4", f("p")), r2: up("9.5.4", f("p")) };
    const plan = planFailover({ clusters: ["p", "r1", "r2"], previousLeader: "p", newLeader: "r1", links: [], observed: obs });
    expect(refusals(d("r1"), "p", obs, plan)).toEqual([expect.stringMatching(/cluster "p" does not answer \(connect ECONNREFUSED\)\. To fail over without it .*unavailable: \["p"\]/)]);
    expect(refusals(d("r1", { unavailable: ["p"] }), "p", obs, plan)).toEqual([]);
  });
});
