/**
 * The main job on the local default: the GHES-like topology of the top-level program (program.ts LOCAL_CLUSTERS:
 * primary, replica1, replica2; one real single-node cluster each, `_ccr` EMULATED by the sandbox), some indexes that
 * already exist on the primary, then the real `pulumi up` in the repository root (Pulumi.yaml, index.ts) exactly as a
 * user runs it: the CLI starts the Node.js language host, which runs the program. Each cluster's URL and transport
 * address reach the program through stack config (`<name>Url`, `<name>Seeds`). It then shows replication to both
 * replicas, a switchover that is one config change (`pulumi config set leader replica1`, preview, up) and the
 * switch back, and a destroy that keeps every cluster's data. `--keep` leaves everything running until Ctrl-C.
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
  const [primary, replica1, replica2] = [byName.primary, byName.replica1, byName.replica2];
  const env = offlineEnv();
  const project = new PulumiProject({ dir: repoRoot(), env, stack: STACK, onOutput: (s) => process.stdout.write(s) });
  const everywhere = async (index: string, want: number, on = clusters) => {
    const got = await Promise.all(on.map(async (c) => `${c.name} ${await waitForCount(c, index, want)}`));
    return got.join(", ");
  };
  try {
    for (const c of clusters) say(`${c.name}: ${c.url} (the _ccr front; node ${c.node.httpUrl}, remote seed ${c.transportAddress}); _ccr is ${c.ccrEmulated ? "EMULATED by the sandbox" : "not available"}`);
    const existing = ["issues", "pull-requests"];
    for (const idx of existing) await bulk(primary, idx, 0, 50);
    say(`primary has ${existing.join(", ")} with 50 documents each (before any replication is declared)`);

    // The stack as a user makes it: select or create, then config set (Pulumi.local.yaml in the repository root).
    await project.selectOrInit();
    for (const c of clusters) {
      await project.setConfig(`${c.name}Url`, c.url);
      await project.setConfig(`${c.name}Seeds`, c.transportAddress);
    }

    say(`pulumi up in ${repoRoot()} (stack ${STACK}; CLI and language host from ${pulumiBinDir()})`);
    let t0 = Date.now();
    const up = await project.up();
    say(`up: ${JSON.stringify(up.changes)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const [k, v] of Object.entries(await project.outputs())) say(`output ${k} = ${JSON.stringify(v)}`);

    for (const idx of existing) say(`${idx}: ${await everywhere(idx, 50)} documents`);
    await bulk(primary, "issues", 50, 25);
    say(`wrote 25 more documents to primary issues: ${await everywhere("issues", 75)}`);
    await bulk(primary, "wikis", 0, 10);
    say(`created wikis on the primary (after the patterns): ${await everywhere("wikis", 10)} (auto-followed)`);

    const refresh = await project.refresh({ expectNoChanges: true });
    say(`refresh: ${JSON.stringify(refresh.changes)} (no changes: the clusters are as declared)`);

    // A switchover is one config change. The preview lists the ordered steps; up performs them.
    say("switchover: pulumi config set leader replica1; pulumi preview; pulumi up");
    await project.setConfig("leader", "replica1");
    const preview = await project.preview();
    say(`preview: ${JSON.stringify(preview.changes)}`);
    t0 = Date.now();
    await project.up();
    say(`switchover up in ${((Date.now() - t0) / 1000).toFixed(1)} s; lastFailover = ${JSON.stringify((await project.outputs()).lastFailover)}`);
    await bulk(replica1, "issues", 75, 5);
    say(`wrote 5 documents to the new leader replica1: ${await everywhere("issues", 80)}`);

    say("switch back: pulumi config set leader primary; pulumi up");
    await project.setConfig("leader", "primary");
    await project.up();
    await bulk(primary, "issues", 80, 5);
    say(`wrote 5 documents to primary again: ${await everywhere("issues", 85)}`);
    for (const [k, v] of Object.entries(await project.outputs())) if (k !== "plan") say(`output ${k} = ${JSON.stringify(v)}`);

    if (keep) {
      const vars = ["PULUMI_BACKEND_URL", "PULUMI_HOME", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_SKIP_UPDATE_CHECK", "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"];
      say("--keep: clusters and stack stay up; Ctrl-C destroys the stack and stops the clusters. To run pulumi yourself (another shell, repository root):");
      say(`  export PATH="${pulumiBinDir()}:$PATH" ${vars.map((v) => `${v}=${JSON.stringify(project.env[v])}`).join(" ")}`);
      say(`  pulumi stack output --stack ${STACK}; pulumi config set --stack ${STACK} leader replica1; pulumi preview --stack ${STACK} --diff`);
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    }
    // Destroy: each link deletes its pattern and unfollows its followers (their data stays as regular indexes), then
    // the remote aliases go. The leader's data is never touched.
    const destroy = await project.destroy();
    say(`destroy: ${JSON.stringify(destroy.changes)}; primary issues still has ${await count(primary, "issues")} documents; ` +
      `replica2 keeps wikis as a regular index with ${await count(replica2, "wikis")} documents`);
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
