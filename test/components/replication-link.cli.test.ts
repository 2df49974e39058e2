/**
 * ReplicationLink through the REAL pulumi CLI (sandbox/pulumi/engine.ts: offline, program served inline) against two
 * local clusters of CCR_ES_VERSION (real Elasticsearch behind the sandbox's EMULATED `_ccr` layer). Both clusters are
 * reached only through recording proxies, so every preview is checked for what it sent (reads only: the link lists
 * the leader in the program so the preview can say what `up` will follow), and destroy for never writing to the
 * leader.
 */
import * as fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { ReplicationLink } from "pulumi-elasticsearch-ccr";
import { inlineStack, offlineEnv, OfflineEnv } from "../../sandbox/pulumi/engine";
import { LocalCluster, startLocalClusters, stopAll } from "../../sandbox/local";
import { esRequest } from "../../sandbox/es/http";
import { RecordedRequest, RecordingProxy, startRecordingProxy } from "../support/recording-proxy";
import { until } from "../support/until";

const RUN = `${process.pid}${Date.now().toString(36)}`;
const LINK_TYPE = "pulumi-nodejs:dynamic/elasticsearch-ccr:ReplicationLinkFollowers";

let leader: LocalCluster;
let follower: LocalCluster;
let proxies: { leader: RecordingProxy; follower: RecordingProxy };
let env: OfflineEnv;
let stack: Stack;

const on = (c: LocalCluster, method: string, path: string, body?: unknown) => esRequest(c.url, method, path, body, { auth: c.auth });

async function leaderIndex(name: string, docs: number): Promise<void> {
  expect((await on(leader, "PUT", `/${name}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } })).status).toBe(200);
  for (let i = 0; i < docs; i++) await on(leader, "PUT", `/${name}/_doc/${i}?refresh=true`, { n: i });
}

async function followers(): Promise<Record<string, string>> {
  const r = await on(follower, "GET", "/_all/_ccr/info?expand_wildcards=all");
  return Object.fromEntries((r.body?.follower_indices ?? []).map((f: { follower_index: string; leader_index: string }) => [f.follower_index, f.leader_index]));
}

function windowOf(): () => Array<RecordedRequest & { cluster: string }> {
  const m = { leader: proxies.leader.mark(), follower: proxies.follower.mark() };
  return () => [
    ...proxies.leader.since(m.leader).map((r) => ({ ...r, cluster: "leader" })),
    ...proxies.follower.since(m.follower).map((r) => ({ ...r, cluster: "follower" })),
  ];
}
const writes = (rs: Array<RecordedRequest & { cluster: string }>) => rs.filter((r) => r.method !== "GET" && r.method !== "HEAD").map((r) => `${r.cluster}: ${r.method} ${r.path}`);

function events(): { onEvent: (e: EngineEvent) => void; messages: string[]; ops: (type: string) => string[] } {
  const messages: string[] = [];
  const steps: Array<{ type: string; op: string }> = [];
  return {
    messages,
    onEvent: (e) => {
      if (e.diagnosticEvent) messages.push(e.diagnosticEvent.message);
      if (e.resourcePreEvent) steps.push({ type: e.resourcePreEvent.metadata.type, op: e.resourcePreEvent.metadata.op });
    },
    ops: (type) => steps.filter((s) => s.type === type).map((s) => s.op),
  };
}

async function statesByUrn(): Promise<Record<string, { inputs: Record<string, unknown>; outputs: Record<string, unknown> }>> {
  const d = await stack.exportStack();
  const rs = (d.deployment as { resources?: Array<{ urn: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }> }).resources ?? [];
  return Object.fromEntries(rs.map((r) => [r.urn, { inputs: r.inputs ?? {}, outputs: r.outputs ?? {} }]));
}

beforeAll(async () => {
  env = offlineEnv();
  [leader, follower] = await startLocalClusters({ count: 2 });
  proxies = { leader: await startRecordingProxy(leader.url), follower: await startRecordingProxy(follower.url) };
  await Promise.all([leaderIndex("logs-a", 5), leaderIndex("logs-b", 3), leaderIndex("other", 1), leaderIndex(".logs-dot", 1)]);
  stack = await inlineStack({
    projectName: "ccr-link-cli", stackName: `link${RUN}`, env,
    program: async () => {
      const link = new ReplicationLink("link", {
        remote: { alias: "leader", seeds: [leader.transportAddress], skipUnavailable: false },
        connection: { urls: [proxies.follower.url] }, leaderConnection: { urls: [proxies.leader.url] },
        leaderIndexPatterns: ["logs-*"], onLeaderDeleted: "delete", deletePolicy: "delete",
      });
      return { plan: link.plan, followers: link.followers.apply((f) => f.map((x) => x.name)), summary: link.summary, pending: link.pending };
    },
  });
}, 400_000);

afterAll(async () => {
  await stack?.workspace.removeStack(stack.name, { force: true }).catch(() => undefined);
  await Promise.allSettled([proxies?.leader.close(), proxies?.follower.close()]);
  await stopAll([leader, follower].filter(Boolean));
  if (env) fs.rmSync(env.stateDir, { recursive: true, force: true });
}, 120_000);

describe("ReplicationLink through the real pulumi CLI", () => {
  it("preview says exactly which indexes the link will follow, and writes nothing", async () => {
    const ev = events();
    const seen = windowOf();
    const r = await stack.preview({ onEvent: ev.onEvent });
    expect(r.changeSummary.create).toBeGreaterThanOrEqual(3);
    expect(ev.messages.join("\n")).toMatch(/up will: follow logs-a as logs-a; follow logs-b as logs-b\n/);
    expect(seen().length).toBeGreaterThan(0); // it did read the leader
    expect(writes(seen())).toEqual([]);
    expect(await followers()).toEqual({});
  });

  it("up while a loop creates leader indexes: each is followed exactly once", async () => {
    let stop = false;
    const created: string[] = [];
    const loop = (async () => {
      for (let i = 0; !stop && i < 40; i++) {
        await leaderIndex(`logs-r${i}`, 1);
        created.push(`logs-r${i}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    const up = await stack.up();
    stop = true;
    await loop;
    expect(up.summary.result).toBe("succeeded");
    const want = ["logs-a", "logs-b", ...created].sort();
    const got = await until(followers, (f) => want.every((n) => f[n] === n), 60_000, "every logs-* index followed");
    expect(Object.keys(got).sort()).toEqual(want);
    expect(new Set(Object.values(got)).size).toBe(want.length);
    expect(created.length).toBeGreaterThan(3);
    expect(up.outputs.followers.value).toEqual(expect.arrayContaining(["logs-a", "logs-b"]));
    await until(() => on(follower, "GET", "/logs-a/_count"), (r) => r.body?.count === 5, 30_000, "logs-a replicated");
  });

  it("refresh then shows no changes; up --expect-no-changes and preview agree", async () => {
    // Health is observed state: while followers the previous test's loop created are still restoring or catching up,
    // two refreshes rightly record different status and lag. Compare once replication has settled.
    await until(async () => {
      const info = ((await on(follower, "GET", "/_all/_ccr/info")).body?.follower_indices ?? []) as Array<{ status: string }>;
      const stats = ((await on(follower, "GET", "/_ccr/stats")).body?.follow_stats?.indices ?? []) as Array<{ shards: Array<{ leader_global_checkpoint: number; follower_global_checkpoint: number }> }>;
      const lagging = stats.flatMap((i) => i.shards).filter((x) => x.leader_global_checkpoint !== x.follower_global_checkpoint).length;
      return { followers: info.length, notActive: info.filter((f) => f.status !== "active").length, lagging };
    }, (v) => v.followers > 0 && v.notActive === 0 && v.lagging === 0, 60_000, "every follower active and caught up");
    await stack.refresh(); // records the followers the pattern made after up's last read
    const before = await statesByUrn();
    const ops: string[] = [];
    const refresh = await stack.refresh({ onEvent: (e) => { const m = e.resOutputsEvent?.metadata; if (m && m.op !== "same" && m.op !== "refresh") ops.push(`${m.op} ${m.type}`); } });
    const after = await statesByUrn();
    // Every resource's inputs and outputs are what they were before this refresh.
    const changed = Object.keys(after).flatMap((urn) => (["inputs", "outputs"] as const).flatMap((part) => Object.keys(after[urn][part])
      .filter((k) => JSON.stringify(after[urn][part][k]) !== JSON.stringify(before[urn]?.[part][k]))
      .map((k) => `${urn.split("::").pop()}.${part}.${k}`)));
    expect(changed).toEqual([]);
    // A refresh asks the provider's diff (refreshed outputs vs. the last up's inputs, incl. the plan it carried out).
    expect(ops).toEqual([]);
    expect(refresh.summary.resourceChanges).toEqual({ same: 4 });
    const ev = events();
    const p = await stack.preview({ onEvent: ev.onEvent });
    expect(ev.ops(LINK_TYPE)).toEqual(["same"]);
    expect(p.changeSummary.update ?? 0).toBe(0);
    const again = await stack.up({ expectNoChanges: true });
    expect(again.summary.resourceChanges).toEqual({ same: 4 });
    expect(again.outputs.pending.value).toEqual([]);
    expect(again.outputs.summary.value).toMatch(/remote leader connected .*; pattern link active; \d+ followers: \d+ active, 0 paused, 0 failed; max lag \d+ ops/);
  });

  it("a leader index deleted and one recreated out of band: preview --refresh says what up will do, up does it", async () => {
    expect((await on(leader, "DELETE", "/logs-a")).status).toBe(200);
    expect((await on(leader, "DELETE", "/logs-b")).status).toBe(200);
    await leaderIndex("logs-b", 1);
    const ev = events();
    const seen = windowOf();
    await stack.preview({ onEvent: ev.onEvent, refresh: true });
    const text = ev.messages.join("\n");
    expect(text).toMatch(/up will: .*delete logs-a: leader deleted \(logs-a\)/);
    expect(text).toMatch(/recreate logs-b: leader logs-b was recreated/);
    expect(ev.ops(LINK_TYPE)).toContain("update");
    expect(writes(seen())).toEqual([]);
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    const f = await followers();
    expect(f["logs-a"]).toBeUndefined();
    expect(f["logs-b"]).toBe("logs-b");
    await until(() => on(follower, "GET", "/logs-b/_count"), (r) => r.body?.count === 1, 30_000, "logs-b follows the new leader");
  });

  it("destroy leaves no follower, pattern or remote behind and never writes to the leader", async () => {
    await leaderIndex("logs-last", 1);
    await until(followers, (f) => "logs-last" in f, 30_000, "auto-followed before destroy");
    const seen = windowOf();
    const d = await stack.destroy();
    expect(d.summary.result).toBe("succeeded");
    expect(await followers()).toEqual({});
    expect((await on(follower, "GET", "/_ccr/auto_follow")).body.patterns).toEqual([]);
    const settings = await on(follower, "GET", "/_cluster/settings?flat_settings=true");
    expect(Object.keys(settings.body.persistent).filter((k) => k.startsWith("cluster.remote.leader."))).toEqual([]);
    expect(writes(seen().filter((r) => r.cluster === "leader"))).toEqual([]);
    expect((await on(leader, "GET", "/logs-r0/_count")).body.count).toBe(1);
    expect((await on(leader, "GET", "/logs-b/_count")).body.count).toBe(1);
  });
});
