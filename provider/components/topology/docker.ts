/**
 * The Docker backend: one single-node Elasticsearch container per replica on a shared Docker network.
 *
 * `dockerTopologySpec` computes the containers, network and volumes as plain data (pure), so the same spec can be
 * handed to the Docker Engine API (`engineCreateRequest`) in a real-engine test; `declareDockerTopology` is the thin
 * layer that turns the spec into `@pulumi/docker` resources.
 */
import type * as dockerTypes from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { PASSWORD_ENV, type DockerBackendInputs, type TopologyDeclaration } from "./types";

export { PASSWORD_ENV };

export const HTTP_PORT = 9200;
export const TRANSPORT_PORT = 9300;
export const DATA_PATH = "/usr/share/elasticsearch/data";
export const DEFAULT_HEAP = "512m";
export const DEFAULT_HTTP_PORT_BASE = 9200;
export const DEFAULT_BIND_ADDRESS = "127.0.0.1";
export const ELASTIC_USER = "elastic";
/**
 * Seconds Docker waits after SIGTERM before SIGKILL. A node flushes and closes its shards on SIGTERM; Docker's default
 * of 10 s can cut that short on a slow disk.
 */
export const STOP_TIMEOUT_SECONDS = 60;

/**
 * Elastic's official image for a version: the Docker Official Image `elasticsearch`, which carries Elastic's own
 * build. Override `docker.image` for Elastic's own repository path, a mirror, or an image built locally.
 */
export function officialImage(version: string): string {
  return `elasticsearch:${version}`;
}

export interface ContainerSpec {
  cluster: string;
  /** Container name, also its hostname and network alias: the other clusters' remote seeds use it. */
  name: string;
  image: string;
  version: string;
  /** KEY=VALUE, without the password (added by whoever holds the secret: PASSWORD_ENV). */
  env: string[];
  ports: Array<{ internal: number; external: number; ip: string; protocol: "tcp" }>;
  network: { name: string; aliases: string[] };
  volumes: Array<{ volumeName: string; containerPath: string }>;
  labels: Record<string, string>;
  /** What the other clusters put in `cluster.remote.<alias>.seeds` (over the Docker network). */
  seeds: string[];
  /** The HTTP endpoint published on the host, for the provider's connection. */
  url: string;
}

export interface DockerTopologySpec {
  network: { name: string; driver: "bridge"; labels: Record<string, string> };
  volumes: Array<{ name: string; labels: Record<string, string> }>;
  containers: ContainerSpec[];
  /** Distinct images to pull (empty when pullImage is false). */
  pull: string[];
}

/**
 * The containers, network and volumes for a topology on the Docker backend. `name` prefixes every Docker object so
 * two topologies (or two stacks) on one engine do not collide. Expects a declaration that passed `checkTopology`.
 */
export function dockerTopologySpec(name: string, decl: Pick<TopologyDeclaration, "clusters" | "docker">): DockerTopologySpec {
  const d: DockerBackendInputs = decl.docker ?? ({} as DockerBackendInputs);
  const heap = d.heap ?? DEFAULT_HEAP;
  const base = d.httpPortBase ?? DEFAULT_HTTP_PORT_BASE;
  const ip = d.bindAddress ?? DEFAULT_BIND_ADDRESS;
  const networkName = d.networkName ?? `${name}-ccr`;
  const labels = (cluster?: string): Record<string, string> => ({ "es-ccr.topology": name, ...(cluster ? { "es-ccr.cluster": cluster } : {}) });
  const containers = decl.clusters.map((c, i): ContainerSpec => {
    const version = c.version ?? d.version;
    const image = d.image ?? officialImage(version);
    const container = `${name}-${c.name}`;
    const env: Record<string, string | null> = {
      "cluster.name": c.name,
      "node.name": c.name,
      // One node per cluster: no discovery, no bootstrap quorum; the clusters meet only as remote clusters over CCR.
      "discovery.type": "single-node",
      "network.host": "0.0.0.0",
      "http.port": String(HTTP_PORT),
      "transport.port": String(TRANSPORT_PORT),
      ES_JAVA_OPTS: `-Xms${heap} -Xmx${heap}`,
      // Development set-up: security on (users, roles, the remote cluster's user checks) but plain HTTP and transport,
      // and the self-generated trial license, because CCR is a platinum feature.
      "xpack.security.enabled": "true",
      "xpack.security.http.ssl.enabled": "false",
      "xpack.security.transport.ssl.enabled": "false",
      "xpack.license.self_generated.type": d.license ?? "trial",
    };
    return {
      cluster: c.name,
      name: container,
      image,
      version,
      env: Object.entries({ ...env, ...(d.env ?? {}) }).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`),
      ports: [{ internal: HTTP_PORT, external: base + i, ip, protocol: "tcp" }],
      network: { name: networkName, aliases: [container] },
      volumes: [{ volumeName: `${container}-data`, containerPath: DATA_PATH }],
      labels: labels(c.name),
      seeds: [`${container}:${TRANSPORT_PORT}`],
      url: `http://${ip}:${base + i}`,
    };
  });
  return {
    network: { name: networkName, driver: "bridge", labels: labels() },
    volumes: containers.map((c) => ({ name: c.volumes[0].volumeName, labels: c.labels })),
    containers,
    pull: d.pullImage === false ? [] : [...new Set(containers.map((c) => c.image))],
  };
}

/**
 * How the provider and the other clusters reach each replica: its published HTTP URL with the `elastic` user (the
 * password is added by whoever holds the secret) and its transport seeds on the Docker network.
 */
export function dockerEndpoints(spec: DockerTopologySpec): Record<string, { urls: string[]; username: string; seeds: string[] }> {
  return Object.fromEntries(spec.containers.map((c) => [c.cluster, { urls: [c.url], username: ELASTIC_USER, seeds: [...c.seeds] }]));
}

/** The Docker Engine API request (`POST /containers/create?name=<name>`) for the same container. */
export function engineCreateRequest(c: ContainerSpec, password: string): { name: string; body: Record<string, unknown> } {
  const exposed: Record<string, object> = { [`${HTTP_PORT}/tcp`]: {}, [`${TRANSPORT_PORT}/tcp`]: {} };
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of c.ports) bindings[`${p.internal}/${p.protocol}`] = [{ HostIp: p.ip, HostPort: String(p.external) }];
  return {
    name: c.name,
    body: {
      Image: c.image,
      Hostname: c.name,
      Env: [...c.env, `${PASSWORD_ENV}=${password}`],
      Labels: c.labels,
      ExposedPorts: exposed,
      HostConfig: {
        PortBindings: bindings,
        Mounts: c.volumes.map((v) => ({ Type: "volume", Source: v.volumeName, Target: v.containerPath })),
        RestartPolicy: { Name: "unless-stopped" },
      },
      StopTimeout: STOP_TIMEOUT_SECONDS,
      NetworkingConfig: { EndpointsConfig: { [c.network.name]: { Aliases: c.network.aliases } } },
    },
  };
}

export interface DockerTopologyResources {
  network: dockerTypes.Network;
  images: Record<string, dockerTypes.RemoteImage>;
  volumes: Record<string, dockerTypes.Volume>;
  containers: Record<string, dockerTypes.Container>;
}

/**
 * Declares the spec as `@pulumi/docker` resources, children of `opts.parent`. The password reaches the containers
 * only inside a secret environment list. Each container depends on the network, its volume and (when pulled) its
 * image through the values it takes from them. Data volumes are retained on delete.
 */
export function declareDockerTopology(
  name: string, spec: DockerTopologySpec, password: pulumi.Input<string>, opts: pulumi.CustomResourceOptions = {},
): DockerTopologyResources {
  // Loaded when a Docker topology is declared: @pulumi/docker is an optional peer dependency, so the library (and an
  // existing-clusters topology) loads without it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const docker = require("@pulumi/docker") as typeof dockerTypes;
  const network = new docker.Network(`${name}-network`, {
    name: spec.network.name,
    driver: spec.network.driver,
    labels: toLabels(spec.network.labels),
  }, opts);
  const images: Record<string, dockerTypes.RemoteImage> = {};
  spec.pull.forEach((ref, i) => {
    images[ref] = new docker.RemoteImage(`${name}-image${spec.pull.length > 1 ? `-${i}` : ""}`, { name: ref, keepLocally: true }, opts);
  });
  const volumes: Record<string, dockerTypes.Volume> = {};
  const containers: Record<string, dockerTypes.Container> = {};
  const secretPassword = pulumi.secret(password);
  for (const c of spec.containers) {
    // retainOnDelete: `pulumi destroy` (or dropping a replica) must not delete a cluster's data, which may be the
    // leader's; the volume stays on the engine until removed by hand (`docker volume rm`).
    const volume = new docker.Volume(`${name}-${c.cluster}-data`, { name: c.volumes[0].volumeName, labels: toLabels(c.labels) }, { ...opts, retainOnDelete: true });
    volumes[c.cluster] = volume;
    containers[c.cluster] = new docker.Container(`${name}-${c.cluster}`, {
      name: c.name,
      hostname: c.name,
      image: images[c.image]?.imageId ?? c.image,
      envs: pulumi.all([secretPassword]).apply(([pw]) => [...c.env, `${PASSWORD_ENV}=${pw}`]),
      ports: c.ports,
      networksAdvanced: [{ name: network.name, aliases: c.network.aliases }],
      volumes: [{ volumeName: volume.name, containerPath: c.volumes[0].containerPath }],
      labels: toLabels(c.labels),
      restart: "unless-stopped",
      mustRun: true,
      stopTimeout: STOP_TIMEOUT_SECONDS,
    }, opts);
  }
  return { network, images, volumes, containers };
}

function toLabels(l: Record<string, string>): Array<{ label: string; value: string }> {
  return Object.entries(l).map(([label, value]) => ({ label, value }));
}
