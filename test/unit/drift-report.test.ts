/**
 * The drift command's pure parts: the report built from a refresh preview's engine steps (shaped as the engine emits
 * them: test/examples/existing-clusters.test.ts drives the same summariser through the real CLI), its exit code, and
 * argument parsing.
 */
import { describe, expect, it } from "vitest";
import { DriftStep, exitCodeOf, formatDrift, summarizeDrift } from "../../provider/cli/drift-report";
import { DEFAULT_LAG_THRESHOLD, parseDriftArgs } from "../../provider/cli/drift";

const T = "pulumi-nodejs:dynamic/elasticsearch-ccr:";
const urn = (type: string, name: string) => `urn:pulumi:dev::proj::${T}${type}::${name}`;

const follower = (o: Record<string, unknown> = {}) => ({
  name: "issues-copy", remoteCluster: "leader", leaderIndex: "issues", status: "active", lag: 0, fatalErrors: [], maxReadRequestOperationCount: 2048, ...o,
});
const pattern = (o: Record<string, unknown> = {}) => ({ name: "new", remoteCluster: "leader", leaderIndexPatterns: ["logs-*"], followIndexPattern: "{{leader_index}}-copy", active: true, ...o });
const remote = (o: Record<string, unknown> = {}) => ({ alias: "leader", mode: "sniff", seeds: ["10.0.0.1:9300"], skipUnavailable: false, connected: true, ...o });

/** A refresh step's outcome as the engine reports it (resOutputsEvent): same, update, or delete when gone. */
function refresh(type: string, name: string, before: Record<string, unknown>, after: Record<string, unknown> | null, inputs: Record<string, unknown> = {}): DriftStep {
  const op = after === null ? "delete" : JSON.stringify(before) === JSON.stringify(after) ? "same" : "update";
  return { op, urn: urn(type, name), type: T + type, old: { inputs, outputs: before }, new: after ? { inputs, outputs: after } : null };
}

describe("summarizeDrift", () => {
  it("is clean when every refresh finds what the state says and nothing is planned", () => {
    const steps: DriftStep[] = [
      { op: "same", urn: "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev", type: "pulumi:pulumi:Stack", old: { outputs: {} }, new: { outputs: {} } },
      refresh("RemoteCluster", "leader", remote(), remote()),
      refresh("FollowerIndex", "issues", follower(), follower()),
      refresh("AutoFollowPattern", "new", pattern(), pattern()),
    ];
    const r = summarizeDrift(steps, { lagThreshold: 10 });
    expect(r).toEqual({ clean: true, findings: [], lagThreshold: 10 });
    expect(exitCodeOf(r)).toBe(0);
    expect(formatDrift(r, "dev")).toBe("stack dev: no drift (followers, patterns and remotes as declared)\n");
  });

  it("reports each kind of out-of-band change; planned steps (what up would do) are not refresh outcomes", () => {
    const steps: DriftStep[] = [
      refresh("RemoteCluster", "leader", remote(), null),
      refresh("AutoFollowPattern", "new", pattern(), null),
      refresh("FollowerIndex", "issues", follower(), follower({ status: "paused", lag: undefined })),
      refresh("FollowerIndex", "prs", follower({ name: "prs-copy" }), follower({ name: "prs-copy", maxReadRequestOperationCount: 999 })),
      refresh("FollowerIndex", "wikis", follower({ name: "wikis-copy" }), follower({ name: "wikis-copy", status: "failed", fatalErrors: ["shard 0: index_not_found_exception: no such index [wikis]"] })),
      refresh("FollowerIndex", "slow", follower({ name: "slow-copy" }), follower({ name: "slow-copy", lag: 11 })),
      { op: "create", urn: urn("RemoteCluster", "leader"), type: `${T}RemoteCluster`, new: { outputs: remote() } },
      { op: "replace", urn: urn("FollowerIndex", "x"), type: `${T}FollowerIndex`, old: { outputs: follower() }, new: { outputs: follower({ status: "paused" }) } },
    ];
    const r = summarizeDrift(steps, { lagThreshold: 10 });
    expect(r.findings).toEqual([
      { kind: "remote", name: "leader", problem: "missing", detail: "deleted outside Pulumi (in the state, not on the cluster)" },
      { kind: "pattern", name: "new", problem: "missing", detail: "deleted outside Pulumi (in the state, not on the cluster)" },
      { kind: "follower", name: "issues-copy", problem: "paused", detail: "paused outside Pulumi (declared active)" },
      { kind: "follower", name: "prs-copy", problem: "changed", detail: "maxReadRequestOperationCount: 2048 → 999" },
      { kind: "follower", name: "wikis-copy", problem: "failed", detail: "shard 0: index_not_found_exception: no such index [wikis]" },
      { kind: "follower", name: "slow-copy", problem: "lagging", detail: "lag 11 operations (threshold 10)" },
    ]);
    expect(r.clean).toBe(false);
    expect(exitCodeOf(r)).toBe(1);
    expect(formatDrift(r, "dev")).toContain("  follower wikis-copy: failed: shard 0: index_not_found_exception");
  });

  it("lag at the threshold is not lagging; a paused follower declared paused is not drift, resumed is", () => {
    const r = summarizeDrift([
      refresh("FollowerIndex", "a", follower({ name: "a" }), follower({ name: "a", lag: 10 })),
      refresh("FollowerIndex", "b", follower({ name: "b", status: "paused" }), follower({ name: "b", status: "paused" }), { status: "paused" }),
      refresh("FollowerIndex", "c", follower({ name: "c", status: "paused" }), follower({ name: "c", status: "active" }), { status: "paused" }),
    ], { lagThreshold: 10 });
    expect(r.findings).toEqual([{ kind: "follower", name: "c", problem: "changed", detail: "resumed outside Pulumi (declared paused)" }]);
  });

  it("patterns paused or changed, remotes disconnected or re-seeded", () => {
    const r = summarizeDrift([
      refresh("AutoFollowPattern", "p", pattern(), pattern({ active: false, leaderIndexPatterns: ["*"] })),
      refresh("RemoteCluster", "leader", remote(), remote({ connected: false, statusMessage: "no connection", seeds: ["10.0.0.2:9300"] })),
    ], { lagThreshold: 10 });
    expect(r.findings).toEqual([
      { kind: "pattern", name: "new", problem: "paused", detail: "paused outside Pulumi (declared active)" },
      { kind: "pattern", name: "new", problem: "changed", detail: 'leaderIndexPatterns: ["logs-*"] → ["*"]' },
      { kind: "remote", name: "leader", problem: "disconnected", detail: "no connection" },
      { kind: "remote", name: "leader", problem: "changed", detail: 'seeds: ["10.0.0.1:9300"] → ["10.0.0.2:9300"]' },
    ]);
  });

  it("a ReplicationLink: its followers' health, followers found by refresh that the state lacks, its remote and pattern", () => {
    const before = { followers: [{ name: "a", origin: "bootstrap" }], health: { remoteConnected: true, patternActive: true }, followerHealth: [], pending: [] };
    const after = {
      followers: [{ name: "a", origin: "bootstrap" }, { name: "b", origin: "auto" }],
      health: { remoteConnected: false, patternActive: false },
      followerHealth: [
        { name: "a", status: "missing", lag: 0 }, { name: "b", status: "failed", lag: 0, fatalErrors: ["shard 0: x"] },
        { name: "c", status: "paused", lag: 0 }, { name: "d", status: "active", lag: 50 },
      ],
      pending: ["leave wikis-copy: leader deleted"],
    };
    const r = summarizeDrift([refresh("ReplicationLinkFollowers", "link", before, after)], { lagThreshold: 10 });
    expect(r.findings.map((f) => `${f.kind} ${f.name} ${f.problem}`)).toEqual([
      "follower a missing", "follower b failed", "follower c paused", "follower d lagging", "follower b unmanaged",
      "link link disconnected", "link link paused", "link link changed",
    ]);
  });

  it("names the link of a failed or lagging follower (two links may have followers of the same name on their clusters)", () => {
    const h = { remoteConnected: true, patternActive: true };
    const after = { followers: [], health: h, followerHealth: [{ name: "b", status: "failed", lag: 0, fatalErrors: ["shard 0: x"] }, { name: "d", status: "active", lag: 50 }], pending: [] };
    const r = summarizeDrift([refresh("ReplicationLinkFollowers", "app-primary-replica2", { followers: [], health: h, followerHealth: [], pending: [] }, after)], { lagThreshold: 10 });
    expect(r.findings).toEqual([
      { kind: "follower", name: "b", problem: "failed", detail: "shard 0: x (follower of link app-primary-replica2)" },
      { kind: "follower", name: "d", problem: "lagging", detail: "lag 50 operations (threshold 10; follower of link app-primary-replica2)" },
    ]);
  });

  it("a link's pattern deleted out of band is missing, not paused (the link's refresh says so in pending)", () => {
    const before = { followers: [], health: { remoteConnected: true, patternActive: true }, followerHealth: [], pending: [] };
    const restore = "restore pattern app-primary-replica2: deleted out of band; put it back as declared";
    const gone = { ...before, health: { remoteConnected: true, patternActive: false }, pending: [restore] };
    expect(summarizeDrift([refresh("ReplicationLinkFollowers", "app-primary-replica2", before, gone)], { lagThreshold: 10 }).findings).toEqual([
      { kind: "link", name: "app-primary-replica2", problem: "missing", detail: "the link's auto-follow pattern is not on the cluster" },
      { kind: "link", name: "app-primary-replica2", problem: "changed", detail: `pending: ${restore}` },
    ]);
  });

  it("the link's health says whether its pattern is present (paused: present, not active)", () => {
    const before = { followers: [], health: { remoteConnected: true, patternActive: true, patternPresent: true }, followerHealth: [], pending: [] };
    const gone = { ...before, health: { remoteConnected: true, patternActive: false, patternPresent: false } };
    const paused = { ...before, health: { remoteConnected: true, patternActive: false, patternPresent: true } };
    expect(summarizeDrift([refresh("ReplicationLinkFollowers", "l", before, gone)], { lagThreshold: 10 }).findings.map((f) => f.problem)).toEqual(["missing"]);
    expect(summarizeDrift([refresh("ReplicationLinkFollowers", "l", before, paused)], { lagThreshold: 10 }).findings.map((f) => f.problem)).toEqual(["paused"]);
  });
});

describe("parseDriftArgs", () => {
  it("reads --stack, --cwd (relative to the current directory), --json and --lag-threshold", () => {
    expect(parseDriftArgs(["--stack", "dev"], "/p")).toEqual({ stack: "dev", cwd: "/p", json: false, lagThreshold: DEFAULT_LAG_THRESHOLD });
    expect(parseDriftArgs(["--json", "--cwd", "sub", "--lag-threshold", "5", "--stack", "prod"], "/p")).toEqual({ stack: "prod", cwd: "/p/sub", json: true, lagThreshold: 5 });
  });
  it("names the bad argument", () => {
    expect(() => parseDriftArgs([], "/p")).toThrow("--stack <name> is required");
    expect(() => parseDriftArgs(["--stack"], "/p")).toThrow("--stack needs a value");
    expect(() => parseDriftArgs(["--stack", "s", "--lag-threshold", "-1"], "/p")).toThrow("--lag-threshold must be a whole number of operations (got -1)");
    expect(() => parseDriftArgs(["--stack", "s", "--bogus"], "/p")).toThrow("unknown argument --bogus");
  });
});

describe("a refresh outcome of delete", () => {
  it("is missing even when the engine still sends a new state", () => {
    const r = summarizeDrift([{ op: "delete", urn: urn("AutoFollowPattern", "p"), type: `${T}AutoFollowPattern`, old: { outputs: pattern() }, new: { outputs: pattern() } }], { lagThreshold: 0 });
    expect(r.findings).toEqual([{ kind: "pattern", name: "new", problem: "missing", detail: "deleted outside Pulumi (in the state, not on the cluster)" }]);
  });
});

describe("a Topology's refresh", () => {
  const leader = (o: Record<string, unknown> = {}) => ({ leader: "primary", versions: { primary: "9.4.1", replica1: "9.4.1" }, violations: [], unreachable: [], ...o });

  it("reports a leader upgraded before its followers (version) and a cluster that did not answer (disconnected)", () => {
    const violation = "replica1 (9.4.1) cannot follow primary (9.4.3): a follower must run the same or a newer version";
    const steps = [refresh("TopologyLeader", "ghes-leader", leader(), leader({ versions: { primary: "9.4.3", replica1: "9.4.1" }, violations: [violation], unreachable: ["replica2"] }))];
    const r = summarizeDrift(steps, { lagThreshold: 0 });
    expect(r.findings).toEqual([
      { kind: "topology", name: "ghes-leader", problem: "version", detail: violation },
      { kind: "topology", name: "ghes-leader", problem: "disconnected", detail: "cluster replica2 did not answer the refresh" },
    ]);
    expect(exitCodeOf(r)).toBe(1);
    expect(formatDrift(r, "dev")).toContain("topology ghes-leader: version: replica1 (9.4.1) cannot follow primary (9.4.3)");
  });

  it("is clean when every cluster answers and the versions keep the rule", () => {
    expect(summarizeDrift([refresh("TopologyLeader", "ghes-leader", leader(), leader())], { lagThreshold: 0 }).clean).toBe(true);
  });
});
