import type { Cluster } from "../../client/cluster";
import { adoptionRefusal, OwnershipOutputs, releasedOnDestroy } from "../../core/adoption";
import { boundCluster, label, readCluster, resourceProvider, partialFailure, stateError, waitUntil, WaitTimeout } from "../common";
import {
  aliasExists, aliasUsers, checkRemote, DEFAULT_WAIT_SECONDS, desiredSettings, diffRemote, inputsFromSettings,
  normalizeRemoteInputs, observedSettings, planRemoteDelete, planRemoteWrite, remoteAdoptionDifferences, remoteOutputs,
} from "./plan";
import type { RemoteClusterInputs, RemoteClusterOutputs } from "./types";

const KIND = "RemoteCluster";

async function observe(cluster: Cluster, alias: string) {
  const s = await cluster.persistentSettings.get();
  return { persistent: observedSettings(alias, s.persistent), transient: observedSettings(alias, s.transient) };
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
    throw stateError(cluster.ctx({ resource, action: "connect" }), `the remote cluster did not connect within ${seconds}s (${e.last})`,
      `check that ${target} is the leader's transport (or remote-cluster/proxy) endpoint and reachable from the follower cluster's nodes, ` +
      "that TLS/security settings match on both sides, and the follower cluster's logs");
  }
}

async function converge(d: RemoteClusterInputs, olds: RemoteClusterOutputs | undefined): Promise<RemoteClusterOutputs> {
  const resource = label(KIND, d.alias);
  const isCreate = olds === undefined;
  const bound = await boundCluster(d, resource, olds?.clusterUuid, isCreate ? "create" : "update");
  const { cluster } = bound;
  cluster.invalidate();
  const obs = await observe(cluster, d.alias);
  const exists = aliasExists(obs.persistent);
  if (isCreate && exists) {
    // Adoption: the alias is already configured. Refuse one that points elsewhere unless adoptExisting: "overwrite".
    const refusal = adoptionRefusal(`remote cluster alias "${d.alias}"`, remoteAdoptionDifferences(obs.persistent, desiredSettings(d)), d.adoptExisting);
    if (refusal) throw stateError(cluster.ctx({ resource, action: "adopt" }), refusal.what, refusal.fix);
  }
  const own: OwnershipOutputs = { adopted: exists && (olds ? olds.adopted === true : true), clusterUuid: bound.uuid };
  const body = planRemoteWrite(d.alias, obs.persistent, desiredSettings(d));
  if (body) await cluster.call({ resource, action: "write remote cluster settings" }, { method: "PUT", path: "/_cluster/settings", body });
  let info: Record<string, unknown> | undefined;
  try {
    info = await waitConnected(cluster, d);
  } catch (e) {
    // The settings are in place: record the resource so the next run only waits/repairs instead of failing to create.
    throw isCreate ? partialFailure(e, d.alias, remoteOutputs(d, undefined, own) as unknown as Record<string, unknown>) : e;
  }
  cluster.invalidate();
  const after = await observe(cluster, d.alias);
  return remoteOutputs(inputsFromSettings(d, after.persistent), info, own);
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
    if (!aliasExists(obs.persistent)) return confirmGone().then(() => ({ id: "", props: {} }));
    // Ownership is state, not an input.
    const { adopted: _a, clusterUuid: _u, ...declared } = p;
    const inputs = inputsFromSettings({ ...declared, alias } as RemoteClusterInputs, obs.persistent);
    const outs = remoteOutputs(inputs, (await cluster.remoteInfo.get())[alias], { adopted: p.adopted === true, clusterUuid: uuid });
    return { id, props: outs, inputs };
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
    const obs = await observe(cluster, alias);
    const body = planRemoteDelete(alias, obs.persistent, obs.transient);
    if (body) await cluster.call({ resource, action: "remove remote cluster settings" }, { method: "PUT", path: "/_cluster/settings", body });
  },
});
