import { describe, expect, it } from "vitest";
import { formatByteSize, formatDuration, normalizeByteSize, normalizeDuration, parseByteSize, parseDuration } from "../../provider/core/units";

describe("byte sizes", () => {
  it.each([
    ["32mb", 33554432], ["1024k", 1048576], ["1024kb", 1048576], ["1gb", 1073741824], ["512", 512], ["10b", 10],
    ["1.5kb", 1536], ["9223372036854775807b", 9223372036854775807], [2048, 2048], ["1MB", 1048576],
  ] as const)("parses %s", (input, bytes) => expect(parseByteSize(input)).toBe(bytes));

  it.each(["", "mb", "-1mb", "12 parsecs", true, null])("rejects %s", (input) => expect(parseByteSize(input)).toBeUndefined());

  it("formats with the largest exact unit", () => {
    expect(formatByteSize(33554432)).toBe("32mb");
    expect(formatByteSize(1536)).toBe("1536b");
    expect(formatByteSize(2 ** 63)).toBe("9223372036854775807b");
    expect(formatByteSize(1048576)).toBe("1mb");
    expect(formatByteSize(1000)).toBe("1000b");
  });

  it("makes what the server echoes equal to what was declared", () => {
    expect(normalizeByteSize("1024k")).toBe(normalizeByteSize("1mb"));
    expect(normalizeByteSize("32768kb")).toBe("32mb");
    expect(normalizeByteSize("nonsense")).toBe("nonsense");
  });
});

describe("durations", () => {
  it.each([["500ms", 500], ["1m", 60000], ["60s", 60000], ["2h", 7200000], ["1d", 86400000], ["-1", -1], ["1000000nanos", 1], [250, 250]] as const)(
    "parses %s", (input, ms) => expect(parseDuration(input)).toBe(ms));

  it.each(["", "1 minute", "5x", null])("rejects %s", (input) => expect(parseDuration(input)).toBeUndefined());

  it("normalises equal spellings to one", () => {
    expect(normalizeDuration("60s")).toBe("1m");
    expect(normalizeDuration("60000ms")).toBe("1m");
    expect(normalizeDuration("90s")).toBe("90s");
    expect(formatDuration(1500)).toBe("1500ms");
    expect(formatDuration(-1)).toBe("-1");
  });
});
