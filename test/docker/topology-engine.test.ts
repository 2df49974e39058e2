/**
 * The Docker backend, proven on a real Docker engine (issue 9 §5).
 *
 * One declaration, one spec (`dockerTopologySpec`), two consumers:
 * - `declareDockerTopology` under Pulumi's mocks records the `@pulumi/docker` resources a `pulumi up` would ask the
 *   Docker provider for (the provider plugin cannot be obtained here);
 * - `startDockerTopology` starts the same spec on our own dockerd (scripts/docker-engine.sh) through the Docker
 *   Engine API, with the image reference overridden — through the component's own `docker.image` input — by the
 *   image built locally from the integ-test-zip (scripts/docker-image.sh; the default stays Elastic's official one).
 * Then: the engine runs exactly what the mocks saw; each cluster is a single node with the declared name, heap and
 * trial license; the nodes connect to each other as remote clusters over the Docker network (seeds = container
 * names, which the host cannot even resolve); and the replica follows the primary through the EMULATED `_ccr` layer
 * (sandbox/ccr) in front of each container's published port, existing indexes and auto-followed new ones alike.
 *
 * Set-up (scripts/docker-setup.sh, part of scripts/setup.sh) installs docker.io and builds the image; this test
 * fails — it never skips — when either is missing. One Elasticsearch version: CCR_DOCKER_ES_VERSION (default 9).
 */
import { randomBytes } from "node:crypto";
import * as dns from "node:dns/promises";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkTopology } from "../../provider/components/topology/check";
import { declareDockerTopology, dockerEndpoints, dockerTopologySpec, officialImage, type DockerTopologySpec } from "../../provider/components/topology/docker";
import type { TopologyDeclaration } from "../../provider/components/topology/types";
import { startEngine, type Engine } from "../../sandbox/docker/engine";
import { dockerEsVersion, localImageTag } from "../../sandbox/docker/image";
import { freePortRange, reapTopologies, startDockerTopology, type DockerCluster, type StartedTopology } from "../../sandbox/docker/topology";
import { esRequest } from "../../sandbox/es/http";
import { recordMockRegistrations, type Registration } from "../support/mock-registrations";

const PREFIX = "es-ccr-proof-";
const version = dockerEsVersion();
const name = `${PREFIX}${randomBytes(2).toString("hex")}`;
const password = randomBytes(12).toString("hex");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let engine: Engine;
let spec: DockerTopologySpec;
let decl: TopologyDeclaration;
let topo: StartedTopology | undefined;
let regs: Registration[];
const timings: Record<string, number> = {};

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) { last = e; }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await sleep(300);
  }
}

const cluster = (n: string): DockerCluster => topo!.clusters.find((c) => c.name === n)!;
/** Through the cluster's `_ccr` front, as the provider would connect (basic auth as the `elastic` user). */
const req = <T = any>(n: string, method: string, p: string, body?: unknown) => esRequest<T>(cluster(n).url, method, p, body, { auth: cluster(n).auth });

beforeAll(async () => {
  const t0 = Date.now();
  engine = startEngine();
  const image = localImageTag(version);
  const present = await engine.request("GET", `/images/${encodeURIComponent(image)}/json`, undefined, [404]);
  if (present.status === 404) throw new Error(`image ${image} is not on the engine: run bash scripts/docker-setup.sh (or CCR_DOCKER_ES_VERSION=${version} bash scripts/docker-image.sh)`);
  const reaped = await reapTopologies(engine, PREFIX);
  if (reaped.length) console.log(`[docker] removed leftovers of killed runs: ${reaped.join(", ")}`);

  decl = {
    backend: "docker",
    clusters: [{ name: "primary" }, { name: "replica" }],
    leader: "primary",
    indexPatterns: ["issues*"],
    // The override path of the component API: the local image instead of Elastic's official one, not pulled.
    docker: { version, image, pullImage: false, httpPortBase: await freePortRange(2) },
  };
  expect(checkTopology(decl)).toEqual([]);
  spec = dockerTopologySpec(name, decl);

  // What a `pulumi up` of the Docker backend would ask the Docker provider for.
  regs = await recordMockRegistrations(async () => {
    const parent = new pulumi.ComponentResource("es-ccr:topology:Proof", name);
    const made = declareDockerTopology(name, spec, password, { parent });
    return [made.network, ...Object.values(made.images), ...Object.values(made.volumes), ...Object.values(made.containers)];
  });

  const t1 = Date.now();
  topo = await startDockerTopology(engine, spec, password, { log: (s) => console.log(`[docker] ${s}`) });
  timings.setupMs = t1 - t0;
  timings.bootMs = topo.bootMs;
}, 400_000);

afterAll(async () => {
  const t = Date.now();
  await topo?.stop();
  engine?.stop();
  timings.teardownMs = Date.now() - t;
  console.log(`[docker] timings ${JSON.stringify(timings)}`);
}, 200_000);

describe(`Docker backend on a real engine (Elasticsearch ${version}, local image)`, () => {
  it("the engine runs exactly the containers, network and volumes the Pulumi mocks saw", async () => {
    const mocked = (type: string) => regs.filter((r) => r.type === `docker:index/${type}`);
    const labels = (l: Array<{ label: string; value: string }>) => Object.fromEntries(l.map((x) => [x.label, x.value]));
    expect(mocked("remoteImage:RemoteImage")).toEqual([]); // pullImage: false — the local image is not pulled

    const [net] = mocked("network:Network");
    const netOnEngine = (await engine.request("GET", `/networks/${encodeURIComponent(net.object.name as string)}`)).body;
    expect({ name: netOnEngine.Name, driver: netOnEngine.Driver, labels: netOnEngine.Labels })
      .toEqual({ name: net.object.name, driver: net.object.driver, labels: labels(net.object.labels as any) });

    const vols = mocked("volume:Volume");
    expect(vols).toHaveLength(spec.containers.length);
    for (const v of vols) {
      const onEngine = (await engine.request("GET", `/volumes/${encodeURIComponent(v.object.name as string)}`)).body;
      expect({ name: onEngine.Name, labels: onEngine.Labels }).toEqual({ name: v.object.name, labels: labels(v.object.labels as any) });
    }

    const containers = mocked("container:Container");
    expect(containers.map((c) => c.object.name).sort()).toEqual(spec.containers.map((c) => c.name).sort());
    const imageConfig = (await engine.request("GET", `/images/${encodeURIComponent(spec.containers[0].image)}/json`)).body.Config;
    const imageEnv: string[] = imageConfig.Env ?? [];
    for (const m of containers) {
      const o = m.object as any;
      const i = (await engine.request("GET", `/containers/${encodeURIComponent(o.name)}/json`)).body;
      const envs: string[] = o.envs.value; // a secret for Pulumi (it holds the password)
      const keys = new Set(envs.map((e) => e.split("=")[0]));
      // The engine adds the image's own environment (PATH, ES_JAVA_HOME) where the container does not set it.
      const expectedEnv = [...envs, ...imageEnv.filter((e) => !keys.has(e.split("=")[0]))].sort();
      const endpoint = i.NetworkSettings.Networks[o.networksAdvanced[0].name];
      expect({
        name: i.Name.replace(/^\//, ""),
        hostname: i.Config.Hostname,
        image: i.Config.Image,
        envs: [...i.Config.Env].sort(),
        labels: i.Config.Labels,
        ports: Object.entries(i.HostConfig.PortBindings).flatMap(([k, bs]: [string, any]) => bs.map((b: any) => ({
          internal: Number(k.split("/")[0]), external: Number(b.HostPort), ip: b.HostIp, protocol: k.split("/")[1],
        }))),
        networks: Object.keys(i.NetworkSettings.Networks),
        aliases: o.networksAdvanced[0].aliases.filter((a: string) => endpoint?.Aliases?.includes(a)),
        volumes: i.Mounts.map((x: any) => ({ type: x.Type, volumeName: x.Name, containerPath: x.Destination })),
        restart: i.HostConfig.RestartPolicy.Name,
        stopTimeout: i.Config.StopTimeout,
        running: i.State.Running,
      }).toEqual({
        name: o.name,
        hostname: o.hostname,
        image: o.image,
        envs: expectedEnv,
        // …and the image's labels (the local image records its inputs in them).
        labels: { ...imageConfig.Labels, ...labels(o.labels) },
        ports: o.ports,
        networks: o.networksAdvanced.map((n: any) => n.name),
        aliases: o.networksAdvanced[0].aliases,
        volumes: o.volumes.map((v: any) => ({ type: "volume", ...v })),
        restart: o.restart,
        stopTimeout: o.stopTimeout,
        running: o.mustRun,
      });
    }
    // The override went through the component API; without it the same declaration uses Elastic's official image.
    expect(containers.every((c) => c.object.image === localImageTag(version))).toBe(true);
    expect(dockerTopologySpec(name, { ...decl, docker: { ...decl.docker!, image: undefined } }).containers[0].image).toBe(officialImage(version));
  });

  it("each cluster is a single node with the declared name, discovery, heap and trial license", async () => {
    for (const c of spec.containers) {
      const health = (await req(c.cluster, "GET", "/_cluster/health")).body;
      expect({ cluster: health.cluster_name, nodes: health.number_of_nodes }).toEqual({ cluster: c.cluster, nodes: 1 });
      const nodes = (await req(c.cluster, "GET", "/_nodes/settings,jvm?filter_path=nodes.*.name,nodes.*.version,nodes.*.settings.discovery,nodes.*.jvm.mem.heap_max_in_bytes")).body.nodes;
      expect(Object.values(nodes)).toEqual([{
        name: c.cluster, version, settings: { discovery: { type: "single-node" } }, jvm: { mem: { heap_max_in_bytes: 512 * 1024 * 1024 } },
      }]);
      const lic = (await req(c.cluster, "GET", "/_license")).body.license;
      expect({ type: lic.type, status: lic.status }).toEqual({ type: "trial", status: "active" });
    }
  });

  it("the clusters connect to each other as remote clusters over the Docker network (seeds = container names)", async () => {
    const endpoints = dockerEndpoints(spec);
    for (const c of spec.containers) {
      // The seed is a name only the Docker network's DNS knows: the host cannot resolve it.
      await expect(dns.lookup(c.name)).rejects.toThrow();
    }
    const t = Date.now();
    // Every replica may lead one day, so every cluster gets every other one as a remote cluster.
    for (const c of spec.containers) {
      const remotes = Object.fromEntries(spec.containers.filter((o) => o !== c).map((o) => [o.cluster, { seeds: endpoints[o.cluster].seeds }]));
      const r = await req(c.cluster, "PUT", "/_cluster/settings", { persistent: { cluster: { remote: remotes } } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    for (const c of spec.containers) {
      for (const o of spec.containers.filter((x) => x !== c)) {
        const info = await until(`${c.cluster} connected to ${o.cluster}`, async () => {
          const i = (await req(c.cluster, "GET", "/_remote/info")).body[o.cluster];
          return i?.connected ? i : undefined;
        });
        expect({ seeds: info.seeds, nodes: info.num_nodes_connected, mode: info.mode }).toEqual({ seeds: [`${o.name}:9300`], nodes: 1, mode: "sniff" });
      }
    }
    timings.remoteConnectMs = Date.now() - t;
  });

  it("the replica follows the primary through the _ccr layer: existing indexes, new writes, auto-followed new indexes", async () => {
    const t = Date.now();
    const docs = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: `d${from + i}`, title: `issue ${from + i}`, n: from + i }));
    const bulk = async (index: string, ds: Array<{ id: string }>) => {
      const body = ds.flatMap(({ id, ...d }) => [{ index: { _index: index, _id: id } }, d]).map((l) => JSON.stringify(l)).join("\n") + "\n";
      const r = await esRequest(cluster("primary").url, "POST", "/_bulk?refresh=true", body, { auth: cluster("primary").auth, ndjson: true });
      expect(r.status).toBe(200);
      expect(r.body.errors).toBe(false);
    };
    const contents = async (n: string, index: string) => {
      const r = await req(n, "GET", `/${index}/_search?size=100&sort=n&filter_path=hits.hits._id,hits.hits._source`);
      return (r.body.hits?.hits ?? []).map((h: any) => ({ id: h._id, ...h._source }));
    };
    const caughtUp = (index: string) => until(`replica's ${index} caught up`, async () => {
      const [a, b] = [await contents("primary", index), await contents("replica", index)];
      return a.length > 0 && JSON.stringify(a) === JSON.stringify(b) ? b : undefined;
    });

    // An index that exists before replication is set up (auto-follow never picks those up: it is followed).
    await bulk("issues", docs(0, 20));
    const follow = await req("replica", "PUT", "/issues/_ccr/follow?wait_for_active_shards=1", { remote_cluster: "primary", leader_index: "issues" });
    expect(follow.status, JSON.stringify(follow.body)).toBe(200);
    expect(follow.body).toMatchObject({ follow_index_created: true, index_following_started: true });
    expect(await caughtUp("issues")).toHaveLength(20);
    await bulk("issues", docs(20, 10));
    expect(await caughtUp("issues")).toHaveLength(30);
    const info = (await req("replica", "GET", "/issues/_ccr/info")).body.follower_indices[0];
    expect({ remote: info.remote_cluster, leader: info.leader_index, status: info.status }).toEqual({ remote: "primary", leader: "issues", status: "active" });

    // New leader indexes matching the topology's patterns are auto-followed.
    const pattern = await req("replica", "PUT", "/_ccr/auto_follow/topology", { remote_cluster: "primary", leader_index_patterns: decl.indexPatterns, follow_index_pattern: "{{leader_index}}" });
    expect(pattern.status, JSON.stringify(pattern.body)).toBe(200);
    await bulk("issues-2026", docs(100, 5));
    expect(await caughtUp("issues-2026")).toHaveLength(5);
    const stats = (await req("replica", "GET", "/_ccr/stats")).body.auto_follow_stats;
    expect(stats.number_of_successful_follow_indices).toBeGreaterThanOrEqual(1);

    // A follower refuses user writes, as Elasticsearch's following engine does.
    const write = await req("replica", "PUT", "/issues/_doc/x", { title: "not here" });
    expect(write.status).toBe(403);
    timings.replicateMs = Date.now() - t;
  });
});
