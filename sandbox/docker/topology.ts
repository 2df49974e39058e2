/**
 * Starts a Docker backend spec (provider/components/topology/docker.ts) on a real engine, exactly as declared: the
 * network, the data volumes and one container per replica from `engineCreateRequest`, nothing added. Each cluster
 * then gets the sandbox's EMULATED `_ccr` front on the host (sandbox/ccr; the integ-test-zip in the local image has
 * no CCR module), in front of the container's published HTTP port, registered under the container's remote seed
 * (`<container>:9300`): a follower front resolves the follower node's real `cluster.remote.<alias>.seeds` — the
 * container names the nodes themselves reach over the Docker network — to the leader's front and published port.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { engineCreateRequest, type ContainerSpec, type DockerTopologySpec } from "../../provider/components/topology/docker";
import { startCcrFront, type CcrFront } from "../ccr/front";
import { esRequest } from "../es/http";
import type { EsNode } from "../es/node";
import { runRoot } from "../paths";
import type { LocalCluster } from "../local";
import type { EngineApi } from "./engine";

export interface DockerCluster extends LocalCluster {
  container: ContainerSpec;
  /** The container's published HTTP endpoint (the node itself, without the front). */
  nodeUrl: string;
}

export interface StartedTopology {
  clusters: DockerCluster[];
  /** Milliseconds from the first container start until every node answered. */
  bootMs: number;
  /** Stops the fronts, removes the containers and the network; the volumes too unless keepVolumes. */
  stop(opts?: { keepVolumes?: boolean }): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** A base port with `n` consecutive free ports on 127.0.0.1 (for the spec's `httpPortBase`). */
export async function freePortRange(n: number, lo = 20000, hi = 40000): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = lo + Math.floor(Math.random() * (hi - lo - n));
    const free = await Promise.all(Array.from({ length: n }, (_, i) => portFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${n} consecutive free ports between ${lo} and ${hi}`);
}

/**
 * Removes what an earlier run killed outright left on the engine: containers, networks and volumes of topologies
 * whose name starts with `prefix`, created more than `olderThanMs` ago (a concurrent run's are younger).
 */
export async function reapTopologies(api: EngineApi, prefix: string, olderThanMs = 20 * 60_000): Promise<string[]> {
  const cutoff = Date.now() - olderThanMs;
  const removed: string[] = [];
  const filters = encodeURIComponent(JSON.stringify({ label: ["es-ccr.topology"] }));
  const ours = (labels: Record<string, string> | null | undefined) => (labels?.["es-ccr.topology"] ?? "").startsWith(prefix);
  const containers = (await api.request<any[]>("GET", `/containers/json?all=1&filters=${filters}`)).body;
  const stale = new Set<string>();
  for (const c of containers) {
    if (!ours(c.Labels) || c.Created * 1000 > cutoff) continue;
    stale.add(c.Labels["es-ccr.topology"]);
    await api.request("DELETE", `/containers/${c.Id}?force=1`, undefined, [404]);
    removed.push(`container ${c.Names?.[0] ?? c.Id}`);
  }
  for (const n of (await api.request<any[]>("GET", `/networks?filters=${filters}`)).body) {
    if (!ours(n.Labels) || (Date.parse(n.Created) > cutoff && !stale.has(n.Labels["es-ccr.topology"]))) continue;
    await api.request("DELETE", `/networks/${n.Id}`, undefined, [404, 409]);
    removed.push(`network ${n.Name}`);
  }
  for (const v of (await api.request<{ Volumes: any[] | null }>("GET", `/volumes?filters=${filters}`)).body.Volumes ?? []) {
    if (!ours(v.Labels) || (Date.parse(v.CreatedAt) > cutoff && !stale.has(v.Labels["es-ccr.topology"]))) continue;
    await api.request("DELETE", `/volumes/${encodeURIComponent(v.Name)}`, undefined, [404, 409]);
    removed.push(`volume ${v.Name}`);
  }
  return removed;
}

/** An EsNode view of a container, for the `_ccr` front: the published HTTP port, the seed as its address. */
function containerNode(c: ContainerSpec, password: string, dir: string, api: EngineApi): EsNode {
  const auth = { username: "elastic", password };
  const port = c.ports[0].external;
  const request = <T = any>(method: string, p: string, body?: unknown, a?: EsNode["auth"]) => esRequest<T>(c.url, method, p, body, { auth: a ?? auth });
  let tail = "";
  void api.logs(c.name).then((t) => { tail = t; }, () => {});
  return {
    version: c.version, clusterName: c.cluster, httpUrl: c.url, httpPort: port, transportPort: Number(c.seeds[0].split(":")[1]),
    transportAddress: c.seeds[0], pid: 0, dir, auth, startupMs: 0, request,
    logTail: () => tail,
    stop: async () => {},
    // The container's life belongs to the engine (the test stops it there), not to the front.
    kill: async () => { throw new Error(`${c.name}: kill a container through the Docker Engine API, not its EsNode view`); },
    restart: async () => { throw new Error(`${c.name}: restart a container through the Docker Engine API, not its EsNode view`); },
  };
}

/**
 * Creates the spec's network, volumes and containers on the engine (`engineCreateRequest` bodies, unchanged), starts
 * them, waits until each node answers `_cluster/health` (yellow) with the `elastic` user, and puts a front on each.
 */
export async function startDockerTopology(
  api: EngineApi, spec: DockerTopologySpec, password: string,
  opts: { log?: (s: string) => void; timeoutMs?: number } = {},
): Promise<StartedTopology> {
  const log = opts.log ?? (() => {});
  const created = { containers: [] as string[], network: false, volumes: [] as string[] };
  const fronts: CcrFront[] = [];
  const stateRoot = fs.mkdtempSync(path.join(runRoot(), `docker-${spec.network.name}-`));
  const stop = async (o: { keepVolumes?: boolean } = {}) => {
    await Promise.all(fronts.map((f) => f.stop()));
    // The spec's 60 s stop timeout is for data safety; these clusters are thrown away.
    await Promise.all(created.containers.map((n) => api.request("DELETE", `/containers/${encodeURIComponent(n)}?force=1`, undefined, [404])));
    if (created.network) await api.request("DELETE", `/networks/${encodeURIComponent(spec.network.name)}`, undefined, [404]);
    if (!o.keepVolumes) for (const v of created.volumes) await api.request("DELETE", `/volumes/${encodeURIComponent(v)}`, undefined, [404]);
    fs.rmSync(stateRoot, { recursive: true, force: true });
  };
  try {
    await api.request("POST", "/networks/create", { Name: spec.network.name, Driver: spec.network.driver, Labels: spec.network.labels, CheckDuplicate: true });
    created.network = true;
    for (const v of spec.volumes) {
      await api.request("POST", "/volumes/create", { Name: v.name, Labels: v.labels });
      created.volumes.push(v.name);
    }
    for (const c of spec.containers) {
      const { name, body } = engineCreateRequest(c, password);
      await api.request("POST", `/containers/create?name=${encodeURIComponent(name)}`, body);
      created.containers.push(name);
    }
    const t0 = Date.now();
    for (const c of spec.containers) await api.request("POST", `/containers/${encodeURIComponent(c.name)}/start`);
    log(`started ${spec.containers.map((c) => c.name).join(", ")} on network ${spec.network.name}`);
    // Generous: two nodes booting at once on a busy 2-core machine took up to 230 s (about 90 s alone).
    const deadline = t0 + (opts.timeoutMs ?? 330_000);
    await Promise.all(spec.containers.map(async (c) => {
      for (;;) {
        const state = (await api.request("GET", `/containers/${encodeURIComponent(c.name)}/json`)).body.State;
        if (!state.Running) throw new Error(`container ${c.name} exited (code ${state.ExitCode}) during start-up:\n${await api.logs(c.name, 30)}`);
        if (Date.now() > deadline) throw new Error(`${c.name} did not answer on ${c.url} within ${(deadline - t0) / 1000}s:\n${await api.logs(c.name, 30)}`);
        try {
          const h = await esRequest(c.url, "GET", "/_cluster/health?wait_for_status=yellow&timeout=2s", undefined, { auth: { username: "elastic", password }, timeoutMs: 5_000 });
          if (h.status === 200) return;
        } catch { /* not listening yet */ }
        await sleep(1000);
      }
    }));
    const bootMs = Date.now() - t0;
    log(`all ${spec.containers.length} nodes answer after ${(bootMs / 1000).toFixed(1)}s`);
    const clusters: DockerCluster[] = [];
    for (const c of spec.containers) {
      const dir = path.join(stateRoot, c.cluster);
      fs.mkdirSync(dir, { recursive: true });
      const node = containerNode(c, password, dir, api);
      const front = await startCcrFront({ node, stateDir: path.join(dir, "ccr-state"), log });
      fronts.push(front);
      clusters.push({
        name: c.cluster, url: front.url, node, transportAddress: c.seeds[0], auth: node.auth, ccrEmulated: true,
        container: c, nodeUrl: c.url, stop: () => front.stop(),
      });
    }
    return { clusters, bootMs, stop };
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
}
