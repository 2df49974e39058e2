import { describe, expect, it } from "vitest";
import type { EsNode } from "../../../sandbox/es/node";
import { errors } from "../../../sandbox/ccr/errors";
import type { Remote } from "../../../sandbox/ccr/remote";
import { FollowLoop, LoopDeps, WaveReads } from "../../../sandbox/ccr/replicator";
import type { FollowerState } from "../../../sandbox/ccr/state";

/**
 * The emulated replication loops' shared reads (replicator.ts `WaveReads`) with scripted nodes: idle loops of one
 * wave cost one read of each kind in all; a follower created while a read was out is not judged by it; a failed
 * resolution is the same read error for every loop of the wave and is not reused by the next one.
 */
type Answer = { status: number; body: any };

function world(n: number) {
  const followerIdx: Record<string, { state: string; settings: { index: { uuid: string } } }> = {};
  const leaderIdx: Record<string, { state: string; mapping_version: number; settings: { index: { uuid: string } } }> = {};
  const leaderShards: Record<string, { shards: Record<string, unknown[]> }> = {};
  const followerAsked: string[] = [];
  const leaderAsked: string[] = [];
  /** Answers the leader gives its next metadata reads instead of the metadata (e.g. a 503). */
  const leaderMetaTrouble: Answer[] = [];
  /** A hold on the follower node's next metadata read (released by the test). */
  let holdFollower: Promise<void> | undefined;
  const node = {
    request: async (method: string, p: string): Promise<Answer> => {
      followerAsked.push(`${method} ${p}`);
      if (p.startsWith("/_cluster/state/metadata?")) {
        const shown = JSON.parse(JSON.stringify(followerIdx)); // what the node has when the read starts
        const h = holdFollower;
        holdFollower = undefined;
        if (h) await h;
        return { status: 200, body: { metadata: { indices: shown } } };
      }
      if (p.endsWith("/_refresh")) return { status: 200, body: {} };
      if (p.includes("/_count")) return { status: 200, body: { count: 0 } };
      throw new Error(`unscripted follower request ${method} ${p}`);
    },
  } as unknown as EsNode;
  const remote: Remote = {
    alias: "leader",
    entry: { transportAddress: "127.0.0.1:1", frontUrl: "http://leader-front", nodeUrl: "http://leader-node", clusterName: "leader", pid: 1 },
    req: async (method: string, p: string) => {
      leaderAsked.push(`${method} ${p}`);
      if (p.startsWith("/_cluster/state/metadata?")) return (leaderMetaTrouble.shift() ?? { status: 200, body: { metadata: { indices: leaderIdx } } }) as any;
      if (p.startsWith("/_stats/docs?")) return { status: 200, body: { indices: leaderShards } } as any;
      if (p.endsWith("/_refresh")) return { status: 200, body: {} } as any;
      if (p.includes("/_count")) return { status: 200, body: { count: 0 } } as any;
      throw new Error(`unscripted leader request ${method} ${p}`);
    },
  };
  let resolutions = 0;
  let failResolve: Error | undefined;
  const reads = new WaveReads(node, async () => {
    resolutions++;
    if (failResolve) throw failResolve;
    return remote;
  });
  const gone: string[] = [];
  const deps: LoopDeps = {
    node, reads, onProgress: () => {}, onFollowerGone: (i) => gone.push(i), log: () => {}, pollMs: 250, reconcileMs: 1e13,
  };
  const addFollower = (i: number): FollowLoop => {
    followerIdx[`f${i}`] = { state: "open", settings: { index: { uuid: `fu${i}` } } };
    leaderIdx[`l${i}`] = { state: "open", mapping_version: 1, settings: { index: { uuid: `lu${i}` } } };
    leaderShards[`l${i}`] = { shards: { 0: [{ routing: { primary: true }, seq_no: { local_checkpoint: 4, global_checkpoint: 4, max_seq_no: 4 } }] } };
    const f: FollowerState = {
      index: `f${i}`, uuid: `fu${i}`, remote_cluster: "leader", leader_index: `l${i}`, leader_uuid: `lu${i}`, shards: 1, params: {},
      active: true, checkpoints: [4], leader_mapping_version: 1, follower_mapping_version: 1, follower_settings_version: 1,
      follower_aliases_version: 1, created_at: 0,
    };
    return new FollowLoop(f, deps);
  };
  const loops = Array.from({ length: n }, (_, i) => addFollower(i));
  return {
    loops, addFollower, gone, followerAsked, leaderAsked, leaderMetaTrouble,
    resolutions: () => resolutions,
    failResolution: (e: Error | undefined) => (failResolve = e),
    hold: () => {
      let release!: () => void;
      holdFollower = new Promise<void>((r) => (release = r));
      return release;
    },
    wave: (ls: FollowLoop[]) => Promise.all(ls.map((l) => l.runOnce())),
  };
}

describe("emulated replication loops: one wave of shared reads", () => {
  it("30 idle followers cost one resolution, one follower read and two leader reads per wave (not six requests each)", async () => {
    const w = world(30);
    await w.wave(w.loops); // first pass: each shard's first count check (dirty) sends its own requests
    const [f0, l0, r0] = [w.followerAsked.length, w.leaderAsked.length, w.resolutions()];
    expect(await w.wave(w.loops)).toEqual(Array(30).fill(true));
    expect(w.resolutions() - r0).toBe(1);
    expect(w.followerAsked.slice(f0)).toEqual(["GET /_cluster/state/metadata?filter_path=metadata.indices.*.state,metadata.indices.*.settings.index.uuid"]);
    expect(w.leaderAsked.slice(l0).map((x) => x.split("?")[0])).toEqual(["GET /_cluster/state/metadata", "GET /_stats/docs"]);
    expect(w.gone).toEqual([]);
  });

  it("a follower created while the wave's follower read is out is not dropped as gone by that read", async () => {
    const w = world(1);
    await w.wave(w.loops);
    const release = w.hold();
    const first = w.loops[0].runOnce(); // its follower read starts now and will not show f1
    await new Promise((r) => setTimeout(r, 10));
    const late = w.addFollower(1); // f1 exists on the node from here on
    const second = late.runOnce();
    await new Promise((r) => setTimeout(r, 10));
    release();
    await Promise.all([first, second]);
    expect(w.gone).toEqual([]);
    const metaReads = w.followerAsked.filter((x) => x.startsWith("GET /_cluster/state/metadata?"));
    expect(metaReads).toHaveLength(3); // the first wave's, the held one, and f1's own fresh one
  });

  it("a failed resolution is the same read error for every loop of the wave; the next wave resolves again", async () => {
    const w = world(3);
    await w.wave(w.loops);
    const r0 = w.resolutions();
    w.failResolution(errors.remoteUnreachable("leader", undefined, "connect_exception: remote cluster [leader] is not connected"));
    expect(await w.wave(w.loops)).toEqual([false, false, false]);
    expect(w.resolutions() - r0).toBe(1);
    const seen = w.loops.map((l) => l.shards[0].read_exceptions);
    for (const s of seen) {
      expect(s).toHaveLength(1);
      expect(s[0].exception).toEqual(seen[0][0].exception);
      expect(s[0].exception.type).toBe("status_exception");
    }
    w.failResolution(undefined);
    expect(await w.wave(w.loops)).toEqual([true, true, true]);
    expect(w.resolutions() - r0).toBe(2);
    for (const l of w.loops) expect(l.shards[0].read_exceptions).toEqual([]);
  });

  it("a leader metadata read answered with an error (503 cluster block) is a read error to retry, not a deleted leader", async () => {
    // ShardFollowNodeTask retries ClusterBlockException (and other node trouble); only index_not_found is fatal.
    const w = world(3);
    await w.wave(w.loops);
    w.leaderMetaTrouble.push({ status: 503, body: { error: { type: "cluster_block_exception", reason: "blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];" }, status: 503 } });
    expect(await w.wave(w.loops)).toEqual([false, false, false]);
    for (const l of w.loops) {
      expect(l.fatal).toBeUndefined();
      expect(l.shards[0].read_exceptions[0]?.exception.type).toBe("cluster_block_exception");
    }
    expect(await w.wave(w.loops)).toEqual([true, true, true]);
    for (const l of w.loops) expect(l.fatal).toBeUndefined();
  });
});
