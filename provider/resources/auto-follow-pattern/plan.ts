import { CheckFailure, Failures } from "../../core/check";
import { DiffBuilder, DiffOutcome, jsonEqual } from "../../core/diff";
import { followIndexPatternProblem, patternNameProblem, checkAlias } from "../../core/names";
import { normalizeIndexSettings } from "../../core/settings";
import { normalizeTuning, TUNING_KEYS, tuningFromWire, tuningToWire } from "../../core/tuning";
import { isUnknown } from "../../core/unknown";
import { adoptedReplaceProblem, Difference, OwnershipOutputs } from "../../core/adoption";
import { connectionFingerprint } from "../../client/connection";
import { checkFollowSpec, normalizeFollowSpec } from "../follow-spec";
import type { CcrStats } from "../../client/cluster";
import type { AutoFollowPatternInputs, AutoFollowPatternOutputs } from "./types";

export function checkPattern(newsIn: object): { inputs: AutoFollowPatternInputs; failures: CheckFailure[] } {
  const news = newsIn as Record<string, unknown>;
  const f = new Failures();
  const name = f.requireString("name", news.name, "the auto-follow pattern's name");
  if (name) {
    const p = patternNameProblem(name);
    if (p) f.add("name", `name "${name}" ${p}`);
  }
  checkAlias(f, "remoteCluster", news.remoteCluster, "the alias of the leader cluster (a RemoteCluster's alias)");
  const leaders = f.stringList("leaderIndexPatterns", news.leaderIndexPatterns, { nonEmpty: true, hint: 'leader index name patterns such as ["logs-*"]' });
  f.stringList("leaderIndexExclusionPatterns", news.leaderIndexExclusionPatterns, { nonEmpty: false, hint: 'patterns to skip such as ["logs-tmp-*"]' });
  const fip = f.optionalString("followIndexPattern", news.followIndexPattern);
  if (fip !== undefined && !isUnknown(news.leaderIndexPatterns)) {
    // Elasticsearch stores an invalid template and then fails every follow in the background, so reject it here.
    const p = followIndexPatternProblem(fip, leaders);
    if (p) f.add("followIndexPattern", `followIndexPattern "${fip}": ${p}`);
  }
  f.optionalBoolean("active", news.active);
  checkFollowSpec(f, news);
  return { inputs: normalizePatternInputs(news), failures: f.list };
}

export function normalizePatternInputs(newsIn: object): AutoFollowPatternInputs {
  const news = newsIn as Record<string, unknown>;
  const out = normalizeFollowSpec(news);
  out.active = news.active ?? true;
  out.leaderIndexExclusionPatterns = news.leaderIndexExclusionPatterns ?? [];
  return out as unknown as AutoFollowPatternInputs;
}

const COMPARED: readonly (keyof AutoFollowPatternInputs)[] = [
  "remoteCluster", "leaderIndexPatterns", "leaderIndexExclusionPatterns", "followIndexPattern", "settings", ...TUNING_KEYS,
];

export function diffPattern(olds: AutoFollowPatternOutputs, newsRaw: object): DiffOutcome {
  const news = normalizePatternInputs(newsRaw) as unknown as Record<string, unknown>;
  const o = olds as unknown as Record<string, unknown>;
  const d = new DiffBuilder();
  d.replace("name", o.name, news.name);
  // Another remote is another pattern: PUT keeps the pattern's list of already-followed leader UUIDs and marks only
  // indexes of newly added leader patterns as followed, so an in-place switch would follow every existing matching
  // index of the new remote at once. A new pattern marks all existing ones (TransportPutAutoFollowPatternAction).
  d.replace("remoteCluster", o.remoteCluster, news.remoteCluster);
  for (const k of COMPARED) if (k !== "remoteCluster") d.update(k, emptyAsUndefined(o[k]), emptyAsUndefined(news[k]));
  d.update("active", o.active ?? true, news.active);
  d.update("adoptExisting", o.adoptExisting ?? "match", news.adoptExisting ?? "match");
  d.update("adoptedOnDestroy", o.adoptedOnDestroy ?? "release", news.adoptedOnDestroy ?? "release");
  // No request: update checks the recorded cluster UUID before anything else (a connection to another cluster is refused).
  for (const k of ["connection", "leaderConnection"] as const) {
    if (isUnknown(news[k]) || connectionFingerprint(olds[k]) !== connectionFingerprint(news[k] as never)) d.updates.push(k);
  }
  // A PUT under a new name creates it and the old one is deleted afterwards; under the same name the old pattern must
  // go first, or the "create" would overwrite it in place and the delete would then remove the new one.
  const out = d.build(!d.replaces.includes("name"));
  const adoptedProblem = out.deleteBeforeReplace ? adoptedReplaceProblem("AutoFollowPattern", olds.name, olds, out.replaces) : undefined;
  if (adoptedProblem) throw new Error(adoptedProblem);
  return out;
}

/** `settings: {}` and no settings are the same pattern. */
function emptyAsUndefined(v: unknown): unknown {
  return v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0 ? undefined : v;
}

/** The stored pattern, parsed from the raw GET JSON (the client typings miss settings and most parameters). */
export function patternFromWire(name: string, raw: Record<string, unknown>): AutoFollowPatternInputs {
  const out: Record<string, unknown> = {
    name,
    remoteCluster: raw.remote_cluster,
    leaderIndexPatterns: raw.leader_index_patterns ?? [],
    leaderIndexExclusionPatterns: raw.leader_index_exclusion_patterns ?? [],
    active: raw.active !== false,
    ...tuningFromWire(raw),
  };
  if (raw.follow_index_pattern !== undefined) out.followIndexPattern = raw.follow_index_pattern;
  if (raw.settings && Object.keys(raw.settings as object).length) out.settings = normalizeIndexSettings(raw.settings);
  return out as unknown as AutoFollowPatternInputs;
}

export function buildPatternRequest(d: AutoFollowPatternInputs): Record<string, unknown> {
  const body: Record<string, unknown> = {
    remote_cluster: d.remoteCluster,
    leader_index_patterns: d.leaderIndexPatterns,
    leader_index_exclusion_patterns: d.leaderIndexExclusionPatterns ?? [],
  };
  if (d.followIndexPattern !== undefined) body.follow_index_pattern = d.followIndexPattern;
  if (d.settings && Object.keys(d.settings).length) body.settings = d.settings;
  Object.assign(body, tuningToWire(normalizeTuning(d as unknown as Record<string, unknown>)));
  return body;
}

export type PatternOp = { op: "put"; body: Record<string, unknown> } | { op: "pause" } | { op: "resume" } | { op: "delete" };

/**
 * PUT is a full overwrite and always stores the pattern as active, so: PUT only when the definition differs, and
 * re-pause after it when the declared state is paused. An active-only change uses pause/resume, which are idempotent.
 */
export function planPattern(observed: AutoFollowPatternInputs | undefined, desired: AutoFollowPatternInputs): PatternOp[] {
  const wantActive = desired.active !== false;
  const same = observed !== undefined && COMPARED.every((k) =>
    jsonEqual(emptyAsUndefined((observed as unknown as Record<string, unknown>)[k]), emptyAsUndefined((desired as unknown as Record<string, unknown>)[k])));
  if (!same) return wantActive ? [{ op: "put", body: buildPatternRequest(desired) }] : [{ op: "put", body: buildPatternRequest(desired) }, { op: "pause" }];
  if (observed!.active !== false && !wantActive) return [{ op: "pause" }];
  if (observed!.active === false && wantActive) return [{ op: "resume" }];
  return [];
}

export function planPatternDelete(observed: AutoFollowPatternInputs | undefined): PatternOp[] {
  return observed ? [{ op: "delete" }] : [];
}

/** Errors recorded by the auto-follow coordinator for this pattern ("<pattern>:<leader index>" or "<pattern>"). */
export function recentErrorsFor(name: string, stats: CcrStats): string[] {
  return (stats.auto_follow_stats?.recent_auto_follow_errors ?? [])
    .filter((e) => e.leader_index === name || e.leader_index.startsWith(`${name}:`))
    .map((e) => `${e.leader_index.slice(name.length + 1) || name}: ${e.auto_follow_exception?.type}: ${e.auto_follow_exception?.reason}`);
}

/**
 * What makes an existing pattern another pattern than the declared one, for adoption on create: what it follows and
 * how it names followers. Its remote is never rewritten in place (see diffPattern), so that difference is immutable.
 */
export function patternAdoptionDifferences(observed: AutoFollowPatternInputs, desired: AutoFollowPatternInputs): Difference[] {
  const o = observed as unknown as Record<string, unknown>;
  const w = desired as unknown as Record<string, unknown>;
  return (["remoteCluster", "leaderIndexPatterns", "leaderIndexExclusionPatterns", "followIndexPattern"] as const)
    .filter((k) => !jsonEqual(emptyAsUndefined(o[k]) ?? [], emptyAsUndefined(w[k]) ?? []))
    .map((k) => ({ property: k, existing: o[k], declared: w[k], ...(k === "remoteCluster" ? { immutable: true } : {}) }));
}

/** Outputs: what the cluster stores, plus the declared-only inputs (connections, adoption choices) and ownership. */
export function patternOutputs(declared: AutoFollowPatternInputs, observed: AutoFollowPatternInputs, stats: CcrStats, own: OwnershipOutputs = { adopted: false }): AutoFollowPatternOutputs {
  const out: Record<string, unknown> = { ...observed };
  for (const k of ["connection", "leaderConnection", "adoptExisting", "adoptedOnDestroy"] as const) if (declared[k] !== undefined) out[k] = declared[k];
  Object.assign(out, own);
  out.recentErrors = recentErrorsFor(declared.name, stats);
  return out as unknown as AutoFollowPatternOutputs;
}
