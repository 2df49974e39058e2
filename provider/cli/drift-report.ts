/**
 * The drift command's decisions, pure: from the outcome of each resource's refresh in a refresh run in preview mode
 * (the engine's `resOutputsEvent`s: `op` same / update / delete, the state before (`old`) and what the clusters show
 * now (`new`)), a CCR-specific report and its exit code. No I/O here; the command (drift.ts) runs the refresh and
 * prints what this returns. (The `resourcePreEvent` of a refresh step is sent before the read: its `new` is still
 * the old state.)
 */
import { TUNING_KEYS } from "../core/tuning";

/** The part of an engine step the report reads (the Automation API's `StepEventMetadata`). */
export interface DriftStep {
  op: string;
  urn: string;
  type: string;
  old?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> } | null;
  new?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> } | null;
}

/** One finding of the report. */
export interface DriftFinding {
  /** What kind of object: a follower index, an auto-follow pattern, a remote cluster (alias), a link, a topology. */
  kind: "follower" | "pattern" | "remote" | "link" | "topology";
  /** The object's name on the cluster (follower index, pattern, alias) or the link's resource name. */
  name: string;
  problem: "paused" | "failed" | "lagging" | "missing" | "unmanaged" | "changed" | "disconnected" | "version";
  /** One human-readable line of detail (the properties that changed, the fatal error, the lag). */
  detail: string;
}

/** The whole report. */
export interface DriftReport {
  /** True when nothing drifted. */
  clean: boolean;
  findings: DriftFinding[];
  /** Operations lag above which an active follower counts as lagging. */
  lagThreshold: number;
}

/** Exit codes of the drift command. */
export const EXIT_CLEAN = 0;
export const EXIT_DRIFT = 1;
export const EXIT_ERROR = 2;

const KIND_OF: Record<string, DriftFinding["kind"] | undefined> = {
  FollowerIndex: "follower",
  AutoFollowPattern: "pattern",
  RemoteCluster: "remote",
  ReplicationLinkFollowers: "link",
  TopologyLeader: "topology",
};

/** Properties of each kind that are declared state: a difference between state and cluster is drift. */
const DECLARED: Record<DriftFinding["kind"], readonly string[]> = {
  follower: ["remoteCluster", "leaderIndex", "settings", "dataStreamName", ...TUNING_KEYS],
  pattern: ["remoteCluster", "leaderIndexPatterns", "leaderIndexExclusionPatterns", "followIndexPattern", "settings", ...TUNING_KEYS],
  remote: ["mode", "seeds", "proxyAddress", "serverName", "proxySocketConnections", "nodeConnections", "skipUnavailable", "transportPingSchedule", "transportCompress", "transportCompressionScheme"],
  link: [],
  topology: [],
};

/** The outcomes a refresh step reports; anything else (a planned create or replace) is not a refresh. */
const REFRESH_OUTCOMES = new Set(["same", "update", "delete", "refresh"]);

function kindOf(type: string): DriftFinding["kind"] | undefined {
  return KIND_OF[type.split(":").pop() ?? ""];
}

function resourceName(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

function str(v: unknown): string {
  return v === undefined ? "(unset)" : JSON.stringify(v);
}

function changedKeys(keys: readonly string[], before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

function followerFindings(name: string, declared: Record<string, unknown>, before: Record<string, unknown>, now: Record<string, unknown>, lagThreshold: number): DriftFinding[] {
  const out: DriftFinding[] = [];
  const wanted = (declared.status as string | undefined) ?? "active";
  const status = now.status as string | undefined;
  if (status === "failed") {
    out.push({ kind: "follower", name, problem: "failed", detail: ((now.fatalErrors as string[] | undefined) ?? []).join("; ") || String(now.statusMessage ?? "fatal error") });
  } else if (status === "paused" && wanted === "active") {
    out.push({ kind: "follower", name, problem: "paused", detail: "paused outside Pulumi (declared active)" });
  } else if (status === "active" && wanted === "paused") {
    out.push({ kind: "follower", name, problem: "changed", detail: "resumed outside Pulumi (declared paused)" });
  }
  const lag = now.lag as number | undefined;
  if (status === "active" && typeof lag === "number" && lag > lagThreshold) {
    out.push({ kind: "follower", name, problem: "lagging", detail: `lag ${lag} operations (threshold ${lagThreshold})` });
  }
  const changed = changedKeys(DECLARED.follower, before, now);
  if (changed.length) out.push({ kind: "follower", name, problem: "changed", detail: changed.map((k) => `${k}: ${str(before[k])} → ${str(now[k])}`).join(", ") });
  return out;
}

/**
 * A topology's refresh re-reads every cluster's version: a follower older than its leader (e.g. the leader upgraded
 * first) is an upgrade-order violation, and a cluster that did not answer is reported as disconnected.
 */
function topologyFindings(name: string, now: Record<string, unknown>): DriftFinding[] {
  const out: DriftFinding[] = [];
  for (const v of (now.violations as string[] | undefined) ?? []) out.push({ kind: "topology", name, problem: "version", detail: v });
  for (const c of (now.unreachable as string[] | undefined) ?? []) out.push({ kind: "topology", name, problem: "disconnected", detail: `cluster ${c} did not answer the refresh` });
  return out;
}

function linkFindings(name: string, before: Record<string, unknown>, now: Record<string, unknown>, lagThreshold: number): DriftFinding[] {
  const out: DriftFinding[] = [];
  const health = (now.followerHealth as Array<{ name: string; status: string; lag: number; fatalErrors?: string[] }> | undefined) ?? [];
  // Each detail names the link: a Topology's links have followers of the same names, one per cluster.
  for (const f of health) {
    if (f.status === "missing") out.push({ kind: "follower", name: f.name, problem: "missing", detail: `recorded by link ${name} but not on the cluster` });
    else if (f.status === "failed") out.push({ kind: "follower", name: f.name, problem: "failed", detail: `${(f.fatalErrors ?? []).join("; ") || "fatal error"} (follower of link ${name})` });
    else if (f.status === "paused") out.push({ kind: "follower", name: f.name, problem: "paused", detail: `follower of link ${name} paused` });
    else if (f.lag > lagThreshold) out.push({ kind: "follower", name: f.name, problem: "lagging", detail: `lag ${f.lag} operations (threshold ${lagThreshold}; follower of link ${name})` });
  }
  // Followers the refresh found that the state did not record (e.g. auto-followed since the last up).
  const had = new Set(((before.followers as Array<{ name: string }> | undefined) ?? []).map((f) => f.name));
  for (const f of (now.followers as Array<{ name: string; origin?: string }> | undefined) ?? []) {
    if (!had.has(f.name)) out.push({ kind: "follower", name: f.name, problem: "unmanaged", detail: `found by refresh (${f.origin ?? "unknown origin"}), not yet in the stack's state` });
  }
  const h = now.health as { remoteConnected?: boolean; patternActive?: boolean; patternPresent?: boolean } | undefined;
  const pending = (now.pending as string[] | undefined) ?? [];
  if (h && h.remoteConnected === false) out.push({ kind: "link", name, problem: "disconnected", detail: "the link's remote alias is not connected" });
  // `patternPresent` tells a deleted pattern from a paused one; state written before it existed says only "not
  // active", and there the refresh's plan to put a deleted one back (pending "restore pattern …") tells them apart.
  const patternGone = h?.patternPresent === false || (h?.patternPresent === undefined && pending.some((p) => p.startsWith("restore pattern ")));
  if (h && h.patternActive === false) {
    out.push(patternGone ? { kind: "link", name, problem: "missing", detail: "the link's auto-follow pattern is not on the cluster" }
      : { kind: "link", name, problem: "paused", detail: "the link's auto-follow pattern is paused" });
  }
  for (const p of pending) out.push({ kind: "link", name, problem: "changed", detail: `pending: ${p}` });
  return out;
}

/**
 * The report of one refresh preview. `steps` are the outcomes of the refresh steps (`resOutputsEvent` metadata): op
 * `same`, `update` (the clusters differ from the state) or `delete` (the object is gone from the cluster).
 */
export function summarizeDrift(steps: readonly DriftStep[], o: { lagThreshold: number }): DriftReport {
  const findings: DriftFinding[] = [];
  for (const s of steps) {
    const kind = kindOf(s.type);
    if (!kind || !REFRESH_OUTCOMES.has(s.op)) continue;
    const before = s.old?.outputs ?? {};
    const declared = s.old?.inputs ?? {};
    const name = String(before.name ?? before.alias ?? resourceName(s.urn));
    const now = s.op === "delete" ? undefined : s.new?.outputs;
    if (!now) {
      findings.push({ kind, name, problem: "missing", detail: "deleted outside Pulumi (in the state, not on the cluster)" });
      continue;
    }
    if (kind === "follower") findings.push(...followerFindings(name, declared, before, now, o.lagThreshold));
    else if (kind === "link") findings.push(...linkFindings(resourceName(s.urn), before, now, o.lagThreshold));
    else if (kind === "topology") findings.push(...topologyFindings(resourceName(s.urn), now));
    else {
      if (kind === "remote" && now.connected === false) findings.push({ kind, name, problem: "disconnected", detail: String(now.statusMessage ?? "not connected") });
      if (kind === "pattern" && now.active === false && declared.active !== false) findings.push({ kind, name, problem: "paused", detail: "paused outside Pulumi (declared active)" });
      const changed = changedKeys(DECLARED[kind], before, now);
      if (changed.length) findings.push({ kind, name, problem: "changed", detail: changed.map((k) => `${k}: ${str(before[k])} → ${str(now[k])}`).join(", ") });
    }
  }
  return { clean: findings.length === 0, findings, lagThreshold: o.lagThreshold };
}

/** The report as text, one finding per line. */
export function formatDrift(r: DriftReport, stack: string): string {
  if (r.clean) return `stack ${stack}: no drift (followers, patterns and remotes as declared)\n`;
  const lines = [`stack ${stack}: drift (\`pulumi up\` repairs what the program declares)`];
  for (const f of r.findings) lines.push(`  ${f.kind} ${f.name}: ${f.problem}: ${f.detail}`);
  return `${lines.join("\n")}\n`;
}

/** Exit code of a report: 0 clean, 1 drift. */
export function exitCodeOf(r: DriftReport): number {
  return r.clean ? EXIT_CLEAN : EXIT_DRIFT;
}
