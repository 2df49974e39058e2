import { describe, expect, it } from "vitest";
import { checkFollower } from "../../provider/resources/follower-index/plan";
import { UNKNOWN } from "../../provider/core/unknown";

const base = { name: "copy", remoteCluster: "leader", leaderIndex: "a", connection: { urls: ["http://127.0.0.1:9200"] } };

describe("check refuses replaces that deletePolicy 'keep' would make fail halfway", () => {
  it("changing leaderIndex of a kept follower fails at preview, naming the property and the way out", () => {
    const { failures } = checkFollower({ ...base, leaderIndex: "b" }, { ...base, deletePolicy: "keep" });
    expect(failures).toHaveLength(1);
    expect(failures[0].property).toBe("leaderIndex");
    expect(failures[0].reason).toMatch(/^changing leaderIndex replaces follower index "copy" \(a follower cannot be re-pointed\)/);
    expect(failures[0].reason).toMatch(/deletePolicy: "delete"/);
    expect(failures[0].reason).toMatch(/new name/);
  });

  it("applies to remoteCluster and to leaving promoted, with the default policy (keep)", () => {
    expect(checkFollower({ ...base, remoteCluster: "other" }, base).failures.map((f) => f.property)).toEqual(["remoteCluster"]);
    expect(checkFollower({ ...base, status: "active" }, { ...base, status: "promoted" }).failures.map((f) => f.property)).toEqual(["status"]);
  });

  it("allows the replace when the stored policy is delete, when the name changes, and on create", () => {
    expect(checkFollower({ ...base, leaderIndex: "b" }, { ...base, deletePolicy: "delete" }).failures).toEqual([]);
    expect(checkFollower({ ...base, name: "copy-2", leaderIndex: "b" }, base).failures).toEqual([]);
    expect(checkFollower({ ...base, leaderIndex: "b" }).failures).toEqual([]);
    // Switching the policy in the same update does not help: the engine deletes with the stored (old) policy.
    expect(checkFollower({ ...base, leaderIndex: "b", deletePolicy: "delete" }, base).failures.map((f) => f.property)).toEqual(["leaderIndex"]);
  });

  it("lets in-place changes through", () => {
    expect(checkFollower({ ...base, status: "paused", maxReadRequestOperationCount: 10 }, base).failures).toEqual([]);
  });
});

describe("the guard also covers static settings and values unknown at preview", () => {
  it("changing a static override (index.codec) of a kept follower fails, naming the setting", () => {
    const olds = { ...base, settings: { "index.codec": "default" } };
    const { failures } = checkFollower({ ...base, settings: { index: { codec: "best_compression" } } }, olds);
    expect(failures.map((f) => f.property)).toEqual(["settings.index.codec"]);
    expect(failures[0].reason).toMatch(/^changing index\.codec replaces follower index "copy" \(a static setting.*deletePolicy: "delete"/);
    // Adding or removing a static override is a change too; dynamic ones stay in place.
    expect(checkFollower({ ...base, settings: { "index.codec": "best_compression" } }, base).failures.map((f) => f.property)).toEqual(["settings.index.codec"]);
    expect(checkFollower(base, olds).failures.map((f) => f.property)).toEqual(["settings.index.codec"]);
    expect(checkFollower({ ...base, settings: { "index.codec": "default", "index.number_of_replicas": 2 } }, olds).failures).toEqual([]);
    expect(checkFollower({ ...base, settings: { "index.codec": "best_compression" } }, { ...olds, deletePolicy: "delete" }).failures).toEqual([]);
  });

  it("refuses at preview when a replacing value is unknown, saying it may or may not change", () => {
    for (const [news, property] of [
      [{ ...base, leaderIndex: UNKNOWN }, "leaderIndex"],
      [{ ...base, remoteCluster: UNKNOWN }, "remoteCluster"],
      [{ ...base, settings: UNKNOWN }, "settings"],
      [{ ...base, settings: { "index.codec": UNKNOWN } }, "settings.index.codec"],
    ] as const) {
      const { failures } = checkFollower(news, base);
      expect(failures.map((f) => f.property), property).toEqual([property]);
      expect(failures[0].reason).toMatch(/not known during preview.*refused/);
    }
    expect(checkFollower({ ...base, status: UNKNOWN }, { ...base, status: "promoted" }).failures.map((f) => f.property)).toEqual(["status"]);
    // Unknown values that cannot replace, or a stored policy of delete, pass.
    expect(checkFollower({ ...base, maxReadRequestSize: UNKNOWN, settings: { "index.number_of_replicas": UNKNOWN } }, base).failures).toEqual([]);
    expect(checkFollower({ ...base, leaderIndex: UNKNOWN }, { ...base, deletePolicy: "delete" }).failures).toEqual([]);
  });
});
