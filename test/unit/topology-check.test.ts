import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findLoops, topologyLinks } from "../../provider/components/topology/plan";
import type { TopologyDeclaration } from "../../provider/components/topology/types";
import { UNKNOWN } from "../../provider/core/unknown";
import { checkTopology } from "../../provider/components/topology/check";

const existing = (name: string, extra: Record<string, unknown> = {}) => ({
  name, connection: { urls: [`https://${name}.example:9200`], apiKey: "secret" }, seeds: [`${name}.example:9300`], ...extra,
});
const valid = {
  clusters: [existing("primary"), existing("replica-1"), existing("replica-2")],
  leader: "primary",
  indexPatterns: ["issues", "wikis-*"],
};
const docker = {
  backend: "docker",
  clusters: [{ name: "primary" }, { name: "replica-1" }],
  leader: "primary",
  indexPatterns: ["issues"],
  docker: { version: "9.5.4" },
};
const with_ = (base: object, patch: Record<string, unknown>) => ({ ...base, ...patch });

describe("topology check", () => {
  it.each([
    ["existing clusters", valid],
    ["docker clusters", docker],
    ["a chain", with_(valid, { clusters: [existing("primary"), existing("replica-1"), existing("replica-2", { follows: "replica-1" })] })],
    ["an extra renamed link", with_(valid, { extraLinks: [{ from: "primary", to: "replica-2", indexPatterns: ["audit"], followIndexPattern: "audit-copy" }] })],
    ["a failback declaration", with_(valid, { failback: { discard: [{ cluster: "replica-1", index: "issues", docs: 12 }] } })],
    ["no credentials (a local cluster without security)", with_(valid, { clusters: [existing("primary", { connection: { urls: ["http://127.0.0.1:9200"] } }), existing("replica-1")] })],
  ])("accepts %s", (_, inputs) => {
    expect(checkTopology(inputs)).toEqual([]);
  });

  it.each([
    ["clusters", with_(valid, { clusters: [existing("primary")] }), /at least two clusters/],
    ["clusters[1].name", with_(valid, { clusters: [existing("primary"), existing("primary")] }), /"primary" is used twice; cluster names must be unique/],
    ["clusters[1].name", with_(valid, { clusters: [existing("primary"), existing("re.plica")] }), /may only contain letters, digits/],
    ["clusters[0].name", with_(valid, { clusters: [{ ...existing("x"), name: "" }, existing("primary")] }), /is required/],
    ["leader", with_(valid, { leader: "nope" }), /leader "nope" is not one of the clusters \(primary, replica-1, replica-2\)/],
    ["leader", with_(valid, { leader: undefined }), /leader is required/],
    ["indexPatterns", with_(valid, { indexPatterns: [] }), /must not be empty/],
    ["indexPatterns", with_(valid, { indexPatterns: undefined }), /indexPatterns is required/],
    ["indexPatterns[1]", with_(valid, { indexPatterns: ["issues", ""] }), /must be a non-empty index name/],
    ["followIndexPattern", with_(valid, { followIndexPattern: "*" }), /must be "\{\{leader_index\}\}" \(the default\) in a topology/],
    ["followIndexPattern", with_(valid, { followIndexPattern: "{{leader_index}}-copy" }), /same names so any of them can take over/],
    ["extraLinks[0].followIndexPattern", with_(valid, { extraLinks: [{ from: "primary", to: "replica-1", indexPatterns: ["a-*"], followIndexPattern: "copy-*" }] }), /must not contain '\*'/],
    ["extraLinks[0].followIndexPattern", with_(valid, { extraLinks: [{ from: "primary", to: "replica-1", indexPatterns: ["a-*"], followIndexPattern: "copy" }] }), /must contain \{\{leader_index\}\}/],
    ["extraLinks[0].to", with_(valid, { extraLinks: [{ from: "primary", to: "elsewhere", indexPatterns: ["a"] }] }), /"elsewhere" is not one of the clusters/],
    ["backend", with_(valid, { backend: "k8s" }), /one of "existing", "docker"/],
    ["clusters[1].connection", with_(valid, { clusters: [existing("primary"), { name: "replica-1", seeds: ["h:9300"] }] }), /connection is required for backend "existing"/],
    ["clusters[1].connection.urls", with_(valid, { clusters: [existing("primary"), existing("replica-1", { connection: { apiKey: "k" } })] }), /urls is required/],
    ["clusters[1].connection.urls[0]", with_(valid, { clusters: [existing("primary"), existing("replica-1", { connection: { urls: ["https://u:p@h:9200"] } })] }), /must not contain credentials/],
    ["clusters[1].seeds", with_(valid, { clusters: [existing("primary"), existing("replica-1", { seeds: undefined })] }), /seeds is required.*any cluster may become the leader/],
    ["clusters[1].seeds[0]", with_(valid, { clusters: [existing("primary"), existing("replica-1", { seeds: ["h"] })] }), /must be host:port of the transport layer/],
    ["clusters[1].follows", with_(valid, { clusters: [existing("primary"), existing("replica-1", { follows: "ghost" })] }), /must name another cluster/],
    ["clusters[1].follows", with_(valid, { clusters: [existing("primary"), existing("replica-1", { follows: "replica-1" })] }), /cannot follow itself \(replica-1 → replica-1\)/],
    ["clusters[0].connection", with_(docker, { clusters: [{ name: "primary", connection: { urls: ["http://x:9200"] } }, { name: "replica-1" }] }), /derived from the docker backend/],
    ["docker.version", with_(docker, { docker: {} }), /docker.version is required/],
    ["docker.version", with_(docker, { docker: { version: "latest" } }), /must be major.minor.patch/],
    ["docker.heap", with_(docker, { docker: { version: "9.5.4", heap: "lots" } }), /JVM size such as "512m"/],
    ["docker.httpPortBase", with_(docker, { docker: { version: "9.5.4", httpPortBase: 0 } }), /whole number between 1 and 65535/],
    ["docker.httpPortBase", with_(docker, { docker: { version: "9.5.4", httpPortBase: 65535 } }), /leaves no port for all 2 clusters/],
    ["docker.license", with_(docker, { docker: { version: "9.5.4", license: "basic" } }), /has no CCR; use "trial"/],
    ["docker.env.ELASTIC_PASSWORD", with_(docker, { docker: { version: "9.5.4", env: { ELASTIC_PASSWORD: "x" } } }), /secret password input/],
    ["docker", with_(valid, { docker: { version: "9.5.4" } }), /only applies to backend "docker"/],
    ["failback.discard[0].cluster", with_(valid, { failback: { discard: [{ cluster: "primary", index: "issues" }] } }), /is the leader: the leader's indexes are never discarded/],
    ["failback.discard[0].index", with_(valid, { failback: { discard: [{ cluster: "replica-1", index: "Issues" }] } }), /must be lower case/],
    ["failback.discard[0].docs", with_(valid, { failback: { discard: [{ cluster: "replica-1", index: "issues", docs: -1 }] } }), /whole number of documents/],
  ])("reports %s", (property, inputs, reason) => {
    expect(checkTopology(inputs)).toContainEqual({ property, reason: expect.stringMatching(reason) });
  });

  it("rejects a loop through follows, showing it", () => {
    const loop = with_(valid, { clusters: [existing("primary"), existing("a", { follows: "b" }), existing("b", { follows: "a" })] });
    expect(checkTopology(loop)).toEqual([{
      property: "clusters[1].follows",
      reason: expect.stringMatching(/^replication loop a → b → a: clusters would follow each other's indexes \(multi-leader\)/),
    }]);
  });

  it("reports a loop alongside unrelated failures, and while a credential is still unknown", () => {
    const loop = [existing("primary"), existing("a", { follows: "b", seeds: undefined }), existing("b", { follows: "a", connection: { urls: ["https://b:9200"], apiKey: UNKNOWN } })];
    const reasons = checkTopology(with_(valid, { clusters: loop })).map((x) => `${x.property}: ${x.reason}`);
    expect(reasons).toContainEqual(expect.stringMatching(/^clusters\[1\]\.seeds: /));
    expect(reasons).toContainEqual(expect.stringMatching(/^clusters\[1\]\.follows: replication loop a → b → a/));
    // ... but not while the graph itself has an unknown.
    const unknownFollows = [existing("primary"), existing("a", { follows: UNKNOWN }), existing("b", { follows: "a" })];
    expect(checkTopology(with_(valid, { clusters: unknownFollows }))).toEqual([]);
  });

  it("rejects a leader that follows a replica: the loop shows it", () => {
    const loop = with_(valid, { clusters: [existing("primary", { follows: "replica-2" }), existing("replica-1"), existing("replica-2")] });
    expect(checkTopology(loop)).toEqual([{ property: "clusters[0].follows", reason: expect.stringMatching(/^replication loop primary → replica-2 → primary/) }]);
  });

  it("rejects a loop through a chain and an extra link", () => {
    const loop = with_(valid, {
      clusters: [existing("primary"), existing("replica-1"), existing("replica-2", { follows: "replica-1" })],
      extraLinks: [{ from: "replica-2", to: "primary", indexPatterns: ["x"] }],
    });
    expect(checkTopology(loop).map((f) => f.reason)).toContainEqual(expect.stringMatching(/replication loop primary → replica-1 → replica-2 → primary/));
  });

  it("rejects two links writing the same follower names", () => {
    const twice = with_(valid, { extraLinks: [{ from: "replica-2", to: "replica-1", indexPatterns: ["wikis-2026*"] }] });
    expect(checkTopology(twice)).toEqual([{
      property: "extraLinks",
      reason: expect.stringMatching(/^links primary → replica-1 \(issues, wikis-\*\) and replica-2 → replica-1 \(wikis-2026\*\) both write follower indexes on "replica-1", e\.g\. "wikis-2026x"/),
    }]);
  });

  it("property: for any follows graph, a failure names a loop exactly when the links have one, and shows it", () => {
    const names = ["primary", "r1", "r2", "r3"];
    const follows = fc.array(fc.option(fc.constantFrom(...names), { nil: undefined }), { minLength: 4, maxLength: 4 });
    fc.assert(fc.property(follows, (f) => {
      if (f.some((x, i) => x === names[i])) return; // self-follow has its own failure
      const decl = with_(valid, { clusters: names.map((n, i) => existing(n, f[i] ? { follows: f[i] } : {})) }) as unknown as TopologyDeclaration;
      const loops = findLoops(topologyLinks(decl));
      const reported = checkTopology(decl).filter((x) => x.reason.startsWith("replication loop "));
      expect(reported.length).toBe(loops.length);
      for (const r of reported) {
        const shown = /^replication loop ([^:]+):/.exec(r.reason)![1].split(" → ");
        expect(shown[0]).toBe(shown.at(-1));
        for (let i = 0; i + 1 < shown.length; i++) {
          const to = decl.clusters.find((c) => c.name === shown[i + 1])!;
          expect(to.follows ?? decl.leader).toBe(shown[i]);
        }
      }
    }));
  });

  it("checks declared versions along the links (follower ≥ leader, including the patch)", () => {
    const v = with_(docker, { clusters: [{ name: "primary", version: "9.4.3" }, { name: "replica-1", version: "9.4.1" }] });
    expect(checkTopology(v)).toEqual([{
      property: "clusters[1].version",
      reason: expect.stringMatching(/^"replica-1" \(9\.4\.1\) cannot follow "primary" \(9\.4\.3\): .*including the patch level.*; upgrade "replica-1" first/),
    }]);
    expect(checkTopology(with_(docker, { clusters: [{ name: "primary", version: "9.4.3" }, { name: "replica-1", version: "9.4.4" }] }))).toEqual([]);
  });

  it("tolerates unknowns during preview", () => {
    expect(checkTopology(with_(valid, { leader: UNKNOWN }))).toEqual([]);
    expect(checkTopology(with_(valid, { clusters: UNKNOWN }))).toEqual([]);
    expect(checkTopology(with_(valid, { clusters: [existing("primary", { connection: UNKNOWN }), existing("replica-1", { seeds: UNKNOWN })] }))).toEqual([]);
    expect(checkTopology(with_(docker, { docker: UNKNOWN }))).toEqual([]);
    // A cluster name not known yet: membership checks (leader, follows, links, failback) wait for it.
    const later = [existing("primary"), existing("replica-1", { name: UNKNOWN })];
    expect(checkTopology(with_(valid, { clusters: later, leader: "replica-1" }))).toEqual([]);
    expect(checkTopology(with_(valid, { clusters: [existing("primary"), UNKNOWN], failback: { discard: [{ cluster: "replica-1", index: "x" }] } }))).toEqual([]);
    expect(checkTopology(with_(valid, { clusters: [existing("primary", { follows: "replica-1" }), existing("replica-1", { name: UNKNOWN })] }))).toEqual([]);
    expect(checkTopology(with_(valid, { clusters: later, extraLinks: [{ from: "primary", to: "replica-1", indexPatterns: ["a"] }] }))).toEqual([]);
  });

  it("never echoes credentials in a failure", () => {
    const failures = checkTopology(with_(valid, {
      leader: "nope",
      clusters: [existing("primary", { connection: { urls: ["https://elastic:hunter2@h:9200"], apiKey: "k-3cr3t" } }), existing("replica-1")],
    }));
    expect(failures.length).toBeGreaterThan(0);
    expect(JSON.stringify(failures)).not.toMatch(/hunter2|k-3cr3t/);
  });
});
