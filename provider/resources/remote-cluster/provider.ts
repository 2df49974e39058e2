import type { Cluster } from "../../client/cluster";
import { clusterOf, label, resourceProvider, partialFailure, stateError, waitUntil, WaitTimeout, withReplans } from "../common";
import {
  aliasExists, aliasUsers, checkRemote, DEFAULT_WAIT_SECONDS, desiredSettings, diffRemote, inputsFromSettings,
  normalizeRemoteInputs, observedSettings, planRemoteDelete, planRemoteWrite, remoteOutputs,
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

async function converge(d: RemoteClusterInputs, isCreate: boolean): Promise<RemoteClusterOutputs> {
  const resource = label(KIND, d.alias);
  const cluster = clusterOf(d, resource);
  cluster.invalidate();
  // A settings write whose answer was lost is not resent: read again and write only what is still missing.
  await withReplans(cluster, async () => {
    const obs = await observe(cluster, d.alias);
    const body = planRemoteWrite(d.alias, obs.persistent, desiredSettings(d));
    if (body) await cluster.call({ resource, action: "write remote cluster settings" }, { method: "PUT", path: "/_cluster/settings", body });
  });
  let info: Record<string, unknown> | undefined;
  try {
    info = await waitConnected(cluster, d);
  } catch (e) {
    // The settings are in place: record the resource so the next run only waits/repairs instead of failing to create.
    throw isCreate ? partialFailure(e, d.alias, remoteOutputs(d, undefined) as unknown as Record<string, unknown>) : e;
  }
  cluster.invalidate();
  const after = await observe(cluster, d.alias);
  return remoteOutputs(inputsFromSettings(d, after.persistent), info);
}

export const remoteClusterProvider = resourceProvider<RemoteClusterInputs, RemoteClusterOutputs>({
  kind: KIND,
  check: checkRemote,
  diff: diffRemote,
  normalize: normalizeRemoteInputs,
  id: (d) => d.alias,
  converge: (d, olds) => converge(d, olds === undefined),

  async read(id, p) {
    const alias = p.alias ?? id;
    const cluster = clusterOf(p, label(KIND, alias));
    const obs = await observe(cluster, alias);
    if (!aliasExists(obs.persistent)) return { id: "", props: {} };
    const inputs = inputsFromSettings({ ...p, alias } as RemoteClusterInputs, obs.persistent);
    const outs = remoteOutputs(inputs, (await cluster.remoteInfo.get())[alias]);
    return { id, props: outs, inputs };
  },

  async remove(id, p) {
    const alias = p.alias ?? id;
    const resource = label(KIND, alias);
    const cluster = clusterOf(p, resource);
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
