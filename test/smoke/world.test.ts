import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalClusters, LocalCluster, stopAll } from "../../sandbox/local";
import { jvmJitOptions } from "../../sandbox/es/node";
import { isAlive, pidsMentioning } from "../../sandbox/es/process-guard";
import { resolveEsVersion } from "../../sandbox/es/versions";

const version = resolveEsVersion();

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe(`local world on Elasticsearch ${version}`, () => {
  let clusters: LocalCluster[] = [];
  beforeAll(async () => {
    // The raw world: real nodes only, without the emulated _ccr front.
    clusters = await startLocalClusters({ count: 2, ccr: false, log: (s) => console.log(s) });
    for (const c of clusters) console.log(`[figure] node start-up ${c.name} ${version}: ${(c.node.startupMs / 1000).toFixed(1)}s`);
  });
  afterAll(async () => stopAll(clusters));

  it("runs two independent real clusters of the requested version on distinct loopback ports", async () => {
    const [leader, follower] = clusters;
    expect(leader.node.httpPort).not.toBe(follower.node.httpPort);
    expect(leader.node.transportPort).not.toBe(follower.node.transportPort);
    for (const c of clusters) {
      const nodes = await c.node.request("GET", "/_nodes/_local?filter_path=cluster_name,nodes.*.version,nodes.*.host");
      expect(nodes.status).toBe(200);
      expect(nodes.body.cluster_name).toBe(c.node.clusterName);
      const n = Object.values(nodes.body.nodes as Record<string, { version: string; host: string }>);
      expect(n).toHaveLength(1);
      expect(n[0].version).toBe(version);
      expect(n[0].host).toBe("127.0.0.1");
    }
    expect(leader.node.clusterName).not.toBe(follower.node.clusterName);
  });

  it("runs the server JVM with the quick JIT (first tier only) unless CCR_ES_JIT=full", async () => {
    const want = jvmJitOptions();
    for (const c of clusters) {
      const r = await c.node.request("GET", "/_nodes/_local/jvm?filter_path=nodes.*.jvm.input_arguments");
      expect(r.status).toBe(200);
      const args = (Object.values(r.body.nodes as Record<string, { jvm: { input_arguments: string[] } }>)[0]).jvm.input_arguments;
      for (const o of want) expect(args).toContain(o);
      if (want.length === 0) expect(args.some((a) => a.startsWith("-XX:TieredStopAtLevel"))).toBe(false);
    }
  });

  it("has an active trial license (started through the license API)", async () => {
    for (const c of clusters) {
      const lic = await c.node.request("GET", "/_license");
      expect(lic.body.license.type).toBe("trial");
      expect(lic.body.license.status).toBe("active");
    }
  });

  it("connects the follower to the leader as a remote cluster through persistent settings", async () => {
    const [leader, follower] = clusters;
    const put = await follower.node.request("PUT", "/_cluster/settings", {
      persistent: { cluster: { remote: { leader: { seeds: [leader.transportAddress], skip_unavailable: false } } } },
    });
    expect(put.status).toBe(200);
    expect(put.body.persistent.cluster.remote.leader.seeds).toEqual([leader.transportAddress]);
    const info = await waitFor("remote connected", async () => {
      const r = await follower.node.request("GET", "/_remote/info");
      return r.body?.leader?.connected === true ? r.body.leader : undefined;
    });
    expect(info.mode).toBe("sniff");
    expect(info.seeds).toEqual([leader.transportAddress]);
    expect(info.num_nodes_connected).toBe(1);
    // Removing it again: every key of the alias nulled in one request.
    const del = await follower.node.request("PUT", "/_cluster/settings", {
      persistent: { "cluster.remote.leader.seeds": null, "cluster.remote.leader.skip_unavailable": null },
    });
    expect(del.status).toBe(200);
    const after = await follower.node.request("GET", "/_remote/info");
    expect(after.body.leader).toBeUndefined();
  });

  // Rows of the reference's error catalogue that the real node itself answers (the provider relies on them).
  it("rejects remote settings left without seeds, and a mode mismatch, with Elasticsearch's own 400s", async () => {
    const [leader, follower] = clusters;
    const orphanKey = await follower.node.request("PUT", "/_cluster/settings", { persistent: { "cluster.remote.x.skip_unavailable": true } });
    expect(orphanKey.status).toBe(400);
    expect(orphanKey.body.error.type).toBe("illegal_argument_exception");
    expect(orphanKey.body.error.reason).toContain("Cannot configure setting [cluster.remote.x.skip_unavailable] if remote cluster is not enabled.");
    const mismatch = await follower.node.request("PUT", "/_cluster/settings", {
      persistent: { "cluster.remote.x.mode": "proxy", "cluster.remote.x.seeds": [leader.transportAddress] },
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error.type).toBe("illegal_argument_exception");
    expect(mismatch.body.error.reason).toMatch(/cluster\.remote\.x\.seeds.*cannot be used with the configured.*cluster\.remote\.x\.mode/);
  });

  it("refuses a second trial with a 403 whose body has no error object", async () => {
    const again = await clusters[0].node.request("POST", "/_license/start_trial?acknowledge=true");
    expect(again.status).toBe(403);
    expect(again.body.error).toBeUndefined();
    expect(again.body.trial_was_started).toBe(false);
    expect(again.body.error_message).toBe("Operation failed: Trial was already activated.");
  });

  it("answers GET / with 405 (the integ-test-zip has no rest-root module; the provider falls back to _nodes/_local)", async () => {
    const r = await clusters[0].node.request("GET", "/");
    expect(r.status).toBe(405);
    expect(r.body.error).toMatch(/Incorrect HTTP method for uri \[\/\] and method \[GET\]/);
  });

  it("answers _ccr with Elasticsearch's own 'no handler' on the raw node (CCR is not in the integ-test-zip)", async () => {
    const r = await clusters[1].node.request("GET", "/_ccr/stats");
    expect([400, 404, 405]).toContain(r.status);
    expect(JSON.stringify(r.body)).toMatch(/no handler|Incorrect HTTP method/);
  });

  it("stops the nodes by PID and leaves no process behind", async () => {
    const pids = clusters.map((c) => c.node.pid);
    const dirs = clusters.map((c) => c.node.dir);
    for (const d of dirs) expect(pidsMentioning(d).length).toBeGreaterThan(0); // the server JVM itself
    await stopAll(clusters);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    for (const d of dirs) expect(pidsMentioning(d)).toEqual([]);
    clusters = [];
  });
});
