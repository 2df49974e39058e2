/** The topology's reads (GET only: also run during preview). One Cluster per topology cluster, no shared cache. */
import { Cluster } from "../../client/cluster";
import { ConnectionInputs, resolveConnection } from "../../client/connection";
import { nodeTransport } from "../../client/http";
import { ClusterReads, isAppIndex, leaderCheckpoints, parseObserved } from "./observe";
import type { ObservedCluster } from "./types";

/** Few retries: an unreachable cluster (an unplanned failover) should be recognised within seconds, not a minute. */
const PROBE_RETRY = { attempts: 2, baseDelayMs: 300, maxDelayMs: 1000 };

export function topologyCluster(conn: ConnectionInputs, label: string, o: { probe?: boolean } = {}): Cluster {
  const resolved = resolveConnection({ requestTimeoutSeconds: o.probe ? 10 : 60, ...conn }, label);
  return new Cluster(resolved, nodeTransport(resolved), { readCacheMs: 0, ...(o.probe ? { retry: PROBE_RETRY } : {}) });
}

export interface Scope {
  indexPatterns: string[];
  exclusionPatterns?: string[];
}

/** Everything the planners need from one cluster; `reachable: false` (with the reason) when it does not answer. */
export async function observeCluster(c: Cluster, scope: Scope, resource: string): Promise<ObservedCluster & { error?: string }> {
  let version: string;
  try {
    version = (await c.identity()).version.text;
  } catch (e) {
    return { reachable: false, followers: [], indexes: [], patterns: [], error: (e as Error).message };
  }
  const ctx = { resource, action: "observe the cluster" };
  const [followInfo, stats, patterns, store] = await Promise.all([
    c.followInfo.get(), c.ccrStats.get(), c.autoFollowPatterns.get(),
    c.call(ctx, { method: "GET", path: "/_stats/store", query: { level: "indices", expand_wildcards: "open", filter_path: "indices.*.primaries.store.size_in_bytes" } }),
  ]);
  const storeBytes: Record<string, number> = {};
  for (const [n, v] of Object.entries(((store.body as { indices?: Record<string, { primaries?: { store?: { size_in_bytes?: number } } }> }).indices ?? {}))) {
    storeBytes[n] = v.primaries?.store?.size_in_bytes ?? 0;
  }
  const app = Object.keys(storeBytes).filter((n) => isAppIndex(n, scope.indexPatterns, scope.exclusionPatterns));
  const docs: Record<string, number> = {};
  await Promise.all(app.map(async (n) => {
    // _count searches, so it sees what is searchable now (a search also refreshes a search-idle shard first).
    const r = await c.call(ctx, { method: "GET", path: `/${encodeURIComponent(n)}/_count` }, [404]);
    if (r.status === 200) docs[n] = Number((r.body as { count?: number }).count ?? 0);
  }));
  const reads: ClusterReads = { version, followInfo, stats, patterns, storeBytes, docs };
  return parseObserved(reads, scope.indexPatterns, scope.exclusionPatterns);
}

/** The current global checkpoint of each shard of `indexes` on their (leader) cluster. */
export async function currentCheckpoints(c: Cluster, indexes: string[], resource: string): Promise<Map<string, Map<number, number>>> {
  if (indexes.length === 0) return new Map();
  const r = await c.call({ resource, action: "read the leader's checkpoints" }, {
    method: "GET", path: `/${indexes.map(encodeURIComponent).join(",")}/_stats`,
    query: { level: "shards", filter_path: "indices.*.shards.*.routing.primary,indices.*.shards.*.seq_no.global_checkpoint" },
  });
  return leaderCheckpoints(r.body);
}
