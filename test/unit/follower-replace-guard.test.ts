import { describe, expect, it } from "vitest";
import { checkFollower } from "../../provider/resources/follower-index/plan";
import { UNKNOWN } from "../../provider/core/unknown";

const base = { name: "copy", remoteCluster: "leader", leaderIndex: "a", connection: { urls: ["http://127.0.0.1:9200"] } };

describe("check refuses replaces that deletePolicy 'keep' would make fail halfway", () => {
  it("changing leaderIndex of a kept follower fails at preview, naming the property and the way out", () => {
    const { failures } = checkFollower({ ...base, leaderIndex: "b" }, { ...base, deletePolicy: "keep" });
    expect(failures).toHaveLength(1);
    expect(failures[0].property).toBe("leaderIndex");
    expect(failures[0].reason).toMatch(/deletePolicy: "delete"/);
    expect(failures[0].reason).toMatch(/new name/);
  });

  it("applies to remoteCluster and to leaving promoted, with the default policy (keep)", () => {
    expect(checkFollower({ ...base, remoteCluster: "other" }, base).failures.map((f) => f.property)).toEqual(["remoteCluster"]);
    expect(checkFollower({ ...base, status: "active" }, { ...base, status: "promoted" }).failures.map((f) => f.property)).toEqual(["status"]);
  });

  it("allows the replace when the stored policy is delete, when the name changes, on create, and for unknowns", () => {
    expect(checkFollower({ ...base, leaderIndex: "b" }, { ...base, deletePolicy: "delete" }).failures).toEqual([]);
    expect(checkFollower({ ...base, name: "copy-2", leaderIndex: "b" }, base).failures).toEqual([]);
    expect(checkFollower({ ...base, leaderIndex: "b" }).failures).toEqual([]);
    expect(checkFollower({ ...base, leaderIndex: UNKNOWN }, base).failures).toEqual([]);
    // Switching the policy in the same update does not help: the engine deletes with the stored (old) policy.
    expect(checkFollower({ ...base, leaderIndex: "b", deletePolicy: "delete" }, base).failures.map((f) => f.property)).toEqual(["leaderIndex"]);
  });

  it("lets in-place changes through", () => {
    expect(checkFollower({ ...base, status: "paused", maxReadRequestOperationCount: 10 }, base).failures).toEqual([]);
  });
});
