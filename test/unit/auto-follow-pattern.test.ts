import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../provider/core/unknown";
import {
  buildPatternRequest, checkPattern, diffPattern, normalizePatternInputs, patternFromWire, patternOutputs, planPattern, planPatternDelete, recentErrorsFor,
} from "../../provider/resources/auto-follow-pattern/plan";

const desired = (o: Record<string, unknown> = {}) =>
  normalizePatternInputs({ name: "logs", remoteCluster: "leader", leaderIndexPatterns: ["logs-*"], followIndexPattern: "{{leader_index}}-copy", ...o });

describe("AutoFollowPattern check", () => {
  it("accepts a valid pattern", () => expect(checkPattern(desired()).failures).toEqual([]));

  it.each([
    [{ name: "_x" }, "name", /must not start with '_'/],
    [{ name: "a,b" }, "name", /must not contain ','/],
    [{ leaderIndexPatterns: [] }, "leaderIndexPatterns", /must not be empty/],
    [{ leaderIndexPatterns: undefined }, "leaderIndexPatterns", /is required/],
    [{ followIndexPattern: "Copy-{{leader_index}}" }, "followIndexPattern", /lower case/],
    [{ followIndexPattern: "copy" }, "followIndexPattern", /must contain \{\{leader_index\}\}/],
    [{ followIndexPattern: "{{leader}}-x" }, "followIndexPattern", /only placeholder/],
    [{ followIndexPattern: "{{leader_index}}*" }, "followIndexPattern", /must not contain '\*'/],
    [{ settings: { "index.number_of_shards": 1 } }, "settings.index.number_of_shards", /cannot be overridden/],
    [{ active: "yes" }, "active", /true or false/],
    [{ maxOutstandingReadRequests: 0 }, "maxOutstandingReadRequests", /whole number/],
  ])("reports %o", (patch, property, reason) => {
    expect(checkPattern(desired(patch)).failures).toContainEqual({ property, reason: expect.stringMatching(reason) });
  });

  it("a fixed name is fine for one concrete leader", () => {
    expect(checkPattern(desired({ leaderIndexPatterns: ["orders"], followIndexPattern: "orders-copy" })).failures).toEqual([]);
  });

  it("tolerates unknowns", () => {
    expect(checkPattern({ name: "p", remoteCluster: UNKNOWN, leaderIndexPatterns: UNKNOWN, followIndexPattern: "x" }).failures).toEqual([]);
  });
});

describe("AutoFollowPattern planning", () => {
  const stored = (o: Record<string, unknown> = {}) => patternFromWire("logs", {
    active: true, remote_cluster: "leader", leader_index_patterns: ["logs-*"], leader_index_exclusion_patterns: [],
    follow_index_pattern: "{{leader_index}}-copy", ...o,
  });

  it.each([
    ["create active", undefined, desired(), ["put"]],
    ["create paused: PUT activates, so pause after", undefined, desired({ active: false }), ["put", "pause"]],
    ["unchanged", stored(), desired(), []],
    ["pause only", stored(), desired({ active: false }), ["pause"]],
    ["resume only", stored({ active: false }), desired(), ["resume"]],
    ["change while paused re-pauses", stored({ active: false }), desired({ active: false, leaderIndexPatterns: ["logs-*", "metrics-*"] }), ["put", "pause"]],
    ["tuning change", stored(), desired({ maxReadRequestSize: "1mb" }), ["put"]],
  ] as const)("%s", (_n, observed, want, expected) => {
    expect(planPattern(observed, want).map((o) => o.op)).toEqual(expected);
  });

  it("delete of a missing pattern is nothing", () => {
    expect(planPatternDelete(undefined)).toEqual([]);
    expect(planPatternDelete(stored())).toEqual([{ op: "delete" }]);
  });

  it("reads the raw JSON including settings and parameters the typings miss", () => {
    const p = stored({ settings: { index: { number_of_replicas: "0" } }, max_read_request_size: "1024kb", max_retry_delay: "1s" });
    expect(p).toMatchObject({ settings: { "index.number_of_replicas": "0" }, maxReadRequestSize: "1mb", maxRetryDelay: "1s" });
    const d = desired({ settings: { "index.number_of_replicas": 0 }, maxReadRequestSize: "1mb", maxRetryDelay: "1000ms" });
    expect(planPattern(p, d)).toEqual([]);
  });

  it("refresh after create shows no drift; every stored field is compared", () => {
    const outs = patternOutputs(desired(), stored(), {});
    expect(diffPattern(outs, desired()).changes).toBe(false);
    for (const patch of [{ leader_index_exclusion_patterns: ["logs-tmp-*"] }, { follow_index_pattern: "x-{{leader_index}}" }, { active: false }, { max_write_buffer_count: 5 }]) {
      expect(diffPattern(patternOutputs(desired(), stored(patch), {}), desired())).toMatchObject({ changes: true, replaces: [] });
    }
  });

  it("the request body is a full definition", () => {
    expect(buildPatternRequest(desired({ maxReadRequestSize: "2mb" }))).toEqual({
      remote_cluster: "leader", leader_index_patterns: ["logs-*"], leader_index_exclusion_patterns: [],
      follow_index_pattern: "{{leader_index}}-copy", max_read_request_size: "2mb",
    });
  });

  it("recent errors are filtered to this pattern", () => {
    expect(recentErrorsFor("logs", { auto_follow_stats: { recent_auto_follow_errors: [
      { leader_index: "logs:logs-1", auto_follow_exception: { type: "illegal_argument_exception", reason: "bad" } },
      { leader_index: "logs", auto_follow_exception: { type: "status_exception", reason: "remote down" } },
      { leader_index: "logs2:x", auto_follow_exception: { type: "t", reason: "r" } },
    ] } })).toEqual(["logs-1: illegal_argument_exception: bad", "logs: status_exception: remote down"]);
  });

  it("a new name is a replace", () => {
    expect(diffPattern(patternOutputs(desired(), stored(), {}), desired({ name: "logs2" }))).toMatchObject({ replaces: ["name"], deleteBeforeReplace: false });
  });

  it("a new remoteCluster is a replace, deleting the old pattern first when the name stays", () => {
    // An in-place PUT to another remote would mark only indexes of newly added leader patterns as already followed,
    // so every existing matching index of the new remote would be followed at once; a new pattern marks them all.
    const outs = patternOutputs(desired(), stored(), {});
    expect(diffPattern(outs, desired({ remoteCluster: "other" }))).toEqual({ changes: true, replaces: ["remoteCluster"], deleteBeforeReplace: true });
    expect(diffPattern(outs, desired({ remoteCluster: "other", name: "logs2" }))).toMatchObject({ replaces: ["name", "remoteCluster"], deleteBeforeReplace: false });
  });
});
