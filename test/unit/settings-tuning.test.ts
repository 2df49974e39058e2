import { describe, expect, it } from "vitest";
import { Failures } from "../../provider/core/check";
import { checkSettingsOverrides, isNonReplicatedSetting, normalizeIndexSettings, overridesRejectedBy, STATIC_FOLLOWER_SETTINGS } from "../../provider/core/settings";
import { checkTuning, effectiveTuning, normalizeTuning, tuningFromWire, tuningToWire } from "../../provider/core/tuning";
import { UNKNOWN } from "../../provider/core/unknown";

describe("index settings normalisation", () => {
  it("flat, nested and unprefixed spellings compare equal", () => {
    const a = normalizeIndexSettings({ index: { number_of_replicas: 0, routing: { allocation: { include: { _tier_preference: "data_hot" } } } } });
    const b = normalizeIndexSettings({ "index.number_of_replicas": "0", "routing.allocation.include._tier_preference": "data_hot" });
    expect(a).toEqual(b);
    expect(a).toEqual({ "index.number_of_replicas": "0", "index.routing.allocation.include._tier_preference": "data_hot" });
  });

  it("knows which settings a follower may override", () => {
    expect(isNonReplicatedSetting("index.number_of_replicas")).toBe(true);
    expect(isNonReplicatedSetting("index.routing.allocation.require.box")).toBe(true);
    expect(isNonReplicatedSetting("index.number_of_shards")).toBe(false);
    expect(isNonReplicatedSetting("index.analysis.analyzer.x.type")).toBe(false);
  });

  it("uses Elasticsearch's exact non-replicated list, not a pattern approximation", () => {
    // Replicated (analysis limits), so the server rejects them as overrides.
    for (const k of ["index.max_ngram_diff", "index.max_shingle_diff", "index.read_only", "index.blocks.search", "index.lifecycle.name"]) {
      expect(isNonReplicatedSetting(k), k).toBe(false);
    }
    // In the list although no "index.max_*"/"merge.*" pattern of the approximation covered them all.
    for (const k of ["index.compound_format", "index.query_string.lenient", "index.warmer.enabled", "index.load_fixed_bitset_filters_eagerly",
      "index.highlight.max_analyzed_offset", "index.analyze.max_token_count", "index.flush_after_merge", "index.blocks.read_only",
      "index.bloom_filter_for_id_field.enabled", "index.routing.allocation.include._tier_preference", "index.routing.allocation.require.zone-a"]) {
      expect(isNonReplicatedSetting(k), k).toBe(true);
    }
  });

  it("knows which entries differ between 8.x and 9.x, and check accepts what either allows", () => {
    expect(isNonReplicatedSetting("index.search.throttled", 8)).toBe(true);
    expect(isNonReplicatedSetting("index.search.throttled", 9)).toBe(false);
    expect(isNonReplicatedSetting("index.dense_vector.hnsw_filter_heuristic", 8)).toBe(false);
    expect(isNonReplicatedSetting("index.dense_vector.hnsw_filter_heuristic", 9)).toBe(true);
    expect(overridesRejectedBy(9, { index: { search: { throttled: false }, number_of_replicas: 0 } })).toEqual(["index.search.throttled"]);
    expect(overridesRejectedBy(8, { "index.merge.intra_merge_parallelism_enabled": "false" })).toEqual(["index.merge.intra_merge_parallelism_enabled"]);
    const f = new Failures();
    checkSettingsOverrides(f, "settings", { "index.search.throttled": "false", "index.merge.intra_merge_parallelism_enabled": "false" });
    expect(f.list).toEqual([]);
  });

  it("marks the static entries, whose change needs a new follower", () => {
    expect(STATIC_FOLLOWER_SETTINGS).toEqual(expect.arrayContaining(["index.codec", "index.query_string.lenient", "index.load_fixed_bitset_filters_eagerly"]));
    expect(STATIC_FOLLOWER_SETTINGS).not.toContain("index.number_of_replicas");
  });

  it("check names the forbidden key and says what to do", () => {
    const f = new Failures();
    checkSettingsOverrides(f, "settings", { index: { number_of_shards: 3, number_of_replicas: 0 } });
    expect(f.list).toHaveLength(1);
    expect(f.list[0].property).toBe("settings.index.number_of_shards");
    expect(f.list[0].reason).toMatch(/replicated from the leader.*remove it from settings/);
  });

  it("check tolerates unknown values and rejects non-objects", () => {
    const f = new Failures();
    checkSettingsOverrides(f, "settings", UNKNOWN);
    expect(f.list).toEqual([]);
    checkSettingsOverrides(f, "settings", "index.number_of_replicas=0");
    expect(f.list[0].reason).toMatch(/must be an object/);
  });
});

describe("tuning parameters", () => {
  it("normalises sizes and durations, keeps only what is set", () => {
    expect(normalizeTuning({ maxReadRequestSize: "1024k", readPollTimeout: "60s", maxOutstandingReadRequests: 5 }))
      .toEqual({ maxReadRequestSize: "1mb", readPollTimeout: "1m", maxOutstandingReadRequests: 5 });
  });

  it("fills server defaults for what an active follower reports", () => {
    const e = effectiveTuning({ maxReadRequestSize: "64mb" });
    expect(e.maxReadRequestSize).toBe("64mb");
    expect(e.maxOutstandingWriteRequests).toBe(9);
    expect(e.maxWriteRequestSize).toBe("9223372036854775807b");
    expect(e.readPollTimeout).toBe("1m");
  });

  it("round-trips through the wire format", () => {
    const wire = { max_read_request_size: "32768kb", max_retry_delay: "500ms", max_write_buffer_count: 10 };
    const parsed = tuningFromWire(wire);
    expect(parsed).toEqual({ maxReadRequestSize: "32mb", maxRetryDelay: "500ms", maxWriteBufferCount: 10 });
    expect(tuningToWire(parsed)).toEqual({ max_read_request_size: "32mb", max_retry_delay: "500ms", max_write_buffer_count: 10 });
  });

  it.each([
    [{ maxReadRequestOperationCount: 0 }, "maxReadRequestOperationCount", /whole number between 1/],
    [{ maxOutstandingReadRequests: 1.5 }, "maxOutstandingReadRequests", /whole number/],
    [{ maxReadRequestSize: "lots" }, "maxReadRequestSize", /positive byte size/],
    [{ maxWriteBufferSize: "0b" }, "maxWriteBufferSize", /positive byte size/],
    [{ maxRetryDelay: "10m" }, "maxRetryDelay", /at most "5m"/],
    [{ readPollTimeout: "soon" }, "readPollTimeout", /duration/],
  ])("check rejects %o", (inputs, property, reason) => {
    const f = new Failures();
    checkTuning(f, inputs);
    expect(f.list).toEqual([{ property, reason: expect.stringMatching(reason) }]);
  });

  it("check accepts unknowns and valid values", () => {
    const f = new Failures();
    checkTuning(f, { maxRetryDelay: UNKNOWN, maxReadRequestSize: "16mb", readPollTimeout: "30s", maxWriteBufferCount: 100 });
    expect(f.list).toEqual([]);
  });
});
