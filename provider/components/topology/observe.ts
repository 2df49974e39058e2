/**
 * What the topology reads from one cluster, parsed into the planners' `ObservedCluster` (pure; reader.ts sends the
 * requests). Remote aliases are cluster names in a topology, so a follower's remote alias is its leader cluster.
 */
import type { CcrStats, FollowInfoEntry } from "../../client/cluster";
import { simpleMatch } from "../replication-link/plan";
import type { ObservedCluster, ObservedFollower, ObservedIndex, ObservedPattern } from "./types";

export interface ClusterReads {
  version: string;
  followInfo: FollowInfoEntry[];
  stats: CcrStats;
  patterns: Array<{ name: string; pattern: Record<string, unknown> }>;
  /** `GET _stats/store?level=indices`: index name → primaries' store size in bytes. */
  storeBytes: Record<string, number>;
  /** `GET <index>/_count` per application index (searchable documents). */
  docs: Record<string, number>;
}

interface ShardStats { shard_id: number; leader_global_checkpoint?: number; follower_global_checkpoint?: number }

/** Whether an index belongs to the application: matches a pattern, no exclusion, not dot-prefixed (never system indexes). */
export function isAppIndex(name: string, patterns: readonly string[], exclusions: readonly string[] = []): boolean {
  if (name.startsWith(".")) return false;
  return patterns.some((p) => simpleMatch(p, name)) && !exclusions.some((p) => simpleMatch(p, name));
}

/** Per shard: the follower's global checkpoint (from `_ccr/stats`). */
export function followerCheckpoints(stats: CcrStats, index: string): Map<number, number> {
  const shards = ((stats.follow_stats?.indices ?? []).find((i) => i.index === index)?.shards ?? []) as unknown as ShardStats[];
  return new Map(shards.map((s) => [s.shard_id, s.follower_global_checkpoint ?? -1]));
}

/**
 * Operations behind, max over shards: the leader's global checkpoint as the follower last saw it (its `_ccr/stats`),
 * or, when given, the leader's own current one (`leaderNow`, shard → checkpoint, read from the leader's `_stats`),
 * minus the follower's. Undefined without shard-follow tasks (a paused follower has none: its lag cannot be read).
 */
export function lagOf(stats: CcrStats, index: string, leaderNow?: ReadonlyMap<number, number>): number | undefined {
  const shards = ((stats.follow_stats?.indices ?? []).find((i) => i.index === index)?.shards ?? []) as unknown as ShardStats[];
  if (shards.length === 0) return undefined;
  let lag = 0;
  for (const s of shards) {
    const leader = leaderNow ? leaderNow.get(s.shard_id) : s.leader_global_checkpoint;
    if (leader === undefined) return undefined;
    lag = Math.max(lag, leader - (s.follower_global_checkpoint ?? -1));
  }
  return Math.max(0, lag);
}

/** `GET <indices>/_stats?level=shards` → index → shard → the primary's global checkpoint. */
export function leaderCheckpoints(body: unknown): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  const indices = (body as { indices?: Record<string, { shards?: Record<string, Array<{ routing?: { primary?: boolean }; seq_no?: { global_checkpoint?: number } }>> }> })?.indices ?? {};
  for (const [name, v] of Object.entries(indices)) {
    const m = new Map<number, number>();
    for (const [shard, copies] of Object.entries(v.shards ?? {})) {
      const primary = copies.find((c) => c.routing?.primary !== false) ?? copies[0];
      if (primary?.seq_no?.global_checkpoint !== undefined) m.set(Number(shard), primary.seq_no.global_checkpoint);
    }
    out.set(name, m);
  }
  return out;
}

export function parseObserved(r: ClusterReads, patterns: readonly string[], exclusions: readonly string[] = []): ObservedCluster {
  const followerNames = new Set(r.followInfo.map((f) => f.follower_index));
  const followers: ObservedFollower[] = r.followInfo
    .filter((f) => isAppIndex(f.follower_index, patterns, exclusions))
    .map((f) => ({
      index: f.follower_index, leaderCluster: f.remote_cluster, leaderIndex: f.leader_index,
      ...(lagOf(r.stats, f.follower_index) !== undefined ? { lagOps: lagOf(r.stats, f.follower_index) } : {}),
      docs: r.docs[f.follower_index] ?? 0, bytes: r.storeBytes[f.follower_index] ?? 0,
    }))
    .sort((a, b) => a.index.localeCompare(b.index));
  const indexes: ObservedIndex[] = Object.keys(r.storeBytes)
    .filter((n) => !followerNames.has(n) && isAppIndex(n, patterns, exclusions))
    .sort()
    .map((n) => ({ index: n, docs: r.docs[n] ?? 0, bytes: r.storeBytes[n] ?? 0 }));
  const obsPatterns: ObservedPattern[] = r.patterns.map((p) => ({
    name: p.name, leaderCluster: String(p.pattern.remote_cluster ?? ""), active: p.pattern.active !== false,
  }));
  return { reachable: true, version: r.version, followers, indexes, patterns: obsPatterns };
}
