/**
 * REST response parameters applied to the EMULATED layer's own answers. Expected strings are what Elasticsearch
 * 8.19.21 and 9.5.4 answered to the same requests (recorded on the sandbox's real nodes; the integration test
 * test/ccr/integration/lifecycle.test.ts compares with a live node).
 */
import { describe, expect, it } from "vitest";
import { addStackTraces, applyFilterPath, prettyJson, renderAnswer, wantsErrorTrace, wantsPretty } from "../../../sandbox/ccr/response";

const health = { cluster_name: "c", status: "green", timed_out: false, number_of_nodes: 1 };
const info = { follower_indices: [
  { follower_index: "a", remote_cluster: "leader", leader_index: "la", status: "active", parameters: { max_read_request_size: "32mb" } },
  { follower_index: "b", remote_cluster: "leader", leader_index: "lb", status: "paused" },
] };

describe("filter_path", () => {
  it("includes, wildcards, ** and excludes", () => {
    expect(applyFilterPath(health, "status")).toEqual({ status: "green" });
    expect(applyFilterPath(health, "number_of_*,cluster_name")).toEqual({ cluster_name: "c", number_of_nodes: 1 });
    expect(applyFilterPath(health, "-status,-cluster_name")).toEqual({ timed_out: false, number_of_nodes: 1 });
    expect(applyFilterPath(health, "status,-status")).toEqual({});
    expect(applyFilterPath(health, "nothing")).toEqual({});
    expect(applyFilterPath(info, "**.max_read_request_size")).toEqual({ follower_indices: [{ parameters: { max_read_request_size: "32mb" } }] });
    expect(applyFilterPath(info, "follower_indices.*_index")).toEqual({ follower_indices: [
      { follower_index: "a", leader_index: "la" }, { follower_index: "b", leader_index: "lb" }] });
  });

  it("arrays take no path segment; elements and containers left empty disappear; matched empty ones stay", () => {
    expect(applyFilterPath(info, "follower_indices.parameters")).toEqual({ follower_indices: [{ parameters: { max_read_request_size: "32mb" } }] });
    expect(applyFilterPath({ hits: { total: 0, hits: [] } }, "hits.hits")).toEqual({ hits: { hits: [] } });
    expect(applyFilterPath({ roles: ["data", "master"] }, "roles")).toEqual({ roles: ["data", "master"] });
    expect(applyFilterPath({ a: { b: 1 } }, "a.b.c")).toEqual({});
    expect(applyFilterPath(info, undefined)).toBe(info);
  });
});

describe("pretty", () => {
  it("is Jackson's layout as Elasticsearch prints it", () => {
    expect(prettyJson({ nodes: { x: { roles: ["data", "ingest"] } }, total: 100, ok: true })).toBe(
      '{\n  "nodes" : {\n    "x" : {\n      "roles" : [\n        "data",\n        "ingest"\n      ]\n    }\n  },\n  "total" : 100,\n  "ok" : true\n}\n');
    expect(prettyJson({})).toBe("{ }\n");
    expect(prettyJson({ hits: { hits: [] } })).toBe('{\n  "hits" : {\n    "hits" : [ ]\n  }\n}\n');
    expect(prettyJson([{ a: null }])).toBe('[\n  {\n    "a" : null\n  }\n]\n');
  });

  it("?pretty and pretty=true switch it on, pretty=false does not; the same for error_trace", () => {
    expect(wantsPretty(new URLSearchParams("pretty"))).toBe(true);
    expect(wantsPretty(new URLSearchParams("pretty=true"))).toBe(true);
    expect(wantsPretty(new URLSearchParams("pretty=false"))).toBe(false);
    expect(wantsPretty(new URLSearchParams(""))).toBe(false);
    expect(wantsErrorTrace(new URLSearchParams("error_trace=true"))).toBe(true);
    expect(wantsErrorTrace(new URLSearchParams("error_trace"))).toBe(true);
    expect(wantsErrorTrace(new URLSearchParams(""))).toBe(false);
    expect(wantsErrorTrace(new URLSearchParams("error_trace=false"))).toBe(false);
  });
});

describe("errors", () => {
  const err = { error: {
    root_cause: [{ type: "json_parse_exception", reason: "bad" }], type: "x_content_parse_exception", reason: "[1:2] bad",
    caused_by: { type: "json_parse_exception", reason: "bad" } }, status: 400 };

  it("are not filtered by filter_path, and carry no stack trace by default", () => {
    expect(renderAnswer(400, err, new URLSearchParams("filter_path=error.type"))).toBe(JSON.stringify(err));
    expect(renderAnswer(400, err, new URLSearchParams("error_trace=false"))).not.toContain("stack_trace");
  });

  it("error_trace=true adds stack_trace to the error, each caused_by and each root cause, after caused_by", () => {
    const t = addStackTraces(err) as any;
    expect(Object.keys(t.error)).toEqual(["root_cause", "type", "reason", "caused_by", "stack_trace"]);
    expect(t.error.stack_trace).toMatch(/^org\.elasticsearch\.xcontent\.XContentParseException: \[1:2\] bad\n\tat /);
    expect(t.error.caused_by.stack_trace).toMatch(/^org\.elasticsearch\.JsonParseException: bad\n/);
    expect(t.error.root_cause[0].stack_trace).toBeDefined();
    const nf = addStackTraces({ error: { root_cause: [], type: "index_not_found_exception", reason: "no such index [x]", index: "x" }, status: 404 }) as any;
    expect(nf.error.stack_trace).toMatch(/^\[x\] org\.elasticsearch\.index\.IndexNotFoundException: no such index \[x\]\n/);
    expect(err.error).not.toHaveProperty("stack_trace"); // input untouched
  });

  it("the REST controller's string errors stay as they are", () => {
    const b = { error: "no handler found for uri [/_ccr/x] and method [GET]", status: 400 };
    expect(addStackTraces(b)).toBe(b);
    expect(renderAnswer(400, b, new URLSearchParams("pretty"))).toBe('{\n  "error" : "no handler found for uri [/_ccr/x] and method [GET]",\n  "status" : 400\n}\n');
  });
});
