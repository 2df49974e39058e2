/**
 * What idle followers cost the EMULATED CCR layer's nodes: N followers that replicate nothing, measured over a window
 * (default 20 s): HTTP requests per second this process sends to each node (the layer's replication loops, which
 * talk to the nodes directly, not through the world's counting proxies), CPU seconds of each node's processes
 * (launcher + server JVM: the node's process group, from /proc/<pid>/stat) and of this process (the layers), then the
 * replication latency of single documents written to the leader while the N followers sit idle.
 * Run: npx tsx bench/emulated-idle.ts   (CCR_ES_VERSION, CCR_IDLE_FOLLOWERS = N (100), CCR_IDLE_SECONDS (20),
 * CCR_POLL_MS as for the sandbox).
 */
import * as fs from "node:fs";
import { esRequest } from "../sandbox/es/http";
import { ensureLeaderIndexes, followers, on, pool, startWorld } from "./lib/world";

const n = Number(process.env.CCR_IDLE_FOLLOWERS ?? 100);
const seconds = Number(process.env.CCR_IDLE_SECONDS ?? 20);
const prefix = "idle-";

/** Requests by origin (scheme://host:port) sent through the global fetch, which esRequest uses for http. */
const sent = new Map<string, number>();
const realFetch = globalThis.fetch;
globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
  const url = new URL(typeof input === "string" || input instanceof URL ? String(input) : input.url);
  sent.set(url.origin, (sent.get(url.origin) ?? 0) + 1);
  return realFetch(input, init);
}) as typeof fetch;

const TICK = 100; // USER_HZ on Linux

/** utime + stime (seconds) of every process in process group `pgid`. */
function groupCpu(pgid: number): number {
  let ticks = 0;
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    let stat: string;
    try { stat = fs.readFileSync(`/proc/${d}/stat`, "utf8"); } catch { continue; }
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from 3 (state) on
    if (Number(f[2]) !== pgid) continue; // field 5: pgrp
    ticks += Number(f[11]) + Number(f[12]); // fields 14, 15: utime, stime
  }
  return ticks / TICK;
}

async function main() {
  const log = (s: string) => { if (process.env.CCR_BENCH_VERBOSE) console.log(s); };
  const world = await startWorld(log);
  const { leader, follower } = world;
  try {
    const s = await on(follower, "PUT", "/_cluster/settings", { persistent: { "cluster.remote.leader.seeds": [leader.transportAddress] } });
    if (s.status !== 200) throw new Error(`remote: ${s.status} ${JSON.stringify(s.body)}`);
    await ensureLeaderIndexes(leader, prefix, n);
    const t0 = Date.now();
    await pool(Array.from({ length: n }, (_, i) => i), 4, async (i) => {
      const r = await on(follower, "PUT", `/${prefix}${i}-copy/_ccr/follow?wait_for_active_shards=1`, { remote_cluster: "leader", leader_index: `${prefix}${i}` });
      if (r.status !== 200) throw new Error(`follow ${prefix}${i}: ${r.status} ${JSON.stringify(r.body)}`);
    });
    for (;;) {
      const active = (await followers(follower, prefix)).filter((f) => f.status === "active").length;
      if (active === n) break;
      if (Date.now() - t0 > 600_000) throw new Error(`only ${active} of ${n} followers active`);
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(`${n} followers active after ${((Date.now() - t0) / 1000).toFixed(1)} s; settling 6 s (first count checks)`);
    await new Promise((r) => setTimeout(r, 6000));

    const nodes = [["leader", leader], ["follower", follower]] as const;
    const before = { sent: new Map(sent), cpu: nodes.map(([, c]) => groupCpu(c.node.pid)), self: process.cpuUsage(), at: Date.now() };
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const wall = (Date.now() - before.at) / 1000;
    const self = process.cpuUsage(before.self);
    console.log(`\nEMULATED CCR layer, ${n} idle followers, Elasticsearch ${world.version}, pollMs ${process.env.CCR_POLL_MS ?? 250}, window ${wall.toFixed(1)} s`);
    console.log("| node | requests/s from the layer | node CPU s (per s) |");
    console.log("| --- | --- | --- |");
    nodes.forEach(([name, c], i) => {
      const origin = new URL(c.node.httpUrl).origin;
      const req = (sent.get(origin) ?? 0) - (before.sent.get(origin) ?? 0);
      const cpu = groupCpu(c.node.pid) - before.cpu[i];
      console.log(`| ${name} | ${(req / wall).toFixed(1)} | ${cpu.toFixed(2)} (${(cpu / wall).toFixed(2)}) |`);
    });
    console.log(`this process (both layers): ${((self.user + self.system) / 1e6).toFixed(2)} CPU s`);

    // Latency: a document written to the leader (node directly) until it is found on the follower.
    const lags: number[] = [];
    for (let k = 0; k < 10; k++) {
      const i = (k * 37) % n;
      const w = Date.now();
      const r = await esRequest(leader.node.httpUrl, "PUT", `/${prefix}${i}/_doc/lat-${k}?refresh=true`, { k }, { auth: leader.auth });
      if (r.status !== 201 && r.status !== 200) throw new Error(`write: ${r.status} ${JSON.stringify(r.body)}`);
      for (;;) {
        const g = await esRequest(follower.node.httpUrl, "GET", `/${prefix}${i}-copy/_doc/lat-${k}`, undefined, { auth: follower.auth });
        if (g.status === 200) break;
        if (Date.now() - w > 30_000) throw new Error(`lat-${k} not replicated in 30 s`);
        await new Promise((res) => setTimeout(res, 10));
      }
      lags.push(Date.now() - w);
      await new Promise((res) => setTimeout(res, 137));
    }
    lags.sort((a, b) => a - b);
    console.log(`replication latency (leader write acked → GET on the follower finds it), ms: median ${lags[5]}, max ${lags[9]} (n=10)`);
  } finally {
    await world.stop();
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
