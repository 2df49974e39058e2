/** The link's reads: the leader listing and the follower cluster's followers (shared, coalesced per cluster). */
import type { Cluster } from "../../client/cluster";
import type { CcrStats, FollowInfoEntry } from "../../client/cluster";
import { isFollowerIndex } from "../../core/index-meta";
import { ccrRestoringIndexes, parseFollowers, parseLeaderListing, withFreshEntries } from "./observe";
import type { FollowerDataStream } from "./plan";
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
export async function observeFollowerSide(
  follower: Cluster, known: ReadonlyArray<{ name: string; uuid?: string; leaderUuid: string }> = [], opts: { leaderUuids?: boolean } = {},
): Promise<FollowerSide> {
  const [read, indices, stats, remoteInfo, patterns] = await Promise.all([
    follower.followInfo.get(), follower.indices.get(), follower.ccrStats.get(), follower.remoteInfo.get(), follower.autoFollowPatterns.get(),
  ]);
  // A paused follower may only be restoring (no shard-follow tasks yet): the active recoveries tell, read only when
  // some follower reads paused, so a steady-state refresh sends no extra request.
  let info = read;
  let first = parseFollowers(info, indices, stats);
  let restoring = new Set<string>();
  if (first.followers.some((f) => f.status === "paused")) {
    restoring = await restoringIndexes(follower);
    // `_ccr/info` is read before the restores, so a follower whose restore ended between the two reads shows paused
    // and not restoring, which is what a follower paused out of band looks like. Those alone are asked again by name
    // (after the restores were read): paused still means paused; a restore that ended now shows active. Reading the
    // restores first instead would misread a follower created between the two reads, so the re-read it is.
    const suspects = first.followers.filter((f) => f.status === "paused" && !restoring.has(f.name)).map((f) => f.name);
    if (suspects.length) {
      for (const n of suspects) follower.followInfoOfIndex.invalidate(n);
      const again = await Promise.all(suspects.map((n) => follower.followInfoOfIndex.get(n)));
      info = withFreshEntries(info, again.filter((e): e is FollowInfoEntry => e !== undefined));
      first = parseFollowers(info, indices, stats);
    }
  }
  // Leader UUIDs tell the link's followers of a recreated leader from current ones. They live only in the CCR
  // metadata (one batched request, chunked by URL length), so a recorded one is reused while the follower's own
  // index UUID is unchanged (a follower is never re-pointed in place): a steady-state refresh reads none.
  if (opts.leaderUuids === false) return { ...parseFollowers(info, indices, stats, new Map(), restoring), stats, remoteInfo, patterns };
  const reuse = new Map(known.filter((k) => k.uuid).map((k) => [k.name, k]));
  const got = await Promise.all(first.followers.map(async (f) => {
    const k = reuse.get(f.name);
    return [f.name, k && f.uuid && k.uuid === f.uuid ? k.leaderUuid : await follower.leaderUuids.get(f.name)] as const;
  }));
  const uuids = new Map(got.filter((x): x is readonly [string, string] => typeof x[1] === "string"));
  return { ...parseFollowers(info, indices, stats, uuids, restoring), stats, remoteInfo, patterns };
}

/** The indexes whose CCR restore is still running (one request, only the fields needed). */
async function restoringIndexes(follower: Cluster): Promise<Set<string>> {
  const r = await follower.call({ resource: "ReplicationLink", action: "read the running restores" },
    { method: "GET", path: "/_recovery", query: { active_only: "true", filter_path: "*.shards.type,*.shards.source.repository" } });
  return ccrRestoringIndexes(r.body);
}

/**
 * One follower by name from the index-scoped reads (settings, `_ccr/info`, CCR metadata for the leader UUID): what a
 * single follow's outcome needs, without a whole-cluster read. Undefined when it is not a follower (or absent).
 */
export async function observeFollowerNamed(follower: Cluster, name: string): Promise<{ remoteCluster: string; leaderIndex: string; leaderUuid?: string } | undefined> {
  const meta = await follower.settingsOf.get(name);
  if (!isFollowerIndex(meta?.settings)) return undefined;
  const [e, leaderUuid] = await Promise.all([follower.followInfoOfIndex.get(name), follower.leaderUuids.get(name)]);
  return e ? { remoteCluster: e.remote_cluster, leaderIndex: e.leader_index, leaderUuid } : undefined;
}

/**
 * The data streams on the follower cluster with their backing indexes in order (the last is the write index), from
 * one `_resolve/index` request. Read only when followers that look like backing indexes (`.ds-`) are released.
 */
export async function followerDataStreams(follower: Cluster, resource: string): Promise<FollowerDataStream[]> {
  const r = await follower.call({ resource, action: "list the follower cluster's data streams" }, { method: "GET", path: "/_resolve/index/*", query: { expand_wildcards: "all" } });
  const ds = ((r.body as { data_streams?: Array<{ name?: string; backing_indices?: string[] }> })?.data_streams ?? []);
  return ds.filter((d) => typeof d.name === "string").map((d) => ({ name: d.name as string, backingIndices: (d.backing_indices ?? []).map(String) }));
}
