/**
 * The Topology component's resource graph through Pulumi's mocks (Docker backend, so nothing needs a cluster): which
 * children it declares, and the dependencies that make Pulumi run a leader change in the failover order.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Topology } from "../../provider/components/topology/component";

interface Registration { type: string; name: string; urn?: string; object: Record<string, unknown>; dependencies: string[] }

describe("Topology component (Pulumi mocks, docker backend)", () => {
  const regs: Registration[] = [];
  let topology: Topology;

  beforeAll(async () => {
    await pulumi.runtime.setMocks({
      newResource: (a) => ({ id: `${a.name}-id`, state: { ...a.inputs, ...(a.type === "docker:index/remoteImage:RemoteImage" ? { imageId: "sha256:x" } : {}) } }),
      call: (a) => a.inputs,
    }, "proj", "stack", false);
    const monitor = require("@pulumi/pulumi/runtime/settings").getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, cb: (err: unknown, res: any) => void) => {
      const reg: Registration = { type: req.getType(), name: req.getName(), object: req.getObject()?.toJavaScript() ?? {}, dependencies: req.getDependenciesList() };
      regs.push(reg);
      return register(req, (err: unknown, res: any) => {
        if (res) reg.urn = res.getUrn();
        cb(err, res);
      });
    };
    topology = new Topology("ghes", {
      backend: "docker", docker: { version: "9.5.4" }, dockerPassword: "pw",
      clusters: [{ name: "primary" }, { name: "replica1" }, { name: "replica2" }],
      leader: "replica1", indexPatterns: ["issues*"], unavailable: ["replica2"],
    });
    await new Promise<void>((resolve) => pulumi.all([topology.urn, topology.health, topology.violations]).apply(() => resolve()));
    await new Promise((r) => setTimeout(r, 200));
  }, 60_000);

  const named = (name: string) => regs.find((r) => r.name === name)!;

  it("a remote alias on every cluster for every other cluster, each after the containers", () => {
    const remotes = regs.filter((r) => r.type.endsWith(":RemoteCluster")).map((r) => r.name).sort();
    expect(remotes).toEqual(["ghes-primary-replica1", "ghes-primary-replica2", "ghes-replica1-primary", "ghes-replica1-replica2", "ghes-replica2-primary", "ghes-replica2-replica1"]);
    const containers = regs.filter((r) => r.type === "docker:index/container:Container").map((r) => r.urn);
    expect(containers).toHaveLength(3);
    for (const n of remotes) expect(named(n).dependencies).toEqual(expect.arrayContaining(containers));
    expect(named("ghes-primary-replica1").object).toMatchObject({ alias: "replica1", seeds: ["ghes-replica1:9300"] });
  });

  it("the TopologyLeader after every alias, the leader's links after the TopologyLeader; none into an unavailable cluster", () => {
    const leader = regs.find((r) => r.type === "pulumi-nodejs:dynamic/elasticsearch-ccr:TopologyLeader")!;
    expect(leader.name).toBe("ghes");
    expect(leader.object.leader).toBe("replica1");
    const remoteUrns = regs.filter((r) => r.type.endsWith(":RemoteCluster")).map((r) => r.urn);
    expect(leader.dependencies).toEqual(expect.arrayContaining(remoteUrns));
    const links = regs.filter((r) => r.type.endsWith(":ReplicationLinkFollowers"));
    expect(links.map((l) => l.name)).toEqual(["ghes-replica1-primary"]);
    // The dependency is the ReplicationLink component's; its children register under it, so they start after it
    // (the real CLI's event order is asserted in test/components/topology.cli.test.ts).
    const component = regs.find((r) => r.type === "elasticsearch-ccr:index:ReplicationLink" && r.name === "ghes-replica1-primary")!;
    expect(component.dependencies).toContain(leader.urn);
    expect(links[0].object).toMatchObject({ remoteCluster: "replica1", leaderIndexPatterns: ["issues*"], deletePolicy: "keep" });
    expect(topology.upgradeOrder).toEqual(["primary", "replica2", "replica1"]);
  });

  it("refuses a declared loop or an unknown leader when the program runs", () => {
    expect(() => new Topology("bad", { clusters: [{ name: "a", connection: { urls: ["http://a:9200"] }, seeds: ["a:9300"] }, { name: "b", connection: { urls: ["http://b:9200"] }, seeds: ["b:9300"] }], leader: "c", indexPatterns: ["x"] }))
      .toThrow(/leader "c" is not one of the clusters \(a, b\)/);
  });
});
