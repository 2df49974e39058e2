import { DiffBuilder, DiffOutcome } from "../../core/diff";
import { CheckFailure, Failures } from "../../core/check";
import { indexNameProblem, checkAlias } from "../../core/names";
import { FlatSettings, normalizeIndexSettings, STATIC_FOLLOWER_SETTINGS } from "../../core/settings";
import { effectiveTuning, normalizeTuning, TUNING_KEYS, TuningInputs, tuningFromWire, tuningToWire } from "../../core/tuning";
import { isUnknown, UNKNOWN } from "../../core/unknown";
import { adoptedReplaceProblem, Difference, type OwnershipOutputs } from "../../core/adoption";
import { connectionFingerprint } from "../../client/connection";
import { checkFollowSpec, checkWaitSeconds, normalizeFollowSpec } from "../follow-spec";
import type { FollowInfoEntry, FollowStatsIndex, IndexMeta } from "../../client/cluster";
import { isClosedIndex, isFollowerIndex } from "../../core/index-meta";
import { DELETE_POLICIES, FOLLOWER_STATUSES, FollowerIndexInputs, FollowerIndexOutputs, ObservedFollowerStatus } from "./types";

export const DEFAULT_WAIT_SECONDS = 120;

// ---------------------------------------------------------------------------------------------------------------
// check

export function checkFollower(newsIn: object, oldsIn?: object): { inputs: FollowerIndexInputs; failures: CheckFailure[] } {
  const news = newsIn as Record<string, unknown>;
  const f = new Failures();
  const name = f.requireString("name", news.name, "the follower index name on the follower cluster");
  if (name) {
    const p = indexNameProblem(name);
    if (p) f.add("name", `name "${name}" is not a valid index name: it ${p}`);
  }
  checkAlias(f, "remoteCluster", news.remoteCluster, "the alias of the leader cluster (a RemoteCluster's alias)");
  const leader = f.requireString("leaderIndex", news.leaderIndex, "the concrete index to follow on the leader cluster (not an alias or data stream; follow its .ds- backing index)");
  if (leader) {
    const p = indexNameProblem(leader);
    if (p) f.add("leaderIndex", `leaderIndex "${leader}" is not a valid index name: it ${p}`);
  }
  const ds = f.optionalString("dataStreamName", news.dataStreamName);
  if (ds !== undefined && ds.trim() === "") f.add("dataStreamName", "dataStreamName must not be empty; omit it to keep the leader's data stream name");
  f.oneOf("status", news.status, FOLLOWER_STATUSES);
  f.oneOf("deletePolicy", news.deletePolicy, DELETE_POLICIES);
  checkWaitSeconds(f, news.waitTimeoutSeconds, "how long create waits for the follower to become active");
  checkFollowSpec(f, news);
  if (f.list.length === 0 && oldsIn) {
    const blocked = replaceBlockedByKeep(oldsIn as Partial<FollowerIndexInputs>, normalizeFollowerInputs(news));
    if (blocked) f.add(blocked.property, blocked.reason);
  }
  return { inputs: normalizeFollowerInputs(news), failures: f.list };
}

/**
 * A replace that keeps the name deletes the old follower first, with the delete policy stored for it. Under "keep"
 * that leaves a regular index with the same name, and the new follower can never be created over it: `up` would
 * fail halfway after the preview promised a replace. Refuse at preview time instead, saying how to proceed.
 *
 * A replacing value that is unknown during preview (computed from another resource) may or may not change, and a
 * dynamic provider has no way to show a warning; letting it through risks exactly the half-done replace, so it is
 * refused too, with a message that says so (a value that stays the same can be passed as a plain string).
 */
export function replaceBlockedByKeep(olds: Partial<FollowerIndexInputs>, news: FollowerIndexInputs): CheckFailure | undefined {
  if (!olds.name || isUnknown(news.name) || olds.name !== news.name || (olds.deletePolicy ?? "keep") !== "keep") return undefined;
  const fix = `First run an update that only sets deletePolicy: "delete" (the follower's copy is rebuilt from the leader, which keeps its data), or give the follower a new name.`;
  const blocked = (property: string, what: string, why: string): CheckFailure => ({
    property,
    reason: `${what} replaces follower index "${news.name}" (${why}), and the old follower is destroyed with deletePolicy "keep", which would leave a regular index "${news.name}" in the way of the new follower. ${fix}`,
  });
  const unknown = (property: string): CheckFailure => ({
    property,
    reason: `${property} is not known during preview (it is computed from another resource), and if it changes it replaces follower index "${news.name}", which deletePolicy "keep" would leave half done (a regular index "${news.name}" in the way of the new follower), so this is refused rather than risked. Pass a known value, or ${fix[0].toLowerCase()}${fix.slice(1)}`,
  });
  for (const k of ["remoteCluster", "leaderIndex", "dataStreamName"] as const) {
    if (isUnknown(news[k])) return unknown(k);
    if ((olds[k] ?? undefined) !== (news[k] ?? undefined)) return blocked(k, `changing ${k}`, "a follower cannot be re-pointed");
  }
  const staticProblem = staticSettingChange(olds.settings, news.settings);
  if (staticProblem?.unknown) return unknown(staticProblem.property);
  if (staticProblem) return blocked(staticProblem.property, `changing ${staticProblem.property.slice("settings.".length)}`, "a static setting, which an open follower cannot change");
  if (olds.status === "promoted" && isUnknown(news.status)) return unknown("status");
  if (olds.status === "promoted" && news.status !== "promoted") {
    return {
      property: "status",
      reason: `leaving "promoted" recreates follower index "${news.name}" from the leader, discarding what was written to it since promotion, and with deletePolicy "keep" the regular index stays in the way. ${fix}`,
    };
  }
  return undefined;
}

/** The first static override that differs between the stored and the declared settings (or may: unknown). */
export function staticSettingChange(oldsIn: unknown, newsIn: unknown): { property: string; unknown: boolean } | undefined {
  if (isUnknown(newsIn)) return { property: "settings", unknown: true };
  const olds = normalizeIndexSettings(oldsIn ?? {});
  const news = (newsIn ?? {}) as Record<string, unknown>;
  if (Object.keys(news).some(isUnknown)) return { property: "settings", unknown: true };
  for (const k of STATIC_FOLLOWER_SETTINGS) {
    if (isUnknown(news[k])) return { property: `settings.${k}`, unknown: true };
    if (!sameSetting(olds[k], news[k])) return { property: `settings.${k}`, unknown: false };
  }
  return undefined;
}

/** Defaults filled and values canonical, so state and later diffs compare like with like. Unknowns pass through. */
export function normalizeFollowerInputs(newsIn: object): FollowerIndexInputs {
  const news = newsIn as Record<string, unknown>;
  const out = normalizeFollowSpec(news);
  out.status = news.status ?? "active";
  out.deletePolicy = news.deletePolicy ?? "keep";
  return out as unknown as FollowerIndexInputs;
}

// ---------------------------------------------------------------------------------------------------------------
// diff

/** Properties the engine may show as changed; the tuning parameters only matter while the index is a follower. */
export function diffFollower(olds: FollowerIndexOutputs, newsRaw: object): DiffOutcome {
  const news = normalizeFollowerInputs(newsRaw);
  const d = new DiffBuilder();
  d.replace("name", olds.name, news.name);
  d.replace("remoteCluster", olds.remoteCluster, news.remoteCluster);
  d.replace("leaderIndex", olds.leaderIndex, news.leaderIndex);
  d.replace("dataStreamName", olds.dataStreamName, news.dataStreamName);
  // A regular index can never become a follower again: leaving "promoted" recreates the follower from the leader.
  if (olds.status === "promoted" && news.status !== "promoted") d.replace("status", olds.status, news.status);
  else d.update("status", olds.status, news.status);
  const oldSettings = (olds.settings ?? {}) as FlatSettings;
  const newSettings = (news.settings ?? {}) as Record<string, unknown>;
  if (isUnknown(news.settings)) d.update("settings", oldSettings, UNKNOWN);
  else {
    if (staticSettingChange(oldSettings, newSettings)) d.replace("settings", oldSettings, newSettings);
    else d.update("settings", oldSettings, newSettings);
  }
  if (news.status !== "promoted") {
    const effOld = effectiveTuning(olds as unknown as Record<string, unknown>);
    for (const k of TUNING_KEYS) {
      const nv = (news as unknown as Record<string, unknown>)[k];
      d.update(k, effOld[k], isUnknown(nv) ? nv : effectiveTuning(news as unknown as Record<string, unknown>)[k]);
    }
  }
  d.update("deletePolicy", olds.deletePolicy ?? "keep", news.deletePolicy);
  d.update("waitTimeoutSeconds", olds.waitTimeoutSeconds, news.waitTimeoutSeconds);
  d.update("adoptExisting", olds.adoptExisting ?? "match", news.adoptExisting ?? "match");
  d.update("adoptedOnDestroy", olds.adoptedOnDestroy ?? "release", news.adoptedOnDestroy ?? "release");
  // Connections change in place with no request: a rotated credential must reach state before the next destroy, and
  // a connection that now reaches another cluster is caught by update, which checks the recorded cluster UUID first.
  for (const k of ["connection", "leaderConnection"] as const) {
    if (isUnknown(news[k]) || connectionFingerprint(olds[k]) !== connectionFingerprint(news[k])) d.updates.push(k);
  }
  const out = d.build(!differs(olds.name, news.name));
  const adoptedProblem = out.deleteBeforeReplace ? adoptedReplaceProblem("FollowerIndex", olds.name, olds, out.replaces) : undefined;
  if (adoptedProblem) throw new Error(adoptedProblem);
  return out;
}

function differs(a: unknown, b: unknown): boolean {
  return isUnknown(b) || a !== b;
}

function sameSetting(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b === undefined || b === null ? null : Array.isArray(b) ? b.map(String) : String(b));
}

// ---------------------------------------------------------------------------------------------------------------
// observed state

export type FollowerObserved =
  | { kind: "absent" }
  | {
    kind: "follower";
    status: "active" | "paused";
    open: boolean;
    remoteCluster: string;
    leaderIndex: string;
    /** Present only while active: `_ccr/info` omits parameters for paused followers. */
    tuning?: TuningInputs;
    settings: FlatSettings;
    leaderIndexUuid?: string;
    shardCount?: number;
    /** The follower index's own UUID (`index.uuid`): a new value means it was recreated. */
    indexUuid?: string;
    /** The data stream this follower is a backing index of, when known (read only when promoting). */
    dataStream?: string;
    /** This follower is that data stream's write index (its last backing index). */
    dataStreamWriteIndex?: boolean;
    /** Shards whose shard-follow task stopped with a fatal error (`_ccr/stats`); `status` still says "active". */
    fatal?: Array<{ shard: number; type?: string; reason?: string }>;
  }
  | { kind: "regular"; open: boolean; settings: FlatSettings; shardCount?: number; indexUuid?: string };

/**
 * Builds the observed state of one index from the shared reads. What is a follower is decided by the follower
 * setting in the index settings (read with expand_wildcards=all), not by presence in `_all/_ccr/info`, which omits
 * hidden followers; `info` must therefore also hold the entries read by name for those (Cluster.followInfo does).
 * A paused or closed follower is listed as "paused". `leaderIndexUuid` comes from the follower's CCR metadata when
 * it was read (see Cluster.leaderUuids).
 */
export function observeFollower(name: string, info: FollowInfoEntry[], indices: Record<string, IndexMeta>, leaderIndexUuid?: string, stats?: FollowStatsIndex): FollowerObserved {
  const meta = indices[name];
  const entry = info.find((e) => e.follower_index === name);
  if (!meta && !entry) return { kind: "absent" };
  const settings = (meta?.settings ?? {}) as FlatSettings;
  const open = !isClosedIndex(settings);
  const shards = settings["index.number_of_shards"];
  const shardCount = typeof shards === "string" ? Number(shards) : undefined;
  const uuid = settings["index.uuid"];
  const indexUuid = typeof uuid === "string" ? uuid : undefined;
  if (!entry) {
    if (meta && isFollowerIndex(settings)) {
      // Listed in neither answer although the settings say follower: unfollowed or deleted between the two reads.
      throw new Error(`index "${name}" is a follower by its settings but GET ${name}/_ccr/info does not list it; it changed while being read, retry`);
    }
    return { kind: "regular", open, settings, shardCount, indexUuid };
  }
  return {
    kind: "follower",
    status: entry.status,
    open,
    remoteCluster: entry.remote_cluster,
    leaderIndex: entry.leader_index,
    tuning: entry.status === "active" && entry.parameters ? tuningFromWire(entry.parameters) : undefined,
    settings,
    leaderIndexUuid,
    shardCount,
    indexUuid,
    fatal: (stats?.shards ?? []).filter((x) => x.fatal_exception).map((x) => ({ shard: x.shard_id, type: x.fatal_exception!.type, reason: x.fatal_exception!.reason })),
  };
}

/** Whether the leader index of a failed follower exists on the remote cluster (asked through the follower cluster). */
export type LeaderCheck = { exists: true } | { exists: false } | { exists: "unknown"; why: string };

/** A follower whose shard tasks stopped with a fatal error: replication needs a recreate (or a decision). */
export function isFailed(obs: FollowerObserved): boolean {
  return obs.kind === "follower" && obs.status === "active" && (obs.fatal?.length ?? 0) > 0;
}

// ---------------------------------------------------------------------------------------------------------------
// operations

export type FollowerOp =
  | { op: "follow"; body: Record<string, unknown> }
  | { op: "waitActive" }
  | { op: "pause" }
  | { op: "resume"; body: Record<string, unknown> }
  | { op: "putSettings"; settings: Record<string, string | string[] | null> }
  | { op: "close" }
  | { op: "unfollow" }
  | { op: "open" }
  | { op: "promoteDataStream"; dataStream: string }
  | { op: "deleteIndex" }
  /** Ends the plan with an error after the steps before it: the rest needs something done outside Pulumi first. */
  | { op: "stop"; what: string; fix: string };

/** A desired state that cannot be reached from what is on the cluster; the message says what to do. */
export class PlanRefusal extends Error {
  constructor(readonly what: string, readonly fix: string) {
    super(`${what}. Fix: ${fix}`);
  }
}

export function buildFollowRequest(d: FollowerIndexInputs): Record<string, unknown> {
  const body: Record<string, unknown> = { remote_cluster: d.remoteCluster, leader_index: d.leaderIndex };
  if (d.settings && Object.keys(d.settings).length) body.settings = d.settings;
  if (d.dataStreamName) body.data_stream_name = d.dataStreamName;
  Object.assign(body, tuningToWire(normalizeTuning(d as unknown as Record<string, unknown>)));
  return body;
}

/**
 * Resume rebuilds the shard tasks from the request alone: omitted parameters fall back to server defaults, not to
 * the previous values. So the body always carries the complete desired set.
 */
export function buildResumeRequest(d: FollowerIndexInputs): Record<string, unknown> {
  return tuningToWire(effectiveTuning(d as unknown as Record<string, unknown>));
}

/** Settings to PUT: changed desired keys, and `null` (reset) for keys dropped from the declaration. */
export function settingsDelta(observed: FlatSettings, desired: FlatSettings | undefined, previouslyDeclared: string[]): Record<string, string | string[] | null> {
  const delta: Record<string, string | string[] | null> = {};
  for (const [k, v] of Object.entries(desired ?? {})) if (!sameSetting(observed[k], v)) delta[k] = v;
  for (const k of previouslyDeclared) if (!(desired && k in desired) && observed[k] !== undefined) delta[k] = null;
  return delta;
}

function tuningDiffers(observed: TuningInputs | undefined, desired: FollowerIndexInputs): boolean {
  if (!observed) return true;
  const want = effectiveTuning(desired as unknown as Record<string, unknown>);
  const have = effectiveTuning(observed as unknown as Record<string, unknown>);
  return TUNING_KEYS.some((k) => want[k] !== have[k]);
}

/**
 * The operations that take the index from what is observed to what is declared. Create and update both use it, which
 * is what makes a retried create converge (an existing follower of the same leader is adopted) and lets an update
 * repair out-of-band changes (an externally paused follower is resumed).
 */
export function planFollower(obs: FollowerObserved, desired: FollowerIndexInputs, previouslyDeclaredSettings: string[] = [], leader?: LeaderCheck): FollowerOp[] {
  const want = desired.status ?? "active";
  const ops: FollowerOp[] = [];
  if (obs.kind === "absent") {
    ops.push({ op: "follow", body: buildFollowRequest(desired) }, { op: "waitActive" });
    if (want === "paused") ops.push({ op: "pause" });
    if (want === "promoted") {
      ops.push({ op: "pause" }, { op: "close" }, { op: "unfollow" }, { op: "open" });
      // Membership is unknown before the index exists; a declared local data stream name says it.
      if (desired.dataStreamName) ops.push({ op: "promoteDataStream", dataStream: desired.dataStreamName });
    }
    return ops;
  }
  if (obs.kind === "regular") {
    if (want !== "promoted") {
      throw new PlanRefusal(
        `index "${desired.name}" exists as a regular (non-follower) index, so it cannot be made to follow "${desired.remoteCluster}:${desired.leaderIndex}"`,
        `an index can only become a follower by being created from the leader. Delete or rename "${desired.name}" on the follower cluster (its data is not deleted automatically), or declare status "promoted" to keep it as a regular index`);
    }
    if (!obs.open) ops.push({ op: "open" });
    const delta = settingsDelta(obs.settings, desired.settings as FlatSettings, previouslyDeclaredSettings);
    if (Object.keys(delta).length) ops.push({ op: "putSettings", settings: delta });
    return ops;
  }
  if (obs.remoteCluster !== desired.remoteCluster || obs.leaderIndex !== desired.leaderIndex) {
    throw new PlanRefusal(
      `index "${desired.name}" already follows "${obs.remoteCluster}:${obs.leaderIndex}", not "${desired.remoteCluster}:${desired.leaderIndex}"`,
      `a follower cannot be re-pointed. Choose another follower name, or remove the existing follower first`);
  }
  if (want === "active" && isFailed(obs)) return planRecreate(obs as Extract<FollowerObserved, { kind: "follower" }>, desired, leader);
  let status = obs.status;
  // An active follower whose index got closed has tasks that cannot make progress: stop them before reopening.
  if (!obs.open) {
    if (status === "active") ops.push({ op: "pause" });
    status = "paused";
    if (want !== "promoted") ops.push({ op: "open" });
  }
  const delta = settingsDelta(obs.settings, desired.settings as FlatSettings, previouslyDeclaredSettings);
  const hasDelta = Object.keys(delta).length > 0;
  if (want === "promoted" && obs.dataStream && obs.dataStreamWriteIndex) {
    // Elasticsearch refuses to close a data stream's write index (MetadataIndexStateService: "cannot close the
    // following data stream write indices"), and unfollow needs a closed index. Elastic's failover for data streams
    // promotes the stream and rolls it over; the rollover needs an index template for the stream on this cluster,
    // which is the user's. So: stop replicating, promote the stream, and say what to do; the next up unfollows this
    // index once the rollover made another index the write index.
    if (status === "active") ops.push({ op: "pause" });
    ops.push({ op: "promoteDataStream", dataStream: obs.dataStream }, {
      op: "stop",
      what: `"${desired.name}" is the write index of data stream "${obs.dataStream}", which Elasticsearch will not close, so it cannot be unfollowed yet; replication is paused and the data stream promoted`,
      fix: `roll the data stream over on the follower cluster (POST /${obs.dataStream}/_rollover; it needs an index template matching "${obs.dataStream}" there), then run up again to unfollow "${desired.name}"`,
    });
    return ops;
  }
  if (want === "promoted") {
    if (status === "active") ops.push({ op: "pause" });
    if (obs.open) ops.push({ op: "close" });
    ops.push({ op: "unfollow" }, { op: "open" });
    if (hasDelta) ops.push({ op: "putSettings", settings: delta });
    // A follower data stream is "replicated" (no local rollover, CCR keeps adding backing indexes) until promoted
    // itself (POST _data_stream/_promote, idempotent: PromoteDataStreamTransportAction).
    if (obs.dataStream) ops.push({ op: "promoteDataStream", dataStream: obs.dataStream });
    return ops;
  }
  const retune = status === "active" && want === "active" && tuningDiffers(obs.tuning, desired);
  if (status === "active" && (want === "paused" || retune || hasDelta)) {
    ops.push({ op: "pause" });
    status = "paused";
  }
  if (hasDelta) ops.push({ op: "putSettings", settings: delta });
  if (want === "active" && status === "paused") ops.push({ op: "resume", body: buildResumeRequest(desired) }, { op: "waitActive" });
  return ops;
}

/**
 * A failed follower cannot be resumed in place when its leader's history is gone (deleted, recreated, or the
 * follower fell behind the retention leases). The documented recovery ("Recreate a follower index") is: pause, close,
 * then PUT follow again under the same name; the restore replaces the closed index and rebuilds its data from the
 * leader. Only with the leader index present: otherwise refuse, naming the leader, so `up` stops instead of looping.
 */
function planRecreate(obs: Extract<FollowerObserved, { kind: "follower" }>, desired: FollowerIndexInputs, leader: LeaderCheck | undefined): FollowerOp[] {
  const where = `"${obs.remoteCluster}:${obs.leaderIndex}"`;
  const stopped = `follower index "${desired.name}" stopped replicating (${describeFatal(obs.fatal ?? [])})`;
  if (!leader) throw new Error("planFollower: a failed follower needs the leader check");
  if (leader.exists === false) {
    throw new PlanRefusal(`${stopped} and its leader index ${where} no longer exists on the remote cluster`,
      `restore or recreate "${obs.leaderIndex}" on the leader cluster and run up again (the follower is then recreated from it), ` +
      `or declare status "promoted" to keep this copy as a regular index, or "paused" to stop replication`);
  }
  if (leader.exists === "unknown") {
    throw new PlanRefusal(`${stopped}, and whether its leader index ${where} still exists could not be checked (${leader.why})`,
      `make the remote cluster "${obs.remoteCluster}" reachable from the follower cluster and run up again`);
  }
  const ops: FollowerOp[] = [{ op: "pause" }];
  if (obs.open) ops.push({ op: "close" });
  ops.push({ op: "follow", body: buildFollowRequest(desired) }, { op: "waitActive" });
  return ops;
}

function describeFatal(fatal: Array<{ shard: number; type?: string; reason?: string }>): string {
  const first = fatal[0];
  const more = fatal.length > 1 ? ` and ${fatal.length - 1} more shard(s)` : "";
  return first ? `shard ${first.shard}: ${first.type}: ${first.reason}${more}` : "fatal error";
}

/** The index follows the declared leader: what a follow request makes (its restore may still be running). */
export function followTookEffect(obs: FollowerObserved, desired: FollowerIndexInputs): boolean {
  return obs.kind === "follower" && obs.remoteCluster === desired.remoteCluster && obs.leaderIndex === desired.leaderIndex;
}

/**
 * The operations after a write whose answer was lost, from a fresh observation. A follow that took effect continues
 * with the rest of its own plan (wait, then e.g. the declared pause): planning from scratch would see a follower that
 * is still being restored (no shard-follow tasks yet, so `_ccr/info` says paused) and resume it, or, for a declared
 * pause, do nothing and let the restore's own start of following make it active. Anything else is planned again
 * from what is observed, which skips what was applied and repeats what was not.
 */
export function planAfterUnknownOutcome(
  obs: FollowerObserved, desired: FollowerIndexInputs, lost: { op: FollowerOp; rest: FollowerOp[] } | undefined, previouslyDeclaredSettings: string[] = [],
  leader?: LeaderCheck,
): FollowerOp[] {
  if (lost?.op.op === "follow" && followTookEffect(obs, desired)) return lost.rest;
  return planFollower(obs, desired, previouslyDeclaredSettings, leader);
}

/**
 * What makes an existing index something else than the declared follower, for adoption on create: the leader it
 * follows (never changeable), and, when the leader's current index UUID is known (leaderConnection), whether the
 * leader was deleted and recreated since the follower was made (it can then never resume).
 */
export function followerAdoptionDifferences(obs: FollowerObserved, desired: FollowerIndexInputs, leaderUuidNow?: string): Difference[] {
  if (obs.kind !== "follower") return [];
  const diffs: Difference[] = [];
  if (obs.remoteCluster !== desired.remoteCluster) diffs.push({ property: "remoteCluster", existing: obs.remoteCluster, declared: desired.remoteCluster, immutable: true });
  if (obs.leaderIndex !== desired.leaderIndex) diffs.push({ property: "leaderIndex", existing: obs.leaderIndex, declared: desired.leaderIndex, immutable: true });
  if (diffs.length === 0 && leaderUuidNow && obs.leaderIndexUuid && obs.leaderIndexUuid !== leaderUuidNow) {
    diffs.push({ property: "leader index UUID (the leader was deleted and recreated since this follower was made, so it can never resume)", existing: obs.leaderIndexUuid, declared: leaderUuidNow, immutable: true });
  }
  return diffs;
}

/** Destroy: stop following cleanly (which also releases the leader's retention leases), then keep or delete. */
export function planFollowerDelete(obs: FollowerObserved, policy: "keep" | "delete"): FollowerOp[] {
  if (obs.kind === "absent") return [];
  if (obs.kind === "regular") return policy === "delete" ? [{ op: "deleteIndex" }] : [];
  const ops: FollowerOp[] = [];
  if (obs.status === "active") ops.push({ op: "pause" });
  if (obs.open) ops.push({ op: "close" });
  ops.push({ op: "unfollow" });
  ops.push(policy === "delete" ? { op: "deleteIndex" } : { op: "open" });
  return ops;
}

// ---------------------------------------------------------------------------------------------------------------
// outputs

function summarize(stats: FollowStatsIndex | undefined): { fatalErrors: string[]; readExceptions: string[]; lag?: number } {
  const fatalErrors: string[] = [];
  const readExceptions: string[] = [];
  for (const s of stats?.shards ?? []) {
    if (s.fatal_exception) fatalErrors.push(`shard ${s.shard_id}: ${s.fatal_exception.type}: ${s.fatal_exception.reason}`);
    for (const r of s.read_exceptions ?? []) {
      readExceptions.push(`shard ${s.shard_id}: from seq_no ${r.from_seq_no} after ${r.retries} retries: ${r.exception?.type}: ${r.exception?.reason}`);
    }
  }
  return { fatalErrors, readExceptions, lag: stats?.total_global_checkpoint_lag };
}

/**
 * Outputs from observation. Declared-only fields (deletePolicy, waitTimeoutSeconds, connection, dataStreamName, and
 * tuning while paused, since paused followers report no parameters) are carried over from `declared`.
 */
/**
 * Outputs of a create that may have made the follower (a write was applied or its answer lost) but could not read it
 * back: the declaration and ownership; the next `up` (an update) or `refresh` reads what is really there.
 */
export function unconfirmedFollowerOutputs(declared: FollowerIndexInputs, own: OwnershipOutputs): FollowerIndexOutputs {
  return {
    ...declared, ...own, fatalErrors: [], readExceptions: [],
    statusMessage: `the create of follower index "${declared.name}" did not finish and the index could not be read back; the next pulumi up reads it and converges`,
  } as unknown as FollowerIndexOutputs;
}

export function followerOutputs(declared: FollowerIndexInputs, obs: FollowerObserved, stats: FollowStatsIndex | undefined): FollowerIndexOutputs {
  const base: Record<string, unknown> = { ...declared };
  const declaredKeys = Object.keys((declared.settings ?? {}) as object);
  if (obs.kind === "absent") throw new Error("followerOutputs: index is absent");
  const settings: Record<string, string | string[]> = {};
  for (const k of declaredKeys) if (obs.settings[k] !== undefined) settings[k] = obs.settings[k];
  if (declared.settings !== undefined) base.settings = settings;
  const s = summarize(stats);
  if (obs.kind === "regular") {
    const statusMessage = declared.status === "promoted" ? undefined
      : `"${declared.name}" is no longer a follower: it was converted to a regular index outside Pulumi (unfollowed). ` +
        `Declared status "${declared.status}" needs a new follower, which requires deleting or renaming this index first.`;
    return { ...base, status: "promoted", shardCount: obs.shardCount, indexUuid: obs.indexUuid, fatalErrors: [], readExceptions: [], statusMessage } as unknown as FollowerIndexOutputs;
  }
  base.remoteCluster = obs.remoteCluster;
  base.leaderIndex = obs.leaderIndex;
  if (obs.tuning) {
    // Report only what was declared or differs from the server default, so an undeclared parameter stays undeclared.
    const dflt = effectiveTuning({}) as Record<string, unknown>;
    for (const k of TUNING_KEYS) {
      const have = (obs.tuning as Record<string, unknown>)[k];
      if ((declared as unknown as Record<string, unknown>)[k] !== undefined || have !== dflt[k]) base[k] = have;
      else delete base[k];
    }
  }
  const failed = obs.status === "active" && s.fatalErrors.length > 0;
  const status: ObservedFollowerStatus = failed ? "failed" : obs.status;
  const leaderGone = (stats?.shards ?? []).some((x) => x.fatal_exception?.type === "index_not_found_exception");
  const statusMessage = !obs.open ? `follower index "${declared.name}" is closed`
    : failed ? `replication stopped on ${s.fatalErrors.length} shard(s) (${s.fatalErrors[0]}): follower index "${declared.name}" no longer ` +
      `replicates from leader index "${obs.remoteCluster}:${obs.leaderIndex}"${leaderGone ? " (the leader index was deleted, or deleted and recreated)" : ""}. ` +
      `The next pulumi up recreates it from the leader if the leader index exists (pause, close, follow again: its copy is rebuilt from the ` +
      `leader); declare status "promoted" to keep this copy as a regular index instead`
    : status !== declared.status && declared.status !== undefined ? `declared "${declared.status}" but the follower is ${status}` : undefined;
  return {
    ...base, status, leaderIndexUuid: obs.leaderIndexUuid, indexUuid: obs.indexUuid, shardCount: obs.shardCount, lag: s.lag,
    fatalErrors: s.fatalErrors, readExceptions: s.readExceptions, statusMessage,
  } as FollowerIndexOutputs;
}

/**
 * The inputs a refresh writes back: the declared inputs with every observed field replaced by what the cluster says
 * (status included, so a `failed` follower shows as a change against a declared "active").
 */
export function followerInputsFromOutputs(o: FollowerIndexOutputs): Omit<FollowerIndexInputs, "status"> & { status?: ObservedFollowerStatus } {
  const { leaderIndexUuid: _u, indexUuid: _i, lag: _l, shardCount: _s, fatalErrors: _f, readExceptions: _r, statusMessage: _m, adopted: _a, clusterUuid: _c, ...inputs } = o;
  return inputs;
}
