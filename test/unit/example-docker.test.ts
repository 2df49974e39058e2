/**
 * Example (b), examples/docker: its preview with Pulumi's mocks (the Docker provider plugin cannot be obtained here, so
 * the real engine cannot preview `@pulumi/docker` resources; test/docker/ proves the same declarations against a real
 * Docker Engine where one exists). Runs the example's own program and checks what the engine would receive: one
 * network, one image, per replica a container and a retained volume, and per follower replica a remote link to the
 * leader and an auto-follow pattern that wait for the containers, with the password only inside secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { dockerReplicas } from "../../examples/docker/program";
import { isMarkedSecret, recordMockRegistrations, withImageId, type Registration } from "../support/mock-registrations";

const PASSWORD = "example-b-password-not-in-plaintext";
const regs: Registration[] = [];
let outputs: { endpoints: Record<string, { urls: string[]; seeds: string[] }> };

describe("example b (Docker, one single-node cluster per replica): preview with mocks", () => {
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
  const urn = (name: string) => regs.find((r) => r.name === name)?.urn;

  it("declares one network, one image, and per replica a container and a data volume kept on destroy", () => {
    expect(of("docker:index/network:Network").map((r) => r.object.name)).toEqual(["ghes-ccr"]);
    expect(of("docker:index/remoteImage:RemoteImage").map((r) => r.object.name)).toEqual(["elasticsearch:8.19.21"]);
    expect(of("docker:index/volume:Volume").map((r) => [r.object.name, r.retainOnDelete])).toEqual([
      ["ghes-primary-data", true], ["ghes-replica-1-data", true], ["ghes-replica-2-data", true],
    ]);
    const containers = of("docker:index/container:Container");
    expect(containers.map((c) => [c.object.name, c.object.ports[0].external])).toEqual([["ghes-primary", 9200], ["ghes-replica-1", 9201], ["ghes-replica-2", 9202]]);
    for (const c of containers) {
      expect(isMarkedSecret(c.object.envs)).toBe(true);
      expect(c.object.envs.value).toContain("discovery.type=single-node");
      expect(c.object.envs.value).toContain(`ELASTIC_PASSWORD=${PASSWORD}`);
    }
  });

  it("links each replica to the leader (remote alias, seeds on the Docker network) after both containers exist", () => {
    const remotes = of("pulumi-nodejs:dynamic/elasticsearch-ccr:RemoteCluster");
    expect(remotes.map((r) => [r.name, r.object.alias, r.object.seeds])).toEqual([
      ["replica-1-to-primary", "primary", ["ghes-primary:9300"]],
      ["replica-2-to-primary", "primary", ["ghes-primary:9300"]],
    ]);
    const patterns = of("pulumi-nodejs:dynamic/elasticsearch-ccr:AutoFollowPattern");
    expect(patterns.map((p) => [p.name, p.object.leaderIndexPatterns])).toEqual([
      ["replica-1-app-indexes", ["issues", "pull-requests", "wikis-*"]],
      ["replica-2-app-indexes", ["issues", "pull-requests", "wikis-*"]],
    ]);
    for (const [i, r] of remotes.entries()) {
      const replica = `replica-${i + 1}`;
      expect(r.dependencies).toEqual(expect.arrayContaining([urn(`ghes-${replica}`), urn("ghes-primary")]));
      expect(isMarkedSecret(r.object.connection)).toBe(true);
      expect(r.object.connection.value).toMatchObject({ urls: [`http://127.0.0.1:920${i + 1}`], username: "elastic" });
    }
    const text = JSON.stringify(regs.filter((r) => r.type.startsWith("pulumi-nodejs:")).map((r) => ({ ...r.object, connection: undefined, __provider: undefined })));
    expect(text).not.toContain(PASSWORD);
  });

  it("outputs each cluster's published URL and seeds", () => {
    expect(outputs.endpoints).toEqual({
      primary: { urls: ["http://127.0.0.1:9200"], seeds: ["ghes-primary:9300"] },
      "replica-1": { urls: ["http://127.0.0.1:9201"], seeds: ["ghes-replica-1:9300"] },
      "replica-2": { urls: ["http://127.0.0.1:9202"], seeds: ["ghes-replica-2:9300"] },
    });
  });
});
