/**
 * Drift a ReplicationLink repairs (pure): a follower paused out of band is resumed unless its restore is still
 * running, a follower running with other parameters is retuned, the link's pattern deleted or paused out of band is
 * put back or resumed. Each is a change (an update runs) with one line saying what and why.
 */
import { describe, expect, it } from "vitest";
import { ccrRestoringIndexes, parseFollowers } from "../../provider/components/replication-link/observe";
import { isChange, planLines, planLink, recordedAfter } from "../../provider/components/replication-link/plan";
import { changeLines } from "../../provider/components/replication-link/inputs";
import type { FollowerInfo, LeaderIndexInfo, LinkDeclaration } from "../../provider/components/replication-link/types";
import { tuningDifferences } from "../../provider/core/tuning";

const decl = (o: Partial<LinkDeclaration> = {}): LinkDeclaration => ({
  remoteCluster: "leader", leaderIndexPatterns: ["logs-*"], leaderIndexExclusionPatterns: [], includeHidden: false, includeDotPrefixed: false,
  onLeaderDeleted: "leave", onNoLongerMatching: "leave", tuning: {}, ...o,
});
const L = (name: string, o: Partial<LeaderIndexInfo> = {}): LeaderIndexInfo => ({ name, uuid: `uuid-${name}`, open: true, hidden: false, system: false, ...o });
const F = (name: string, o: Partial<FollowerInfo> = {}): FollowerInfo =>
  ({ name, uuid: `fu-${name}`, remoteCluster: "leader", leaderIndex: name, leaderUuid: `uuid-${name}`, status: "active", fatalErrors: [], ...o });
const rec = (name: string) => ({ name, uuid: `fu-${name}`, leaderIndex: name, leaderUuid: `uuid-${name}`, origin: "bootstrap" as const });
const world = (followers: FollowerInfo[], o: Partial<Parameters<typeof planLink>[1]> = {}) =>
  ({ leaders: followers.map((f) => L(f.leaderIndex)), followers, regularIndexes: [], recorded: followers.map((f) => rec(f.name)), ...o });

describe("followers paused out of band", () => {
  it("are resumed, and the line says why", () => {
    const p = planLink(decl(), world([F("logs-a", { status: "paused" }), F("logs-b")]));
    expect(p.actions.map((a) => a.do)).toEqual(["resume", "keep"]);
    expect(isChange(p.actions[0])).toBe(true);
    expect(planLines(p)).toEqual(["resume logs-a: paused out of band (follows logs-a); resumed with the declared parameters"]);
    expect(changeLines(planLines(p))).toHaveLength(1);
    // still the link's follower afterwards
    expect(recordedAfter(p, [rec("logs-a"), rec("logs-b")]).map((r) => r.name)).toEqual(["logs-a", "logs-b"]);
  });

  it("are left alone while their restore runs (they start following when it ends)", () => {
    const p = planLink(decl(), world([F("logs-a", { status: "paused", restoring: true })]));
    expect(p.actions).toMatchObject([{ do: "keep", note: "restoring from the leader" }]);
    expect(planLines(p)).toEqual([]);
  });

  it("not recorded yet (auto-followed after the last up) and paused: resumed, and recorded", () => {
    const p = planLink(decl(), world([F("logs-new", { status: "paused" })], { recorded: [] }));
    expect(p.actions.map((a) => a.do)).toEqual(["resume"]);
    expect(recordedAfter(p, []).map((r) => [r.name, r.origin])).toEqual([["logs-new", "auto"]]);
  });

  it("whose leader is closed are not resumed (a resume would fail)", () => {
    const p = planLink(decl(), { ...world([F("logs-a", { status: "paused" })]), leaders: [L("logs-a", { open: false })] });
    expect(p.actions.map((a) => a.do)).toEqual(["keep"]);
  });
});

describe("followers running with other parameters", () => {
  it("are retuned to the declared parameters (unset: Elasticsearch's defaults)", () => {
    const p = planLink(decl(), world([F("logs-a", { tuning: { maxReadRequestOperationCount: 1000 } }), F("logs-b", { tuning: {} })]));
    expect(p.actions.map((a) => a.do)).toEqual(["retune", "keep"]);
    expect(planLines(p)[0]).toBe("retune logs-a: runs with other parameters than declared (max_read_request_operation_count 1000 -> 5120); pause and resume with the declared ones");
  });

  it("a declared parameter is what the follower must run with", () => {
    const d = decl({ tuning: { maxReadRequestOperationCount: 1000 } });
    expect(planLink(d, world([F("logs-a", { tuning: { maxReadRequestOperationCount: 1000 } })])).actions.map((a) => a.do)).toEqual(["keep"]);
    expect(planLink(d, world([F("logs-a", { tuning: {} })])).actions.map((a) => a.do)).toEqual(["retune"]);
  });

  it("byte sizes and durations compare by value, not spelling", () => {
    expect(tuningDifferences({ maxReadRequestSize: "32mb", readPollTimeout: "1m" }, { maxReadRequestSize: "32768kb", readPollTimeout: "60s" })).toEqual([]);
    expect(tuningDifferences({ readPollTimeout: "30s" }, {})).toEqual(["read_poll_timeout 30s -> 1m"]);
  });
});

describe("the link's pattern", () => {
  it("deleted out of band is put back; paused is resumed; present and active needs nothing", () => {
    const f = [F("logs-a")];
    expect(planLines(planLink(decl(), world(f, { pattern: null, patternName: "p" })))).toEqual(["restore pattern p: deleted out of band; put it back as declared"]);
    expect(planLines(planLink(decl(), world(f, { pattern: { name: "p", active: false }, patternName: "p" })))).toEqual(["resume pattern p: paused out of band"]);
    expect(planLines(planLink(decl(), world(f, { pattern: { name: "p", active: true }, patternName: "p" })))).toEqual([]);
    // planning in the program: the pattern is not judged (the link may not exist yet)
    expect(planLines(planLink(decl(), world(f)))).toEqual([]);
    expect(changeLines(["restore pattern p: deleted out of band; put it back as declared", "resume pattern p: paused out of band"])).toHaveLength(2);
  });
});

describe("reading paused, restoring and tuned followers", () => {
  it("a CCR restore shows as a SNAPSHOT recovery from the _ccr_<alias> repository", () => {
    const body = {
      "logs-a": { shards: [{ type: "SNAPSHOT", source: { repository: "_ccr_leader" } }] },
      "restored-from-backup": { shards: [{ type: "SNAPSHOT", source: { repository: "backups" } }] },
      "logs-b": { shards: [{ type: "PEER" }] },
    };
    expect([...ccrRestoringIndexes(body)]).toEqual(["logs-a"]);
    expect([...ccrRestoringIndexes({})]).toEqual([]);
    expect([...ccrRestoringIndexes(undefined)]).toEqual([]);
  });

  it("parseFollowers marks restoring only for paused followers and reads the parameters of active ones", () => {
    const info = [
      { follower_index: "a", remote_cluster: "leader", leader_index: "a", status: "paused" as const },
      { follower_index: "b", remote_cluster: "leader", leader_index: "b", status: "active" as const, parameters: { max_read_request_operation_count: 77, read_poll_timeout: "1m" } },
    ];
    const { followers } = parseFollowers(info, {}, {}, new Map(), new Set(["a", "b"]));
    expect(followers.find((f) => f.name === "a")).toMatchObject({ status: "paused", restoring: true });
    expect(followers.find((f) => f.name === "a")?.tuning).toBeUndefined();
    expect(followers.find((f) => f.name === "b")?.restoring).toBeUndefined();
    expect(followers.find((f) => f.name === "b")?.tuning).toMatchObject({ maxReadRequestOperationCount: 77 });
  });
});
