/**
 * Check-time rules added with the bad-input matrix (test/bad-input): the connection a resource will really use
 * (its own merged with stack config) and wrong-typed required strings. Pure functions, no cluster.
 */
import { describe, expect, it } from "vitest";
import { Failures } from "../../provider/core/check";
import { checkEffectiveConnection } from "../../provider/client/connection";
import { UNKNOWN } from "../../provider/core/unknown";

const run = (own: unknown, stack: Record<string, unknown>) => {
  const f = new Failures();
  checkEffectiveConnection(f, own, stack, "FollowerIndex");
  return f.list.map((x) => `${x.property}: ${x.reason}`);
};

describe("checkEffectiveConnection", () => {
  it("no URL on the resource nor in stack config", () => {
    expect(run(undefined, {})).toEqual(["connection: no cluster URL: set connection.urls (or cloudId) on FollowerIndex, or stack config elasticsearch-ccr:urls"]);
    expect(run({ username: "u", password: "p" }, {})).toHaveLength(1);
  });
  it("a URL from either place is enough", () => {
    expect(run(undefined, { urls: ["https://es:9200"] })).toEqual([]);
    expect(run({ urls: ["https://es:9200"] }, {})).toEqual([]);
    expect(run({ cloudId: "x" }, {})).toEqual([]);
  });
  it("stack config values are checked where the resource does not override them", () => {
    const bad = { urls: ["https://elastic:pw@es:9200"] };
    expect(run(undefined, bad)[0]).toMatch(/^connection: stack config elasticsearch-ccr:urls\[0\] must not contain credentials.*pulumi config set elasticsearch-ccr:urls/);
    expect(run({ urls: ["https://es:9200"] }, bad)).toEqual([]);
  });
  it("unknown values (computed during a preview) are not judged; a malformed own input is left to checkConnection", () => {
    expect(run(UNKNOWN, {})).toEqual([]);
    expect(run({ urls: UNKNOWN }, {})).toEqual([]);
    expect(run("http://es:9200", {})).toEqual([]);
    expect(run({ urls: [] }, {})).toEqual([]);
  });
});

describe("requireString", () => {
  it("a value of another type says so instead of 'is required'", () => {
    const f = new Failures();
    f.requireString("leaderIndex", 42, "the index to follow");
    f.requireString("name", ["a"], "the name");
    f.requireString("alias", "", "the alias");
    expect(f.list.map((x) => x.reason)).toEqual([
      "leaderIndex must be a string, got number 42: the index to follow",
      'name must be a string, got a list ["a"]: the name',
      "alias is required: the alias",
    ]);
  });
});
