/**
 * The main job on the local default: the local clusters the top-level program names (program.ts LOCAL_CLUSTERS; today
 * a leader and a follower, `_ccr` EMULATED by the sandbox), some indexes that already exist on the leader, then the
 * real `pulumi up` in the repository root (Pulumi.yaml, index.ts) exactly as a user runs it: the CLI starts the
 * Node.js language host, which runs the program. Each cluster's URL and transport address reach the program through
 * stack config (`<name>Url`, `<name>Seeds`), so the program can change its topology without this script changing.
 * It then shows replication working: documents written to the leader, and a new leader index picked up by the
 * auto-follow pattern, appear on the follower. `--keep` leaves everything running until Ctrl-C.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { offlineEnv, pulumiBinDir } from "../sandbox/pulumi/engine";
import { PulumiProject } from "../sandbox/pulumi/project";
import { startLocalClusters, stopAll, LocalCluster } from "../sandbox/local";
import { esRequest } from "../sandbox/es/http";
import { repoRoot } from "../sandbox/paths";
import { LOCAL_CLUSTERS } from "../program";

const keep = process.argv.includes("--keep");
const say = (s: string) => console.log(`[main] ${s}`);
const STACK = "local";

async function count(c: LocalCluster, index: string): Promise<number | undefined> {
  const r = await esRequest(c.url, "GET", `/${index}/_count`);
  return r.status === 200 ? r.body.count : undefined;
}

async function waitForCount(c: LocalCluster, index: string, want: number, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let n: number | undefined;
  while (Date.now() < deadline) {
    await esRequest(c.url, "POST", `/${index}/_refresh`).catch(() => undefined);
    n = await count(c, index);
    if (n === want) return n;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${index} on ${c.name}: ${n ?? "missing"} documents after ${timeoutMs / 1000}s, expected ${want}`);
}

async function bulk(c: LocalCluster, index: string, from: number, n: number): Promise<void> {
  const lines = Array.from({ length: n }, (_, i) => `{"index":{"_id":"${from + i}"}}\n{"title":"doc ${from + i}","n":${from + i}}\n`).join("");
  const r = await fetch(`${c.url}/${index}/_bulk?refresh=true`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: lines });
  const body = (await r.json()) as { errors: boolean };
  if (!r.ok || body.errors) throw new Error(`bulk into ${index} on ${c.name} failed: ${JSON.stringify(body).slice(0, 400)}`);
}

async function main(): Promise<void> {
  const clusters = await startLocalClusters({ names: [...LOCAL_CLUSTERS], count: LOCAL_CLUSTERS.length, log: say });
  const byName = Object.fromEntries(clusters.map((c) => [c.name, c]));
  const [leader, follower] = [byName.leader, byName.follower];
  const env = offlineEnv();
  const project = new PulumiProject({ dir: repoRoot(), env, stack: STACK, onOutput: (s) => process.stdout.write(s) });
  try {
    for (const c of clusters) say(`${c.name}: ${c.url} (the _ccr front; node ${c.node.httpUrl}, transport ${c.transportAddress}); _ccr is ${c.ccrEmulated ? "EMULATED by the sandbox" : "not available"}`);
    const existing = ["issues", "pull-requests"];
    for (const idx of existing) await bulk(leader, idx, 0, 50);
    say(`leader has ${existing.join(", ")} with 50 documents each`);

    // The stack as a user makes it: select or create, then config set (Pulumi.local.yaml in the repository root).
    await project.selectOrInit();
    for (const c of clusters) {
      await project.setConfig(`${c.name}Url`, c.url);
      await project.setConfig(`${c.name}Seeds`, c.transportAddress);
    }
    await project.setConfig("indexPatterns", "*");

    say(`pulumi up in ${repoRoot()} (stack ${STACK}; CLI and language host from ${pulumiBinDir()})`);
    const t0 = Date.now();
    const up = await project.up();
    say(`up: ${JSON.stringify(up.changes)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const [k, v] of Object.entries(await project.outputs())) say(`output ${k} = ${JSON.stringify(v)}`);

    for (const idx of existing) say(`follower ${idx}: ${await waitForCount(follower, idx, 50)} documents`);
    await bulk(leader, "issues", 50, 25);
    say(`wrote 25 more documents to leader issues; follower has ${await waitForCount(follower, "issues", 75)}`);
    await bulk(leader, "wikis", 0, 10);
    say(`created leader index wikis (after the pattern); follower has ${await waitForCount(follower, "wikis", 10)} (auto-followed)`);

    // Refresh records what the link's pattern made since up (wikis) in the link's state; nothing declared changed.
    const refresh = await project.refresh({ expectNoChanges: true });
    say(`refresh: ${JSON.stringify(refresh.changes)} (no changes: the clusters are as declared)`);
    const again = await project.up({ expectNoChanges: true });
    say(`up again: ${JSON.stringify(again.changes)}; followers = ${JSON.stringify((await project.outputs()).followers)}`);

    if (keep) {
      const vars = ["PULUMI_BACKEND_URL", "PULUMI_HOME", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_SKIP_UPDATE_CHECK", "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"];
      say("--keep: clusters and stack stay up; Ctrl-C destroys the stack and stops the clusters. To run pulumi yourself (another shell, repository root):");
      say(`  export PATH="${pulumiBinDir()}:$PATH" ${vars.map((v) => `${v}=${JSON.stringify(project.env[v])}`).join(" ")}`);
      say(`  pulumi stack output --stack ${STACK}; pulumi preview --stack ${STACK} --diff`);
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    }
    // The link owns what its pattern made (wikis included): destroy removes the pattern, unfollows every follower
    // (deletePolicy "keep": their data stays as regular indexes), then the remote alias. The leader is untouched.
    const destroy = await project.destroy();
    say(`destroy: ${JSON.stringify(destroy.changes)}; leader issues still has ${await count(leader, "issues")} documents; ` +
      `follower keeps wikis as a regular index with ${await count(follower, "wikis")} documents`);
    await project.removeStack();
  } finally {
    await stopAll(clusters);
    fs.rmSync(env.stateDir, { recursive: true, force: true });
    fs.rmSync(path.join(repoRoot(), `Pulumi.${STACK}.yaml`), { force: true });
  }
}

main().catch((e) => {
  console.error(`[main] FAILED: ${e instanceof Error ? e.stack ?? e.message : e}`);
  process.exit(1);
});
