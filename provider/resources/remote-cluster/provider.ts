import type { Cluster } from "../../client/cluster";
import { adoptionRefusal, OwnershipOutputs, releasedOnDestroy } from "../../core/adoption";
import { boundCluster, failedCreate, label, readCluster, resourceProvider, partialFailure, stateError, waitUntil, WaitTimeout, withReplans, WriteTrace } from "../common";
import {
  aliasExists, aliasUsers, checkRemote, configuredIn, DEFAULT_WAIT_SECONDS, desiredSettings, diffRemote, effectiveSettings, inputsFromInfo,
  inputsFromSettings, normalizeRemoteInputs, notConnectedHint, observedSettings, planRemoteDelete, planRemoteWrite,
  remoteAdoptionDifferences, remoteInputsFromOutputs, RemoteObserved, remoteOutputs, securityModel, transientConflict,
} from "./plan";
import type { RemoteClusterInputs, RemoteClusterOutputs } from "./types";

const KIND = "RemoteCluster";

/** Both settings scopes and `_remote/info`: an alias can be configured in either scope or in elasticsearch.yml. */
async function observe(cluster: Cluster, alias: string): Promise<RemoteObserved> {
  const [s, info] = await Promise.all([cluster.persistentSettings.get(), cluster.remoteInfo.get()]);
  return { persistent: observedSettings(alias, s.persistent), transient: observedSettings(alias, s.transient), info: info[alias] };
}

/**
 * Connecting happens asynchronously after the settings change, and `_remote/info` does not reconnect by itself; poll
 * it (bounded) so followers created next find a live connection.
 */
async function waitConnected(cluster: Cluster, d: RemoteClusterInputs): Promise<Record<string, unknown> | undefined> {
  const seconds = d.waitTimeoutSeconds ?? DEFAULT_WAIT_SECONDS;
  const resource = label(KIND, d.alias);
  const get = async () => ((await cluster.call({ resource, action: "read remote info" }, { method: "GET", path: "/_remote/info" })).body as Record<string, Record<string, unknown>>)[d.alias];
  if (seconds === 0) return get();
  try {
    return await waitUntil(async () => {
      const info = await get();
      return info?.connected === true ? { done: true, value: info } : { done: false, last: info ? `connected: false, mode ${info.mode}` : "alias not listed yet" };
    }, { timeoutMs: seconds * 1000, intervalMs: 500 });
  } catch (e) {
    if (!(e instanceof WaitTimeout)) throw e;
    const target = d.mode === "proxy" ? `proxyAddress ${d.proxyAddress}` : `seeds ${(d.seeds ?? []).join(", ")}`;
    const info = await get().catch(() => undefined);
    throw stateError(cluster.ctx({ resource, action: "connect" }), `the remote cluster did not connect within ${seconds}s (${e.last})`,
      `${notConnectedHint(d.alias, securityModel(info))}. Also check that ${target} is reachable from the follower cluster's nodes, and the follower cluster's logs`);
  }
}

async function converge(d: RemoteClusterInputs, olds: RemoteClusterOutputs | undefined): Promise<RemoteClusterOutputs> {
  const resource = label(KIND, d.alias);
  const isCreate = olds === undefined;
  const bound = await boundCluster(d, resource, olds?.clusterUuid, isCreate ? "create" : "update");
  const { cluster } = bound;
  cluster.invalidate();
  let own: OwnershipOutputs = { adopted: false, clusterUuid: bound.uuid };
  const trace: WriteTrace = { wrote: false };
  // A settings write whose answer was lost is not resent: read again and write only what is still missing.
  await withReplans(cluster, async (after) => {
    const obs = await observe(cluster, d.alias);
    const conflict = transientConflict(d.alias, obs);
    if (conflict) throw stateError(cluster.ctx({ resource, action: "plan" }), conflict.what, conflict.fix);
    const exists = aliasExists(obs.persistent);
    // A re-plan after a lost answer sees our own write: that is not an adoption.
    if (!after) {
      if (isCreate && exists) {
        // Adoption: the alias is already configured. Refuse one that points elsewhere unless adoptExisting: "overwrite".
        const refusal = adoptionRefusal(`remote cluster alias "${d.alias}"`, remoteAdoptionDifferences(obs.persistent, desiredSettings(d)), d.adoptExisting);
        if (refusal) throw stateError(cluster.ctx({ resource, action: "adopt" }), refusal.what, refusal.fix);
      }
      own = { adopted: exists && (olds ? olds.adopted === true : true), clusterUuid: bound.uuid };
    }
    const body = planRemoteWrite(d.alias, obs.persistent, desiredSettings(d));
    if (body) {
      await cluster.call({ resource, action: "write remote cluster settings" }, { method: "PUT", path: "/_cluster/settings", body });
      trace.wrote = true;
    }
  }, trace).catch((e) => {
    // A lost settings write, then a cluster that cannot be read: the alias stays Pulumi's own (common.ts failedCreate).
    throw isCreate ? failedCreate(e, trace, d.alias, () => remoteOutputs(d, undefined, undefined, own) as unknown as Record<string, unknown>) : e;
  });
  let info: Record<string, unknown> | undefined;
  try {
    info = await waitConnected(cluster, d);
  } catch (e) {
    // The settings are in place: record the resource so the next run only waits/repairs instead of failing to create.
    throw isCreate ? partialFailure(e, d.alias, remoteOutputs(d, undefined, undefined, own) as unknown as Record<string, unknown>) : e;
  }
  cluster.invalidate();
  const after = await observe(cluster, d.alias);
  return remoteOutputs(inputsFromSettings(d, effectiveSettings(after)), info ?? after.info, configuredIn(after), own);
}

export const remoteClusterProvider = resourceProvider<RemoteClusterInputs, RemoteClusterOutputs>({
  kind: KIND,
  check: checkRemote,
  diff: diffRemote,
  normalize: normalizeRemoteInputs,
  id: (d) => d.alias,
  converge: (d, olds) => converge(d, olds),

  async read(id, p) {
    const alias = p.alias ?? id;
    const { cluster, uuid, confirmGone } = readCluster(p, label(KIND, alias), p.clusterUuid);
    const obs = await observe(cluster, alias);
    const where = configuredIn(obs);
    if (!where) return confirmGone().then(() => ({ id: "", props: {} }));
    // Only declared inputs go back as inputs: what is observed (connected, …) and ownership are output only.
    const declared = remoteInputsFromOutputs({ ...p, alias } as RemoteClusterOutputs);
    const inputs = where === "node" ? inputsFromInfo(declared, obs.info!) : inputsFromSettings(declared, effectiveSettings(obs));
    return { id, props: remoteOutputs(inputs, obs.info, where, { adopted: p.adopted === true, clusterUuid: uuid }), inputs };
  },

  async remove(id, p) {
    const alias = p.alias ?? id;
    const resource = label(KIND, alias);
    // An adopted alias is released: its settings stay, only Pulumi forgets it.
    if (releasedOnDestroy(p)) return;
    const { cluster } = await boundCluster(p, resource, p.clusterUuid, "delete");
    cluster.invalidate();
    if (!p.force) {
      const [followers, patterns] = await Promise.all([cluster.followInfo.get(), cluster.autoFollowPatterns.get()]);
      const users = aliasUsers(alias, followers, patterns);
      if (users.length) {
        throw stateError(cluster.ctx({ resource, action: "remove" }), `the alias is still used by ${users.join(", ")}`,
          "destroy or unfollow those first (in Pulumi, make them depend on this RemoteCluster so they are destroyed before it), " +
          "or set force: true to remove the alias anyway (their later unfollow cannot release the leader's retention leases)");
      }
    }
    await withReplans(cluster, async () => {
      const obs = await observe(cluster, alias);
      const body = planRemoteDelete(alias, obs.persistent, obs.transient);
      if (body) await cluster.call({ resource, action: "remove remote cluster settings" }, { method: "PUT", path: "/_cluster/settings", body });
    });
  },
});
