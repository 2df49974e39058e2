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
 * Indexes the auto-follower never considers: system indexes only. AutoFollowPattern.match (8.19 and 9.x) is
 * `isSystem() == false && !simpleMatch(exclusions, name) && simpleMatch(patterns, name)`; hidden and dot-prefixed
 * indexes match a "*" like any other (callers that do not want them add ".*" to the exclusions).
 */
export function isSkippedLeader(_index: string, _hidden: boolean, _p: PatternSpec, system = false): boolean {
  return system;
}

/** getFollowerIndexName: "{{leader_index}}" templating; no pattern → leader name. */
export function followerIndexName(p: PatternSpec, leaderIndex: string): string {
  if (!p.follow_index_pattern) return leaderIndex;
  return p.follow_index_pattern.replace(/\{\{leader_index\}\}/g, leaderIndex);
}

/** Name validation of PutAutoFollowPatternAction.Request.validate. */
export function validatePatternName(name: string): string[] {
  const m: string[] = [];
  if (name.includes(",")) m.push(`name must not contain a ','`);
  if (name.startsWith("_")) m.push(`name must not start with '_'`);
  if (Buffer.byteLength(name, "utf8") > 255) m.push(`name is too long (${Buffer.byteLength(name, "utf8")} > 255)`);
  return m;
}
