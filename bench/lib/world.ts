import { esRequest } from "../../sandbox/es/http";
import { LocalCluster, startLocalClusters, stopAll } from "../../sandbox/local";
import { CountingProxy, countingProxy } from "./proxy";

/**
 * The local world every benchmark shares: two clusters (real Elasticsearch of CCR_ES_VERSION behind the sandbox's
 * EMULATED `_ccr` layer), a leader and a follower, each reached through a counting proxy (proxy.ts). Everything
 * measured (the library through the real CLI, the direct scripts, the Terraform provider) goes through the proxies.
 */
export interface World {
  leader: LocalCluster;
  follower: LocalCluster;
  /** Proxied URLs. */
  leaderUrl: string;
  followerUrl: string;
  leaderProxy: CountingProxy;
  followerProxy: CountingProxy;
  version: string;
  stop(): Promise<void>;
}

export async function startWorld(log: (s: string) => void, o: { rootInfo?: boolean } = {}): Promise<World> {
  const [leader, follower] = await startLocalClusters({ count: 2, log });
  // One run holds the 1000-index link section's indexes beside the earlier sections' (over Elasticsearch's default
  // of 1000 shards per node: "this action would add [1] shards, but this cluster currently has [1000]/[1000]").
  for (const c of [leader, follower]) {
    const r = await on(c, "PUT", "/_cluster/settings", { persistent: { "cluster.max_shards_per_node": 5000 } });
    if (r.status !== 200) throw new Error(`raise cluster.max_shards_per_node on ${c.name}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const leaderProxy = await countingProxy(leader.url, o);
  const followerProxy = await countingProxy(follower.url, o);
  return {
    leader, follower, leaderProxy, followerProxy,
    leaderUrl: leaderProxy.url, followerUrl: followerProxy.url,
    version: leader.node.version,
    stop: async () => {
      await leaderProxy.close();
      await followerProxy.close();
      await stopAll([leader, follower]);
    },
  };
}

export async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

export function on(c: LocalCluster, method: string, p: string, body?: unknown) {
  return esRequest(c.url, method, p, body, { auth: c.auth });
}

/** Makes sure leader indexes `<prefix>0 … <prefix>(n-1)` exist (one shard, no replica); returns how many it made. */
export async function ensureLeaderIndexes(c: LocalCluster, prefix: string, n: number): Promise<number> {
  const have = await on(c, "GET", `/_cat/indices/${prefix}*?h=index&format=json`);
  const existing = new Set((Array.isArray(have.body) ? have.body : []).map((r: { index: string }) => r.index));
  const missing = Array.from({ length: n }, (_, i) => `${prefix}${i}`).filter((x) => !existing.has(x));
  await pool(missing, 8, async (x) => {
    const r = await on(c, "PUT", `/${x}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    if (r.status !== 200) throw new Error(`create ${x}: ${r.status} ${JSON.stringify(r.body)}`);
  });
  return missing.length;
}

/** Follower indexes on `c` whose names start with `prefix` (via `_all/_ccr/info`). */
export async function followers(c: LocalCluster, prefix: string): Promise<{ index: string; status: string }[]> {
  const r = await on(c, "GET", "/_all/_ccr/info");
  return ((r.body?.follower_indices ?? []) as { follower_index: string; status: string }[])
    .filter((f) => f.follower_index.startsWith(prefix)).map((f) => ({ index: f.follower_index, status: f.status }));
}

/** Unfollows and deletes every follower index starting with `prefix` (clean slate between sections). */
export async function dropFollowers(c: LocalCluster, prefix: string): Promise<void> {
  const fs = await followers(c, prefix);
  await pool(fs, 8, async (f) => {
    await on(c, "POST", `/${f.index}/_ccr/pause_follow`);
    await on(c, "POST", `/${f.index}/_close`);
    await on(c, "POST", `/${f.index}/_ccr/unfollow`);
    await on(c, "DELETE", `/${f.index}`);
  });
  await on(c, "DELETE", `/${prefix}*?expand_wildcards=all`).catch(() => undefined);
}

/**
 * Clean slate on the follower between sections: no follower or index named `<prefix>*`, no `bench-new` pattern, and
 * with `remote` no `leader` remote alias either (the direct script sets one of its own).
 */
export async function cleanSlate(w: World, prefix: string, o: { remote?: boolean } = {}): Promise<void> {
  await dropFollowers(w.follower, prefix);
  await on(w.follower, "DELETE", `/${prefix}*?expand_wildcards=all`).catch(() => undefined);
  await on(w.follower, "DELETE", "/_ccr/auto_follow/bench-new").catch(() => undefined);
  if (o.remote) await on(w.follower, "PUT", "/_cluster/settings", { persistent: { "cluster.remote.leader.*": null } });
}
