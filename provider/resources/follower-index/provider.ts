import { clusterFor, Cluster } from "../../client/cluster";
import { resolveConnection } from "../../client/connection";
import { errorBody } from "../../client/errors";
import { adoptionRefusal, OwnershipOutputs, releasedOnDestroy } from "../../core/adoption";
import { overridesRejectedBy } from "../../core/settings";
import { atLeast, EsVersion, MIN_VERSION_DATA_STREAM_NAME } from "../../core/version";
import {
  boundCluster, callTolerating, CcrError, checkLeaderVersion, failedCreate, readCluster, resourceProvider, label, OutcomeUnknown, partialFailure, relabel,
  Slots, stateError, waitUntil, WaitTimeout, withReplans, WriteTrace,
} from "../common";
import {
  checkFollower, DEFAULT_WAIT_SECONDS, diffFollower, followerAdoptionDifferences, FollowerObserved, followerInputsFromOutputs, FollowerOp,
  followerOutputs, followTookEffect, isFailed, LeaderCheck, normalizeFollowerInputs, observeFollower, planAfterUnknownOutcome,
  planFollowerDelete, PlanRefusal, unconfirmedFollowerOutputs,
} from "./plan";
import type { FollowerIndexInputs, FollowerIndexOutputs } from "./types";
import type { FollowStatsIndex } from "../../client/cluster";
import { isFollowerIndex } from "../../core/index-meta";
import { looksAtOnce } from "../../core/waits";

const KIND = "FollowerIndex";

/**
 * The grid every wait for "active" probes on (core/waits.ts): 250 ms, the interval of the direct script the
 * benchmark compares with. Each wave is one batched read for all waiters, so a finer grid costs requests per wave
 * of time, not per follower; a restore that ends just after a probe is seen at most this much later.
 */
const WAIT_GRID_MS = 250;

/**
 * The observed state from the shared whole-cluster reads (refresh: O(1) requests per wave whatever N). The leader
 * UUID (CCR metadata, not in any public API) is read only when `known` cannot be reused: `known` is what state
 * recorded, valid while the follower's own index UUID is unchanged.
 */
async function observe(cluster: Cluster, name: string, known?: { leaderIndexUuid?: string; indexUuid?: string }): Promise<FollowerObserved> {
  const [indices, info, stats] = await Promise.all([cluster.indices.get(), cluster.followInfo.get(), cluster.ccrStats.get()]);
  const obs = observeFollower(name, info, indices, undefined, stats.follow_stats?.indices?.find((i) => i.index === name));
  return withLeaderUuid(cluster, name, obs, known);
}

async function withLeaderUuid(cluster: Cluster, name: string, obs: FollowerObserved, known?: { leaderIndexUuid?: string; indexUuid?: string }): Promise<FollowerObserved> {
  if (obs.kind !== "follower") return obs;
  const reuse = known?.leaderIndexUuid !== undefined && known.indexUuid !== undefined && known.indexUuid === obs.indexUuid;
  return { ...obs, leaderIndexUuid: reuse ? known.leaderIndexUuid : await cluster.leaderUuids.get(name) };
}

/**
 * The observed state of one index from index-scoped reads, for the write paths (create, update, delete). Their size
 * does not depend on the rest of the cluster, concurrent callers share one batched request per kind, and a write to
 * this index drops only this index's answers (Cluster.invalidateIndexes). Follower info and stats are asked only for
 * an index whose settings mark it a follower (a name that does not exist would fail a batched `_ccr/info`).
 */
async function observeIndex(cluster: Cluster, name: string, known?: { leaderIndexUuid?: string; indexUuid?: string }): Promise<{ obs: FollowerObserved; stats?: FollowStatsIndex }> {
  const meta = await cluster.settingsOf.get(name);
  const follower = isFollowerIndex(meta?.settings);
  const [entry, stats] = follower ? await Promise.all([cluster.followInfoOfIndex.get(name), cluster.followStatsOf.get(name)]) : [undefined, undefined];
  const obs = observeFollower(name, entry ? [entry] : [], meta ? { [name]: meta } : {}, undefined, stats);
  return { obs: await withLeaderUuid(cluster, name, obs, known), stats };
}

async function outputs(cluster: Cluster, d: FollowerIndexInputs, own: OwnershipOutputs): Promise<FollowerIndexOutputs | undefined> {
  const { obs, stats } = await observeIndex(cluster, d.name);
  if (obs.kind === "absent") return undefined;
  return { ...followerOutputs(d, obs, stats), ...own };
}

/** The leader index's UUID now, read through leaderConnection (undefined without one, or when it does not exist). */
async function leaderUuidNow(d: FollowerIndexInputs, resource: string): Promise<string | undefined> {
  if (!d.leaderConnection) return undefined;
  const leader = clusterFor(resolveConnection(d.leaderConnection, `${resource} (leaderConnection)`));
  const r = await leader.call({ resource, action: `read leader index ${d.leaderIndex} on the leader cluster` },
    { method: "GET", path: `/${encodeURIComponent(d.leaderIndex)}/_settings/index.uuid`, query: { flat_settings: true } }, [404]).catch((e) => relabel(e, resource));
  const uuid = (r.body as Record<string, { settings?: Record<string, unknown> }> | undefined)?.[d.leaderIndex]?.settings?.["index.uuid"];
  return r.status === 200 && typeof uuid === "string" ? uuid : undefined;
}

/**
 * Everything that can be known before PUT follow, checked before the first write of the plan: the follower's version
 * gates dataStreamName and the overridable settings, and with leaderConnection the pair must satisfy CCR's rule.
 */
async function checkBeforeFollow(b: { cluster: Cluster; version: EsVersion }, d: FollowerIndexInputs, resource: string): Promise<void> {
  const ctx = b.cluster.ctx({ resource, action: "follow" });
  if (d.dataStreamName && !atLeast(b.version, MIN_VERSION_DATA_STREAM_NAME.major, MIN_VERSION_DATA_STREAM_NAME.minor)) {
    // Checked here because the server's own answer is a bare "unknown field [data_stream_name]" parse error.
    throw stateError(ctx, `dataStreamName needs Elasticsearch 8.4 or later, the cluster runs ${b.version.text}`, "remove dataStreamName or upgrade the follower cluster");
  }
  const rejected = overridesRejectedBy(b.version.major, d.settings);
  if (rejected.length) {
    throw stateError(ctx, `settings ${rejected.join(", ")} cannot be overridden on a follower in Elasticsearch ${b.version.major}.x (they are replicated from the leader there)`,
      "remove them from settings");
  }
  await checkLeaderVersion(d.leaderConnection, b, resource, "follow");
}

/**
 * Runs planned operations in order, stopping at the first error; `progress.done` counts the finished ones (so after a
 * lost answer the caller knows which step it was). Each step tolerates its own "already done": pause of a paused
 * follower, resume of an active one, unfollow of a regular index, delete of a missing one; open of an open and close
 * of a closed index are acknowledged by the server anyway.
 */
async function execute(cluster: Cluster, d: FollowerIndexInputs, ops: FollowerOp[], progress = { done: 0 }, slots: Slots, bulk: boolean, trace?: WriteTrace): Promise<void> {
  let previous: FollowerOp["op"] | undefined;
  for (const op of ops) {
    // A slot is held for each write but not while waiting for the follower to become active: every follow is sent at
    // the bounded concurrency, and the waits of all of them go on together in shared waves.
    if (op.op === "waitActive") await executeOp(cluster, d, op, previous, bulk);
    else await slots.run(() => executeOp(cluster, d, op, previous));
    previous = op.op;
    if (op.op !== "waitActive" && trace) trace.wrote = true;
    progress.done++;
  }
}

async function executeOp(cluster: Cluster, d: FollowerIndexInputs, op: FollowerOp, previous?: FollowerOp["op"], bulk = false): Promise<void> {
  const resource = label(KIND, d.name);
  const idx = encodeURIComponent(d.name);
  {
    switch (op.op) {
      case "follow": {
        // wait_for_active_shards=0 answers as soon as the restore has started; waitActive then polls (bounded by
        // waitTimeoutSeconds). Waiting in the request instead (>= 1) lasts as long as the copy of the leader, which
        // on a large leader outlives any request timeout, and the answer is then lost although the follow goes on.
        try {
          await cluster.call({ resource, action: `follow ${d.remoteCluster}:${d.leaderIndex}` },
            { method: "PUT", path: `/${idx}/_ccr/follow`, query: { wait_for_active_shards: 0 }, body: op.body });
        } catch (e) {
          // 500 snapshot_restore_exception: the restore found an open index with this name, which did not exist when
          // we read the cluster; 400 resource_already_exists_exception: an earlier follow (whose answer was lost) was
          // still creating it when we read. If it follows the declared leader it is this follower, made by that
          // earlier request (a lost answer, another run): the follow is done, wait for it like for our own. The
          // earlier request may need a moment to finish, so the re-read is repeated for a few seconds (bounded).
          if (!(e instanceof CcrError && (e.esType === "snapshot_restore_exception" || e.esType === "resource_already_exists_exception"))) throw e;
          const made = await waitUntil(async () => {
            cluster.invalidateIndexes([d.name]);
            const obs = (await observeIndex(cluster, d.name)).obs;
            return followTookEffect(obs, d) ? { done: true, value: true } : { done: false, last: obs.kind };
          }, { timeoutMs: 10_000, intervalMs: 500 }).catch((x) => (x instanceof WaitTimeout ? false : Promise.reject(x)));
          if (!made) throw e;
        }
        break;
      }
      case "waitActive":
        // Right after PUT follow the follower is being restored, so its first look may join the next shared wave
        // (core/waits.ts looksAtOnce); after a resume it may be active at once.
        await waitActive(cluster, d, previous === "follow", bulk);
        break;
      case "pause":
        // Pausing a paused follower answers 400 "no shard follow tasks": already where we want to be.
        await callTolerating(cluster, { resource, action: "pause following" }, { method: "POST", path: `/${idx}/_ccr/pause_follow` },
          (s, _t, r) => s === 400 && /no shard follow tasks/.test(r));
        break;
      case "resume":
        // Resuming an active follower answers 400 resource_already_exists_exception "task with id {<uuid>-0} already
        // exist" (its shard-follow tasks exist, PersistentTasksClusterService): already where we want to be. The
        // read-back reports the parameters it runs with, so different ones show as drift.
        await callTolerating(cluster, { resource, action: "resume following" }, { method: "POST", path: `/${idx}/_ccr/resume_follow`, body: op.body },
          (s, t) => s === 400 && t === "resource_already_exists_exception");
        break;
      case "putSettings":
        await cluster.call({ resource, action: "update index settings" }, { method: "PUT", path: `/${idx}/_settings`, body: op.settings });
        break;
      case "close":
        await cluster.call({ resource, action: "close the index" }, { method: "POST", path: `/${idx}/_close` });
        break;
      case "unfollow": {
        const unfollow = () => cluster.call({ resource, action: "unfollow (convert to a regular index)" }, { method: "POST", path: `/${idx}/_ccr/unfollow` });
        try {
          try {
            await unfollow();
          } catch (e) {
            // A follower still restoring reads as paused in `_ccr/info` (no shard-follow tasks yet), so the plan left
            // out the pause; its tasks start when the restore ends, and unfollow then refuses with 400 "has not been
            // paused" (TransportUnfollowAction checks for shard-follow tasks). Pause (tasks are removed whatever the
            // index state) and unfollow again, once.
            if (!(e instanceof CcrError && e.status === 400 && /has not been paused/.test(e.esReason ?? e.message))) throw e;
            await callTolerating(cluster, { resource, action: "pause following" }, { method: "POST", path: `/${idx}/_ccr/pause_follow` },
              (st, _t, r) => st === 400 && /no shard follow tasks/.test(r));
            await unfollow();
          }
        } catch (e) {
          // Unfollow converts the index first and then removes the leader's retention leases; if the leader is
          // unreachable it reports an error although the conversion happened. Re-read before deciding.
          cluster.invalidateIndexes([d.name]);
          const after = (await observeIndex(cluster, d.name)).obs;
          if (after.kind !== "regular") throw e;
        }
        break;
      }
      case "open":
        await cluster.call({ resource, action: "open the index" }, { method: "POST", path: `/${idx}/_open` });
        break;
      case "stop":
        throw stateError(cluster.ctx({ resource, action: "promote" }), op.what, op.fix);
      case "promoteDataStream":
        await cluster.call({ resource, action: `promote data stream "${op.dataStream}"` },
          { method: "POST", path: `/_data_stream/_promote/${encodeURIComponent(op.dataStream)}` });
        break;
      case "deleteIndex":
        await cluster.call({ resource, action: "delete the follower index" }, { method: "DELETE", path: `/${idx}` }, [404]);
        break;
    }
  }
}

/**
 * Writes in flight from this process to one cluster, whatever the engine's parallelism (`pulumi up --parallel`, by
 * default 4 per CPU): every follower resource's writes (follow, pause, resume, close, unfollow, delete, ...) share
 * them, and its wait for "active" holds none. So a large `--parallel` runs many creates at once without flooding the
 * master with concurrent PUT follows (each a restore and cluster-state updates): at most this many are sent, and the
 * waits go on side by side. The same bound as a ReplicationLink's default bootstrap concurrency.
 */
export const WRITES_PER_CLUSTER = 8;
const writeSlots = new WeakMap<Cluster, Slots>();

function writeSlotsOf(cluster: Cluster): Slots {
  let s = writeSlots.get(cluster);
  if (!s) writeSlots.set(cluster, (s = new Slots(WRITES_PER_CLUSTER)));
  return s;
}

/**
 * Observe → plan → execute, re-planned (bounded) after a write whose answer was lost; `plan` gets the lost step and
 * the steps planned after it. `slots` bound the writes (a component's own, or the cluster's shared ones).
 */
async function convergeSteps(
  cluster: Cluster, d: FollowerIndexInputs,
  plan: (obs: FollowerObserved, lost?: { op: FollowerOp; rest: FollowerOp[] }) => FollowerOp[] | Promise<FollowerOp[]>,
  known?: { leaderIndexUuid?: string; indexUuid?: string },
  slots?: Slots,
  trace?: WriteTrace,
): Promise<void> {
  const lost = new WeakMap<OutcomeUnknown, { op: FollowerOp; rest: FollowerOp[] }>();
  await withReplans(cluster, async (after) => {
    const ops = await plan((await observeIndex(cluster, d.name, known)).obs, after && lost.get(after));
    const progress = { done: 0 };
    try {
      await execute(cluster, d, ops, progress, slots ?? writeSlotsOf(cluster), slots !== undefined, trace);
    } catch (e) {
      if (e instanceof OutcomeUnknown) lost.set(e, { op: ops[progress.done], rest: ops.slice(progress.done + 1) });
      throw e;
    }
  }, trace);
}

/**
 * PUT follow returns before the shard-follow tasks exist; until then `_ccr/info` says "paused" and has no
 * parameters. Poll (bounded) until it is active with parameters, and fail early on a fatal shard error. Every follower
 * waiting in this process polls on the same WAIT_GRID_MS grid through the batched per-index reads, so N concurrent waits
 * cost one `GET /<names>/_ccr/info` (and one `_ccr/stats` for those that became active) per wave, not N.
 */
async function waitActive(cluster: Cluster, d: FollowerIndexInputs, afterFollow = false, bulk = false): Promise<void> {
  const resource = label(KIND, d.name);
  const seconds = d.waitTimeoutSeconds ?? DEFAULT_WAIT_SECONDS;
  const othersWaiting = waiting.get(cluster) ?? 0;
  waiting.set(cluster, othersWaiting + 1);
  try {
    await waitUntil(async () => {
      cluster.followInfoOfIndex.invalidate(d.name);
      const e = await cluster.followInfoOfIndex.get(d.name).catch((err) => relabel(err, resource));
      if (e?.status === "active" && e.parameters) {
        cluster.followStatsOf.invalidate(d.name);
        const shards = (await cluster.followStatsOf.get(d.name).catch((err) => relabel(err, resource)))?.shards ?? [];
        const fatal = shards.find((x) => x.fatal_exception);
        if (fatal) throw stateError(cluster.ctx({ resource, action: "start following" }),
          `shard ${fatal.shard_id} stopped with ${fatal.fatal_exception!.type}: ${fatal.fatal_exception!.reason}`,
          "fix the cause on the leader (e.g. it was deleted or its history is gone), then recreate the follower");
        return { done: true, value: undefined };
      }
      return { done: false, last: e ? `status ${e.status}, parameters ${e.parameters ? "present" : "absent"}` : "not a follower yet (or the index does not exist yet)" };
    }, { timeoutMs: seconds * 1000, intervalMs: WAIT_GRID_MS, aligned: true, notAtOnce: !looksAtOnce({ afterFollow, othersWaiting, bulk }) });
  } catch (e) {
    if (!(e instanceof WaitTimeout)) throw e;
    throw stateError(cluster.ctx({ resource, action: "start following" }),
      `the follower did not become active within ${seconds}s (${e.last})`,
      "the leader may be unreachable or not eligible for replication (soft deletes, license, privileges); check GET " +
      `/${d.name}/_ccr/stats and the follower cluster's logs, or raise waitTimeoutSeconds for large leaders`);
  } finally {
    waiting.set(cluster, (waiting.get(cluster) ?? 1) - 1);
  }
}

/** Waits for "active" pending in this process, per cluster (core/waits.ts looksAtOnce). */
const waiting = new WeakMap<Cluster, number>();

/**
 * Does the leader index of a failed follower exist? Asked through the follower cluster's own remote connection
 * (`GET _resolve/index/<alias>:<index>`, resolved on the remote cluster): a missing concrete index is the remote's
 * 404, or an empty list.
 */
async function checkLeader(cluster: Cluster, d: FollowerIndexInputs, alias: string, leader: string): Promise<LeaderCheck> {
  const expr = `${alias}:${leader}`;
  let r;
  try {
    r = await cluster.call({ resource: label(KIND, d.name), action: "check the leader index" },
      { method: "GET", path: `/_resolve/index/${encodeURIComponent(alias)}:${encodeURIComponent(leader)}`, query: { expand_wildcards: "all" } }, [400, 404, 500, 503]);
  } catch (e) {
    return { exists: "unknown", why: (e as Error).message };
  }
  const err = errorBody(r.body);
  if (r.status === 404 && /index_not_found/.test(err?.type ?? "")) return { exists: false };
  if (r.status >= 400) return { exists: "unknown", why: `HTTP ${r.status} ${err?.type ?? ""}: ${err?.reason ?? ""}` };
  const names = ((r.body as { indices?: Array<{ name?: string }> })?.indices ?? []).map((i) => i.name);
  return names.includes(expr) || names.includes(leader) ? { exists: true } : { exists: false };
}

/**
 * The data stream an index backs (`GET _resolve/index/<name>`) and whether it is the stream's write index (the last of
 * the stream's backing indexes in `GET _resolve/index/<stream>`), read only when a follower is promoted.
 */
async function dataStreamOf(cluster: Cluster, d: FollowerIndexInputs): Promise<{ name: string; writeIndex: boolean } | undefined> {
  const ctx = { resource: label(KIND, d.name), action: "read data stream membership" };
  const r = await cluster.call(ctx, { method: "GET", path: `/_resolve/index/${encodeURIComponent(d.name)}`, query: { expand_wildcards: "all" } }, [404]);
  const entry = ((r.body as { indices?: Array<{ name?: string; data_stream?: string }> })?.indices ?? []).find((i) => i.name === d.name);
  if (typeof entry?.data_stream !== "string") return undefined;
  const s = await cluster.call(ctx, { method: "GET", path: `/_resolve/index/${encodeURIComponent(entry.data_stream)}`, query: { expand_wildcards: "all" } }, [404]);
  const backing = ((s.body as { data_streams?: Array<{ name?: string; backing_indices?: string[] }> })?.data_streams ?? []).find((x) => x.name === entry.data_stream)?.backing_indices ?? [];
  return { name: entry.data_stream, writeIndex: backing[backing.length - 1] === d.name };
}

async function converge(d: FollowerIndexInputs, olds: FollowerIndexOutputs | undefined, slots?: Slots): Promise<FollowerIndexOutputs> {
  const resource = label(KIND, d.name);
  const bound = await boundCluster(d, resource, olds?.clusterUuid, olds ? "update" : "create");
  const { cluster } = bound;
  // Observe this index afresh (a refresh wave's answers may be up to CCR_READ_CACHE_MS old); the rest stays cached.
  cluster.invalidateIndexes([d.name]);
  const previouslyDeclaredSettings = Object.keys((olds?.settings ?? {}) as object);
  let createsIt: boolean | undefined;
  let own: OwnershipOutputs = { adopted: false, clusterUuid: bound.uuid };
  const trace: WriteTrace = { wrote: false };
  try {
    await convergeSteps(cluster, d, async (obs, lost) => {
      // Ownership is decided on the first observation only: a re-plan after a lost answer sees our own writes.
      if (createsIt === undefined) {
        createsIt = obs.kind === "absent";
        if (!olds && obs.kind === "follower") {
          // Adoption: create found a follower under this name. Refuse one that is not the declared follower.
          const refusal = adoptionRefusal(`follower index "${d.name}"`, followerAdoptionDifferences(obs, d, await leaderUuidNow(d, resource)), d.adoptExisting);
          if (refusal) throw stateError(cluster.ctx({ resource, action: "adopt" }), refusal.what, refusal.fix);
        }
        // Pulumi made it unless create found it there (or an update found it gone and makes it anew).
        own = { adopted: obs.kind !== "absent" && (olds ? olds.adopted === true : true), clusterUuid: bound.uuid };
      }
      // A failed follower is recreated only when its leader index is there; promotion also promotes a data stream.
      const leader = obs.kind === "follower" && isFailed(obs) && (d.status ?? "active") === "active"
        ? await checkLeader(cluster, d, obs.remoteCluster, obs.leaderIndex) : undefined;
      if (obs.kind === "follower" && d.status === "promoted") {
        const ds = await dataStreamOf(cluster, d);
        if (ds) Object.assign(obs, { dataStream: ds.name, dataStreamWriteIndex: ds.writeIndex });
      }
      let ops: FollowerOp[];
      try {
        ops = planAfterUnknownOutcome(obs, d, lost, previouslyDeclaredSettings, leader);
      } catch (e) {
        if (e instanceof PlanRefusal) throw stateError(cluster.ctx({ resource, action: "plan" }), e.what, e.fix);
        throw e;
      }
      if (ops.some((o) => o.op === "follow")) await checkBeforeFollow(bound, d, resource);
      return ops;
    }, undefined, slots, trace);
  } catch (e) {
    if (!createsIt) throw e;
    const now = await outputs(cluster, d, own).catch(() => undefined);
    if (now) throw partialFailure(e, d.name, now as unknown as Record<string, unknown>);
    // Not readable now (e.g. the node died right after applying the follow): recorded from the declaration if a write
    // may have been applied, so the follower stays Pulumi's own (common.ts failedCreate).
    throw olds ? e : failedCreate(e, trace, d.name, () => unconfirmedFollowerOutputs(d, own) as unknown as Record<string, unknown>);
  }
  const out = await outputs(cluster, d, own);
  if (!out) throw stateError(cluster.ctx({ resource, action: "read back" }), "the index is missing right after it was created or updated", "check whether something deletes it");
  return out;
}

/**
 * One follower's create, as a component runs many of them at once (ReplicationLink's bootstrap): the same observe →
 * plan → execute path with its safe-write rules as the resource's create, with the writes of all of them sharing
 * `slots` (bounded concurrency) and their waits for "active" sharing one batched read per wave.
 */
export async function createFollower(inputs: Record<string, unknown>, slots: Slots): Promise<FollowerIndexOutputs> {
  const d = normalizeFollowerInputs(inputs);
  return converge(d, undefined, slots).catch((e) => relabel(e, label(KIND, d.name)));
}

export const followerIndexProvider = resourceProvider<FollowerIndexInputs, FollowerIndexOutputs>({
  kind: KIND,
  check: checkFollower,
  diff: diffFollower,
  normalize: normalizeFollowerInputs,
  id: (d) => d.name,
  converge: (d, olds) => converge(d, olds),

  async read(id, p) {
    const name = p.name ?? id;
    const { cluster, uuid, confirmGone } = readCluster(p, label(KIND, name), p.clusterUuid);
    const obs = await observe(cluster, name, p);
    if (obs.kind === "absent") return confirmGone().then(() => ({ id: "", props: {} }));
    // On import only the id is known: take the identity and state from the cluster.
    const declared = normalizeFollowerInputs({
      ...p, name,
      remoteCluster: p.remoteCluster ?? (obs.kind === "follower" ? obs.remoteCluster : undefined),
      leaderIndex: p.leaderIndex ?? (obs.kind === "follower" ? obs.leaderIndex : undefined),
      status: p.status ?? (obs.kind === "follower" ? obs.status : "promoted"),
    });
    const stats = (await cluster.ccrStats.get()).follow_stats?.indices?.find((i) => i.index === name);
    const outs = { ...followerOutputs(declared, obs, stats), adopted: p.adopted === true, clusterUuid: uuid };
    return { id, props: outs, inputs: followerInputsFromOutputs(outs) };
  },

  async remove(id, p) {
    const name = p.name ?? id;
    // An adopted follower is released: it stays exactly as it is (still following), only Pulumi forgets it.
    if (releasedOnDestroy(p)) return;
    const { cluster } = await boundCluster(p, label(KIND, name), p.clusterUuid, "delete");
    cluster.invalidateIndexes([name]);
    await convergeSteps(cluster, { ...p, name, status: undefined }, (obs) => planFollowerDelete(obs, p.deletePolicy ?? "keep"), p);
  },
});
