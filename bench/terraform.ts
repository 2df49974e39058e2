/**
 * The Terraform side alone: OpenTofu + terraform-provider-elasticstack (built by scripts/build-terraform.sh) doing the
 * work of bench/run.ts's `pulumi` section for each N on fresh local clusters, with `GET /` answered by the proxy
 * (lib/proxy.ts `rootInfo`: the integ-test-zip refuses it, and that provider needs it). `npm run bench` runs the same
 * function with the other figures; this is for when only this side is wanted.
 *
 *   CCR_ES_VERSION=8 npx tsx bench/terraform.ts [N …] (default 10 100)
 */
import { findTofu, tofuBench } from "./lib/terraform";
import { ensureLeaderIndexes, startWorld } from "./lib/world";
import { runInfo } from "./lib/stats";

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number);
  const t = findTofu();
  if (!t) throw new Error("OpenTofu / terraform-provider-elasticstack are not built: run `bash scripts/build-terraform.sh`");
  const say = (s: string) => console.log(`[terraform] ${s}`);
  const world = await startWorld(say, { rootInfo: true });
  try {
    say(JSON.stringify(runInfo({ elasticsearch: world.version, terraform: t.versions, "GET /": "answered by the bench proxy" })));
    const ns = sizes.length ? sizes : [10, 100];
    await ensureLeaderIndexes(world.leader, "l-", Math.max(...ns));
    for (const n of ns) console.log(JSON.stringify({ n, ...(await tofuBench(world, n, Number(process.env.BENCH_RUNS ?? 2), say)) }));
  } finally {
    await world.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
