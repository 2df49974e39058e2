import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setTransportFactory } from "../../provider/client/cluster";
import { provider } from "../../provider/dynamic";
import { FakeEs } from "./fake-es";

// Shared per-cluster reads serve every resource of a refresh wave; when one fails, the error the user sees must still
// name the resource whose operation hit it.
describe("errors of shared reads name the resource", () => {
  let es: FakeEs;
  const connection = { urls: ["http://fake:9200"] };
  beforeEach(() => {
    es = new FakeEs();
    setTransportFactory(() => es, { sleep: async () => {}, readCacheMs: 0 });
  });
  afterEach(() => setTransportFactory(undefined));

  it("on read, create and delete", async () => {
    es.follow("orders-copy", "orders");
    const busy = () => (es.failNext = Array(20).fill(503));
    busy();
    await expect(provider("FollowerIndex").read!("orders-copy", { name: "orders-copy", connection })).rejects.toThrow(
      /^FollowerIndex "orders-copy": read follower info failed on cluster http:\/\/fake:9200: HTTP 503/,
    );
    busy();
    await expect(provider("AutoFollowPattern").create!({ name: "logs", remoteCluster: "leader", leaderIndexPatterns: ["logs-*"], connection })).rejects.toThrow(
      /^AutoFollowPattern "logs": /,
    );
    busy();
    await expect(provider("RemoteCluster").delete!("leader", { alias: "leader", connection } as never)).rejects.toThrow(/^RemoteCluster "leader": /);
  });
});
