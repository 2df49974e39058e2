import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EsNode } from "../../../sandbox/es/node";
import type { Remote } from "../../../sandbox/ccr/remote";
import { FollowLoop, LoopDeps, WaveReads } from "../../../sandbox/ccr/replicator";
import type { FollowerState } from "../../../sandbox/ccr/state";

/**
 * The emulated loop's view of the leader while it copies a burst (replicator.ts `learnLeader`). Real shard-follow
 * tasks learn the leader shard's global checkpoint from every read's answer, so `_ccr/stats` shows a burst that ended
 * mid-copy as lag at once; the topology's failover reports that lag as the possible loss (the failover drill checks
 * it equals what the new leader is missing). A loop that learned the checkpoints only when a pass started reported
 * too little.
 */
let bulkServer: http.Server;
let bulkUrl: string;
const written: string[] = [];

beforeAll(async () => {
  // The loop writes with a real `_bulk` over HTTP (esRequest); this answers it like a node that accepted every line.
  bulkServer = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const lines = body.split("\n").filter(Boolean);
      const items = [];
      for (let i = 0; i < lines.length; i += 2) {
        written.push(JSON.parse(lines[i]).index._id);
        items.push({ index: { status: 201 } });
      }
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ errors: false, items }));
    });
  });
  await new Promise<void>((r) => bulkServer.listen(0, "127.0.0.1", r));
  bulkUrl = `http://127.0.0.1:${(bulkServer.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => bulkServer.close(() => r())));

function world(learnMs: number) {
  /** The leader shard's checkpoint; the test moves it on while the loop copies. */
  let leaderCkpt = 99;
  const statsReads: number[] = [];
  let searches = 0;
  const node = {
    httpUrl: bulkUrl,
    request: async (_m: string, p: string) => {
      if (p.startsWith("/_cluster/state/metadata?")) return { status: 200, body: { metadata: { indices: { f: { state: "open", settings: { index: { uuid: "fu" } } } } } } };
      // `_refresh`, and the count check of a shard's first pass (both sides answer 0: nothing to reconcile).
      return { status: 200, body: { count: 0 } };
    },
  } as unknown as EsNode;
  const remote: Remote = {
    alias: "leader",
    entry: { transportAddress: "127.0.0.1:1", frontUrl: "http://leader-front", nodeUrl: "http://leader-node", clusterName: "leader", pid: 1 },
    req: async (_m: string, p: string, body?: any) => {
      if (p.startsWith("/_cluster/state/metadata?")) return { status: 200, body: { metadata: { indices: { l: { state: "open", mapping_version: 1, settings: { index: { uuid: "lu" } } } } } } } as any;
      if (p.startsWith("/_stats/docs?")) {
        statsReads.push(leaderCkpt);
        return { status: 200, body: { indices: { l: { shards: { 0: [{ routing: { primary: true }, seq_no: { local_checkpoint: leaderCkpt, global_checkpoint: leaderCkpt, max_seq_no: leaderCkpt } }] } } } } } as any;
      }
      if (p.includes("/_search")) {
        // The burst goes on: 100 more operations are acknowledged on the leader after each of the first reads.
        if (++searches <= 3) leaderCkpt += 100;
        const { gt, lte } = body.query.range._seq_no;
        const hits = [];
        for (let q = gt + 1; q <= Math.min(lte, gt + body.size); q++) hits.push({ _id: `d${q}`, _seq_no: q, _version: 1, _source: { n: q } });
        return { status: 200, body: { hits: { hits } } } as any;
      }
      return { status: 200, body: { count: 0 } } as any;
    },
  };
  const deps: LoopDeps = {
    node, reads: new WaveReads(node, async () => remote), onProgress: () => {}, onFollowerGone: () => {}, log: () => {},
    pollMs: 250, reconcileMs: 1e13, learnMs,
  };
  const f: FollowerState = {
    index: "f", uuid: "fu", remote_cluster: "leader", leader_index: "l", leader_uuid: "lu", shards: 1,
    params: { max_read_request_operation_count: 20 }, active: true, checkpoints: [-1], leader_mapping_version: 1,
    follower_mapping_version: 1, follower_settings_version: 1, follower_aliases_version: 1, created_at: 0,
  };
  return { loop: new FollowLoop(f, deps), f, statsReads, leader: () => leaderCkpt };
}

describe("emulated replication loop: the leader's checkpoints while a burst is copied", () => {
  it("a pass copies the range it started with, and _ccr/stats' leader checkpoint follows the leader meanwhile", async () => {
    const w = world(0);
    written.length = 0;
    expect(await w.loop.runOnce()).toBe(true);
    // The pass started at leader checkpoint 99 and copied 0..99 (5 reads of 20); the leader reached 399 meanwhile.
    expect(w.f.checkpoints).toEqual([99]);
    expect(written).toHaveLength(100);
    expect(w.leader()).toBe(399);
    expect(w.loop.shards[0].leader_global_checkpoint).toBe(399);
    expect(w.loop.shards[0].leader_max_seq_no).toBe(399);
    // The next pass copies the rest.
    expect(await w.loop.runOnce()).toBe(true);
    expect(w.f.checkpoints).toEqual([399]);
    expect(written).toHaveLength(400);
  });

  it("learning is rate-limited: a loop that copies quickly does not read the leader's stats per batch", async () => {
    const w = world(60_000);
    written.length = 0;
    expect(await w.loop.runOnce()).toBe(true);
    expect(w.statsReads).toEqual([99]); // the pass's own read only
    expect(w.loop.shards[0].leader_global_checkpoint).toBe(99);
  });
});
