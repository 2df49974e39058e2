import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startNode, EsNode } from "../../sandbox/es/node";
import { startCcrFront, CcrFront, CcrFrontOptions } from "../../sandbox/ccr/front";
import { esRequest } from "../../sandbox/es/http";

export interface Pair { leaderNode: EsNode; followerNode: EsNode; leader: CcrFront; follower: CcrFront; dirs: string[] }

export const log = (s: string) => { if (process.env.CCR_TEST_LOG) console.log(s); };

/** Two nodes with a front each; `front` adds options to both fronts (e.g. `restoreDelayMs`). */
export async function startPair(front: Partial<Omit<CcrFrontOptions, "node" | "stateDir">> = {}): Promise<Pair> {
  const [leaderNode, followerNode] = await Promise.all([startNode({ log }), startNode({ log })]);
  const dirs = [fs.mkdtempSync(path.join(os.tmpdir(), "ccr-l-")), fs.mkdtempSync(path.join(os.tmpdir(), "ccr-f-"))];
  const leader = await startCcrFront({ node: leaderNode, stateDir: dirs[0], log, pollMs: 100, reconcileMs: 1000, autoFollowMs: 300, ...front });
  const follower = await startCcrFront({ node: followerNode, stateDir: dirs[1], log, pollMs: 100, reconcileMs: 1000, autoFollowMs: 300, ...front });
  const r = await followerNode.request("PUT", "/_cluster/settings", { persistent: {
    "cluster.remote.leader.seeds": [leaderNode.transportAddress], "cluster.remote.self.seeds": [followerNode.transportAddress] } });
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  return { leaderNode, followerNode, leader, follower, dirs };
}

export async function stopPair(p: Pair | undefined): Promise<void> {
  if (!p) return;
  await Promise.allSettled([p.leader.stop(), p.follower.stop()]);
  await Promise.allSettled([p.leaderNode.stop(), p.followerNode.stop()]);
  for (const d of p.dirs) fs.rmSync(d, { recursive: true, force: true });
}

export const call = <T = any>(front: CcrFront, method: string, p: string, body?: unknown) => esRequest<T>(front.url, method, p, body);

export { until } from "../support/until";

/** All documents of an index as id → source (after a refresh). */
export async function docs(front: CcrFront, index: string): Promise<Record<string, unknown>> {
  await call(front, "POST", `/${index}/_refresh`);
  const r = await call(front, "POST", `/${index}/_search`, { size: 10000, sort: ["_doc"] });
  const out: Record<string, unknown> = {};
  for (const h of r.body.hits.hits) out[h._id] = h._source;
  return out;
}

export async function bulk(front: CcrFront, lines: unknown[]): Promise<any> {
  const res = await fetch(`${front.url}/_bulk`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: lines.map((l) => JSON.stringify(l)).join("\n") + "\n" });
  return res.json();
}
