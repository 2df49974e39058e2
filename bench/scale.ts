/**
 * The 1,000-resource figures without the hour `npm run bench` takes at that size: create N followers + remote +
 * pattern with `pulumi up --parallel P` (the README's advice for large stacks), then the engine's fixed cost, refresh
 * (requests, wall time, the provider process's peak RSS, also with V8's young generation capped), preview and state
 * bytes per resource. No destroy: the local nodes and their data are removed with the world, which is what makes this
 * quick (a keep-policy destroy of 1,000 followers is pause, close, unfollow and open each). A figure printer, not a
 * test.
 *
 *   CCR_ES_VERSION=8 npx tsx bench/scale.ts 1000 [parallel]      # parallel default 64
 *   BENCH_WAIT_SECONDS=120 …                                   # the followers' waitTimeoutSeconds (default here 600)
 */
import * as fs from "node:fs";
import { offlineEnv } from "../sandbox/pulumi/engine";
import { benchProject, SMALL_YOUNG_GEN, stateFigures, withNodeOptions, withProviderRss } from "./lib/project";
import { fmt, repeat, runInfo } from "./lib/stats";
import { ensureLeaderIndexes, startWorld } from "./lib/world";

const say = (s: string) => console.log(`[scale] ${s}`);

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1000);
  const parallel = Number(process.argv[3] ?? 64);
  const runs = Number(process.env.BENCH_RUNS ?? 2);
  // Each follower's wait for active (default 120 s). At 1000 on 2 cores the emulated restores share the CPU with both
  // nodes and the bench, and a few took longer than 120 s (README, N=1000 notes): a large stack on a busy cluster
  // raises it, as a user would.
  const waitSeconds = process.env.BENCH_WAIT_SECONDS ?? "600";
  const world = await startWorld(say, { rootInfo: true });
  const env = offlineEnv();
  try {
    say(`how it runs: ${JSON.stringify(runInfo({ elasticsearch: world.version, n: String(n), parallel: String(parallel), runs: String(runs), waitTimeoutSeconds: waitSeconds }))}`);
    let t = Date.now();
    const made = await ensureLeaderIndexes(world.leader, "l-", n);
    say(`${made} leader indexes made in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const p = await benchProject({ name: `scale-${n}`, env, entry: "js", config: { followers: String(n), waitTimeoutSeconds: waitSeconds, followerUrl: world.followerUrl, leaderSeeds: world.leader.transportAddress } });
    world.followerProxy.reset();
    world.leaderProxy.reset();
    t = Date.now();
    await p.up({ skipPreview: true, refresh: false, extraArgs: ["--parallel", String(parallel)] });
    const requests = world.followerProxy.total() + world.leaderProxy.total();
    say(`up --parallel ${parallel}: ${((Date.now() - t) / 1000).toFixed(2)} s, ${requests} requests (${(requests / (n + 2)).toFixed(1)}/resource), ${Math.round(world.followerProxy.bytes() / (n + 2))} B read/resource`);
    for (const l of world.followerProxy.profile.summary()) say(`  ${l}`);
    say(`engine fixed cost (no-change up): ${fmt(await repeat("no-change up", runs, () => p.up({ skipPreview: true, refresh: false, expectNoChanges: true })))}`);
    for (const small of [false, true]) {
      let refreshRequests = 0;
      let refreshWaves = 0;
      let refreshKinds: string[] = [];
      const r = await withNodeOptions(small ? SMALL_YOUNG_GEN : undefined, () => withProviderRss(p.dir, () => repeat("refresh", runs, async () => {
        world.followerProxy.reset();
        await p.refresh({ skipPreview: true, expectNoChanges: true });
        refreshRequests = world.followerProxy.total();
        // A wave is one round of the shared whole-cluster reads (provider/client/cluster.ts: each is reused while it
        // is asked for again within CCR_READ_CACHE_MS, 5 s, for at most CCR_READ_CACHE_MAX_MS, 30 s): a refresh that
        // pauses longer than that, or lasts longer than the maximum, reads again, in another wave.
        refreshWaves = world.followerProxy.profile.countOf("GET /_all/_settings");
        refreshKinds = world.followerProxy.profile.summary();
      })));
      say(`refresh${small ? ` with NODE_OPTIONS=${SMALL_YOUNG_GEN}` : ""}: ${fmt(r.value)}, ${refreshRequests} requests to the follower in ${refreshWaves} wave(s) (${(refreshRequests / Math.max(1, refreshWaves)).toFixed(1)} per wave, target ≤ 6); provider peak RSS ${r.peakRssMb.toFixed(0)} MB (target ≤ 150)`);
      for (const l of refreshKinds) say(`  ${l}`);
    }
    let previewRequests = 0;
    const pv = await repeat("preview", runs, async () => {
      world.followerProxy.reset();
      await p.preview({ refresh: false, expectNoChanges: true });
      previewRequests = world.followerProxy.total();
    });
    say(`preview (no refresh): ${fmt(pv)}, ${previewRequests} requests`);
    const st = await stateFigures(p);
    say(`state: ${st.perResourceBytes} B per resource (largest ${st.maxResourceBytes} B) over ${st.resources} resources`);
    await p.removeStack();
  } finally {
    await world.stop();
    fs.rmSync(env.stateDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
