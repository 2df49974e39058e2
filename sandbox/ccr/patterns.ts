/** EMULATED CCR layer: auto-follow pattern matching and naming (pure functions, AutoFollowCoordinator semantics). */

/** Regex.simpleMatch: '*' matches any sequence (including empty). */
export function simpleMatch(pattern: string, name: string): boolean {
  const re = new RegExp("^" + pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$");
  return re.test(name);
}

export interface PatternSpec {
  leader_index_patterns: string[];
  leader_index_exclusion_patterns?: string[];
  follow_index_pattern?: string;
}

export function matchesPattern(p: PatternSpec, index: string): boolean {
  return p.leader_index_patterns.some((x) => simpleMatch(x, index)) &&
    !(p.leader_index_exclusion_patterns ?? []).some((x) => simpleMatch(x, index));
}

/**
 * AutoFollowPattern.match (8.19 and 9.x): the index's own name, or else its parent data stream's name (a system data
 * stream never), against the patterns minus the exclusions. A backing index `.ds-logs-…` excluded by ".*" still
 * matches "logs-*" through its stream `logs`.
 */
export function matchesIndexOrDataStream(p: PatternSpec, index: string, dataStream?: { name: string; system: boolean }): boolean {
  if (matchesPattern(p, index)) return true;
  return dataStream !== undefined && !dataStream.system && matchesPattern(p, dataStream.name);
}

/**
 * Indexes the auto-follower never considers: system indexes only. AutoFollowPattern.match (8.19 and 9.x) is
 * `isSystem() == false && !simpleMatch(exclusions, name) && simpleMatch(patterns, name)`; hidden and dot-prefixed
 * indexes match a "*" like any other (callers that do not want them add ".*" to the exclusions).
 */
export function isSkippedLeader(_index: string, _hidden: boolean, _p: PatternSpec, system = false): boolean {
  return system;
}

// `<prefix>.ds-<data stream>-<yyyy.MM.dd>-<generation>` (DataStream.getDefaultBackingIndexName, with an optional
// prefix such as "shrink-" or "restored-").
const DS_BACKING = /^(.*?\.ds-)(.+)-(\d{4}\.\d{2}\.\d{2})(-\d+)$/;

/**
 * AutoFollower.getFollowerIndexName: "{{leader_index}}" templating, no pattern → leader name. For a data stream's
 * backing index the template is applied to the data stream part only, so the follower is a valid backing index name
 * of the renamed stream (`.ds-<renamed>-<date>-<generation>`).
 */
export function followerIndexName(p: PatternSpec, leaderIndex: string): string {
  if (!p.follow_index_pattern) return leaderIndex;
  const m = leaderIndex.includes(".ds-") ? DS_BACKING.exec(leaderIndex) : null;
  if (m) return `${m[1]}${p.follow_index_pattern.split("{{leader_index}}").join(m[2])}-${m[3]}${m[4]}`;
  return p.follow_index_pattern.replace(/\{\{leader_index\}\}/g, leaderIndex);
}

/** AutoFollower's follow request names the local data stream by the template applied to the leader's stream. */
export function followerDataStreamName(p: PatternSpec, dataStream: string | undefined): string | undefined {
  if (!dataStream || !p.follow_index_pattern) return undefined;
  return p.follow_index_pattern.split("{{leader_index}}").join(dataStream);
}

/** Name validation of PutAutoFollowPatternAction.Request.validate. */
export function validatePatternName(name: string): string[] {
  const m: string[] = [];
  if (name.includes(",")) m.push(`name must not contain a ','`);
  if (name.startsWith("_")) m.push(`name must not start with '_'`);
  if (Buffer.byteLength(name, "utf8") > 255) m.push(`name is too long (${Buffer.byteLength(name, "utf8")} > 255)`);
  return m;
}
