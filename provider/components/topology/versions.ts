import { atLeast, parseVersion, type EsVersion } from "../../core/version";

/*
 * The CCR version rule for one leader → follower pair.
 *
 * TO FOLD INTO provider/core/version.ts AT MERGE: another branch adds `followerVersionProblem(leader, follower)` there;
 * this file keeps the topology's copy apart so the branches do not conflict. Keep one of the two (the rules below
 * are the ones from es-ccr-api.md §7) and point the imports of this folder at it.
 */

function cmp(a: EsVersion, b: EsVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/**
 * Why `follower` cannot follow `leader`, or undefined when the pair is allowed.
 *
 * - The follower must run the same or a newer version than its leader, including the patch number: a follower's
 *   shards replay the leader's operations and cannot read a newer Lucene/index format (leader 9.4.3 ⇒ follower
 *   ≥ 9.4.3; 9.4.1 is refused).
 * - Across majors, Elastic's CCR matrix and the wire-compatibility rule limit the newer follower: a 7.x leader needs
 *   7.17 to be followed by 8.x and cannot be followed by 9.x at all; an 8.x leader needs 8.18 for a 9.0 follower and
 *   8.19 for 9.1 and later. Majors the published matrix does not cover (before 7, after 9) are refused rather than
 *   guessed.
 */
export function ccrPairProblem(leader: EsVersion, follower: EsVersion): string | undefined {
  if (cmp(follower, leader) < 0) {
    return `a follower must run the same or a newer version than its leader, including the patch number (${follower.text} < ${leader.text})`;
  }
  for (const v of [leader, follower]) {
    if (v.major < 7 || v.major > 9) return `${v.text} is outside Elastic's CCR compatibility matrix as this library knows it (7.17 to 9.x)`;
  }
  if (leader.major === follower.major) return undefined;
  if (leader.major === 7) {
    if (follower.major === 9) return `a 7.x leader cannot be followed by 9.x (no wire compatibility); upgrade the leader to 8.19 first`;
    if (!atLeast(leader, 7, 17)) return `a 7.x leader must be 7.17 to be followed by 8.x; upgrade the leader to 7.17 first`;
    return undefined;
  }
  // leader 8.x, follower 9.x
  if (follower.minor === 0) {
    return atLeast(leader, 8, 18) ? undefined : `a 9.0 follower needs an 8.18 or 8.19 leader (${leader.text}); upgrade the leader within 8.x first`;
  }
  return atLeast(leader, 8, 19) ? undefined : `a ${follower.major}.${follower.minor} follower needs an 8.19 leader (${leader.text}); upgrade the leader to 8.19 first`;
}

/** The rule with both clusters named, as check and refresh report it. Unparseable versions are reported too. */
export function versionPairProblem(
  leaderName: string, leaderVersion: string, followerName: string, followerVersion: string,
): string | undefined {
  const l = parseVersion(leaderVersion);
  const f = parseVersion(followerVersion);
  if (!l) return `cluster "${leaderName}" has an unreadable version "${leaderVersion}" (expected major.minor.patch)`;
  if (!f) return `cluster "${followerName}" has an unreadable version "${followerVersion}" (expected major.minor.patch)`;
  const p = ccrPairProblem(l, f);
  return p && `"${followerName}" (${f.text}) cannot follow "${leaderName}" (${l.text}): ${p}`;
}
