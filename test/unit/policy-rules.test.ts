/**
 * The example policy pack's rules (examples/policy-pack/rules.ts) as pure functions; test/examples/policy-pack.test.ts
 * runs the pack itself against a real `pulumi preview`.
 */
import { describe, expect, it } from "vitest";
import {
  AUTO_FOLLOW_PATTERN, DOCKER_CONTAINER, FOLLOWER_INDEX, topologyContainers, uncheckedVersion, versionProblems, wildcardProblem,
} from "../../examples/policy-pack/rules";

describe("rule 1: no wildcard auto-follow", () => {
  it("accepts application patterns and a {{leader_index}} template", () => {
    expect(wildcardProblem({ name: "p", leaderIndexPatterns: ["issues", "wikis-*"], followIndexPattern: "{{leader_index}}-copy" })).toBeUndefined();
    expect(wildcardProblem({ name: "p", leaderIndexPatterns: ["logs-*"] })).toBeUndefined();
  });
  it("refuses a bare * leader pattern and a * in the name template, naming both", () => {
    expect(wildcardProblem({ name: "p", leaderIndexPatterns: ["issues", "*"] })).toMatch(/^auto-follow pattern p: leaderIndexPatterns has "\*"/);
    const both = wildcardProblem({ name: "p", leaderIndexPatterns: ["*"], followIndexPattern: "{{leader_index}}-*" })!;
    expect(both).toContain('leaderIndexPatterns has "*"');
    expect(both).toContain('followIndexPattern "{{leader_index}}-*" contains "*"');
  });
});

const container = (topology: string, cluster: string, image: string) => ({
  type: DOCKER_CONTAINER,
  props: { image, labels: [{ label: "es-ccr.topology", value: topology }, { label: "es-ccr.cluster", value: cluster }] },
});

describe("rule 2: follower version at least the leader's", () => {
  const resources = [
    container("ghes", "primary", "elasticsearch:9.5.4"),
    container("ghes", "replica-1", "elasticsearch:9.5.4"),
    container("ghes", "replica-2", "elasticsearch:9.4.3"),
    { type: "docker:index/network:Network", props: { name: "ghes-ccr" } },
  ];

  it("reads topology, cluster and version from the Docker backend's containers", () => {
    expect(topologyContainers(resources)).toEqual([
      { topology: "ghes", cluster: "primary", version: "9.5.4" },
      { topology: "ghes", cluster: "replica-1", version: "9.5.4" },
      { topology: "ghes", cluster: "replica-2", version: "9.4.3" },
    ]);
  });

  it("with the leader configured: only followers older than the leader are refused (followers upgrade first)", () => {
    expect(versionProblems(topologyContainers(resources), { ghes: "replica-2" })).toEqual([]);
    const p = versionProblems(topologyContainers(resources), { ghes: "primary" });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^topology ghes: primary → replica-2: leader cluster 9\.5\.4, follower cluster 9\.4\.3: .*upgrade the follower cluster first/);
    expect(versionProblems(topologyContainers(resources), { ghes: "nope" })).toEqual(["topology ghes: the configured leader nope is not among its clusters (primary, replica-1, replica-2)"]);
  });

  it("without it any cluster may lead after a failover, so every ordered pair must be allowed", () => {
    const p = versionProblems(topologyContainers(resources), {});
    expect(p.map((x) => x.split(":")[1].trim())).toEqual(["primary → replica-2", "replica-1 → replica-2"]);
    expect(versionProblems(topologyContainers([container("t", "a", "elasticsearch:9.5.4"), container("t", "b", "elasticsearch:9.5.4")]), {})).toEqual([]);
  });

  it("advises leaderConnection where the program has no versions (the provider checks the rule at up with it)", () => {
    expect(uncheckedVersion(FOLLOWER_INDEX, { name: "f" })).toMatch(/^follower index f: no leaderConnection/);
    expect(uncheckedVersion(AUTO_FOLLOW_PATTERN, { name: "p", leaderConnection: { urls: ["x"] } })).toBeUndefined();
    expect(uncheckedVersion(DOCKER_CONTAINER, { name: "c" })).toBeUndefined();
  });
});
