import { describe, expect, it } from "vitest";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { wireSafe } from "../../provider/resources/common";

// The dynamic-provider shim serialises every result with Struct.fromJavaScript; this is the failure seen through
// the real CLI ("Unexpected struct type") when an optional output was undefined.
describe("wireSafe", () => {
  const outs = { name: "f", lag: undefined, shardCount: 1, fatalErrors: [], nested: { a: undefined, b: [1, undefined, { c: undefined }] } };

  it("makes results that the shim can put on the wire", () => {
    expect(() => Struct.fromJavaScript(outs as never)).toThrow(/Unexpected struct type/);
    expect(() => Struct.fromJavaScript(wireSafe(outs) as never)).not.toThrow();
  });

  it("drops only undefined values, recursively, and keeps everything else", () => {
    expect(wireSafe(outs)).toEqual({ name: "f", shardCount: 1, fatalErrors: [], nested: { b: [1, {}] } });
    expect(wireSafe({ zero: 0, empty: "", no: false, nil: null })).toEqual({ zero: 0, empty: "", no: false, nil: null });
  });
});
