/**
 * EMULATED layer's remote resolution against a stand-in follower node (no Elasticsearch): a remote alias whose
 * connection dropped while its cluster was down is reconnected on demand, as Elasticsearch does for a follow.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EsNode } from "../../../sandbox/es/node";
import { register, unregister } from "../../../sandbox/ccr/registry";
import { resolveRemote } from "../../../sandbox/ccr/remote";

const SEED = `127.0.0.1:${10_000 + (process.pid % 50_000)}`;
let leader: http.Server;
let leaderUrl: string;

/**
 * A follower node whose remote "leader" reads as disconnected in `_remote/info` (its connection dropped while the
 * leader was down, and `_remote/info` never connects) until a request goes through the remote cluster client, which
 * in Elasticsearch first connects (RemoteClusterAwareClient: ensureConnected before the request is sent).
 */
function followerNode(): { node: EsNode; requests: string[] } {
  let connected = false;
  const requests: string[] = [];
  const request = async (method: string, p: string) => {
    requests.push(`${method} ${p}`);
    if (p.startsWith("/_cluster/settings")) return { status: 200, body: { persistent: { "cluster.remote.leader.seeds": [SEED] }, transient: {} } };
    if (p === "/_remote/info") return { status: 200, body: { leader: { connected, mode: "sniff", seeds: [SEED] } } };
    if (p.startsWith("/leader:")) {
      connected = true;
      return { status: 200, body: { hits: { hits: [] } } };
    }
    return { status: 404, body: {} };
  };
  return { node: { request } as unknown as EsNode, requests };
}

beforeAll(async () => {
  leader = http.createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(req.url === "/_license" ? { license: { type: "trial", status: "active" } } : {}));
  });
  await new Promise<void>((r) => leader.listen(0, "127.0.0.1", r));
  leaderUrl = `http://127.0.0.1:${(leader.address() as AddressInfo).port}`;
  register({ transportAddress: SEED, frontUrl: leaderUrl, nodeUrl: leaderUrl, clusterName: "leader", pid: process.pid });
});

afterAll(async () => {
  unregister(SEED, leaderUrl);
  await new Promise((r) => leader.close(r));
});

describe("resolveRemote", () => {
  it("reconnects a remote that reads as disconnected through a cross-cluster request on the follower node, as Elasticsearch's follow does", async () => {
    const { node, requests } = followerNode();
    const remote = await resolveRemote(node, "leader", "issues");
    expect(remote.entry.nodeUrl).toBe(leaderUrl);
    expect(requests.some((r) => r.startsWith("GET /leader:"))).toBe(true);
  });
});
