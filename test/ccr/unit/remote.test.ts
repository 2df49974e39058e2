import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EsNode } from "../../../sandbox/es/node";
import { register, unregister } from "../../../sandbox/ccr/registry";
import { resolveRemote } from "../../../sandbox/ccr/remote";

/**
 * The emulated layer's remote resolution against a follower node that lost its connection to a leader that is back
 * (what a real 8.19.21 node does after the leader's restart: `_remote/info` keeps `connected: false` until a request
 * through the remote cluster client reconnects, e.g. `GET _resolve/cluster/<alias>:*`). The node is scripted; the
 * leader's `_license` is a real HTTP answer from a local server.
 */
const seed = "127.0.0.1:1"; // never dialled: only the registry key of the scripted leader
let leader: http.Server;
let leaderUrl: string;

beforeAll(async () => {
  leader = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ license: { type: "trial", status: "active" } }));
  });
  await new Promise<void>((r) => leader.listen(0, "127.0.0.1", () => r()));
  leaderUrl = `http://127.0.0.1:${(leader.address() as AddressInfo).port}`;
  register({ transportAddress: seed, frontUrl: `${leaderUrl}/front`, nodeUrl: leaderUrl, clusterName: "leader-scripted", pid: process.pid });
});

afterAll(async () => {
  unregister(seed, `${leaderUrl}/front`);
  await new Promise<void>((r) => leader.close(() => r()));
});

/** A follower node whose connection to `leader` opens only when something asks through the remote cluster client. */
function disconnectedFollower(): { node: EsNode; asked: string[] } {
  let connected = false;
  const asked: string[] = [];
  const request = async (method: string, p: string) => {
    asked.push(`${method} ${p}`);
    if (p.startsWith("/_cluster/settings")) return { status: 200, body: { persistent: { "cluster.remote.leader.seeds": [seed] }, transient: {} } };
    if (p === "/_remote/info") return { status: 200, body: { leader: { connected, mode: "sniff", seeds: [seed] } } };
    if (p.startsWith("/_resolve/cluster/leader:")) {
      connected = true;
      return { status: 200, body: { leader: { connected: true, skip_unavailable: false, matching_indices: false } } };
    }
    return { status: 404, body: {} };
  };
  return { node: { request } as unknown as EsNode, asked };
}

describe("remote resolution (emulated layer)", () => {
  it("reconnects a disconnected remote as CCR's remote client does, instead of waiting on _remote/info", async () => {
    const { node, asked } = disconnectedFollower();
    const remote = await resolveRemote(node, "leader", "orders");
    expect(remote.entry.nodeUrl).toBe(leaderUrl);
    expect(asked).toContain("GET /_resolve/cluster/leader:*");
  });
});
