import { describe, expect, it } from "vitest";
import { followerIndexName, isSkippedLeader, matchesPattern, simpleMatch, validatePatternName } from "../../../sandbox/ccr/patterns";
import { copyableLeaderSettings, flattenSettings, forbiddenOverrides, settingsString } from "../../../sandbox/ccr/settings";
import { errors } from "../../../sandbox/ccr/errors";
import { remoteAddresses, licenseAllowsCcr } from "../../../sandbox/ccr/remote";

describe("patterns", () => {
  it("simple wildcard match", () => {
    expect(simpleMatch("logs-*", "logs-a")).toBe(true);
    expect(simpleMatch("logs-*", "metrics")).toBe(false);
    expect(simpleMatch("*-x-*", "a-x-b")).toBe(true);
    expect(simpleMatch("a.b", "aXb")).toBe(false);
  });
  it("exclusions", () => {
    const p = { leader_index_patterns: ["logs-*"], leader_index_exclusion_patterns: ["logs-secret*"] };
    expect(matchesPattern(p, "logs-a")).toBe(true);
    expect(matchesPattern(p, "logs-secret-1")).toBe(false);
  });
  it("{{leader_index}} templating", () => {
    expect(followerIndexName({ leader_index_patterns: [], follow_index_pattern: "{{leader_index}}-copy" }, "l")).toBe("l-copy");
    expect(followerIndexName({ leader_index_patterns: [] }, "l")).toBe("l");
  });
  it("dot-prefixed and hidden indexes match like any other (AutoFollowPattern.match skips only system indexes)", () => {
    expect(isSkippedLeader(".dot", false, { leader_index_patterns: ["*"] })).toBe(false);
    expect(isSkippedLeader("h", true, { leader_index_patterns: ["*"] })).toBe(false);
    expect(isSkippedLeader(".kibana_1", true, { leader_index_patterns: ["*"] }, true)).toBe(true);
  });
  it("name validation", () => {
    expect(validatePatternName("a,b")).toHaveLength(1);
    expect(validatePatternName("_a")).toHaveLength(1);
    expect(validatePatternName("ok")).toEqual([]);
  });
});

describe("settings", () => {
  it("flattens and prefixes", () => expect(flattenSettings({ number_of_replicas: 0, index: { refresh_interval: "1s" } })).toEqual({ "index.number_of_replicas": "0", "index.refresh_interval": "1s" }));
  it("forbidden overrides", () => {
    expect(forbiddenOverrides({ "index.number_of_replicas": "0", "index.number_of_shards": "2" }, 8)).toEqual({ "index.number_of_shards": "2" });
    expect(settingsString({ "index.number_of_shards": "2" })).toBe('{"index.number_of_shards":"2"}');
  });
  it("refuses what the server of the node's major refuses (NON_REPLICATED_SETTINGS of 8.x / 9.x)", () => {
    const asked = {
      "index.max_ngram_diff": "2", "index.max_shingle_diff": "2", "index.compound_format": "false",
      "index.query_string.lenient": "true", "index.warmer.enabled": "false", "index.blocks.read_only": "true",
      "index.read_only": "true", "index.search.throttled": "false", "index.dense_vector.hnsw_filter_heuristic": "fanout",
    };
    expect(forbiddenOverrides(asked, 8)).toEqual({
      "index.max_ngram_diff": "2", "index.max_shingle_diff": "2", "index.read_only": "true", "index.dense_vector.hnsw_filter_heuristic": "fanout",
    });
    expect(forbiddenOverrides(asked, 9)).toEqual({
      "index.max_ngram_diff": "2", "index.max_shingle_diff": "2", "index.read_only": "true", "index.search.throttled": "false",
    });
  });
  it("drops identity settings of the leader", () => {
    expect(copyableLeaderSettings({ "index.uuid": "u", "index.creation_date": "1", "index.provided_name": "l", "index.version.created": "1", "index.number_of_shards": "2" })).toEqual({ "index.number_of_shards": "2" });
  });
});

describe("errors", () => {
  it("license error carries the feature metadata", () => {
    expect(errors.licenseLocal().body).toEqual({
      error: {
        root_cause: [{ type: "security_exception", reason: "current license is non-compliant for [ccr]", "license.expired.feature": "ccr" }],
        type: "security_exception", reason: "current license is non-compliant for [ccr]", "license.expired.feature": "ccr",
      },
      status: 403,
    });
  });
  it("wrapped causes put the innermost in root_cause", () => {
    const b = errors.remoteUnreachable("r", "l", "boom").body as any;
    expect(b.error.type).toBe("status_exception");
    expect(b.error.root_cause[0].type).toBe("connect_transport_exception");
    expect(b.error.caused_by.reason).toBe("boom");
  });
  it("stats 404 names the indices", () => expect((errors.noStatsTasks(["a", "b"]).body as any).error.reason).toBe("No shard follow tasks for follower indices [a, b]"));
});

describe("remote", () => {
  it("reads seeds/proxy, transient wins", () => {
    expect(remoteAddresses({ persistent: { "cluster.remote.a.seeds": ["h:1"] } }, "a")).toEqual(["h:1"]);
    expect(remoteAddresses({ persistent: { "cluster.remote.a.seeds": ["h:1"] }, transient: { "cluster.remote.a.seeds": ["h:2"] } }, "a")).toEqual(["h:2"]);
    expect(remoteAddresses({ persistent: { "cluster.remote.a.proxy_address": "p:9" } }, "a")).toEqual(["p:9"]);
    expect(remoteAddresses({}, "a")).toBeUndefined();
  });
  it("license gate", () => {
    expect(licenseAllowsCcr({ type: "trial", status: "active" })).toBe(true);
    expect(licenseAllowsCcr({ type: "basic", status: "active" })).toBe(false);
    expect(licenseAllowsCcr({ type: "platinum", status: "expired" })).toBe(false);
  });
});
