/**
 * One local cluster for provider-level integration tests: a real node of CCR_ES_VERSION (trial licence) and the
 * sandbox's EMULATED `_ccr` front over it, with fast replication polling. Shared so that every such test starts and
 * removes its clusters the same way.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CcrFront, CcrFrontOptions, startCcrFront } from "../../sandbox/ccr/front";
import { EsNode, startNode } from "../../sandbox/es/node";

export interface TestCluster { front: CcrFront; node: EsNode; dir: string }

export async function startTestCluster(name: string, front: Partial<Omit<CcrFrontOptions, "node" | "stateDir">> = {}): Promise<TestCluster> {
  const node = await startNode({ clusterName: `${name}-${process.pid}`, license: "trial" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ccr-${name}-`));
  return { node, dir, front: await startCcrFront({ node, stateDir: dir, pollMs: 100, reconcileMs: 1000, autoFollowMs: 300, ...front }) };
}

/** Stops fronts and nodes (those that started) and removes their state folders. */
export async function stopTestClusters(clusters: Array<TestCluster | undefined>): Promise<void> {
  for (const c of clusters) {
    if (!c) continue;
    await c.front.stop().catch(() => {});
    await c.node.stop().catch(() => {});
    fs.rmSync(c.dir, { recursive: true, force: true });
  }
}
