/**
 * ReplicationLink over N pre-existing leader indexes (default 1000) on two local clusters (real Elasticsearch of
 * CCR_ES_VERSION behind the EMULATED `_ccr` layer), against a direct script doing the same follow calls. Prints:
 * the time, requests (by kind) and bytes read per follower of the link's create (pattern + listing + N follows: their
 * PUTs 8 in flight, then one batched wait for all), the time for the direct script (PUT follow for each index, 8 in
 * flight, then wait until all are active), and the requests
 * one refresh (read) of the link sends for N followers. A figure printer, not a timed test; bench/run.ts runs it as one
 * section of `npm run bench`, on the world it shares with the other sections (requests go through its proxies).
 *
 *   CCR_ES_VERSION=9 npx tsx bench/replication-link.ts [N] [--direct-wfas 0|1] [--direct-only]
 */
import { setTransportFactory, resetClusters } from "../provider/client/cluster";
import { nodeTransport, Transport } from "../provider/client/http";
import { provider } from "../provider/dynamic";
import { esRequest } from "../sandbox/es/http";
import { namesInPath, RequestProfile, withLoopDelay } from "./lib/profile";
import { dropFollowers, ensureLeaderIndexes, pool, startWorld, World } from "./lib/world";

export interface LinkFigures {
  indexes: number;
  linkSeconds: number;
  linkRequests: number;
  directSeconds: number;
  ratio: number;
  refreshRequests: number;
  /** Bytes of answers read by the link's create, per follower (must not grow with N). */
  bytesPerFollower: number;
  listingRequests: number;
}

/**
 * The link's create over `n` pre-existing leader indexes `bench-<i>` on `world` (made here when missing), then one
 * refresh and the destroy, then the direct script on the same indexes. The follower indexes are removed afterwards.
 */
export async function linkBench(world: World, n: number, log: (s: string) => void = console.log): Promise<LinkFigures> {
  let sent = 0;
  let bytes = 0;
  const byPath = new Map<string, number>();
  const profile = new RequestProfile();
  setTransportFactory((c) => {
    const t = nodeTransport(c);
    return {
      request: (r) => {
        sent++;
        // Batched reads name many indexes in one path: count them under one key.
        const k = `${r.method} ${r.path.replace(/^\/bench-\d+(,bench-\d+)+\//, "/<names>/").replace(/^\/bench-\d+\//, "/<index>/").replace(/^\/bench-\d+$/, "/<index>").replace(/\/_cluster\/state\/metadata\/.+$/, "/_cluster/state/metadata/<names>")}`;
        byPath.set(k, (byPath.get(k) ?? 0) + 1);
        const start = Date.now();
        return t.request(r).then((res) => {
          bytes += JSON.stringify(res.body ?? "").length;
          profile.record({ key: k, start, end: Date.now(), status: res.status, names: namesInPath(r.path) });
          return res;
        }, (e) => {
          profile.record({ key: k, start, end: Date.now(), status: "failed", names: namesInPath(r.path) });
          throw e;
        });
      },
      close: () => t.close(),
    } satisfies Transport;
  });
  const { leader, follower } = world;
  try {
    const names = Array.from({ length: n }, (_, i) => `bench-${i}`);
    const made = await ensureLeaderIndexes(leader, "bench-", n);
    log(`[link] ${made} leader indexes created (${n} wanted)`);
    const conn = { urls: [world.followerUrl] };
    await provider("RemoteCluster").create!({ alias: "leader", seeds: [leader.transportAddress], skipUnavailable: false, connection: conn });
    const link = provider("ReplicationLinkFollowers");
    const inputs = (await link.check!({}, {
      remoteCluster: "leader", patternName: "bench", leaderIndexPatterns: ["bench-*"], deletePolicy: "delete", plan: [],
      connection: conn, leaderConnection: { urls: [world.leaderUrl] },
    })).inputs;

    sent = 0;
    bytes = 0;
    byPath.clear();
    profile.mark();
    let t = Date.now();
    const { value: created, delay } = await withLoopDelay(() => link.create!(inputs));
    const linkMs = Date.now() - t;
    const linkRequests = sent;
    const bytesPerFollower = Math.round(bytes / Math.max(1, (created.outs.followers as unknown[]).length));
    const listingRequests = [...byPath].filter(([k]) => /_cat\/indices|_resolve\/index|_cluster\/state|GET \/bench-\*|_settings/.test(k) && !k.includes("<index>")).reduce((a, [, v]) => a + v, 0);
    const count = (created.outs.followers as unknown[]).length;
    log(`[link] create over ${n} pre-existing leader indexes: ${(linkMs / 1000).toFixed(1)} s, ${count} followers, ${linkRequests} requests, ${Math.round(bytes / Math.max(1, count))} bytes read per follower — ${[...byPath].map(([k, v]) => `${k} ×${v}`).join(", ")}`);
    log(`[link] create @${n}, per request kind (time in flight summed over concurrent requests; window from the start of the create):`);
    for (const l of profile.summary()) log(`[link]   ${l}`);
    log(`[link] create @${n}: ${delay}`);

    sent = 0;
    bytes = 0;
    byPath.clear();
    t = Date.now();
    await link.read!("bench", created.outs);
    const refreshRequests = sent;
    log(`[link] one refresh (read) of a link with ${count} followers: ${sent} requests in ${Date.now() - t} ms — ${[...byPath].map(([k, v]) => `${k} ×${v}`).join(", ")}`);

    t = Date.now();
    await link.delete!("bench", created.outs);
    await provider("RemoteCluster").delete!("leader", { alias: "leader", connection: conn });
    log(`[link] destroy (pattern, then ${count} followers deleted): ${((Date.now() - t) / 1000).toFixed(1)} s`);

    // The direct script: the same follow calls, nothing else, at the same concurrency (8 in flight).
    world.followerProxy.reset();
    const { value: direct, delay: directDelay } = await withLoopDelay(() => directFollow(world, names, names));
    log(`[direct] PUT follow ×${n} (8 in flight) until all active: ${direct.toFixed(1)} s; ${directDelay}`);
    for (const l of world.followerProxy.profile.summary()) log(`[direct]   ${l}`);
    await dropFollowers(follower, "bench-");
    await provider("RemoteCluster").delete!("leader", { alias: "leader", connection: conn }).catch(() => undefined);
    return { indexes: n, linkSeconds: +(linkMs / 1000).toFixed(2), linkRequests, directSeconds: +direct.toFixed(2), ratio: +(linkMs / 1000 / direct).toFixed(2), refreshRequests, listingRequests, bytesPerFollower };
  } finally {
    resetClusters();
    setTransportFactory(nodeTransport);
  }
}

/**
 * The direct way: the remote alias, then `PUT /<f>/_ccr/follow?wait_for_active_shards=<wfas>` for each pair with 8 in
 * flight (the CLI's default parallelism), then `_all/_ccr/info` every 250 ms until all are active. Seconds.
 *
 * `waitEach`: the calls the library makes at the engine's concurrency instead: 8 workers, each sending one follow
 * and then asking `/<f>/_ccr/info` every 250 ms until that follower is active before taking the next (a create is
 * done when its follower follows, and the engine runs 8 creates at once). Without it the script sends every follow
 * first and waits for all of them together, which no resource-by-resource tool does.
 */
export async function directFollow(world: World, followersNames: string[], leaders: string[], wfas: "0" | "1" = directWfas(), waitEach = false): Promise<number> {
  const f = world.follower;
  const t = Date.now();
  const s = await esRequest(world.followerUrl, "PUT", "/_cluster/settings", { persistent: { "cluster.remote.leader.seeds": [world.leader.transportAddress], "cluster.remote.leader.skip_unavailable": false } }, { auth: f.auth });
  if (s.status !== 200) throw new Error(`remote: ${s.status} ${JSON.stringify(s.body)}`);
  const pairs = followersNames.map((x, i) => [x, leaders[i]] as const);
  await pool(pairs, 8, async ([x, l]) => {
    const r = await esRequest(world.followerUrl, "PUT", `/${x}/_ccr/follow?wait_for_active_shards=${wfas}`, { remote_cluster: "leader", leader_index: l }, { auth: f.auth });
    if (r.status !== 200) throw new Error(`follow ${x}: ${r.status} ${JSON.stringify(r.body)}`);
    while (waitEach) {
      const i = await esRequest(world.followerUrl, "GET", `/${x}/_ccr/info`, undefined, { auth: f.auth });
      if (i.body?.follower_indices?.[0]?.status === "active") break;
      await new Promise((res) => setTimeout(res, 250));
    }
  });
  const want = new Set(followersNames);
  for (;;) {
    const r = await esRequest(world.followerUrl, "GET", "/_all/_ccr/info", undefined, { auth: f.auth });
    const active = (r.body?.follower_indices ?? []).filter((x: { follower_index: string; status: string }) => want.has(x.follower_index) && x.status === "active").length;
    if (active >= want.size) break;
    await new Promise((res) => setTimeout(res, 250));
  }
  return (Date.now() - t) / 1000;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] && !process.argv[2].startsWith("--") ? process.argv[2] : 1000);
  const world = await startWorld(console.log);
  try {
    if (process.argv.includes("--direct-only")) {
      // The direct script alone on fresh clusters (the link's destroy at 1000 takes longer than the rest together).
      const names = Array.from({ length: n }, (_, i) => `bench-${i}`);
      console.log(`[direct] ${await ensureLeaderIndexes(world.leader, "bench-", n)} leader indexes created`);
      world.followerProxy.reset();
      const { value, delay } = await withLoopDelay(() => directFollow(world, names, names));
      console.log(`[direct] PUT follow ×${n} (8 in flight) until all active: ${value.toFixed(1)} s; ${delay}`);
      for (const l of world.followerProxy.profile.summary()) console.log(`[direct]   ${l}`);
      return;
    }
    console.log(JSON.stringify({ version: world.version, ...(await linkBench(world, n)) }));
  } finally {
    await world.stop();
  }
}

if (require.main === module) main().catch((e) => {
  console.error(e);
  process.exit(1);
});

/**
 * The direct script's `wait_for_active_shards`: by default 0, the calls the library makes (PUT follow answering at
 * once, then one wait for all); `--direct-wfas 1` waits inside each PUT instead (at most 8 restores at once).
 */
function directWfas(): "0" | "1" {
  const i = process.argv.indexOf("--direct-wfas");
  return i >= 0 && process.argv[i + 1] === "1" ? "1" : "0";
}
