/**
 * Requests per refresh wave: N followers (default 100), one auto-follow pattern and one remote cluster on one
 * cluster, all read concurrently the way the engine refreshes a stack. The cluster is the in-memory fake served over
 * real HTTP, so every request the provider sends is counted.
 *
 *   npx tsx bench/refresh-requests.ts [followers] [--import] [--hidden]
 *
 * A refresh passes each resource's stored outputs, which include the follower's `indexUuid` and `leaderIndexUuid`;
 * `--import` reads with the id and identity only (no stored UUIDs), which adds the one batched leader-UUID read.
 * `--hidden` makes every other follower hidden (`index.hidden: true`), which `_all/_ccr/info` does not list: they are
 * read by name in one batched `_ccr/info` (chunked by URL length).
 */
import { setTransportFactory, resetClusters } from "../provider/client/cluster";
import { nodeTransport, Transport } from "../provider/client/http";
import { provider } from "../provider/dynamic";
import { FakeEs } from "../test/unit/fake-es";

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100);
  const asImport = process.argv.includes("--import");
  const hidden = process.argv.includes("--hidden");
  const es = new FakeEs();
  es.persistent["cluster.remote.leader.seeds"] = ["127.0.0.1:9300"];
  es.persistent["cluster.remote.leader.mode"] = "sniff";
  es.patterns.set("logs", { active: true, remote_cluster: "leader", leader_index_patterns: ["logs-*"], leader_index_exclusion_patterns: [] });
  for (let i = 0; i < n; i++) es.follow(`f-${i}`, `l-${i}`, "leader", hidden && i % 2 ? { "index.hidden": "true" } : {});
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
      ...Array.from({ length: n }, (_, i) => fi.read!(`f-${i}`, {
        name: `f-${i}`, remoteCluster: "leader", leaderIndex: `l-${i}`, status: "active", connection,
        ...(asImport ? {} : { indexUuid: es.indices.get(`f-${i}`)!.settings["index.uuid"], leaderIndexUuid: `uuid-l-${i}` }),
      })),
      provider("AutoFollowPattern").read!("logs", { name: "logs", connection }),
      provider("RemoteCluster").read!("leader", { alias: "leader", connection }),
    ]);
    const ms = Date.now() - started;
    // Batched reads name many indexes in their path: count them under one key.
    const key = (r: string) => r.replace(/^GET \/(?!_all\/)[^_][^/]*\/_ccr\/info$/, "GET /<names>/_ccr/info").replace(/\/_cluster\/state\/metadata\/.+$/, "/_cluster/state/metadata/<names>");
    const byPath = es.requests.reduce<Record<string, number>>((m, r) => ((m[key(r)] = (m[key(r)] ?? 0) + 1), m), {});
    console.log(JSON.stringify({ followers: n, import: asImport, hidden, resources: n + 2, requests: sent, perResource: +(sent / (n + 2)).toFixed(3), ms, byPath }, null, 2));
  } finally {
    resetClusters();
    await server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
