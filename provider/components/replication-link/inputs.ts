/** Check, normalisation and diff of the link resource's inputs (pure). */
import { CheckFailure, Failures } from "../../core/check";
import { DiffBuilder, DiffOutcome, jsonEqual } from "../../core/diff";
import { checkAlias, followIndexPatternProblem, patternNameProblem } from "../../core/names";
import { effectiveTuning, normalizeTuning, TUNING_KEYS } from "../../core/tuning";
import { isUnknown } from "../../core/unknown";
import { checkConnection, connectionFingerprint } from "../../client/connection";
import { checkFollowSpec, normalizeFollowSpec } from "../../resources/follow-spec";
import { versionRefusalProblem } from "./plan";
import { LinkDeclaration, LinkFollowersInputs, LinkFollowersOutputs, RELEASE_POLICIES } from "./types";

export function normalizeLinkInputs(newsIn: object): LinkFollowersInputs {
  const news = newsIn as Record<string, unknown>;
  const out = normalizeFollowSpec(news);
  out.leaderIndexExclusionPatterns = news.leaderIndexExclusionPatterns ?? [];
  out.includeHidden = news.includeHidden ?? false;
  out.includeDotPrefixed = news.includeDotPrefixed ?? false;
  out.onLeaderDeleted = news.onLeaderDeleted ?? "leave";
  out.onNoLongerMatching = news.onNoLongerMatching ?? "leave";
  out.deletePolicy = news.deletePolicy ?? "keep";
  out.plan = news.plan ?? [];
  // Found in the program, for check only: never stored.
  delete out.crossLinkProblems;
  return out as unknown as LinkFollowersInputs;
}

export function declarationOf(i: LinkFollowersInputs): LinkDeclaration {
  return {
    remoteCluster: i.remoteCluster, leaderIndexPatterns: i.leaderIndexPatterns, leaderIndexExclusionPatterns: i.leaderIndexExclusionPatterns ?? [],
    followIndexPattern: i.followIndexPattern, includeHidden: i.includeHidden ?? false, includeDotPrefixed: i.includeDotPrefixed ?? false,
    onLeaderDeleted: i.onLeaderDeleted ?? "leave", onNoLongerMatching: i.onNoLongerMatching ?? "leave",
    tuning: normalizeTuning(i as unknown as Record<string, unknown>),
  };
}

export function checkLink(newsIn: object): { inputs: LinkFollowersInputs; failures: CheckFailure[] } {
  const news = newsIn as Record<string, unknown>;
  const f = new Failures();
  checkAlias(f, "remoteCluster", news.remoteCluster, "the alias of the leader cluster on the follower cluster");
  const name = f.requireString("patternName", news.patternName, "the auto-follow pattern's name on the follower cluster");
  if (name) {
    const p = patternNameProblem(name);
    if (p) f.add("patternName", `patternName "${name}" ${p}`);
  }
  const patterns = f.stringList("leaderIndexPatterns", news.leaderIndexPatterns, { nonEmpty: true, hint: 'wildcard patterns of leader index (or data stream) names, e.g. ["logs-*"]' });
  f.stringList("leaderIndexExclusionPatterns", news.leaderIndexExclusionPatterns, { nonEmpty: false, hint: 'e.g. ["logs-secret-*"]' });
  const fip = f.optionalString("followIndexPattern", news.followIndexPattern);
  if (fip !== undefined) {
    const p = followIndexPatternProblem(fip, patterns);
    if (p) f.add("followIndexPattern", `followIndexPattern "${fip}" ${p}`);
  }
  f.optionalBoolean("includeHidden", news.includeHidden);
  f.optionalBoolean("includeDotPrefixed", news.includeDotPrefixed);
  f.oneOf("onLeaderDeleted", news.onLeaderDeleted, RELEASE_POLICIES);
  f.oneOf("onNoLongerMatching", news.onNoLongerMatching, RELEASE_POLICIES);
  f.oneOf("deletePolicy", news.deletePolicy, ["keep", "delete"] as const);
  f.positiveInt("concurrency", news.concurrency, 64);
  checkFollowSpec(f, news);
  if (news.leaderConnection === undefined) f.add("leaderConnection", "leaderConnection is required: the link lists the leader's indexes (read-only) and calls forget_follower there");
  else checkConnection(f, news.leaderConnection, "leaderConnection");
  // Loops and follower-name collisions with the program's other links, found where all of them are known (the program).
  if (Array.isArray(news.crossLinkProblems)) {
    for (const p of news.crossLinkProblems as Array<{ property?: unknown; reason?: unknown }>) {
      if (typeof p?.property === "string" && typeof p.reason === "string") f.add(p.property, p.reason);
    }
  }
  // The program planned at preview time; a refusal there means the declaration cannot be met as the clusters are.
  const plan = Array.isArray(news.plan) ? news.plan.filter((l): l is string => typeof l === "string") : [];
  for (const line of plan.filter((l) => l.startsWith("refuse "))) {
    const versions = versionRefusalProblem(line);
    if (versions !== undefined) {
      f.add("leaderConnection", `${versions}; nothing is followed until the pair is supported`);
      continue;
    }
    f.add("leaderIndexPatterns", `${line}. Exclude that leader index (leaderIndexExclusionPatterns), or delete or rename the index in the way on the follower cluster`);
  }
  return { inputs: normalizeLinkInputs(news), failures: f.list };
}

/** Lines of a plan that change something (the preview's "what up will do"); reports are shown, not acted on. */
export function changeLines(lines: readonly string[] | undefined): string[] {
  // "adopt" only records what exists (a refresh or the next up does it), so it is no reason for an update.
  return (lines ?? []).filter((l) => !/^(keep|adopt|leave|refuse|wait|skip|unreachable)\b/.test(l));
}

export function diffLink(olds: LinkFollowersOutputs, newsRaw: object): DiffOutcome {
  const news = normalizeLinkInputs(newsRaw);
  const d = new DiffBuilder();
  // Another remote or pattern name is another link: the followers of the old one are released by its destroy.
  d.replace("remoteCluster", olds.remoteCluster, news.remoteCluster);
  d.replace("patternName", olds.patternName, news.patternName);
  for (const k of ["leaderIndexPatterns", "leaderIndexExclusionPatterns", "followIndexPattern", "includeHidden", "includeDotPrefixed",
    "onLeaderDeleted", "onNoLongerMatching", "deletePolicy", "settings", "concurrency"] as const) {
    d.update(k, olds[k], news[k]);
  }
  const effOld = effectiveTuning(olds as unknown as Record<string, unknown>);
  const effNew = effectiveTuning(news as unknown as Record<string, unknown>);
  for (const k of TUNING_KEYS) {
    const nv = (news as unknown as Record<string, unknown>)[k];
    d.update(k, effOld[k], isUnknown(nv) ? nv : effNew[k]);
  }
  // What the program planned (changes only), and what a refresh found pending, make an update that carries them out.
  // The lines the last operation carried out are echoed in its outputs: the same lines again (a refresh diffs the
  // refreshed outputs against the inputs of that operation) are not new work. Follows that failed are in `pending`.
  const planned = changeLines(news.plan);
  if (isUnknown(news.plan) || (planned.length > 0 && !jsonEqual(planned, changeLines(olds.plan)))) d.updates.push("plan");
  if (changeLines(olds.pending).length > 0) d.updates.push("pending");
  for (const k of ["connection", "leaderConnection"] as const) {
    if (isUnknown(news[k]) || connectionFingerprint(olds[k]) !== connectionFingerprint(news[k])) d.updates.push(k);
  }
  return d.build(true);
}
