/** Elasticsearch server versions, the features gated on them, and the CCR compatibility rules. */
export interface EsVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

export function parseVersion(text: string): EsVersion | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text };
}

export function atLeast(v: EsVersion, major: number, minor: number, patch = 0): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}

/** Negative, 0 or positive like a comparator, on major.minor.patch. */
export function compareVersions(a: EsVersion, b: EsVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** PUT follow rejects `data_stream_name` as an unknown field before 8.4. */
export const MIN_VERSION_DATA_STREAM_NAME = { major: 8, minor: 4 } as const;
/** The provider supports the 8.x and 9.x REST APIs (plain application/json works on both). */
export const SUPPORTED_MAJORS: readonly number[] = [8, 9];

/** Why the provider cannot manage a cluster of this version, or undefined. */
export function unsupportedVersionProblem(v: EsVersion): string | undefined {
  if (SUPPORTED_MAJORS.includes(v.major)) return undefined;
  return `it runs Elasticsearch ${v.text}; this provider supports ${SUPPORTED_MAJORS.join(".x and ")}.x` +
    (v.major < SUPPORTED_MAJORS[0] ? " (7.x has another CCR API surface: no data_stream_name, other defaults); upgrade the cluster" : "");
}

/**
 * Whether a follower cluster of version `follower` may follow a leader of version `leader` (es-ccr-api.md §7):
 * - the follower runs the same or a newer version, including the patch level (leader 9.4.3 needs follower ≥ 9.4.3):
 *   a follower's shards replay the leader's operations and cannot read a newer index format;
 * - across majors, Elastic's CCR matrix allows 7.17 → 8.x, and the wire-compatibility rule limits 8.x → 9.x to
 *   8.18 → 9.0 and 8.19 → 9.x; 7.0–7.16 leaders need an upgrade to 7.17 first, and 7.x → 9.x is impossible;
 * - pairs two or more majors apart, or beyond the published matrix, are refused.
 * Returns why not, with what to do, or undefined when the pair is allowed. The one CCR version rule of the library:
 * the core resources (before a follow) and the topology (check and refresh) both use it.
 */
export function followerVersionProblem(leader: EsVersion, follower: EsVersion): string | undefined {
  const reason = followerVersionReason(leader, follower);
  return reason && `leader cluster ${leader.text}, follower cluster ${follower.text}: ${reason}`;
}

/**
 * The rule with both clusters named ("replica-1" (9.4.1) cannot follow "primary" (9.4.3): …), as the topology's
 * check and refresh report it. Unparseable versions are reported too.
 */
export function namedFollowerVersionProblem(
  leaderName: string, leaderVersion: string, followerName: string, followerVersion: string,
): string | undefined {
  const l = parseVersion(leaderVersion);
  const f = parseVersion(followerVersion);
  if (!l) return `cluster "${leaderName}" has an unreadable version "${leaderVersion}" (expected major.minor.patch)`;
  if (!f) return `cluster "${followerName}" has an unreadable version "${followerVersion}" (expected major.minor.patch)`;
  const reason = followerVersionReason(l, f);
  return reason && `"${followerName}" (${f.text}) cannot follow "${leaderName}" (${l.text}): ${reason}`;
}

function followerVersionReason(leader: EsVersion, follower: EsVersion): string | undefined {
  if (compareVersions(follower, leader) < 0) {
    return `CCR needs the follower cluster on the same or a newer version than the leader, including the patch level (${follower.text} < ${leader.text}); ` +
      "upgrade the follower cluster first (followers before leaders)";
  }
  if (follower.major === leader.major) return undefined;
  if (follower.major - leader.major > 1) return "CCR does not span two majors; upgrade the leader cluster";
  if (leader.major === 7) {
    if (follower.major === 8 && leader.minor === 17) return undefined;
    return "only a 7.17 leader can be followed by an 8.x cluster (and none by 9.x); upgrade the leader cluster";
  }
  if (leader.major === 8 && follower.major === 9) {
    if (follower.minor === 0 && leader.minor >= 18) return undefined;
    if (leader.minor >= 19) return undefined;
    return "a 9.x node only connects to 8.19 nodes (9.0 also to 8.18); upgrade the leader cluster to 8.19 first";
  }
  return "the pair is not covered by Elastic's CCR compatibility matrix";
}
