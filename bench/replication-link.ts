/**
 * ReplicationLink over N pre-existing leader indexes (default 1000) on two local clusters (real Elasticsearch of
 * CCR_ES_VERSION behind the EMULATED `_ccr` layer), against a direct script doing the same follow calls. Prints:
 * the time, requests (by kind) and bytes read per follower of the link's create (pattern + listing + N follows: their
 * PUTs 8 in flight, then one batched wait for all), the time for the direct script (PUT follow for each index, 8 in
 * flight, then wait until all are active), and the requests one refresh (read) of the link sends for N followers.
 * A figure printer, not a timed test.
 *
 *   CCR_ES_VERSION=9 npx tsx bench/replication-link.ts [N] [--direct-wfas 0|1] [--trace <file>]
 */
import { writeFileSync } from "node:fs";
import { setTransportFactory, resetClusters } from "../provider/client/cluster";
import { nodeTransport, Transport } from "../provider/client/http";
import { provider } from "../provider/dynamic";
import { esRequest } from "../sandbox/es/http";
import { LocalCluster, startLocalClusters, stopAll } from "../sandbox/local";

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] && !process.argv[2].startsWith("--") ? process.argv[2] : 1000);
  const directWfas = process.argv.includes("--direct-wfas") ? process.argv[process.argv.indexOf("--direct-wfas") + 1] : "0";
  let sent = 0;
  let bytes = 0;
  // --trace <file>: every request of the link's create with its start (ms since the create began), duration, status.
  const traceFile = process.argv.includes("--trace") ? process.argv[process.argv.indexOf("--trace") + 1] : undefined;
  let trace: string[] | undefined;
  let traceStart = 0;
  const byPath = new Map<string, number>();
  setTransportFactory((c) => {
    const t = nodeTransport(c);
    return {
      request: (r) => {
        sent++;
        // Batched reads name many indexes in one path: count them under one key.
        const k = `${r.method} ${r.path.replace(/^\/bench-\d+(,bench-\d+)+\//, "/<names>/").replace(/^\/bench-\d+\//, "/<index>/").replace(/^\/bench-\d+$/, "/<index>").replace(/\/_cluster\/state\/metadata\/.+$/, "/_cluster/state/metadata/<names>")}`;
        byPath.set(k, (byPath.get(k) ?? 0) + 1);
        const at = Date.now();
        return t.request(r).then((res) => {
          bytes += JSON.stringify(res.body ?? "").length;
          if (trace) trace.push(`${at - traceStart} ${Date.now() - at} ${res.status} ${r.method} ${r.path.length > 80 ? `${r.path.slice(0, 80)}…` : r.path}`);
          return res;
        });
      },
      close: () => t.close(),
    } satisfies Transport;
  });
  const t0 = Date.now();
  const [leader, follower] = await startLocalClusters({ count: 2 });
  const on = (c: LocalCluster, m: string, p: string, b?: unknown) => esRequest(c.url, m, p, b, { auth: c.auth });
  try {
    const names = Array.from({ length: n }, (_, i) => `bench-${i}`);
    const tc = Date.now();
    await pool(names, 8, async (x) => {
      const r = await on(leader, "PUT", `/${x}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
      if (r.status !== 200) throw new Error(`create ${x}: ${r.status} ${JSON.stringify(r.body)}`);
    });
    console.log(`[setup] clusters up and ${n} leader indexes created in ${((Date.now() - t0) / 1000).toFixed(1)} s (indexes: ${((Date.now() - tc) / 1000).toFixed(1)} s)`);
    const conn = { urls: [follower.url], ...(follower.auth ?? {}) };
    await provider("RemoteCluster").create!({ alias: "leader", seeds: [leader.transportAddress], skipUnavailable: false, connection: conn });
    const link = provider("ReplicationLinkFollowers");
    const inputs = (await link.check!({}, {
      remoteCluster: "leader", patternName: "bench", leaderIndexPatterns: ["bench-*"], deletePolicy: "delete", plan: [],
      connection: conn, leaderConnection: { urls: [leader.url], ...(leader.auth ?? {}) },
    })).inputs;

    sent = 0;
    bytes = 0;
    byPath.clear();
    let t = Date.now();
    if (traceFile) (trace = [], traceStart = t);
    const created = await link.create!(inputs);
    const linkMs = Date.now() - t;
    if (traceFile && trace) {
      writeFileSync(traceFile, trace.join("\n") + "\n");
      trace = undefined;
    }
    const linkRequests = sent;
    const count = (created.outs.followers as unknown[]).length;
    console.log(`[link] create over ${n} pre-existing leader indexes: ${(linkMs / 1000).toFixed(1)} s, ${count} followers, ${linkRequests} requests, ` +
      `${Math.round(bytes / Math.max(1, count))} bytes read per follower — ${[...byPath].map(([k, v]) => `${k} ×${v}`).join(", ")}`);

    sent = 0;
    bytes = 0;
    byPath.clear();
    t = Date.now();
    await link.read!("bench", created.outs);
    console.log(`[link] one refresh (read) of a link with ${count} followers: ${sent} requests in ${Date.now() - t} ms — ${[...byPath].map(([k, v]) => `${k} ×${v}`).join(", ")}`);

    t = Date.now();
    await link.delete!("bench", created.outs);
    console.log(`[link] destroy (pattern, then ${count} followers deleted): ${((Date.now() - t) / 1000).toFixed(1)} s`);

    // The direct script: the same follow calls, nothing else. By default the calls the link makes (PUT follow with
    // wait_for_active_shards=0, 8 in flight, then one wait for all); `--direct-wfas 1` waits inside each PUT instead
    // (the restore then runs within the request, so at most 8 restores at once).
    t = Date.now();
    await pool(names, 8, async (x) => {
      const r = await on(follower, "PUT", `/${x}/_ccr/follow?wait_for_active_shards=${directWfas}`, { remote_cluster: "leader", leader_index: x });
      if (r.status !== 200) throw new Error(`follow ${x}: ${r.status} ${JSON.stringify(r.body)}`);
    });
    for (;;) {
      const r = await on(follower, "GET", "/_all/_ccr/info");
      const active = (r.body?.follower_indices ?? []).filter((f: { status: string }) => f.status === "active").length;
      if (active >= n) break;
      await new Promise((res) => setTimeout(res, 250));
    }
    const directMs = Date.now() - t;
    console.log(`[direct] PUT follow?wait_for_active_shards=${directWfas} ×${n} (8 in flight) until all active: ${(directMs / 1000).toFixed(1)} s`);
    console.log(JSON.stringify({ version: process.env.CCR_ES_VERSION ?? "default", pollMs: process.env.CCR_POLL_MS ?? "250", directWfas, indexes: n, linkRequests, linkSeconds: +(linkMs / 1000).toFixed(1), directSeconds: +(directMs / 1000).toFixed(1), ratio: +(linkMs / directMs).toFixed(2) }));
  } finally {
    resetClusters();
    await stopAll([leader, follower]);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
