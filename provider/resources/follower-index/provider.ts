import { clusterFor, Cluster } from "../../client/cluster";
import { resolveConnection } from "../../client/connection";
import { adoptionRefusal, OwnershipOutputs, releasedOnDestroy } from "../../core/adoption";
import { overridesRejectedBy } from "../../core/settings";
import { atLeast, EsVersion, MIN_VERSION_DATA_STREAM_NAME } from "../../core/version";
import {
  boundCluster, callTolerating, checkLeaderVersion, readCluster, resourceProvider, label, partialFailure, relabel, stateError, waitUntil,
  WaitTimeout,
} from "../common";
import {
  checkFollower, DEFAULT_WAIT_SECONDS, diffFollower, followerAdoptionDifferences, FollowerObserved, followerInputsFromOutputs, FollowerOp,
  followerOutputs, normalizeFollowerInputs, observeFollower, planFollower, planFollowerDelete, PlanRefusal,
} from "./plan";
import type { FollowerIndexInputs, FollowerIndexOutputs } from "./types";

const KIND = "FollowerIndex";

async function observe(cluster: Cluster, name: string): Promise<FollowerObserved> {
  const [info, indices] = await Promise.all([cluster.followInfo.get(), cluster.indices.get()]);
  return observeFollower(name, info, indices);
}

async function outputs(cluster: Cluster, d: FollowerIndexInputs, own: OwnershipOutputs): Promise<FollowerIndexOutputs | undefined> {
  const [obs, stats] = await Promise.all([observe(cluster, d.name), cluster.ccrStats.get()]);
  if (obs.kind === "absent") return undefined;
  return { ...followerOutputs(d, obs, stats.follow_stats?.indices?.find((i) => i.index === d.name)), ...own };
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

/** Runs planned operations in order, stopping at the first error. Each step tolerates its own "already done". */
async function execute(cluster: Cluster, d: FollowerIndexInputs, ops: FollowerOp[]): Promise<void> {
  const resource = label(KIND, d.name);
  const idx = encodeURIComponent(d.name);
  for (const op of ops) {
    switch (op.op) {
      case "follow": {
        // wait_for_active_shards=1 makes the call return after the restore instead of right after it started; it can
        // still answer 200 with index_following_started=false, so waitActive follows either way.
        await cluster.call({ resource, action: `follow ${d.remoteCluster}:${d.leaderIndex}` },
          { method: "PUT", path: `/${idx}/_ccr/follow`, query: { wait_for_active_shards: 1 }, body: op.body });
        break;
      }
      case "waitActive":
        await waitActive(cluster, d);
        break;
      case "pause":
        // Pausing a paused follower answers 400 "no shard follow tasks": already where we want to be.
        await callTolerating(cluster, { resource, action: "pause following" }, { method: "POST", path: `/${idx}/_ccr/pause_follow` },
          (s, _t, r) => s === 400 && /no shard follow tasks/.test(r));
        break;
      case "resume":
        await cluster.call({ resource, action: "resume following" }, { method: "POST", path: `/${idx}/_ccr/resume_follow`, body: op.body });
        break;
      case "putSettings":
        await cluster.call({ resource, action: "update index settings" }, { method: "PUT", path: `/${idx}/_settings`, body: op.settings });
        break;
      case "close":
        await cluster.call({ resource, action: "close the index" }, { method: "POST", path: `/${idx}/_close` });
        break;
      case "unfollow": {
        try {
          await cluster.call({ resource, action: "unfollow (convert to a regular index)" }, { method: "POST", path: `/${idx}/_ccr/unfollow` });
        } catch (e) {
          // Unfollow converts the index first and then removes the leader's retention leases; if the leader is
          // unreachable it reports an error although the conversion happened. Re-read before deciding.
          cluster.invalidate();
          const after = await observe(cluster, d.name);
          if (after.kind !== "regular") throw e;
        }
        break;
      }
      case "open":
        await cluster.call({ resource, action: "open the index" }, { method: "POST", path: `/${idx}/_open` });
        break;
      case "deleteIndex":
        await cluster.call({ resource, action: "delete the follower index" }, { method: "DELETE", path: `/${idx}` }, [404]);
        break;
    }
  }
  cluster.invalidate();
}

/**
 * PUT follow returns before the shard-follow tasks exist; until then `_ccr/info` says "paused" and has no
 * parameters. Poll (bounded) until it is active with parameters, and fail early on a fatal shard error.
 */
async function waitActive(cluster: Cluster, d: FollowerIndexInputs): Promise<void> {
  const resource = label(KIND, d.name);
  const idx = encodeURIComponent(d.name);
  const seconds = d.waitTimeoutSeconds ?? DEFAULT_WAIT_SECONDS;
  try {
    await waitUntil(async () => {
      const r = await cluster.call({ resource, action: "read follower info" }, { method: "GET", path: `/${idx}/_ccr/info` }, [404]);
      const e = (r.body as { follower_indices?: Array<{ status: string; parameters?: unknown }> })?.follower_indices?.[0];
      if (e?.status === "active" && e.parameters) {
        const s = await cluster.call({ resource, action: "read follower stats" }, { method: "GET", path: `/${idx}/_ccr/stats` }, [404]);
        const shards = (s.body as { indices?: Array<{ shards?: Array<{ shard_id: number; fatal_exception?: { type?: string; reason?: string } }> }> })?.indices?.[0]?.shards ?? [];
        const fatal = shards.find((x) => x.fatal_exception);
        if (fatal) throw stateError(cluster.ctx({ resource, action: "start following" }),
          `shard ${fatal.shard_id} stopped with ${fatal.fatal_exception!.type}: ${fatal.fatal_exception!.reason}`,
          "fix the cause on the leader (e.g. it was deleted or its history is gone), then recreate the follower");
        return { done: true, value: undefined };
      }
      return { done: false, last: r.status === 404 ? "index does not exist yet" : `status ${e?.status ?? "not a follower yet"}, parameters ${e?.parameters ? "present" : "absent"}` };
    }, { timeoutMs: seconds * 1000, intervalMs: 500 });
  } catch (e) {
    if (!(e instanceof WaitTimeout)) throw e;
    throw stateError(cluster.ctx({ resource, action: "start following" }),
      `the follower did not become active within ${seconds}s (${e.last})`,
      "the leader may be unreachable or not eligible for replication (soft deletes, license, privileges); check GET " +
      `/${d.name}/_ccr/stats and the follower cluster's logs, or raise waitTimeoutSeconds for large leaders`);
  }
}

async function converge(d: FollowerIndexInputs, olds: FollowerIndexOutputs | undefined): Promise<FollowerIndexOutputs> {
  const resource = label(KIND, d.name);
  const bound = await boundCluster(d, resource, olds?.clusterUuid, olds ? "update" : "create");
  const { cluster } = bound;
  cluster.invalidate();
  const obs = await observe(cluster, d.name);
  if (!olds && obs.kind === "follower") {
    // Adoption: create found a follower under this name. Refuse one that is not the declared follower.
    const refusal = adoptionRefusal(`follower index "${d.name}"`, followerAdoptionDifferences(obs, d, await leaderUuidNow(d, resource)), d.adoptExisting);
    if (refusal) throw stateError(cluster.ctx({ resource, action: "adopt" }), refusal.what, refusal.fix);
  }
  // Pulumi made it unless create found it there (or an update found it gone and makes it anew).
  const own: OwnershipOutputs = { adopted: obs.kind !== "absent" && (olds ? olds.adopted === true : true), clusterUuid: bound.uuid };
  let ops: FollowerOp[];
  try {
    ops = planFollower(obs, d, Object.keys((olds?.settings ?? {}) as object));
  } catch (e) {
    if (e instanceof PlanRefusal) throw stateError(cluster.ctx({ resource, action: "plan" }), e.what, e.fix);
    throw e;
  }
  if (ops.some((o) => o.op === "follow")) await checkBeforeFollow(bound, d, resource);
  try {
    await execute(cluster, d, ops);
  } catch (e) {
    if (obs.kind !== "absent") throw e;
    const now = await outputs(cluster, d, own).catch(() => undefined);
    throw now ? partialFailure(e, d.name, now as unknown as Record<string, unknown>) : e;
  }
  const out = await outputs(cluster, d, own);
  if (!out) throw stateError(cluster.ctx({ resource, action: "read back" }), "the index is missing right after it was created or updated", "check whether something deletes it");
  return out;
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
    const obs = await observe(cluster, name);
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
    cluster.invalidate();
    const obs = await observe(cluster, name);
    await execute(cluster, { ...p, name }, planFollowerDelete(obs, p.deletePolicy ?? "keep"));
  },
});
