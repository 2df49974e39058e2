import { followerVersionProblem, parseVersion } from "./core/version";

/**
 * The CCR version rule on version strings, for code outside the provider (policy packs, pipelines): whether a
 * follower cluster running `follower` (e.g. "9.5.4") may follow a leader running `leader`. Returns why not, with
 * what to do (upgrade the follower first, or the leader), or undefined when the pair is allowed. The provider applies
 * the same rule before it follows (with `leaderConnection`).
 * @throws Error when a version is not `major.minor.patch`.
 */
export function ccrVersionProblem(leader: string, follower: string): string | undefined {
  const l = parseVersion(leader);
  const f = parseVersion(follower);
  if (!l || !f) throw new Error(`ccrVersionProblem: "${!l ? leader : follower}" is not a version (major.minor.patch)`);
  return followerVersionProblem(l, f);
}
