/**
 * Parsing of what the link reads (pure) and health from the same reads. No I/O here; reader.ts sends the requests.
 */
import type { CcrStats, FollowInfoEntry, IndexMeta } from "../../client/cluster";
import { tuningFromWire } from "../../core/tuning";
import { recentErrorsFor } from "../../resources/auto-follow-pattern/plan";
import { securityModel as remoteSecurityModel } from "../../resources/remote-cluster/plan";
import type { FollowerHealth, FollowerInfo, LeaderIndexInfo, LinkedFollower, LinkHealth } from "./types";

/** `GET _resolve/index/*?expand_wildcards=all` joined with index UUIDs from `GET _all/_settings/index.uuid`. */
export function parseLeaderListing(resolve: unknown, settings: unknown): LeaderIndexInfo[] {
  const uuids = new Map<string, string>();
  for (const [name, v] of Object.entries((settings ?? {}) as Record<string, { settings?: Record<string, unknown> }>)) {
    const s = v?.settings ?? {};
    const u = s["index.uuid"] ?? (s.index as Record<string, unknown> | undefined)?.uuid;
    if (typeof u === "string") uuids.set(name, u);
  }
  const indices = ((resolve as { indices?: Array<{ name: string; attributes?: string[]; data_stream?: string }> })?.indices ?? []);
  const out: LeaderIndexInfo[] = [];
  for (const i of indices) {
    const uuid = uuids.get(i.name);
    // Created or deleted between the two reads: the pattern (installed before the listing) covers a new one, and
    // a deleted one needs nothing. Either way this listing leaves it out.
    if (!uuid) continue;
    const attrs = i.attributes ?? [];
    out.push({
      name: i.name, uuid, open: !attrs.includes("closed"), hidden: attrs.includes("hidden"), system: attrs.includes("system"),
      ...(i.data_stream ? { dataStream: i.data_stream, ...(attrs.includes("system") ? { dataStreamSystem: true } : {}) } : {}),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Followers on the follower cluster from the shared reads. An index is a follower when `_ccr/info` lists it or it
 * carries the follower setting (the shared follower-info read already asks hidden followers by name, since
 * `_all/_ccr/info` does not expand hidden indexes); a follower whose shard tasks stopped with a fatal error is
 * "failed" although `_ccr/info` says active. Leader UUIDs live only in the CCR custom metadata: `leaderUuids` is the
 * batched, field-filtered read of it (Cluster.leaderUuids).
 */
export function parseFollowers(
  info: FollowInfoEntry[], indices: Record<string, IndexMeta>, stats: CcrStats, leaderUuids: ReadonlyMap<string, string> = new Map(),
  restoring: ReadonlySet<string> = new Set(),
): { followers: FollowerInfo[]; regularIndexes: string[] } {
  const byName = new Map(info.map((e) => [e.follower_index, e]));
  const statsByName = new Map((stats.follow_stats?.indices ?? []).map((s) => [s.index, s]));
  const followers: FollowerInfo[] = [];
  const regularIndexes: string[] = [];
  const names = new Set([...Object.keys(indices), ...byName.keys()]);
  for (const name of [...names].sort()) {
    const meta = indices[name];
    const e = byName.get(name);
    const flagged = meta?.settings?.["index.xpack.ccr.following_index"] === "true";
    if (!e && !flagged) {
      regularIndexes.push(name);
      continue;
    }
    const fatalErrors = (statsByName.get(name)?.shards ?? []).filter((s) => s.fatal_exception)
      .map((s) => `shard ${s.shard_id}: ${s.fatal_exception!.type}: ${s.fatal_exception!.reason}`);
    const uuid = meta?.settings?.["index.uuid"];
    const status = fatalErrors.length ? "failed" : e?.status ?? (statsByName.has(name) ? "active" : "paused");
    followers.push({
      name,
      ...(typeof uuid === "string" ? { uuid } : {}),
      remoteCluster: e?.remote_cluster ?? "",
      leaderIndex: e?.leader_index ?? "",
      ...(leaderUuids.has(name) ? { leaderUuid: leaderUuids.get(name) } : {}),
      status,
      fatalErrors,
      ...(status === "paused" && restoring.has(name) ? { restoring: true } : {}),
      ...(status === "active" && e?.parameters ? { tuning: tuningFromWire(e.parameters) } : {}),
    });
  }
  return { followers, regularIndexes };
}

/** `_ccr/info` entries with the named ones replaced by a later read of them (the others kept, in their order). */
export function withFreshEntries(info: FollowInfoEntry[], fresh: FollowInfoEntry[]): FollowInfoEntry[] {
  const byName = new Map(fresh.map((e) => [e.follower_index, e]));
  return info.map((e) => byName.get(e.follower_index) ?? e);
}

/**
 * Indexes with a CCR restore running, from `GET _recovery?active_only=true`: PUT follow creates the follower by a
 * snapshot restore from the repository `_ccr_<remote alias>` (CcrRepository), so its shards recover with type
 * SNAPSHOT from that repository until the restore ends and following starts.
 */
export function ccrRestoringIndexes(recovery: unknown): Set<string> {
  const out = new Set<string>();
  for (const [name, v] of Object.entries((recovery ?? {}) as Record<string, { shards?: Array<{ type?: string; source?: { repository?: string } }> }>)) {
    if ((v?.shards ?? []).some((s) => s.type === "SNAPSHOT" && String(s.source?.repository ?? "").startsWith("_ccr_"))) out.add(name);
  }
  return out;
}

interface ShardStatsRaw {
  shard_id: number;
  leader_global_checkpoint?: number;
  follower_global_checkpoint?: number;
  time_since_last_read_millis?: number;
  read_exceptions?: Array<{ from_seq_no?: number; retries?: number; exception?: { type?: string; reason?: string } }>;
  fatal_exception?: { type?: string; reason?: string };
}

/** Per-follower health from `GET _ccr/stats` (one request for every follower of the cluster). */
export function followerHealth(recorded: LinkedFollower[], followers: FollowerInfo[], stats: CcrStats): FollowerHealth[] {
  const byName = new Map(followers.map((f) => [f.name, f]));
  const statsByName = new Map((stats.follow_stats?.indices ?? []).map((s) => [s.index, s]));
  return recorded.map((r) => {
    const f = byName.get(r.name);
    const shardsRaw = (statsByName.get(r.name)?.shards ?? []) as ShardStatsRaw[];
    const shards = shardsRaw.map((s) => ({
      shard: s.shard_id,
      lag: Math.max(0, (s.leader_global_checkpoint ?? 0) - (s.follower_global_checkpoint ?? 0)),
    }));
    const reads = shardsRaw.map((s) => s.time_since_last_read_millis).filter((x): x is number => typeof x === "number");
    return {
      name: r.name,
      leaderIndex: r.leaderIndex,
      status: f ? f.status : "missing",
      lag: shards.reduce((m, s) => Math.max(m, s.lag), 0),
      shards,
      ...(reads.length ? { minutesSinceLastRead: Math.floor(Math.max(...reads) / 300_000) * 5 } : {}),
      fatalErrors: f?.fatalErrors ?? [],
      readErrors: shardsRaw.flatMap((s) => (s.read_exceptions ?? []).map((x) =>
        `shard ${s.shard_id}: from seq_no ${x.from_seq_no} after ${x.retries} retries: ${x.exception?.type}: ${x.exception?.reason}`)),
    };
  });
}

export function linkHealth(alias: string, patternName: string, pattern: "active" | "paused" | "missing", remoteInfo: Record<string, Record<string, unknown>>, stats: CcrStats, fh: FollowerHealth[]): LinkHealth {
  const patternActive = pattern === "active";
  const r = remoteInfo[alias];
  const remoteConnected = r?.connected === true;
  // The same rule as RemoteCluster's output; "unknown" when `_remote/info` does not list the alias.
  const securityModel = remoteSecurityModel(r) ?? "unknown";
  const failed = fh.filter((f) => f.status === "failed" || f.status === "missing").length;
  const paused = fh.filter((f) => f.status === "paused").length;
  const maxLag = fh.reduce((m, f) => Math.max(m, f.lag), 0);
  const autoFollowErrors = recentErrorsFor(patternName, stats);
  const parts = [
    `remote ${alias} ${remoteConnected ? "connected" : "NOT connected"} (${securityModel})`,
    `pattern ${patternName} ${pattern === "active" ? "active" : pattern === "paused" ? "PAUSED" : "MISSING"}`,
    `${fh.length} followers: ${fh.length - failed - paused} active, ${paused} paused, ${failed} failed`,
    `max lag ${maxLag} ops`,
  ];
  if (autoFollowErrors.length) parts.push(`${autoFollowErrors.length} recent auto-follow errors`);
  return { remoteConnected, securityModel, patternActive, patternPresent: pattern !== "missing", followers: fh.length, failed, paused, maxLag, autoFollowErrors, summary: parts.join("; ") };
}

/**
 * What a forget_follower answer leaves to report. It is a broadcast over the leader's shards answering 200 with
 * per-shard failures: a shard without the lease (`retention_lease_not_found_exception`: already forgotten, expired,
 * or never taken) has nothing to release, so only other failures are a problem. 404: the leader index is gone.
 */
export function forgetFollowerProblem(status: number, body: unknown): string | undefined {
  if (status === 404) return undefined;
  const failures = ((body as { _shards?: { failures?: Array<{ shard?: number; reason?: { type?: string; reason?: string } }> } })?._shards?.failures ?? [])
    .filter((f) => f.reason?.type !== "retention_lease_not_found_exception");
  return failures.length ? failures.map((f) => `shard ${f.shard}: ${f.reason?.type}: ${f.reason?.reason}`).join("; ") : undefined;
}
