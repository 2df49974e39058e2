import * as path from "node:path";
import { EsNode, startNode, StartNodeOptions } from "./es/node";
import { CcrFrontOptions, startCcrFront } from "./ccr/front";

/**
 * A local cluster as the provider sees it: one real single-node Elasticsearch, fronted by the sandbox's EMULATED
 * `_ccr` layer (sandbox/ccr) because the integ-test-zip has no CCR module. `url` is the front: every non-CCR
 * request passes through untouched to the real node.
 */
export interface LocalCluster {
  name: string;
  /** URL clients use (the `_ccr` front when present, else the node itself). */
  url: string;
  node: EsNode;
  transportAddress: string;
  auth?: { username: string; password: string };
  /** True when `_ccr` is served by the sandbox's emulation layer. */
  ccrEmulated: boolean;
  stop(): Promise<void>;
}

export interface LocalClustersOptions extends Omit<StartNodeOptions, "clusterName"> {
  count?: number;
  /** Cluster names; default leader, follower, follower-2, … */
  names?: string[];
  /** Put the emulated `_ccr` front in front of each node (default true). */
  ccr?: boolean;
  /**
   * Duration of the emulated follower restore on every front (ms, or per follower index name); default
   * CCR_RESTORE_DELAY_MS or 300 ms. See sandbox/ccr/README.md ("Slow restores").
   */
  restoreDelayMs?: CcrFrontOptions["restoreDelayMs"];
}

export function defaultNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i === 0 ? "leader" : i === 1 ? "follower" : `follower-${i}`));
}

/** Starts `count` independent single-node clusters (in parallel) and their `_ccr` fronts. */
export async function startLocalClusters(opts: LocalClustersOptions = {}): Promise<LocalCluster[]> {
  const count = opts.count ?? 2;
  const names = opts.names ?? defaultNames(count);
  const suffix = Math.random().toString(16).slice(2, 6);
  const settled = await Promise.allSettled(names.map((n) => startNode({ ...opts, clusterName: `${n}-${suffix}` })));
  const nodes = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw failed.reason;
  }
  const clusters: LocalCluster[] = [];
  try {
    for (const [i, node] of nodes.entries()) {
      const f = opts.ccr === false ? undefined : await startCcrFront({ node, stateDir: path.join(node.dir, "ccr-state"), log: opts.log, restoreDelayMs: opts.restoreDelayMs });
      clusters.push({
        name: names[i],
        url: f?.url ?? node.httpUrl,
        node,
        transportAddress: node.transportAddress,
        auth: node.auth,
        ccrEmulated: !!f,
        stop: async () => {
          await f?.stop();
          await node.stop();
        },
      });
    }
  } catch (e) {
    await Promise.all(clusters.map((c) => c.stop()));
    await Promise.all(nodes.slice(clusters.length).map((n) => n.stop()));
    throw e;
  }
  return clusters;
}

export async function stopAll(clusters: LocalCluster[]): Promise<void> {
  await Promise.all(clusters.map((c) => c.stop()));
}
