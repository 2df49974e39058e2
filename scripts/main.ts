/**
 * The main job on the local default: two local clusters (leader, follower; `_ccr` EMULATED by the sandbox), some
 * indexes that already exist on the leader, then `pulumi up` of the top-level program (program.ts) through the
 * real CLI. It then shows replication working: documents written to the leader, and a new leader index picked up
 * by the auto-follow pattern, appear on the follower. `--keep` leaves everything running until Ctrl-C.
 */
import { inlineStack, offlineEnv } from "../sandbox/pulumi/engine";
import { startLocalClusters, stopAll, LocalCluster } from "../sandbox/local";
import { esRequest } from "../sandbox/es/http";
import { replicationProgram } from "../program";

const keep = process.argv.includes("--keep");
const say = (s: string) => console.log(`[main] ${s}`);

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
  const clusters = await startLocalClusters({ count: 2, log: say });
  const [leader, follower] = clusters;
  try {
    say(`leader ${leader.url} (node ${leader.node.httpUrl}), follower ${follower.url}; _ccr is ${follower.ccrEmulated ? "EMULATED by the sandbox" : "not available"}`);
    const existing = ["issues", "pull-requests"];
    for (const idx of existing) await bulk(leader, idx, 0, 50);
    say(`leader has ${existing.join(", ")} with 50 documents each`);

    const env = offlineEnv();
    const stack = await inlineStack({
      projectName: "ccr-replication",
      stackName: "local",
      env,
      program: async () => replicationProgram(),
      config: {
        "ccr-replication:leaderUrl": { value: leader.url },
        "ccr-replication:followerUrl": { value: follower.url },
        "ccr-replication:leaderSeeds": { value: leader.transportAddress },
        "ccr-replication:existingIndexes": { value: existing.join(",") },
        "ccr-replication:autoFollowPatterns": { value: "*" },
      },
    });
    const preview = await stack.preview();
    say(`preview: ${JSON.stringify(preview.changeSummary)}`);
    const up = await stack.up({ onOutput: (s) => process.stdout.write(s) });
    say(`up: ${up.summary.result} ${JSON.stringify(up.summary.resourceChanges)}`);
    for (const [k, v] of Object.entries(up.outputs)) say(`output ${k} = ${JSON.stringify(v.value)}`);

    for (const idx of existing) say(`follower ${idx}: ${await waitForCount(follower, idx, 50)} documents`);
    await bulk(leader, "issues", 50, 25);
    say(`wrote 25 more documents to leader issues; follower has ${await waitForCount(follower, "issues", 75)}`);
    await bulk(leader, "wikis", 0, 10);
    say(`created leader index wikis (after the pattern); follower has ${await waitForCount(follower, "wikis", 10)} (auto-followed)`);

    const refresh = await stack.refresh();
    say(`refresh: ${JSON.stringify(refresh.summary.resourceChanges)}`);
    const again = await stack.up();
    say(`outputs after replication: followers = ${JSON.stringify(again.outputs.followers?.value)}`);

    if (keep) {
      say("--keep: clusters and stack stay up; Ctrl-C destroys the stack and stops the clusters");
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    }
    // Followers the auto-follow pattern created are not in Pulumi's state, and the RemoteCluster refuses to go
    // while they still use the alias (deleting it would leave them failing). Keep their data: promote them to
    // regular indexes the documented way (pause, close, unfollow, open), then destroy the stack.
    for (const step of ["_ccr/pause_follow", "_close", "_ccr/unfollow", "_open"]) {
      const r = await esRequest(follower.url, "POST", `/wikis/${step}`);
      if (r.status !== 200) throw new Error(`promoting wikis (${step}) failed: ${r.status} ${JSON.stringify(r.body)}`);
    }
    say("promoted the auto-followed wikis to a regular index on the follower (pause, close, unfollow, open)");
    const destroy = await stack.destroy();
    say(`destroy: ${JSON.stringify(destroy.summary.resourceChanges)}; leader issues still has ${await count(leader, "issues")} documents`);
  } finally {
    await stopAll(clusters);
  }
}

main().catch((e) => {
  console.error(`[main] FAILED: ${e instanceof Error ? e.stack ?? e.message : e}`);
  process.exit(1);
});
