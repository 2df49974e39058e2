import { describe, expect, it } from "vitest";
import { classifyWrite, mergeBulk, splitBulk, targetsFollower } from "../../../sandbox/ccr/proxy";

describe("write interception", () => {
  it("classifies writes", () => {
    expect(classifyWrite("PUT", "/f/_doc/1")).toEqual({ kind: "doc", index: "f" });
    expect(classifyWrite("GET", "/f/_doc/1").kind).toBeUndefined();
    expect(classifyWrite("POST", "/f/_update/1").kind).toBe("doc");
    expect(classifyWrite("DELETE", "/f/_doc/1").kind).toBe("doc");
    expect(classifyWrite("POST", "/_bulk")).toEqual({ kind: "bulk" });
    expect(classifyWrite("POST", "/f/_delete_by_query").kind).toBe("by_query");
    expect(classifyWrite("POST", "/_search").kind).toBeUndefined();
  });
  it("targets followers through lists and wildcards", () => {
    const is = (n: string) => n === "f";
    expect(targetsFollower("a,f", is, ["f"])).toBe(true);
    expect(targetsFollower("f*", is, ["f"])).toBe(true);
    expect(targetsFollower("a", is, ["f"])).toBe(false);
  });
  it("splits and merges _bulk", () => {
    const body = ['{"index":{"_index":"l","_id":"1"}}', '{"a":1}', '{"delete":{"_index":"f","_id":"2"}}', '{"create":{"_id":"3"}}', '{"a":3}', ""].join("\n");
    const s = splitBulk(body, "f", (n) => n === "f");
    expect(s.forward).toBe('{"index":{"_index":"l","_id":"1"}}\n{"a":1}\n');
    const merged = mergeBulk(s, { took: 3, items: [{ index: { _id: "1", status: 201 } }] }) as any;
    expect(merged.errors).toBe(true);
    expect(merged.items[0]).toEqual({ index: { _id: "1", status: 201 } });
    expect(merged.items[1].delete.status).toBe(403);
    expect(merged.items[2].create.error.type).toBe("status_exception");
    expect(merged.items[2].create._index).toBe("f");
  });
});
