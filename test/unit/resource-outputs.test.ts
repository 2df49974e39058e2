import { describe, expect, it, beforeAll } from "vitest";
import * as pulumi from "@pulumi/pulumi";

// Every declared output must exist as an Output on the resource object even when the matching input was left out;
// the SDK only creates Outputs for the property keys a resource registers.
describe("declared outputs exist on the resource objects", () => {
  let mod: typeof import("../../provider");
  beforeAll(async () => {
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs }, "proj", "stack", false);
    mod = await import("../../provider");
  });

  it("RemoteCluster.mode, FollowerIndex.status and AutoFollowPattern.active without the optional inputs", () => {
    const conn = { urls: ["http://127.0.0.1:9"] };
    const link = new mod.RemoteCluster("r", { alias: "leader", seeds: ["127.0.0.1:9300"], connection: conn });
    const f = new mod.FollowerIndex("f", { name: "f", remoteCluster: "leader", leaderIndex: "l", connection: conn });
    const p = new mod.AutoFollowPattern("p", { name: "p", remoteCluster: "leader", leaderIndexPatterns: ["*"], connection: conn });
    for (const o of [link.mode, link.connected, link.nodesConnected, f.status, f.lag, f.fatalErrors, p.active, p.recentErrors]) {
      expect(pulumi.Output.isInstance(o)).toBe(true);
    }
  });
});
