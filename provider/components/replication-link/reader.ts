/** The link's reads: the leader listing and the follower cluster's followers (shared, coalesced per cluster). */
import type { Cluster } from "../../client/cluster";
import type { CcrStats } from "../../client/cluster";
import { parseFollowers, parseLeaderListing } from "./observe";
import type { FollowerInfo, LeaderIndexInfo } from "./types";

/**
 * Two read-only requests against the leader, whatever its size: `_resolve/index` (names, open/closed, hidden, system,
 * data stream) and the index UUIDs. Both are public APIs; neither is cached, because the listing must be taken
 * after the pattern is installed (see the ordering in provider.ts).
 */
export async function listLeader(leader: Cluster, resource: string): Promise<LeaderIndexInfo[]> {
  const ctx = { resource, action: "list the leader's indexes" };
  const resolve = await leader.call(ctx, { method: "GET", path: "/_resolve/index/*", query: { expand_wildcards: "all" } });
  const settings = await leader.call(ctx, { method: "GET", path: "/_all/_settings/index.uuid", query: { expand_wildcards: "all", flat_settings: true } }, [404]);
  return parseLeaderListing(resolve.body, settings.status === 404 ? {} : settings.body);
}

export interface FollowerSide {
  followers: FollowerInfo[];
  regularIndexes: string[];
  stats: CcrStats;
  remoteInfo: Record<string, Record<string, unknown>>;
  patterns: Array<{ name: string; pattern: Record<string, unknown> }>;
}

/** The follower cluster from its shared reads (the same answers every resource on it uses in one wave). */
export async function observeFollowerSide(follower: Cluster): Promise<FollowerSide> {
  const [info, indices, stats, remoteInfo, patterns] = await Promise.all([
    follower.followInfo.get(), follower.indices.get(), follower.ccrStats.get(), follower.remoteInfo.get(), follower.autoFollowPatterns.get(),
  ]);
  // Leader UUIDs of every follower, in one batched request (chunked by URL length): needed to tell the link's
  // followers of a recreated leader from current ones.
  const names = parseFollowers(info, indices, stats).followers.map((f) => f.name);
  const got = await Promise.all(names.map(async (n) => [n, await follower.leaderUuids.get(n)] as const));
  const uuids = new Map(got.filter((x): x is readonly [string, string] => typeof x[1] === "string"));
  return { ...parseFollowers(info, indices, stats, uuids), stats, remoteInfo, patterns };
}
