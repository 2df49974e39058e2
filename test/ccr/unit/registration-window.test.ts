import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { EsNode } from "../../../sandbox/es/node";
import { CcrLayer } from "../../../sandbox/ccr/layer";
import type { FollowerState } from "../../../sandbox/ccr/state";

/**
 * The emulated layer's registration window (layer.ts `registering`): between the node's index PUT of a new follower
 * and its registration, the index exists on the node without CCR state. Elasticsearch's restore puts both into the
 * cluster state at once, so no read may show that index as a regular one; reads of other indexes must not wait for
 * it. The node is scripted: it already shows the follower-to-be `x`, whose registration is held open by the test.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function layerOnScriptedNode(): CcrLayer {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "ccr-window-"));
  dirs.push(stateDir);
  const indexes: Record<string, string> = { x: "uuid-x", other: "uuid-other" };
  const node = {
    version: "9.5.4",
    request: async (method: string, p: string) => {
      // `GET /<names>/_settings/index.uuid?…`: the names the layer resolves an expression to.
      const expr = decodeURIComponent(p.slice(1).split("/")[0]);
      const names = expr === "_all" ? Object.keys(indexes) : expr.split(",").filter((n) => n in indexes);
      return { status: 200, body: Object.fromEntries(names.map((n) => [n, { settings: { index: { uuid: indexes[n] } } }])) };
    },
  } as unknown as EsNode;
  return new CcrLayer({ node, stateDir, log: () => {}, pollMs: 250, reconcileMs: 5000, autoFollowMs: 1000, restoreDelayMs: () => 0 });
}

const followerX: FollowerState = {
  index: "x", uuid: "uuid-x", remote_cluster: "leader", leader_index: "lx", leader_uuid: "uuid-lx", shards: 1, params: {}, active: false,
  checkpoints: [-1], follower_mapping_version: 1, follower_settings_version: 1, follower_aliases_version: 1, created_at: 0,
};

const settled = <T>(p: Promise<T>) => Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 200))]);

describe("emulated layer: reads during a follower's registration", () => {
  it("a read of other indexes answers at once; one that shows the follower-to-be waits and then shows it as a follower", async () => {
    const layer = layerOnScriptedNode();
    let finish!: () => void;
    const registration = new Promise<void>((r) => (finish = r));
    const untrack = layer.trackRegistration("x", registration);

    // Names the registering index does not appear in: not held back by it.
    const other = layer.followInfo("other");
    expect(await settled(other)).toBe(true);
    expect((await other).body).toEqual({ follower_indices: [] });

    // `_all` resolves to x too: an answer now would list x as no follower, which Elasticsearch never shows.
    const all = layer.followInfo("_all");
    expect(await settled(all)).toBe(false);
    layer.state.followers.x = followerX;
    finish();
    untrack();
    const answer = (await all).body as { follower_indices: Array<{ follower_index: string; status: string }> };
    expect(answer.follower_indices.map((f) => [f.follower_index, f.status])).toEqual([["x", "paused"]]);
  });
});

describe("emulated layer: the follower check before `_ccr` requests", () => {
  it("concurrent checks share one node read; a check asked for while one runs gets a fresh one after it", async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "ccr-verify-"));
    dirs.push(stateDir);
    let reads = 0;
    let present = true;
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    const node = {
      version: "9.5.4",
      request: async () => {
        reads++;
        const seen = present;
        await gate;
        return { status: 200, body: seen ? { x: { settings: { index: { uuid: "uuid-x" } } } } : {} };
      },
    } as unknown as EsNode;
    const layer = new CcrLayer({ node, stateDir, log: () => {}, pollMs: 250, reconcileMs: 5000, autoFollowMs: 1000, restoreDelayMs: () => 0 });
    layer.state.followers.x = { ...followerX };
    const first = layer.verifyFollowers();
    // x is deleted on the node after the running check read it: later callers must not be served by that check.
    await new Promise((r) => setTimeout(r, 10));
    present = false;
    const later = Array.from({ length: 10 }, () => layer.verifyFollowers());
    release();
    await first;
    expect(layer.state.followers.x).toBeDefined();
    gate = Promise.resolve();
    await Promise.all(later);
    expect(reads).toBe(2);
    expect(layer.state.followers.x).toBeUndefined();
  });
});
