/**
 * The Topology through the REAL pulumi CLI and language host, in the repository root as a user runs it (the
 * top-level program: Pulumi.yaml, index.ts, program.ts), against THREE local clusters of CCR_ES_VERSION (real
 * Elasticsearch nodes behind the sandbox's EMULATED `_ccr` layer). One world and one stack: up → planned switchover
 * (with the engine's step order) → writes on the new leader. Every step compares document counts and contents on every
 * cluster with what was acknowledged. The rest of the drill — the unplanned failover by SIGKILL of the leader's node,
 * the old leader's return on its data with its indexes discarded only when declared, and the fail back — runs on the
 * same Topology in test/examples/failover-drill.test.ts (examples/failover-drill), not twice.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineEnv, OfflineEnv } from "../../sandbox/pulumi/engine";
import { OperationResult, PulumiProject } from "../../sandbox/pulumi/project";
import { repoRoot } from "../../sandbox/paths";
import { startTestCluster, stopTestClusters, TestCluster } from "../support/clusters";
import { documents } from "../support/documents";

const RUN = `${process.pid}${Date.now().toString(36)}`;
const NAMES = ["primary", "replica1", "replica2"] as const;
type Name = (typeof NAMES)[number];
const INDEXES = ["issues", "pull-requests"] as const;
const LEADER_TYPE = "pulumi-nodejs:dynamic/elasticsearch-ccr:TopologyLeader";
const LINK_TYPE = "pulumi-nodejs:dynamic/elasticsearch-ccr:ReplicationLinkFollowers";

let c: Record<Name, TestCluster>;
let env: OfflineEnv;
let project: PulumiProject;
const figures: string[] = [];

const { on, bulk, followersOn, sameEverywhere } = documents<Name>({ names: NAMES, indexes: INDEXES, url: (n) => c[n].front.url });

/** The CLI's display of an operation, with the diff's string quoting undone (`"on \\"replica1\\""`). */
const shown = (r: { stdout: string }) => r.stdout.replace(/\\"/g, '"');

/** Steps of the operation by urn suffix: the index of its start and end in the engine's event order. */
function at(r: OperationResult, type: string, name: string, op: string): { pre: number; done: number } {
  const match = (e: { op: string; urn: string }) => e.op === op && e.urn.endsWith(`${type}::${name}`);
  return { pre: r.timeline.findIndex((e) => e.at === "pre" && match(e)), done: r.timeline.findIndex((e) => e.at === "done" && match(e)) };
}

beforeAll(async () => {
  env = offlineEnv();
  const started = await Promise.allSettled(NAMES.map((n) => startTestCluster(n)));
  const ok = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  if (ok.length < NAMES.length) {
    await stopTestClusters(ok);
    throw (started.find((s) => s.status === "rejected") as PromiseRejectedResult).reason;
  }
  c = Object.fromEntries(NAMES.map((n, i) => [n, ok[i]])) as Record<Name, TestCluster>;
  for (const index of INDEXES) {
    expect((await on("primary", "PUT", `/${index}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } })).status).toBe(200);
  }
  await bulk("primary", "issues", 0, 40);
  await bulk("primary", "pull-requests", 0, 20);
  project = new PulumiProject({ dir: repoRoot(), env, stack: `topo${RUN}` });
  await project.selectOrInit();
  for (const n of NAMES) {
    await project.setConfig(`${n}Url`, c[n].front.url);
    await project.setConfig(`${n}Seeds`, c[n].node.transportAddress);
  }
  // The program's tuning input reaches every follower (read batches of 20 operations).
  await project.setConfig("maxReadRequestOperationCount", "20");
}, 400_000);

afterAll(async () => {
  console.log(figures.map((f) => `[figure] ${f}`).join("\n"));
  await project?.removeStack();
  await stopTestClusters(c ? Object.values(c) : []);
  if (env) fs.rmSync(env.stateDir, { recursive: true, force: true });
  if (project) fs.rmSync(path.join(repoRoot(), `Pulumi.${project.stack}.yaml`), { force: true });
}, 120_000);

describe("Topology failover drill through the real pulumi CLI (three clusters)", () => {
  it("up links the primary to both replicas, existing indexes included", async () => {
    const t0 = Date.now();
    const up = await project.up({ skipPreview: true }); // nothing to show yet; the switchover below previews
    expect(up.changes.create).toBe(13); // 6 aliases, the TopologyLeader, 2 links (component + resource each), component, stack
    figures.push(`initial up (3 clusters, 2 links, 6 remote aliases): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const n of ["replica1", "replica2"] as const) expect(await followersOn(n)).toEqual({ issues: "primary", "pull-requests": "primary" });
    await sameEverywhere();
    const out = await project.outputs();
    expect(out.leader).toBe("primary");
    expect(out.upgradeOrder).toEqual(["replica1", "replica2", "primary"]);
    expect(out.violations).toEqual([]);
    expect(Object.keys(out.health as object).sort()).toEqual(["primary → replica1", "primary → replica2"]);
    for (const line of Object.values(out.health as Record<string, string>)) expect(line).toMatch(/connected .*2 followers: 2 active, 0 paused, 0 failed/);
  });

  it("planned switchover is one config change: preview shows the ordered steps, up performs them in that order", async () => {
    await bulk("primary", "issues", 40, 30);
    await sameEverywhere();
    await project.setConfig("leader", "replica1");
    const preview = await project.preview();
    const text = shown(preview);
    const order = [
      /planned switchover primary → replica1/, /on "replica1": pause auto-follow pattern "app-primary-replica1"/,
      /on "primary": block writes \(index.blocks.write=true\) on "issues", "pull-requests"/, /on "replica1": wait up to 300 s until every follower of primary has lag 0/,
      /on "replica1": promote "issues": pause → close → unfollow → open/,
      /on "primary": replace the caught-up index "issues" \(it was the leader's\) and follow "issues" on replica1: copies 70 documents/,
      /on "replica2": delete follower "issues" \(of primary\) and follow "issues" on replica1: copies 70 documents/,
      /link replica1 → replica2 for issues\*/,
    ];
    const positions = order.map((re) => text.search(re));
    expect(positions.every((x) => x >= 0), `${positions} in\n${text.slice(0, 6000)}`).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(await followersOn("replica1")).toEqual({ issues: "primary", "pull-requests": "primary" }); // preview wrote nothing

    const t0 = Date.now();
    // Just previewed; and no refresh: the preview's refresh read everything a moment ago (CI time).
    const up = await project.up({ skipPreview: true, refresh: false });
    const took = (Date.now() - t0) / 1000;
    // Pulumi's ordering: the leader's update (steps 1–4) ends before the new links start (step 5), and the old
    // leader's links are deleted only after that.
    const leader = at(up, LEADER_TYPE, "app", "update");
    const newLinks = ["app-replica1-primary", "app-replica1-replica2"].map((n) => at(up, LINK_TYPE, n, "create"));
    const oldLinks = ["app-primary-replica1", "app-primary-replica2"].map((n) => at(up, LINK_TYPE, n, "delete"));
    expect(leader.done).toBeGreaterThan(leader.pre);
    for (const l of newLinks) expect(l.pre).toBeGreaterThan(leader.done);
    for (const l of oldLinks) expect(l.pre).toBeGreaterThan(Math.max(...newLinks.map((x) => x.done)));

    expect(await followersOn("replica1")).toEqual({});
    for (const n of ["primary", "replica2"] as const) expect(await followersOn(n)).toEqual({ issues: "replica1", "pull-requests": "replica1" });
    await sameEverywhere();
    const out = await project.outputs();
    const lf = out.lastFailover as { mode: string; seconds: number; waitSeconds: number };
    expect(lf).toMatchObject({ mode: "switchover", from: "primary", to: "replica1", writesStopped: false });
    expect(out.upgradeOrder).toEqual(["primary", "replica2", "replica1"]);
    figures.push(`planned switchover primary → replica1: up ${took.toFixed(1)} s, steps ${lf.seconds.toFixed(1)} s, catch-up wait ${lf.waitSeconds.toFixed(2)} s, documents lost 0`);
  });

  it("writes on the new leader replicate to both others", async () => {
    await bulk("replica1", "issues", 70, 25);
    await bulk("replica1", "pull-requests", 20, 5);
    await sameEverywhere();
  });
});
