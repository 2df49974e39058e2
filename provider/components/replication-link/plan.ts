/**
 * The replication link's decisions, without I/O: which leader indexes the link follows and under which names, what it
 * adopts or refuses, what a later `up` reconciles, and what happens when leaders are deleted or recreated.
 *
 * Matching mirrors Elasticsearch's `AutoFollowMetadata.AutoFollowPattern.match` (8.19 and 9.x): an index matches when
 * it is not a system index and its name matches a leader pattern and no exclusion, or when its parent data stream
 * (not a system one) does. Elasticsearch does not skip hidden or dot-prefixed indexes; the link does, unless asked,
 * by adding ".*" to the pattern's exclusions (a backing index `.ds-x-…` still matches through its stream `x`).
 */
import { tuningDifferences } from "../../core/tuning";
import type { FollowerInfo, LeaderIndexInfo, LinkDeclaration, LinkedFollower, ReleasePolicy } from "./types";

export const LEADER_INDEX = "{{leader_index}}";

/** Regex.simpleMatch: "*" matches any sequence, everything else literally. */
export function simpleMatch(pattern: string, name: string): boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return pattern === name;
  if (!name.startsWith(parts[0]) || !name.endsWith(parts[parts.length - 1])) return false;
  let at = parts[0].length;
  const end = name.length - parts[parts.length - 1].length;
  for (let i = 1; i < parts.length - 1; i++) {
    const j = name.indexOf(parts[i], at);
    if (j < 0 || j + parts[i].length > end) return false;
    at = j + parts[i].length;
  }
  return at <= end;
}

const anyMatch = (patterns: readonly string[], name: string) => patterns.some((p) => simpleMatch(p, name));

/** Exclusions of the pattern the link installs: the declared ones, ".*" unless dot-prefixed indexes are wanted. */
export function patternExclusions(d: LinkDeclaration, refusedLeaders: readonly string[] = []): string[] {
  const out = [...d.leaderIndexExclusionPatterns];
  if (!d.includeDotPrefixed) out.push(".*");
  // A leader whose follower name is taken by something the link refuses to touch is excluded by its exact name, so
  // the auto-follower does not retry (and fail) every round: the pattern and the refusal never fight over the name.
  out.push(...refusedLeaders);
  return [...new Set(out)];
}

/** AutoFollowPattern.match, as Elasticsearch evaluates it for the pattern the link installs. */
export function patternMatches(d: LinkDeclaration, ix: LeaderIndexInfo, exclusions = patternExclusions(d)): boolean {
  if (!ix.system && !anyMatch(exclusions, ix.name) && anyMatch(d.leaderIndexPatterns, ix.name)) return true;
  return ix.dataStream !== undefined && !ix.dataStreamSystem && !anyMatch(exclusions, ix.dataStream) && anyMatch(d.leaderIndexPatterns, ix.dataStream);
}

/**
 * Whether the link wants a follower for this leader index, and through what: its own name, or its data stream (the
 * backing indexes of a matching stream are followed with it, hidden and dot-prefixed as they are).
 */
export function linkMatch(d: LinkDeclaration, ix: LeaderIndexInfo): "name" | "dataStream" | undefined {
  const ex = patternExclusions(d);
  if (ix.dataStream !== undefined && !ix.dataStreamSystem && !anyMatch(ex, ix.dataStream) && anyMatch(d.leaderIndexPatterns, ix.dataStream)) return "dataStream";
  if (ix.system || anyMatch(ex, ix.name) || !anyMatch(d.leaderIndexPatterns, ix.name)) return undefined;
  if (ix.hidden && !d.includeHidden) return undefined;
  return "name";
}

// `<prefix>.ds-<data stream>-<yyyy.MM.dd>-<generation>`: the backing index naming of DataStream.getDefaultBackingIndexName.
const BACKING = /^(.*?\.ds-)(.+)-(\d{4}\.\d{2}\.\d{2})(-\d+)$/;

/**
 * The follower name Elasticsearch's auto-follower would give (AutoFollower.getFollowerIndexName, 9.x): the template
 * applied to the leader name, except that for a backing index it is applied to the data stream part, so the follower
 * is a valid backing index of the renamed stream. The explicit followers use the same names, so the pattern and the
 * link's own follows always aim at one name per leader index and never create a second follower.
 */
export function followerTarget(d: Pick<LinkDeclaration, "followIndexPattern">, ix: Pick<LeaderIndexInfo, "name" | "dataStream">): { name: string; dataStreamName?: string } {
  const t = d.followIndexPattern;
  if (!t) return { name: ix.name };
  const m = BACKING.exec(ix.name);
  if (m) {
    return { name: `${m[1]}${t.split(LEADER_INDEX).join(m[2])}-${m[3]}${m[4]}`, ...(ix.dataStream ? { dataStreamName: t.split(LEADER_INDEX).join(ix.dataStream) } : {}) };
  }
  return { name: t.split(LEADER_INDEX).join(ix.name) };
}

// ---------------------------------------------------------------------------------------------------------------
// the plan

export interface LinkWorld {
  /** The leader listing; undefined when the leader cluster could not be read. */
  leaders?: LeaderIndexInfo[];
  /** Every follower index on the follower cluster. */
  followers: FollowerInfo[];
  /** Names of indexes on the follower cluster that are not followers. */
  regularIndexes: string[];
  /** What the link recorded in its state (empty when planning in the program). */
  recorded: LinkedFollower[];
  /** The declaration of the previous `up`, to recognise followers that matched it. */
  previous?: LinkDeclaration;
  /**
   * The link's auto-follow pattern as the follower cluster has it: null when absent, undefined when not to be judged
   * (planning in the program, where the link may not exist yet, or right after the link's own PUT).
   */
  pattern?: { name: string; active: boolean } | null;
  patternName?: string;
}

export type LinkAction =
  | { do: "follow"; follower: string; leaderIndex: string; leaderUuid: string; dataStreamName?: string; refollow?: boolean }
  | { do: "adopt"; follower: string; leaderIndex: string; leaderUuid: string; followerUuid?: string }
  | { do: "keep"; follower: string; leaderIndex: string; leaderUuid: string; followerUuid?: string; note?: string }
  | { do: "repair"; follower: string; leaderIndex: string; leaderUuid: string; followerUuid?: string; why: string }
  | { do: "resume"; follower: string; leaderIndex: string; leaderUuid: string; followerUuid?: string }
  | { do: "retune"; follower: string; leaderIndex: string; leaderUuid: string; followerUuid?: string; why: string }
  | { do: "pattern"; name: string; change: "put" | "resume" }
  | { do: "recreate"; follower: string; leaderIndex: string; leaderUuid: string; oldLeaderUuid?: string; dataStreamName?: string }
  | { do: "release"; follower: string; leaderIndex: string; policy: ReleasePolicy; why: "leader deleted" | "no longer matches" }
  | { do: "forget"; follower: string; followerUuid: string; leaderIndex: string; leaderUuid: string }
  | { do: "drop"; follower: string; leaderIndex: string }
  | { do: "refuse"; follower: string; leaderIndex: string; why: string }
  | { do: "wait"; leaderIndex: string; why: string }
  | { do: "elsewhere"; leaderIndex: string; follower: string }
  | { do: "unreachable"; why: string };

export interface LinkPlan {
  actions: LinkAction[];
  /** Leader names to exclude by exact name in the pattern (their follower name is taken by something refused). */
  refusedLeaders: string[];
}

function owns(d: LinkDeclaration, prev: LinkDeclaration | undefined, recorded: Map<string, LinkedFollower>, f: FollowerInfo): boolean {
  if (f.remoteCluster !== d.remoteCluster) return false;
  if (recorded.has(f.name)) return true;
  // Without a record (planning in the program, or auto-followed after the last up): a follower whose name is the one
  // this link (or its previous declaration) gives its leader, and whose leader name matched, is the link's.
  return [d, prev].some((x) => x !== undefined && x.remoteCluster === f.remoteCluster &&
    followerTarget(x, { name: f.leaderIndex }).name === f.name &&
    anyMatch(x.leaderIndexPatterns, f.leaderIndex) && !anyMatch(patternExclusions(x), f.leaderIndex));
}

/** How an active follower's parameters differ from the declared tuning ("wire have -> want"); empty when they agree. */
function retuning(f: FollowerInfo, d: LinkDeclaration): string[] {
  return f.status === "active" && f.tuning && d.tuning ? tuningDifferences(f.tuning, d.tuning as Record<string, unknown>) : [];
}

/**
 * Decides, for every leader index that matches and every follower the link owns, what the next step is. Pure: the
 * same world gives the same plan, and applying the plan's writes yields a world whose plan has no writes left.
 */
export function planLink(d: LinkDeclaration, w: LinkWorld): LinkPlan {
  const actions: LinkAction[] = [];
  const refusedLeaders: string[] = [];
  // The pattern made by the link, deleted or paused out of band: the next up puts it back (the PUT records the
  // existing matches as followed, and the listing after it follows what it missed) or resumes it.
  if (w.pattern === null && w.patternName) actions.push({ do: "pattern", name: w.patternName, change: "put" });
  else if (w.pattern && !w.pattern.active) actions.push({ do: "pattern", name: w.pattern.name, change: "resume" });
  const recorded = new Map(w.recorded.map((r) => [r.name, r]));
  const followers = new Map(w.followers.map((f) => [f.name, f]));
  const regular = new Set(w.regularIndexes);
  if (!w.leaders) {
    actions.push({ do: "unreachable", why: "the leader cluster could not be listed; nothing is changed until it can" });
    return { actions, refusedLeaders };
  }
  const leaders = [...w.leaders].sort((a, b) => a.name.localeCompare(b.name));
  const leaderByName = new Map(leaders.map((l) => [l.name, l]));
  const handled = new Set<string>();
  const wantedUuids = new Set<string>();

  for (const l of leaders) {
    if (!linkMatch(d, l)) continue;
    wantedUuids.add(l.uuid);
    const t = followerTarget(d, l);
    handled.add(t.name);
    const f = followers.get(t.name);
    if (f) {
      // Without CCR metadata (leader uuid unknown) the follower of the same leader name is taken as the same leader.
      if (f.remoteCluster === d.remoteCluster && (f.leaderUuid === l.uuid || (f.leaderUuid === undefined && f.leaderIndex === l.name))) {
        const tuningDrift = retuning(f, d);
        if (f.status === "failed" && l.open) {
          // Its shard tasks stopped with a fatal error while its leader (same UUID) is there: recreated from it the
          // documented way (FollowerIndex's repair: pause, close, PUT follow under the same name).
          actions.push({ do: "repair", follower: f.name, leaderIndex: l.name, leaderUuid: l.uuid, followerUuid: f.uuid, why: f.fatalErrors[0] ?? "fatal error" });
        } else if (f.status === "paused" && !f.restoring && l.open) {
          // Paused out of band (not by a restore still running: that one starts following by itself when it ends).
          // The link declares its followers active, so it resumes them with the declared parameters.
          actions.push({ do: "resume", follower: f.name, leaderIndex: l.name, leaderUuid: l.uuid, followerUuid: f.uuid });
        } else if (tuningDrift.length) {
          // Its parameters were changed out of band (pause + resume with others), or the declaration changed them.
          actions.push({ do: "retune", follower: f.name, leaderIndex: l.name, leaderUuid: l.uuid, followerUuid: f.uuid, why: tuningDrift.join(", ") });
        } else {
          actions.push(recorded.has(f.name)
            ? { do: "keep", follower: f.name, leaderIndex: l.name, leaderUuid: l.uuid, followerUuid: f.uuid, ...(f.restoring ? { note: "restoring from the leader" } : {}) }
            : { do: "adopt", follower: f.name, leaderIndex: l.name, leaderUuid: l.uuid, followerUuid: f.uuid });
        }
      } else if (f.remoteCluster === d.remoteCluster && f.leaderIndex === l.name && owns(d, w.previous, recorded, f)) {
        // Same leader name, other UUID: the leader was deleted and recreated. The old follower can never follow the
        // new leader, and auto-follow will not replace it (an index of that name exists): recreate it.
        actions.push({ do: "recreate", follower: f.name, leaderIndex: l.name, leaderUuid: l.uuid, oldLeaderUuid: f.leaderUuid, dataStreamName: t.dataStreamName });
      } else {
        refusedLeaders.push(l.name);
        actions.push({ do: "refuse", follower: t.name, leaderIndex: l.name,
          why: `"${t.name}" already follows ${f.remoteCluster}:${f.leaderIndex}${f.leaderUuid ? ` (uuid ${f.leaderUuid})` : ""}, not ${d.remoteCluster}:${l.name} (uuid ${l.uuid})` });
      }
      continue;
    }
    if (regular.has(t.name)) {
      refusedLeaders.push(l.name);
      actions.push({ do: "refuse", follower: t.name, leaderIndex: l.name,
        why: `a regular index "${t.name}" exists on the follower cluster${recorded.has(t.name) ? " (the link's former follower, promoted)" : ""}; an index can only become a follower by being created from the leader` });
      continue;
    }
    const other = w.followers.find((x) => x.remoteCluster === d.remoteCluster && x.leaderUuid === l.uuid && x.name !== t.name);
    if (other && !(owns(d, w.previous, recorded, other) && d.onNoLongerMatching !== "leave")) {
      actions.push({ do: "elsewhere", leaderIndex: l.name, follower: other.name });
      continue;
    }
    if (!l.open) {
      // Following a closed leader fails; and a pattern PUT marks it as followed, so auto-follow never takes it.
      actions.push({ do: "wait", leaderIndex: l.name, why: "closed (a closed leader cannot be followed; the next up follows it once it is open)" });
      continue;
    }
    const rec = recorded.get(t.name);
    if (rec && rec.uuid && rec.leaderUuid === l.uuid) {
      // The follower was deleted without unfollow: its retention leases still hold history on the leader.
      actions.push({ do: "forget", follower: rec.name, followerUuid: rec.uuid, leaderIndex: l.name, leaderUuid: l.uuid });
    }
    actions.push({ do: "follow", follower: t.name, leaderIndex: l.name, leaderUuid: l.uuid, dataStreamName: t.dataStreamName, ...(rec ? { refollow: true } : {}) });
  }

  for (const f of [...w.followers].sort((a, b) => a.name.localeCompare(b.name))) {
    if (handled.has(f.name) || !owns(d, w.previous, recorded, f)) continue;
    handled.add(f.name);
    const l = leaderByName.get(f.leaderIndex);
    if (!l || (f.leaderUuid !== undefined && l.uuid !== f.leaderUuid && !wantedUuids.has(l.uuid))) {
      actions.push({ do: "release", follower: f.name, leaderIndex: f.leaderIndex, policy: d.onLeaderDeleted, why: "leader deleted" });
    } else if (patternMatches(d, l)) {
      // The installed pattern matches it although the link would not have followed it (a hidden index: patterns
      // cannot filter on index.hidden). Releasing it would fight Elasticsearch; keep it and say so.
      actions.push({ do: "keep", follower: f.name, leaderIndex: l.name, leaderUuid: l.uuid, followerUuid: f.uuid, note: "auto-followed by the pattern (hidden leader)" });
    } else {
      actions.push({ do: "release", follower: f.name, leaderIndex: f.leaderIndex, policy: d.onNoLongerMatching, why: "no longer matches" });
    }
  }

  for (const r of [...w.recorded].sort((a, b) => a.name.localeCompare(b.name))) {
    if (handled.has(r.name) || followers.has(r.name)) continue;
    const l = leaderByName.get(r.leaderIndex);
    if (l && l.uuid === r.leaderUuid && r.uuid && !regular.has(r.name)) {
      actions.push({ do: "forget", follower: r.name, followerUuid: r.uuid, leaderIndex: l.name, leaderUuid: l.uuid });
    }
    actions.push({ do: "drop", follower: r.name, leaderIndex: r.leaderIndex });
  }
  return { actions, refusedLeaders };
}

const VERSION_REFUSAL = "refuse versions: ";

/** The preview's line for a leader/follower pair that breaks CCR's version rule (nothing can be followed). */
export function versionRefusal(problem: string): string {
  return `${VERSION_REFUSAL}${problem}`;
}

/** The problem in a version refusal line, or undefined for any other line. */
export function versionRefusalProblem(line: string): string | undefined {
  return line.startsWith(VERSION_REFUSAL) ? line.slice(VERSION_REFUSAL.length) : undefined;
}

/** Actions that write to a cluster or change what the link records. Reports (keep, refuse, wait, leave …) do not. */
export function isChange(a: LinkAction): boolean {
  switch (a.do) {
    case "follow": case "adopt": case "recreate": case "repair": case "forget": case "drop": case "resume": case "retune": case "pattern": return true;
    case "release": return a.policy !== "leave";
    default: return false;
  }
}

/** One line per action, as the preview and the outputs show it. */
export function describe(a: LinkAction): string {
  switch (a.do) {
    case "follow": return `follow ${a.leaderIndex} as ${a.follower}${a.dataStreamName ? ` (data stream ${a.dataStreamName})` : ""}${a.refollow ? " (its follower was removed)" : ""}`;
    case "adopt": return `adopt ${a.follower} (already follows ${a.leaderIndex}, same leader uuid)`;
    case "keep": return `keep ${a.follower}${a.note ? ` (${a.note})` : ""}`;
    case "recreate": return `recreate ${a.follower}: leader ${a.leaderIndex} was recreated (uuid ${a.oldLeaderUuid ?? "?"} -> ${a.leaderUuid})`;
    case "repair": return `repair ${a.follower}: replication stopped (${a.why}); recreate it from leader ${a.leaderIndex} (pause, close, follow again)`;
    case "resume": return `resume ${a.follower}: paused out of band (follows ${a.leaderIndex}); resumed with the declared parameters`;
    case "retune": return `retune ${a.follower}: runs with other parameters than declared (${a.why}); pause and resume with the declared ones`;
    case "pattern": return a.change === "put" ? `restore pattern ${a.name}: deleted out of band; put it back as declared` : `resume pattern ${a.name}: paused out of band`;
    case "release": return a.policy === "leave" ? `leave ${a.follower}: ${a.why} (${a.leaderIndex}); reported only`
      : `${a.policy === "delete" ? "delete" : "promote"} ${a.follower}: ${a.why} (${a.leaderIndex})`;
    case "forget": return `forget_follower on leader ${a.leaderIndex} for removed follower ${a.follower} (uuid ${a.followerUuid})`;
    case "drop": return `stop tracking ${a.follower} (gone from the follower cluster)`;
    case "refuse": return `refuse ${a.leaderIndex}: ${a.why}`;
    case "wait": return `wait for ${a.leaderIndex}: ${a.why}`;
    case "elsewhere": return `skip ${a.leaderIndex}: already followed as ${a.follower} outside the link`;
    case "unreachable": return `unreachable: ${a.why}`;
  }
}

/** The plan lines a preview shows: every change, and every report that needs attention (not "keep"). */
export function planLines(p: LinkPlan): string[] {
  return p.actions.filter((a) => a.do !== "keep").map(describe);
}

/** What the link records once the plan's writes have succeeded (the executor leaves out those that failed). */
export function recordedAfter(p: LinkPlan, before: LinkedFollower[]): LinkedFollower[] {
  const prev = new Map(before.map((r) => [r.name, r]));
  const out: LinkedFollower[] = [];
  for (const a of p.actions) {
    if (a.do === "keep" || a.do === "repair" || a.do === "resume" || a.do === "retune") out.push({ ...prev.get(a.follower), name: a.follower, uuid: a.followerUuid ?? prev.get(a.follower)?.uuid, leaderIndex: a.leaderIndex, leaderUuid: a.leaderUuid, origin: prev.get(a.follower)?.origin ?? "auto" });
    else if (a.do === "adopt") out.push({ name: a.follower, uuid: a.followerUuid, leaderIndex: a.leaderIndex, leaderUuid: a.leaderUuid, origin: before.length ? "auto" : "adopted" });
    else if (a.do === "follow") out.push({ name: a.follower, leaderIndex: a.leaderIndex, leaderUuid: a.leaderUuid, ...(a.dataStreamName ? { dataStreamName: a.dataStreamName } : {}), origin: "bootstrap" });
    else if (a.do === "recreate") out.push({ name: a.follower, leaderIndex: a.leaderIndex, leaderUuid: a.leaderUuid, ...(a.dataStreamName ? { dataStreamName: a.dataStreamName } : {}), origin: "recreated" });
    else if (a.do === "release" && a.policy === "leave") {
      const r = prev.get(a.follower);
      if (r) out.push(r);
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** A data stream on the follower cluster and its backing indexes, oldest first (the last is the write index). */
export interface FollowerDataStream { name: string; backingIndices: string[] }

export interface StreamReleasePlan {
  /** Released one by one (FollowerIndex's destroy: pause, close, unfollow, then delete or open). */
  single: string[];
  /** Streams released whole with "delete": `DELETE _data_stream/<stream>` once the others are gone (it deletes the write index). */
  deleteStreams: Array<{ stream: string; writeIndex: string }>;
  /** Write indexes that cannot be released as asked. */
  refused: Array<{ follower: string; why: string }>;
}

/**
 * How followers that back data streams on the follower cluster are released. Elasticsearch refuses to close a data
 * stream's write index (MetadataIndexStateService: "cannot close the following data stream write indices") and to
 * delete it (MetadataDeleteIndexService: "is the write index for data stream … and cannot be deleted"), so that
 * follower can be neither unfollowed nor deleted on its own; only deleting the stream removes it
 * (DeleteDataStreamTransportAction deletes every backing index). With "delete" and the whole stream released, the
 * stream is deleted after its other backing indexes; otherwise the write index is refused, with what to do.
 */
export function planStreamReleases(followers: readonly string[], streams: readonly FollowerDataStream[], policy: "keep" | "delete"): StreamReleasePlan {
  const out: StreamReleasePlan = { single: [], deleteStreams: [], refused: [] };
  const releasing = new Set(followers);
  const writeOf = new Map(streams.filter((s) => s.backingIndices.length).map((s) => [s.backingIndices[s.backingIndices.length - 1], s]));
  for (const f of followers) {
    const s = writeOf.get(f);
    if (!s) {
      out.single.push(f);
      continue;
    }
    const others = s.backingIndices.filter((b) => !releasing.has(b));
    if (policy === "delete" && !others.length) out.deleteStreams.push({ stream: s.name, writeIndex: f });
    else if (policy === "delete") {
      out.refused.push({ follower: f, why: `${f} is the write index of data stream "${s.name}", which Elasticsearch will not delete on its own, and ${others.join(", ")} ${others.length === 1 ? "is" : "are"} not released with it (deleting the stream would delete ${others.length === 1 ? "it" : "them"} too); release or delete the rest of the stream first` });
    } else {
      out.refused.push({ follower: f, why: `${f} is the write index of data stream "${s.name}": Elasticsearch refuses to close a data stream's write index, so it cannot be unfollowed and kept; use deletePolicy "delete" (the stream is deleted on the follower cluster, the leader keeps its data), or promote the stream (POST _data_stream/_promote/${s.name}) and roll it over on the follower cluster (needs a data-stream index template there), then destroy again` });
    }
  }
  return out;
}
