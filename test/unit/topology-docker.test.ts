import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { isMarkedSecret, recordMockRegistrations, withImageId, type Registration } from "../support/mock-registrations";
import { checkTopology } from "../../provider/components/topology/check";
import {
  declareDockerTopology, dockerEndpoints, dockerTopologySpec, engineCreateRequest, officialImage, type DockerTopologySpec,
} from "../../provider/components/topology/docker";
import type { TopologyDeclaration } from "../../provider/components/topology/types";

const decl: TopologyDeclaration = {
  backend: "docker",
  clusters: [{ name: "primary" }, { name: "replica-1" }, { name: "replica-2" }],
  leader: "primary",
  indexPatterns: ["issues"],
  docker: { version: "9.5.4", heap: "1g", httpPortBase: 19200 },
};

describe("docker backend spec (pure)", () => {
  const spec = dockerTopologySpec("ghes", decl);

  it("is computed from a declaration that passes check", () => {
    expect(checkTopology(decl)).toEqual([]);
  });

  it("one single-node container per replica, on one network, with a data volume and a published HTTP port", () => {
    expect(spec.network).toEqual({ name: "ghes-ccr", driver: "bridge", labels: { "es-ccr.topology": "ghes" } });
    expect(spec.containers.map((c) => c.name)).toEqual(["ghes-primary", "ghes-replica-1", "ghes-replica-2"]);
    expect(spec.containers[1]).toEqual({
      cluster: "replica-1",
      name: "ghes-replica-1",
      image: "elasticsearch:9.5.4",
      version: "9.5.4",
      env: [
        "cluster.name=replica-1",
        "node.name=replica-1",
        "discovery.type=single-node",
        "network.host=0.0.0.0",
        "http.port=9200",
        "transport.port=9300",
        "ES_JAVA_OPTS=-Xms1g -Xmx1g",
        "xpack.security.enabled=true",
        "xpack.security.http.ssl.enabled=false",
        "xpack.security.transport.ssl.enabled=false",
        "xpack.license.self_generated.type=trial",
      ],
      ports: [{ internal: 9200, external: 19201, ip: "127.0.0.1", protocol: "tcp" }],
      network: { name: "ghes-ccr", aliases: ["ghes-replica-1"] },
      volumes: [{ volumeName: "ghes-replica-1-data", containerPath: "/usr/share/elasticsearch/data" }],
      labels: { "es-ccr.topology": "ghes", "es-ccr.cluster": "replica-1" },
      seeds: ["ghes-replica-1:9300"],
      url: "http://127.0.0.1:19201",
    });
    expect(spec.volumes.map((v) => v.name)).toEqual(["ghes-primary-data", "ghes-replica-1-data", "ghes-replica-2-data"]);
    expect(spec.pull).toEqual(["elasticsearch:9.5.4"]);
  });

  it("the provider reaches each replica on its published port; the others use its container name as seed", () => {
    expect(dockerEndpoints(spec)).toEqual({
      primary: { urls: ["http://127.0.0.1:19200"], username: "elastic", seeds: ["ghes-primary:9300"] },
      "replica-1": { urls: ["http://127.0.0.1:19201"], username: "elastic", seeds: ["ghes-replica-1:9300"] },
      "replica-2": { urls: ["http://127.0.0.1:19202"], username: "elastic", seeds: ["ghes-replica-2:9300"] },
    });
  });

  it("never puts the password in the spec", () => {
    expect(JSON.stringify(spec)).not.toMatch(/ELASTIC_PASSWORD/);
  });

  it("defaults: Elastic's official image for the version, 512m heap, ports from 9200, a network named after the topology", () => {
    const d = dockerTopologySpec("t", { clusters: [{ name: "a" }, { name: "b", version: "9.5.5" }], docker: { version: "9.5.4" } });
    expect(d.containers.map((c) => c.image)).toEqual([officialImage("9.5.4"), officialImage("9.5.5")]);
    expect(officialImage("8.19.21")).toBe("elasticsearch:8.19.21");
    expect(d.containers[0].env).toContain("ES_JAVA_OPTS=-Xms512m -Xmx512m");
    expect(d.containers.map((c) => c.ports[0].external)).toEqual([9200, 9201]);
    expect(d.network.name).toBe("t-ccr");
    expect(d.pull).toEqual(["elasticsearch:9.5.4", "elasticsearch:9.5.5"]);
  });

  it("image, network and environment are overridable; null drops a default; pullImage false pulls nothing", () => {
    const d = dockerTopologySpec("t", {
      clusters: [{ name: "a" }],
      docker: {
        version: "9.5.4", image: "local/es-integ:9.5.4", networkName: "lab", bindAddress: "127.0.0.2", pullImage: false,
        env: { "xpack.security.enabled": null, "xpack.license.self_generated.type": null, "xpack.security.http.ssl.enabled": null, "xpack.security.transport.ssl.enabled": null, "path.repo": "/snapshots" },
      },
    });
    const [c] = d.containers;
    expect(c.image).toBe("local/es-integ:9.5.4");
    expect(c.network.name).toBe("lab");
    expect(c.url).toBe("http://127.0.0.2:9200");
    expect(c.env.filter((e) => e.startsWith("xpack."))).toEqual([]);
    expect(c.env).toContain("path.repo=/snapshots");
    expect(d.pull).toEqual([]);
  });

  it("property: any checked declaration gives distinct containers, ports and volumes, seeds on the shared network", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
    fc.assert(fc.property(fc.uniqueArray(name, { minLength: 2, maxLength: 6 }), fc.integer({ min: 1024, max: 60000 }), (names, base) => {
      const d: TopologyDeclaration = { backend: "docker", clusters: names.map((n) => ({ name: n })), leader: names[0], indexPatterns: ["x"], docker: { version: "9.5.4", httpPortBase: base } };
      expect(checkTopology(d)).toEqual([]);
      const s = dockerTopologySpec("t", d);
      const distinct = <T>(xs: T[]) => expect(new Set(xs).size).toBe(xs.length);
      distinct(s.containers.map((c) => c.name));
      distinct(s.containers.map((c) => c.ports[0].external));
      distinct(s.volumes.map((v) => v.name));
      for (const c of s.containers) {
        expect(c.network.name).toBe(s.network.name);
        // The seed the others use is this container's alias on the shared network.
        expect(c.network.aliases).toContain(c.seeds[0].split(":")[0]);
        expect(c.env).toContain("discovery.type=single-node");
        expect(c.env).toContain(`cluster.name=${c.cluster}`);
      }
    }));
  });

  it("gives the Docker Engine API the same container (the real-engine test starts exactly this)", () => {
    const c = spec.containers[0];
    expect(engineCreateRequest(c, "pw")).toEqual({
      name: "ghes-primary",
      body: {
        Image: "elasticsearch:9.5.4",
        Hostname: "ghes-primary",
        Env: [...c.env, "ELASTIC_PASSWORD=pw"],
        Labels: { "es-ccr.topology": "ghes", "es-ccr.cluster": "primary" },
        ExposedPorts: { "9200/tcp": {}, "9300/tcp": {} },
        HostConfig: {
          PortBindings: { "9200/tcp": [{ HostIp: "127.0.0.1", HostPort: "19200" }] },
          Mounts: [{ Type: "volume", Source: "ghes-primary-data", Target: "/usr/share/elasticsearch/data" }],
          RestartPolicy: { Name: "unless-stopped" },
        },
        StopTimeout: 60,
        NetworkingConfig: { EndpointsConfig: { "ghes-ccr": { Aliases: ["ghes-primary"] } } },
      },
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The @pulumi/docker declarations, through Pulumi's mocks. The mock monitor is wrapped to record what the engine
// would receive for each resource: type, name, parent, inputs (secrets still marked) and dependencies.

describe("docker backend resources (Pulumi mocks)", () => {
  const regs: Registration[] = [];
  let spec: DockerTopologySpec;

  beforeAll(async () => {
    spec = dockerTopologySpec("ghes", decl);
    regs.push(...await recordMockRegistrations(() => {
      const parent = new pulumi.ComponentResource("es-ccr:topology:Test", "ghes");
      // A plain password on purpose: the declaration itself must keep it secret.
      const made = declareDockerTopology("ghes", spec, "s3cr3t-pw", { parent });
      return [made.network, ...Object.values(made.images), ...Object.values(made.volumes), ...Object.values(made.containers)];
    }, { state: withImageId }));
  });

  const byName = (name: string) => {
    const r = regs.find((x) => x.name === name);
    if (!r) throw new Error(`no resource ${name}; have ${regs.map((x) => x.name).join(", ")}`);
    return r;
  };

  it("declares one network, one image, and a volume and a container per replica, all children of the component", () => {
    const mine = regs.filter((r) => r.type.startsWith("docker:"));
    expect(mine.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      "docker:index/container:Container ghes-primary",
      "docker:index/container:Container ghes-replica-1",
      "docker:index/container:Container ghes-replica-2",
      "docker:index/network:Network ghes-network",
      "docker:index/remoteImage:RemoteImage ghes-image",
      "docker:index/volume:Volume ghes-primary-data",
      "docker:index/volume:Volume ghes-replica-1-data",
      "docker:index/volume:Volume ghes-replica-2-data",
    ]);
    const parentUrn = byName("ghes").urn;
    expect(parentUrn).toMatch(/es-ccr:topology:Test::ghes$/);
    for (const r of mine) expect(r.parent, r.name).toBe(parentUrn);
  });

  it("destroy keeps the data volumes (the leader's data is never deleted by Pulumi) but removes containers and network", () => {
    for (const c of ["primary", "replica-1", "replica-2"]) expect(byName(`ghes-${c}-data`).retainOnDelete, c).toBe(true);
    expect(byName("ghes-primary").retainOnDelete).not.toBe(true);
    expect(byName("ghes-network").retainOnDelete).not.toBe(true);
  });

  it("network, volumes and image carry the spec's names", () => {
    expect(byName("ghes-network").object).toMatchObject({ name: "ghes-ccr", driver: "bridge", labels: [{ label: "es-ccr.topology", value: "ghes" }] });
    expect(byName("ghes-replica-1-data").object).toMatchObject({ name: "ghes-replica-1-data" });
    expect(byName("ghes-image").object).toMatchObject({ name: "elasticsearch:9.5.4", keepLocally: true });
  });

  it("each container gets the spec's image, ports, network alias, volume and environment, the password only as a secret", () => {
    const c = byName("ghes-replica-1").object;
    expect(c).toMatchObject({
      name: "ghes-replica-1",
      hostname: "ghes-replica-1",
      image: "sha256:image-of-elasticsearch:9.5.4",
      ports: [{ internal: 9200, external: 19201, ip: "127.0.0.1", protocol: "tcp" }],
      networksAdvanced: [{ name: "ghes-ccr", aliases: ["ghes-replica-1"] }],
      volumes: [{ volumeName: "ghes-replica-1-data", containerPath: "/usr/share/elasticsearch/data" }],
      restart: "unless-stopped",
      mustRun: true,
      stopTimeout: 60,
    });
    expect(isMarkedSecret(c.envs)).toBe(true);
    const envs = (c.envs as { value: string[] }).value;
    expect(envs).toEqual([...spec.containers[1].env, "ELASTIC_PASSWORD=s3cr3t-pw"]);
    expect(envs).toContain("discovery.type=single-node");
    // Nowhere else in what the engine receives.
    const { envs: _secret, ...rest } = c;
    expect(JSON.stringify(rest)).not.toContain("s3cr3t-pw");
  });

  it("each container depends on the network, its own volume and the image, through the values it takes from them", () => {
    const urn = (n: string) => byName(n).urn!;
    for (const cluster of ["primary", "replica-1", "replica-2"]) {
      const c = byName(`ghes-${cluster}`);
      expect(c.propertyDependencies.networksAdvanced).toEqual([urn("ghes-network")]);
      expect(c.propertyDependencies.volumes).toEqual([urn(`ghes-${cluster}-data`)]);
      expect(c.propertyDependencies.image).toEqual([urn("ghes-image")]);
      expect(new Set(c.dependencies)).toEqual(new Set([urn("ghes-network"), urn(`ghes-${cluster}-data`), urn("ghes-image")]));
    }
  });
});
