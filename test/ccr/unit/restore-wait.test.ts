import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { EsNode } from "../../../sandbox/es/node";
import { CcrLayer } from "../../../sandbox/ccr/layer";
import type { FollowerState } from "../../../sandbox/ccr/state";

/**
 * The emulated restore's copy (layer.ts `restoreCopy`): Elasticsearch's restore goes on until the follower's shard is
 * recovered, so a lost or failed answer on a busy node must not end the start-up (the follower stayed paused for good
 * when a single `timeout=30s` ask raced the node client's own 30 s). The node is scripted: every request fails.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function layerOnFailingNode(): { layer: CcrLayer; asked: Array<{ path: string; timeoutMs?: number }>; logs: string[] } {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "ccr-restore-wait-"));
  dirs.push(stateDir);
  const asked: Array<{ path: string; timeoutMs?: number }> = [];
  const logs: string[] = [];
  const node = {
    version: "9.5.4",
    clusterName: "follower",
    request: async (_method: string, p: string, _body?: unknown, _auth?: unknown, timeoutMs?: number) => {
      asked.push({ path: p, timeoutMs });
      throw new Error("This operation was aborted");
    },
  } as unknown as EsNode;
  const layer = new CcrLayer({ node, stateDir, log: (m) => logs.push(m), pollMs: 250, reconcileMs: 5000, autoFollowMs: 1000, restoreDelayMs: () => 0 });
  return { layer, asked, logs };
}

const follower = (): FollowerState => ({
  index: "x", uuid: "uuid-x", remote_cluster: "leader", leader_index: "lx", leader_uuid: "uuid-lx", shards: 1, params: {}, active: false,
  checkpoints: [-1], follower_mapping_version: 1, follower_settings_version: 1, follower_aliases_version: 1, created_at: 0,
});

const restoreCopy = (layer: CcrLayer, f: FollowerState) =>
  (layer as unknown as { restoreCopy(f: FollowerState): Promise<void> }).restoreCopy(f);

describe("emulated layer: the restore's copy on a node whose answers are lost", () => {
  it("asks for the shard with a server timeout under its client timeout, and a lost answer or copy round is logged, not thrown", async () => {
    const { layer, asked, logs } = layerOnFailingNode();
    const f = follower();
    layer.state.followers.x = f;
    await expect(restoreCopy(layer, f)).resolves.toBeUndefined();
    expect(asked[0]).toEqual({ path: "/_cluster/health/x?wait_for_active_shards=1&timeout=20s", timeoutMs: 45_000 });
    expect(logs[0]).toMatch(/^ccr x: waiting for the follower shard: This operation was aborted/);
    // The copy rounds still ran (and failed on the node): the follow loop started next goes on from there.
    expect(asked.length).toBeGreaterThan(1);
  });

  it("makes no copy round for a follower no longer recorded (removed or replaced meanwhile)", async () => {
    const { layer, asked } = layerOnFailingNode();
    const f = follower();
    layer.state.followers.x = { ...f, uuid: "uuid-other" };
    await restoreCopy(layer, f);
    expect(asked.map((a) => a.path)).toEqual(["/_cluster/health/x?wait_for_active_shards=1&timeout=20s"]);
  });
});
