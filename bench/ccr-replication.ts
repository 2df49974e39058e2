/**
 * Benchmark of the EMULATED CCR layer: sustained replication throughput and lag under a steady write load.
 * Run: npx tsx bench/ccr-replication.ts   (CCR_ES_VERSION selects the version; CCR_BENCH_SECONDS the load duration)
 * Lag = time between the leader's ack of a write and the document becoming visible (searchable) on the follower.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startNode } from "../sandbox/es/node";
import { startCcrFront } from "../sandbox/ccr/front";
import { esRequest } from "../sandbox/es/http";

const seconds = Number(process.env.CCR_BENCH_SECONDS ?? 30);
const batch = Number(process.env.CCR_BENCH_BATCH ?? 200);
const ratePerSec = Number(process.env.CCR_BENCH_RATE ?? 2000);

async function main() {
  const [ln, fn] = await Promise.all([startNode({ log: console.log }), startNode({ log: console.log })]);
  const dirs = [fs.mkdtempSync(path.join(os.tmpdir(), "ccrb-")), fs.mkdtempSync(path.join(os.tmpdir(), "ccrb-"))];
  const leader = await startCcrFront({ node: ln, stateDir: dirs[0], log: console.log });
  const follower = await startCcrFront({ node: fn, stateDir: dirs[1], log: console.log, pollMs: Number(process.env.CCR_POLL_MS ?? 100) });
  try {
    await fn.request("PUT", "/_cluster/settings", { persistent: { "cluster.remote.leader.seeds": [ln.transportAddress] } });
    await esRequest(leader.url, "PUT", "/bench", { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    const f = await esRequest(follower.url, "PUT", "/bench-f/_ccr/follow?wait_for_active_shards=1", { remote_cluster: "leader", leader_index: "bench" });
    if (f.status !== 200) throw new Error(JSON.stringify(f.body));
    const acked = new Map<number, number>();
    const lags: number[] = [];
    let next = 0;
    let stop = false;
    const t0 = Date.now();
    const writer = (async () => {
      while (!stop) {
        const start = Date.now();
        const lines: string[] = [];
        const ids: number[] = [];
        for (let i = 0; i < batch; i++) { const id = next++; ids.push(id); lines.push(JSON.stringify({ index: { _index: "bench", _id: String(id) } }), JSON.stringify({ id, body: "x".repeat(200), at: start })); }
        const r = await fetch(`${leader.url}/_bulk`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: lines.join("\n") + "\n" });
        await r.json();
        const now = Date.now();
        for (const id of ids) acked.set(id, now);
        if (now - t0 > seconds * 1000) stop = true;
        await new Promise((res) => setTimeout(res, Math.max(0, (batch / ratePerSec) * 1000 - (Date.now() - start))));
      }
    })();
    // Observer: polls the follower for the highest ids visible and records their lag.
    let seenUpTo = -1;
    const observe = async () => {
      const r = await esRequest(follower.url, "POST", "/bench-f/_search", { size: 10000, _source: false, query: { range: { id: { gt: seenUpTo } } }, docvalue_fields: ["id"], sort: [{ id: "asc" }] });
      const now = Date.now();
      for (const h of r.body?.hits?.hits ?? []) {
        const id = Number(h._id);
        const a = acked.get(id);
        if (a !== undefined) lags.push(Math.max(0, now - a));
        if (id > seenUpTo) seenUpTo = id;
      }
    };
    while (!stop) { await observe(); await new Promise((r) => setTimeout(r, 50)); }
    await writer;
    const total = next;
    const end = Date.now() + 60_000;
    while (seenUpTo < total - 1 && Date.now() < end) { await observe(); await new Promise((r) => setTimeout(r, 50)); }
    const elapsed = (Date.now() - t0) / 1000;
    const c = await esRequest(follower.url, "GET", "/bench-f/_count");
    lags.sort((a, b) => a - b);
    const q = (x: number) => lags[Math.min(lags.length - 1, Math.floor(x * lags.length))];
    console.log(`\nEMULATED CCR replication benchmark (Elasticsearch ${ln.version}, load ${seconds}s, target ${ratePerSec} docs/s in bulks of ${batch})`);
    console.log(`written: ${total} docs; replicated: ${c.body.count} docs; sustained throughput: ${(c.body.count / elapsed).toFixed(0)} docs/s (wall ${elapsed.toFixed(1)}s incl. drain)`);
    console.log(`lag (leader ack → searchable on follower, ms): p50=${q(0.5)} p95=${q(0.95)} max=${lags[lags.length - 1]} (n=${lags.length})`);
  } finally {
    await follower.stop(); await leader.stop();
    await Promise.all([ln.stop(), fn.stop()]);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
