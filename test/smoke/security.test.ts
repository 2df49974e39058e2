import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, EsNode } from "../../sandbox/es/node";
import { resolveEsVersion } from "../../sandbox/es/versions";

describe(`security variant on Elasticsearch ${resolveEsVersion()}`, () => {
  let node: EsNode;
  beforeAll(async () => {
    node = await startNode({ security: true, clusterName: `secure-${process.pid}`, log: (s) => console.log(s) });
  });
  afterAll(async () => node?.stop());

  it("rejects anonymous requests and accepts the generated superuser", async () => {
    const anon = await node.request("GET", "/_cluster/health", undefined, { username: "", password: "" });
    expect(anon.status).toBe(401);
    expect(anon.body.error.type).toBe("security_exception");
    const me = await node.request("GET", "/_security/_authenticate");
    expect(me.status).toBe(200);
    expect(me.body.username).toBe(node.auth!.username);
    expect(me.body.roles).toContain("superuser");
  });

  it("accepts a service-account bearer token and rejects a wrong one", async () => {
    const me = await node.request("GET", "/_security/_authenticate", undefined, { bearer: node.bearerToken });
    expect(me.status).toBe(200);
    expect(me.body.username).toBe("elastic/fleet-server");
    expect(me.body.authentication_type).toBe("token");
    const bad = await node.request("GET", "/_security/_authenticate", undefined, { bearer: "AAEAAWVsYXN0aWMvZmxlZXQtc2VydmVyL3g6eQ" });
    expect(bad.status).toBe(401);
  });

  // Recorded limitation of the local world, asserted so that a distribution that fixes it is noticed: API keys
  // are stored in the .security index, whose mapping uses an analyzer from the analysis-common module, which the
  // integ-test-zip does not ship. API-key auth is therefore covered by unit tests of the header, not live.
  it("cannot issue API keys on the integ-test-zip (no analysis-common module)", async () => {
    const key = await node.request("POST", "/_security/api_key", { name: "ccr-test" });
    expect(key.status).toBe(400);
    expect(key.body.error.reason).toContain("pattern_capture");
  });

  it("has the trial license active with security on", async () => {
    const lic = await node.request("GET", "/_license");
    expect(lic.body.license.type).toBe("trial");
  });
});
