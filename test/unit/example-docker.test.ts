/**
 * Example (b), examples/docker: its preview with Pulumi's mocks (the Docker provider plugin cannot be obtained here, so
 * the real engine cannot preview `@pulumi/docker` resources; test/docker/ proves the same declarations against a real
 * Docker Engine). Runs the example's own program — one Topology with the Docker backend, as a user declares it — and
 * checks what the engine would receive: one network, one image, per replica a container and a retained volume; a
 * remote alias on every cluster for every other one, after the containers; the TopologyLeader after the aliases; a
 * ReplicationLink from the leader to each replica after it; the password only inside secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { dockerReplicas, type DockerReplicasOutputs } from "../../examples/docker/program";
import { isMarkedSecret, recordMockRegistrations, withImageId, type Registration } from "../support/mock-registrations";

const PASSWORD = "example-b-password-not-in-plaintext";
const T = "pulumi-nodejs:dynamic/elasticsearch-ccr:";
const CLUSTERS = ["primary", "replica1", "replica2"];
const regs: Registration[] = [];
let outputs: DockerReplicasOutputs;

/** The value with every secret-marked part replaced by a placeholder: what a reader of the plain state would see. */
function withoutSecrets(v: unknown): unknown {
  if (isMarkedSecret(v)) return "[secret]";
  if (Array.isArray(v)) return v.map(withoutSecrets);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutSecrets(x)]));
  return v;
}

describe("example b (Docker, one Topology over one single-node cluster per replica): preview with mocks", () => {
  beforeAll(async () => {
    pulumi.runtime.setAllConfig({ "ccr-docker:elasticPassword": PASSWORD, "ccr-docker:version": "8.19.21" }, ["ccr-docker:elasticPassword"]);
    regs.push(...await recordMockRegistrations(async () => {
      outputs = dockerReplicas();
      // The program returns outputs, not resources: give its registrations time to reach the mock monitor.
      await new Promise((r) => setTimeout(r, 500));
      return [];
    }, { project: "ccr-docker", stack: "dev", preview: true, state: withImageId }));
  });

  const of = (type: string) => regs.filter((r) => r.type === type);
  const urn = (type: string, name: string) => regs.find((r) => r.type === type && r.name === name)?.urn;

  it("declares one network, one image, and per replica a container and a data volume kept on destroy", () => {
    expect(of("elasticsearch-ccr:index:Topology").map((r) => r.name)).toEqual(["ghes"]);
    expect(of("docker:index/network:Network").map((r) => r.object.name)).toEqual(["ghes-ccr"]);
    expect(of("docker:index/remoteImage:RemoteImage").map((r) => r.object.name)).toEqual(["elasticsearch:8.19.21"]);
    expect(of("docker:index/volume:Volume").map((r) => [r.object.name, r.retainOnDelete])).toEqual(CLUSTERS.map((c) => [`ghes-${c}-data`, true]));
    const containers = of("docker:index/container:Container");
    expect(containers.map((c) => [c.object.name, c.object.ports[0].external])).toEqual([["ghes-primary", 9200], ["ghes-replica1", 9201], ["ghes-replica2", 9202]]);
    for (const c of containers) {
      expect(isMarkedSecret(c.object.envs)).toBe(true);
      expect(c.object.envs.value).toContain("discovery.type=single-node");
      expect(c.object.envs.value).toContain(`ELASTIC_PASSWORD=${PASSWORD}`);
    }
  });

  it("gives every cluster a remote alias for every other one (seeds on the Docker network), after all containers", () => {
    const containers = of("docker:index/container:Container").map((c) => c.urn);
    const remotes = of(`${T}RemoteCluster`);
    expect(remotes.map((r) => [r.name, r.object.alias, r.object.seeds]).sort()).toEqual(
      CLUSTERS.flatMap((on) => CLUSTERS.filter((o) => o !== on).map((o) => [`ghes-${on}-${o}`, o, [`ghes-${o}:9300`]])).sort());
    for (const r of remotes) {
      expect(r.dependencies).toEqual(expect.arrayContaining(containers));
      expect(isMarkedSecret(r.object.connection)).toBe(true);
      const on = CLUSTERS.indexOf(r.name.split("-")[1]);
      expect(r.object.connection.value).toMatchObject({ urls: [`http://127.0.0.1:${9200 + on}`], username: "elastic", password: PASSWORD });
    }
  });

  it("links the leader to each replica (existing indexes, then auto-follow) after the TopologyLeader, which comes after every alias", () => {
    const [leader] = of(`${T}TopologyLeader`);
    expect(leader.object).toMatchObject({ leader: "primary", indexPatterns: ["issues", "pull-requests", "wikis-*"] });
    expect(leader.dependencies).toEqual(expect.arrayContaining(of(`${T}RemoteCluster`).map((r) => r.urn)));
    const links = of(`${T}ReplicationLinkFollowers`);
    expect(links.map((l) => [l.name, l.object.remoteCluster, l.object.leaderIndexPatterns])).toEqual([
      ["ghes-primary-replica1", "primary", ["issues", "pull-requests", "wikis-*"]],
      ["ghes-primary-replica2", "primary", ["issues", "pull-requests", "wikis-*"]],
    ]);
    for (const name of ["ghes-primary-replica1", "ghes-primary-replica2"]) {
      expect(regs.find((r) => r.type === "elasticsearch-ccr:index:ReplicationLink" && r.name === name)!.dependencies).toContain(urn(`${T}TopologyLeader`, "ghes"));
    }
    for (const l of links) expect(isMarkedSecret(l.object.connection) && isMarkedSecret(l.object.leaderConnection)).toBe(true);
  });

  it("keeps the password out of every input that is not a secret", () => {
    expect(JSON.stringify(regs.map((r) => withoutSecrets(r.object)))).not.toContain(PASSWORD);
  });

  it("outputs each cluster's published URL and seeds, and the upgrade order", () => {
    expect(outputs.endpoints).toEqual(Object.fromEntries(CLUSTERS.map((c, i) => [c, { urls: [`http://127.0.0.1:${9200 + i}`], seeds: [`ghes-${c}:9300`] }])));
    expect(outputs.upgradeOrder).toEqual(["replica1", "replica2", "primary"]);
  });
});
