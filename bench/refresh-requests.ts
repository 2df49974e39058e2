/**
 * Requests per refresh wave: N followers (default 100), one auto-follow pattern and one remote cluster on one
 * cluster, all read concurrently the way the engine refreshes a stack. The cluster is the in-memory fake served over
 * real HTTP, so every request the provider sends is counted.
 *
 *   npx tsx bench/refresh-requests.ts [followers]
 */
import { setTransportFactory, resetClusters } from "../provider/client/cluster";
import { nodeTransport, Transport } from "../provider/client/http";
import { provider } from "../provider/dynamic";
import { FakeEs } from "../test/unit/fake-es";

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100);
  const es = new FakeEs();
  es.persistent["cluster.remote.leader.seeds"] = ["127.0.0.1:9300"];
  es.persistent["cluster.remote.leader.mode"] = "sniff";
  es.patterns.set("logs", { active: true, remote_cluster: "leader", leader_index_patterns: ["logs-*"], leader_index_exclusion_patterns: [] });
  for (let i = 0; i < n; i++) es.follow(`f-${i}`, `l-${i}`);
  const server = await es.listen();
  const connection = { urls: [server.url] };
  let sent = 0;
  setTransportFactory((c) => {
    const t = nodeTransport(c);
    return { request: (r) => (sent++, t.request(r)), close: () => t.close() } satisfies Transport;
  });
  try {
    const fi = provider("FollowerIndex");
    const started = Date.now();
    es.requests = [];
    await Promise.all([
      ...Array.from({ length: n }, (_, i) => fi.read!(`f-${i}`, { name: `f-${i}`, remoteCluster: "leader", leaderIndex: `l-${i}`, status: "active", connection })),
      provider("AutoFollowPattern").read!("logs", { name: "logs", connection }),
      provider("RemoteCluster").read!("leader", { alias: "leader", connection }),
    ]);
    const ms = Date.now() - started;
    const byPath = es.requests.reduce<Record<string, number>>((m, r) => ((m[r] = (m[r] ?? 0) + 1), m), {});
    console.log(JSON.stringify({ followers: n, resources: n + 2, requests: sent, perResource: +(sent / (n + 2)).toFixed(3), ms, byPath }, null, 2));
  } finally {
    resetClusters();
    await server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
