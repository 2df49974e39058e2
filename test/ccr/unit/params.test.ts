import { describe, expect, it } from "vitest";
import { effectiveParams, explicitParams, locate, parseByteSize, parseDuration, parseParams, rejectUnknownFields, validateParams, DEFAULT_PARAMS } from "../../../sandbox/ccr/params";
import { EsHttpError, validationReason } from "../../../sandbox/ccr/errors";

describe("ByteSizeValue re-serialisation", () => {
  it.each([["1024k", "1024kb"], ["32mb", "32mb"], ["1GB", "1gb"], ["100b", "100b"], ["1.5mb", "1572864b"], ["0", "0b"], ["-1", "-1b"]])("%s → %s", (i, o) => {
    expect(parseByteSize(i, "x").rep).toBe(o);
  });
  it("rejects a missing unit", () => expect(() => parseByteSize("12", "max_read_request_size")).toThrow(/unit is missing or unrecognized/));
});

describe("TimeValue re-serialisation", () => {
  it.each([["500ms", "500ms"], ["1m", "1m"], ["30s", "30s"], ["2h", "2h"], ["-1", "-1"]])("%s → %s", (i, o) => expect(parseDuration(i, "x").rep).toBe(o));
  it("rejects fractions", () => expect(() => parseDuration("1.5s", "x")).toThrow(/fractional/));
});

describe("follow parameters", () => {
  it("defaults are ES's, in follow-info order", () => {
    expect(Object.keys(effectiveParams({}))).toEqual(Object.keys(DEFAULT_PARAMS));
    expect(effectiveParams({ max_read_request_size: "1024kb" }).max_read_request_size).toBe("1024kb");
    expect(effectiveParams({}).max_write_request_size).toBe("9223372036854775807b");
  });
  it("explicit params only keep what was set", () => expect(explicitParams({ max_outstanding_read_requests: 3 })).toEqual({ max_outstanding_read_requests: 3 }));
  it("validation messages and limits", () => {
    const p = parseParams({ max_read_request_operation_count: 0, max_write_buffer_size: "0", max_retry_delay: "6m" }, "p");
    expect(validateParams(p)).toEqual([
      "max_read_request_operation_count must be larger than 0", "max_write_buffer_size must be larger than 0",
      "[max_retry_delay] must be less than [5m] but was [6m]",
    ]);
    expect(validateParams(parseParams({ max_retry_delay: "0" }, "p"))).toEqual(["[max_retry_delay] must be positive but was [0]"]);
    expect(validateParams(parseParams({ max_retry_delay: "5m" }, "p"))).toEqual([]);
    expect(validationReason(["a", "b"])).toBe("Validation Failed: 1: a;2: b;");
  });
  it("type errors are x_content_parse_exception", () => {
    try {
      parseParams({ max_read_request_size: "abc" }, "indices:admin/xpack/ccr/put_follow", '{"max_read_request_size":"abc"}');
      expect.fail();
    } catch (e) {
      expect((e as EsHttpError).status).toBe(400);
      expect((e as any).body.error.type).toBe("x_content_parse_exception");
      expect((e as any).body.error.reason).toBe("[1:2] [indices:admin/xpack/ccr/put_follow] failed to parse field [max_read_request_size]");
    }
  });
  it("strict unknown field", () => {
    const raw = '{"remote_cluster":"r",\n "bogus":1}';
    expect(locate(raw, "bogus")).toBe("[2:2]");
    expect(() => rejectUnknownFields(JSON.parse(raw), ["remote_cluster"], "indices:admin/xpack/ccr/put_follow", raw)).toThrow(/\[2:2\] \[indices:admin\/xpack\/ccr\/put_follow\] unknown field \[bogus\]/);
  });
});
