/**
 * The dynamic provider behind ReplicationLink: installs the auto-follow pattern, lists the leader, carries out the
 * planned follows and lifecycle actions, and on destroy removes everything the link's pattern and follows made.
 * It executes through the core resources' providers (FollowerIndex, AutoFollowPattern), so every follow, pause,
 * unfollow and pattern write gets their safe-write rules.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "../../client/cluster";
import { clusterOf, label, partialFailure, resourceProvider, Slots, stateError, wireSafe } from "../../resources/common";
import { autoFollowPatternProvider } from "../../resources/auto-follow-pattern/provider";
import { createFollower, followerIndexProvider } from "../../resources/follower-index/provider";
import { TUNING_KEYS } from "../../core/tuning";
import { followerVersionProblem } from "../../core/version";
import { checkLink, declarationOf, diffLink, normalizeLinkInputs } from "./inputs";
import { forgetFollowerProblem, followerHealth, linkHealth } from "./observe";
import { describe, LinkAction, LinkPlan, patternExclusions, planLines, planLink, planStreamReleases, recordedAfter } from "./plan";
import { FollowerSide, followerDataStreams, listLeader, observeFollowerNamed, observeFollowerSide } from "./reader";
import type { LinkedFollower, LinkFollowersInputs, LinkFollowersOutputs } from "./types";

export const LINK_KIND = "ReplicationLinkFollowers";
const DEFAULT_CONCURRENCY = 8;

function clusters(d: LinkFollowersInputs): { leader: Cluster; follower: Cluster; resource: string } {
  const resource = label("ReplicationLink", d.patternName);
  return { leader: clusterOf({ connection: d.leaderConnection }, `${resource} (leader)`), follower: clusterOf(d, resource), resource };
}

function tuningOf(d: LinkFollowersInputs): Record<string, unknown> {
  const t: Record<string, unknown> = {};
  for (const k of TUNING_KEYS) if ((d as unknown as Record<string, unknown>)[k] !== undefined) t[k] = (d as unknown as Record<string, unknown>)[k];
  return t;
}

/**
 * The pattern's inputs. `ours`: the pattern is the link's own (an update, or the second PUT of this create), so a
 * stored version that differs is rewritten as declared; only a create's first PUT refuses a differing pattern of that
 * name that someone else made (AutoFollowPattern's adoption rule).
 */
function patternInputs(d: LinkFollowersInputs, refused: string[], ours: boolean): Record<string, unknown> {
  const decl = declarationOf(d);
  return {
    name: d.patternName, remoteCluster: d.remoteCluster, leaderIndexPatterns: d.leaderIndexPatterns,
    leaderIndexExclusionPatterns: patternExclusions(decl, refused),
    ...(d.followIndexPattern ? { followIndexPattern: d.followIndexPattern } : {}),
    ...(d.settings && Object.keys(d.settings).length ? { settings: d.settings } : {}),
    ...tuningOf(d), active: true, connection: d.connection, ...(ours ? { adoptExisting: "overwrite" } : {}),
  };
}

function followerInputs(d: LinkFollowersInputs, name: string, leaderIndex: string, dataStreamName: string | undefined, deletePolicy: "keep" | "delete"): Record<string, unknown> {
  return {
    name, remoteCluster: d.remoteCluster, leaderIndex, ...(dataStreamName ? { dataStreamName } : {}),
    ...(d.settings && Object.keys(d.settings).length ? { settings: d.settings } : {}),
    ...tuningOf(d), status: "active", deletePolicy, connection: d.connection,
  };
}

/** Runs `fn` over `items` with at most `n` in flight (destroy's release sweep). */
async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function followerClusterName(follower: Cluster, resource: string): Promise<string> {
  const r = await follower.call({ resource, action: "read the follower cluster's name" }, { method: "GET", path: "/_cluster/health", query: { filter_path: "cluster_name" } });
  return String((r.body as { cluster_name?: string }).cluster_name);
}

/**
 * Carries out the plan's writes. forget_follower first (a new follower of the same name takes a lease of its own);
 * then every other action at once, with their writes sharing `concurrency` slots: each follow's PUT is sent as a slot
 * frees up, and the follows then wait for "active" together, one batched `_ccr/info` per wave for all of them (the
 * FollowerIndex create path, with its safe-write rules, per follower). A follow that fails because the auto-follower
 * made the same follower first (same name, same leader UUID) counts as done: both aim at one name per leader index.
 */
async function execute(d: LinkFollowersInputs, c: ReturnType<typeof clusters>, plan: LinkPlan): Promise<{ failed: Map<string, string> }> {
  const failed = new Map<string, string>();
  const fp = followerIndexProvider;
  const policyOf = (p: "delete" | "promote") => (p === "delete" ? "delete" : "keep");
  const slots = new Slots(d.concurrency ?? DEFAULT_CONCURRENCY);
  let clusterName: Promise<string> | undefined;
  const one = async (a: LinkAction): Promise<void> => {
    try {
      switch (a.do) {
        case "forget": {
          clusterName ??= followerClusterName(c.follower, c.resource);
          const name = await clusterName;
          // Runs on the LEADER: removes the retention leases a follower deleted without unfollow still holds there.
          const r = await slots.run(() => c.leader.call({ resource: c.resource, action: `forget_follower ${a.follower} on leader index ${a.leaderIndex}` }, {
            method: "POST", path: `/${encodeURIComponent(a.leaderIndex)}/_ccr/forget_follower`,
            body: { follower_cluster: name, follower_index: a.follower, follower_index_uuid: a.followerUuid, leader_remote_cluster: d.remoteCluster },
          }, [404]));
          const problem = forgetFollowerProblem(r.status, r.body);
          if (problem) throw new Error(`forget_follower ${a.follower} on leader index ${a.leaderIndex}: ${problem}`);
          break;
        }
        case "follow":
          await followOne(a.follower, a.leaderIndex, a.leaderUuid, a.dataStreamName);
          break;
        case "resume":
        case "retune":
          // FollowerIndex's create path adopts the follower (same leader) and plans resume, or pause + resume, with
          // the declared parameters, under its safe-write rules (a resume whose answer was lost is re-planned).
          await createFollower(followerInputs(d, a.follower, a.leaderIndex, undefined, d.deletePolicy), slots);
          break;
        case "repair":
          // FollowerIndex's create path finds the failed follower of the declared leader and plans its recreate
          // (checking through the remote that the leader index is there first).
          await createFollower(followerInputs(d, a.follower, a.leaderIndex, undefined, d.deletePolicy), slots);
          break;
        case "recreate":
          // The old leader is gone (a new index has its name), so there are no leases to release and nothing to
          // unfollow cleanly: delete the follower (Elasticsearch removes the tasks of deleted followers), follow anew.
          await deleteIndex(a.follower);
          await followOne(a.follower, a.leaderIndex, a.leaderUuid, a.dataStreamName);
          break;
        case "release":
          if (a.policy === "delete" && a.why === "leader deleted") await deleteIndex(a.follower);
          else if (a.policy !== "leave") {
            const keepOrDelete = policyOf(a.policy);
            await slots.run(() => fp.delete!(a.follower, followerInputs(d, a.follower, a.leaderIndex, undefined, keepOrDelete)));
          }
          break;
        default:
          break;
      }
    } catch (e) {
      if ("follower" in a) failed.set(a.follower, (e as Error).message);
    }
  };
  const deleteIndex = async (name: string) => {
    await slots.run(() => c.follower.call({ resource: c.resource, action: `delete follower ${name}` }, { method: "DELETE", path: `/${encodeURIComponent(name)}` }, [404]));
  };
  const followOne = async (name: string, leaderIndex: string, leaderUuid: string, ds: string | undefined) => {
    try {
      await createFollower(followerInputs(d, name, leaderIndex, ds, d.deletePolicy), slots);
    } catch (e) {
      // Only this follower is read again (index-scoped), not the whole cluster.
      c.follower.invalidateIndexes([name]);
      const now = await observeFollowerNamed(c.follower, name);
      if (!(now && now.remoteCluster === d.remoteCluster && now.leaderUuid === leaderUuid)) throw e;
    }
  };
  // Releases of followers that are their data stream's write index (planStreamReleases): a stream released whole with
  // "delete" goes after its other backing indexes; a write index that cannot be released as asked fails with why.
  const releases = plan.actions.filter((a): a is Extract<LinkAction, { do: "release" }> => a.do === "release" && a.policy !== "leave");
  const streams = releases.some((a) => a.follower.includes(".ds-")) ? await followerDataStreams(c.follower, c.resource) : [];
  const byPolicy = (p: "delete" | "promote") => planStreamReleases(releases.filter((a) => a.policy === p).map((a) => a.follower), streams, policyOf(p));
  const sp = [byPolicy("delete"), byPolicy("promote")];
  const later = new Set(sp.flatMap((x) => x.deleteStreams.map((s) => s.writeIndex)));
  for (const r of sp.flatMap((x) => x.refused)) failed.set(r.follower, r.why);
  const now = plan.actions.filter((a) => a.do !== "forget" && !later.has((a as { follower?: string }).follower ?? "") && !failed.has((a as { follower?: string }).follower ?? ""));
  await Promise.all(plan.actions.filter((a) => a.do === "forget").map(one));
  await Promise.all(now.map(one));
  for (const s of sp.flatMap((x) => x.deleteStreams)) {
    try {
      await slots.run(() => c.follower.call({ resource: c.resource, action: `delete data stream ${s.stream} (its write index ${s.writeIndex} is the link's follower)` },
        { method: "DELETE", path: `/_data_stream/${encodeURIComponent(s.stream)}` }, [404]));
    } catch (e) {
      failed.set(s.writeIndex, (e as Error).message);
    }
  }
  c.follower.invalidate();
  return { failed };
}

async function outputsFrom(d: LinkFollowersInputs, side: FollowerSide, followers: LinkedFollower[], pending: string[]): Promise<LinkFollowersOutputs> {
  const fh = followerHealth(followers, side.followers, side.stats);
  const pattern = side.patterns.find((p) => p.name === d.patternName);
  // The follower UUIDs known now (forget_follower needs them if a follower is later deleted without unfollow).
  const uuids = new Map(side.followers.map((f) => [f.name, f.uuid]));
  const recorded = followers.map((r) => ({ ...r, ...(uuids.get(r.name) ? { uuid: uuids.get(r.name) } : {}) }));
  return {
    ...d, followers: recorded, pending,
    health: linkHealth(d.remoteCluster, d.patternName, !pattern ? "missing" : pattern.pattern.active === false ? "paused" : "active", side.remoteInfo, side.stats, fh),
    followerHealth: fh,
  };
}

/**
 * CCR's version rule (core/version.ts followerVersionProblem: follower ≥ leader, within the supported majors),
 * checked before the link writes anything: the pattern and every follow would otherwise be made and fail to
 * replicate (or be refused one by one). Both identities are read once per cluster per process.
 */
async function checkVersions(c: ReturnType<typeof clusters>): Promise<void> {
  const [l, f] = await Promise.all([c.leader.version(), c.follower.version()]);
  const problem = followerVersionProblem(l, f);
  if (problem) throw stateError(c.follower.ctx({ resource: c.resource, action: "check the CCR version rule" }), problem, "upgrade as the message says; nothing was changed");
}

/**
 * create and update.
 *
 * ORDERING (race-freedom). An index created on the leader at any moment must end up followed exactly once:
 *  1. PUT the auto-follow pattern FIRST. Elasticsearch's PUT reads the leader's metadata and records every existing
 *     matching index as "already followed" (TransportPutAutoFollowPatternAction.markExistingIndicesAsAutoFollowed);
 *     every index created after that read is not recorded, so the AutoFollower follows it (it runs continuously,
 *     long-polling the leader's metadata version).
 *  2. THEN list the leader. Every index the PUT recorded existed before the PUT and so is in this listing (unless it
 *     was deleted meanwhile, when there is nothing to follow). So the union "listing ∪ created after the PUT" covers
 *     every index; listing before the PUT would miss an index created between listing and PUT: recorded, never
 *     auto-followed, never explicitly followed (test/unit/replication-link-plan.test.ts finds exactly that window).
 *  3. Follow each listed, matching, unfollowed index under the SAME name the pattern gives it. An index in both sets
 *     (created after the PUT's read, before the listing) is followed by whichever comes first; the other finds a
 *     follower of the same leader UUID under that name: the AutoFollower records it as followed
 *     (leaderIndexAlreadyFollowed), our follow treats "already exists, same leader UUID" as done. Never twice, since
 *     both aim at one name per leader index and a name holds one index.
 *  4. A leader whose follower name is taken by something refused is then excluded from the pattern by exact name
 *     (an update that adds no leader pattern records nothing new), so the auto-follower does not retry it forever.
 * A later `up` repeats 1–3 (an unchanged PUT is skipped), which also follows what a pause or a widened pattern left
 * unfollowed: a PUT that adds patterns records the existing matches, and step 2 lists them.
 */
async function converge(d: LinkFollowersInputs, olds: LinkFollowersOutputs | undefined): Promise<LinkFollowersOutputs> {
  const c = clusters(d);
  const decl = declarationOf(d);
  const previous = olds ? declarationOf(olds) : undefined;
  const recorded = olds?.followers ?? [];
  await checkVersions(c);
  c.follower.invalidate();
  // Refusals known before any write go into the pattern's first PUT.
  const before = planLink(decl, { leaders: await listLeader(c.leader, c.resource), ...(await observeFollowerSide(c.follower, recorded)), recorded, previous });
  await autoFollowPatternProvider.create!(patternInputs(d, before.refusedLeaders, olds !== undefined));
  c.follower.invalidate();
  const leaders = await listLeader(c.leader, c.resource);
  const plan = planLink(decl, { leaders, ...(await observeFollowerSide(c.follower, recorded)), recorded, previous });
  const refused = [...new Set([...before.refusedLeaders, ...plan.refusedLeaders])];
  if (refused.length > before.refusedLeaders.length) await autoFollowPatternProvider.create!(patternInputs(d, refused, true));
  const { failed } = await execute(d, c, plan);
  const kept = recordedAfter(plan, recorded).filter((r) => !failed.has(r.name));
  // Outputs and health need the followers' own UUIDs and stats, not their leader UUIDs (the plan has those).
  const side = await observeFollowerSide(c.follower, [], { leaderUuids: false });
  const reports = planLines(plan).filter((l) => /^(leave|refuse|wait|skip|unreachable)\b/.test(l));
  const errors = [...failed].map(([name, m]) => `failed ${name}: ${m}`);
  const out = await outputsFrom(d, side, kept, [...reports, ...errors]);
  const problems = [...plan.actions.filter((a) => a.do === "refuse").map((a) => planLines({ actions: [a], refusedLeaders: [] })[0]), ...errors];
  if (problems.length) {
    throw partialFailure(stateError(c.follower.ctx({ resource: c.resource, action: "reconcile the link" }), problems.join("; "),
      "exclude the refused leader indexes (leaderIndexExclusionPatterns) or remove what is in the way on the follower cluster; failed follows are retried by the next up"),
    d.patternName, out as unknown as Record<string, unknown>);
  }
  return out;
}

/**
 * Destroy. The pattern goes FIRST, so nothing new is auto-followed while the followers are released; then every
 * follower the link owns (recorded, or named by the link's rule for a matching leader: what the pattern made after
 * the last up is in no state) is unfollowed and kept or deleted per deletePolicy. A follow the auto-follower had in
 * flight when the pattern was deleted may still land, so the sweep repeats until a re-read after a pause finds
 * nothing. The leader is never written to; the RemoteCluster (deleted after this resource) then has no users.
 */
async function remove(d: LinkFollowersOutputs): Promise<void> {
  const c = clusters(d);
  await autoFollowPatternProvider.delete!(d.patternName, { name: d.patternName, connection: d.connection });
  const decl = declarationOf(d);
  for (let round = 0, quiet = 0; quiet < 2 && round < 20; round++) {
    c.follower.invalidate();
    const side = await observeFollowerSide(c.follower);
    // Ownership without the leader listing: the leader may be unreachable at destroy, and its indexes do not matter.
    const owned = planLink(decl, { leaders: [], followers: side.followers, regularIndexes: side.regularIndexes, recorded: d.followers ?? [] })
      .actions.filter((a): a is Extract<LinkAction, { do: "release" }> => a.do === "release");
    if (!owned.length) {
      quiet++;
      if (quiet < 2) await new Promise((r) => setTimeout(r, 1500));
      continue;
    }
    quiet = 0;
    // Followers of leader backing indexes may back a data stream here, whose write index Elasticsearch will neither
    // close nor delete by itself (planStreamReleases); the streams are read only when such names are released.
    const streams = owned.some((a) => a.follower.includes(".ds-")) ? await followerDataStreams(c.follower, c.resource) : [];
    const sp = planStreamReleases(owned.map((a) => a.follower), streams, d.deletePolicy);
    const single = new Set(sp.single);
    await pool(owned.filter((a) => single.has(a.follower)), d.concurrency ?? DEFAULT_CONCURRENCY, (a) =>
      followerIndexProvider.delete!(a.follower, followerInputs(d, a.follower, a.leaderIndex, undefined, d.deletePolicy)));
    for (const s of sp.deleteStreams) {
      // Deletes the write index with its stream (its other backing indexes were released above); Elasticsearch removes
      // a deleted follower's shard-follow tasks. Its retention lease on the leader expires there: destroy never writes
      // to the leader.
      await c.follower.call({ resource: c.resource, action: `delete data stream ${s.stream} (its write index ${s.writeIndex} is the link's follower)` },
        { method: "DELETE", path: `/_data_stream/${encodeURIComponent(s.stream)}` }, [404]);
    }
    if (sp.refused.length) {
      throw stateError(c.follower.ctx({ resource: c.resource, action: "release the link's followers" }), sp.refused.map((r) => r.why).join("; "),
        "the pattern is deleted and the other followers are released; do as the message says, then run destroy again");
    }
  }
}

async function read(id: string, p: Partial<LinkFollowersOutputs>): Promise<pulumi.dynamic.ReadResult> {
  const d = normalizeLinkInputs(p);
  const c = clusters(d);
  c.follower.invalidate();
  const side = await observeFollowerSide(c.follower, p.followers ?? []);
  let leaders;
  try {
    leaders = await listLeader(c.leader, c.resource);
  } catch {
    leaders = undefined;
  }
  const installed = side.patterns.find((x) => x.name === d.patternName);
  const plan = planLink(declarationOf(d), {
    leaders, ...side, recorded: p.followers ?? [],
    pattern: installed ? { name: d.patternName, active: installed.pattern.active !== false } : null, patternName: d.patternName,
  });
  // A refresh records what exists (adoptions, followers the pattern made) and reports what the next up will do.
  const existing = new Set(side.followers.map((f) => f.name));
  const followers = leaders ? recordedAfter({ ...plan, actions: plan.actions.filter((a) => a.do === "keep" || a.do === "adopt" || a.do === "repair" || a.do === "resume" || a.do === "retune" || (a.do === "release" && a.policy === "leave")) }, p.followers ?? [])
    .filter((r) => existing.has(r.name)) : (p.followers ?? []);
  // Followers whose record is kept for forget_follower (deleted on the follower side) stay recorded until handled.
  const carried = (p.followers ?? []).filter((r) => !existing.has(r.name) && !followers.some((f) => f.name === r.name));
  // Pending: what the next up will do or report; adoptions are recorded right here, so they are not pending.
  const pending = plan.actions.filter((a) => a.do !== "keep" && a.do !== "adopt").map(describe);
  const outs = await outputsFrom(d, side, [...followers, ...carried].sort((a, b) => a.name.localeCompare(b.name)), pending);
  const { followers: _f, pending: _p, health: _h, followerHealth: _fh, ...inputs } = outs;
  return { id, props: wireSafe(outs), inputs: wireSafe({ ...inputs, plan: p.plan ?? [] }) };
}

export const replicationLinkProvider = resourceProvider<LinkFollowersInputs, LinkFollowersOutputs>({
  kind: "ReplicationLink",
  check: (news) => checkLink(news),
  diff: diffLink,
  normalize: normalizeLinkInputs,
  id: (d) => d.patternName,
  converge,
  read,
  remove: (_id, p) => remove(p),
});
