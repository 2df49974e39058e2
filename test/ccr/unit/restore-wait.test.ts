import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { EsNode } from "../../../sandbox/es/node";
import { CcrLayer } from "../../../sandbox/ccr/layer";
import type { FollowerState } from "../../../sandbox/ccr/state";

/**
 * The emulated restore's wait for the follower's shard (layer.ts `followerShardActive`). Elasticsearch's restore goes
 * on until the shard is recovered; the layer's single ask with the node client's own timeout gave up under load and
 * left the follower paused for good. The node is scripted: its health answers are the test's.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

type Answer = { status: number; body: unknown } | Error;

function layerOn(answers: Answer[], onAsk: (n: number) => void = () => {}): { layer: CcrLayer; asked: Array<{ path: string; timeoutMs?: number }> } {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "ccr-restore-wait-"));
  dirs.push(stateDir);
  const asked: Array<{ path: string; timeoutMs?: number }> = [];
  const node = {
    version: "9.5.4",
    request: async (_method: string, p: string, _body?: unknown, _auth?: unknown, timeoutMs?: number) => {
      asked.push({ path: p, timeoutMs });
      onAsk(asked.length);
      const a = answers[Math.min(asked.length, answers.length) - 1];
      if (a instanceof Error) throw a;
      return a;
    },
  } as unknown as EsNode;
  return { layer: new CcrLayer({ node, stateDir, log: () => {}, pollMs: 250, reconcileMs: 5000, autoFollowMs: 1000, restoreDelayMs: () => 0 }), asked };
}

const follower = (): FollowerState => ({
  index: "x", uuid: "uuid-x", remote_cluster: "leader", leader_index: "lx", leader_uuid: "uuid-lx", shards: 1, params: {}, active: false,
  checkpoints: [-1], follower_mapping_version: 1, follower_settings_version: 1, follower_aliases_version: 1, created_at: 0,
});

const shardActive = (layer: CcrLayer, f: FollowerState) =>
  (layer as unknown as { followerShardActive(i: string, f: FollowerState): Promise<boolean> }).followerShardActive("x", f);

describe("emulated layer: the restore's wait for the follower shard", () => {
  it("asks with a server timeout under its own client timeout, and asks again after a lost answer and a 408", async () => {
    const { layer, asked } = layerOn([new Error("This operation was aborted"), { status: 408, body: { timed_out: true } }, { status: 200, body: { timed_out: false } }]);
    const f = follower();
    layer.state.followers.x = f;
    expect(await shardActive(layer, f)).toBe(true);
    expect(asked).toHaveLength(3);
    for (const a of asked) {
      expect(a.path).toBe("/_cluster/health/x?wait_for_active_shards=1&timeout=20s");
      expect(a.timeoutMs).toBeGreaterThan(20_000);
    }
  });

  it("stops asking once the follower is removed (its restore is over)", async () => {
    let layerRef!: CcrLayer;
    const { layer, asked } = layerOn([{ status: 408, body: { timed_out: true } }], (n) => {
      if (n === 2) delete layerRef.state.followers.x;
    });
    layerRef = layer;
    const f = follower();
    layer.state.followers.x = f;
    expect(await shardActive(layer, f)).toBe(false);
    expect(asked).toHaveLength(2);
  });
});
