/**
 * Malformed or hostile answers from a "cluster" (a local HTTP server playing one): invalid JSON, an HTML error page
 * from a proxy, a 200 of an unexpected shape, a huge body. Through the real runtime transport (@elastic/elasticsearch)
 * and the resources' providers: each gives a clear error naming the cluster and what was wrong, never a crash
 * (TypeError and the like) and never a wrong state (a read that reports the object gone, or outputs made up).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { provider } from "../../provider/dynamic";
import { setTransportFactory } from "../../provider/client/cluster";

const servers: http.Server[] = [];
afterEach(() => setTransportFactory(undefined));
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
});

type Answer = { status: number; headers: Record<string, string>; body: string | Buffer };
const ES = { "x-elastic-product": "Elasticsearch" };
const ROOT = JSON.stringify({ cluster_name: "x", cluster_uuid: "u1", version: { number: "8.19.21" } });

/** `GET /` answers like Elasticsearch (so that the version and identity pass); every other request gets `hostile`. */
async function hostileCluster(hostile: Answer): Promise<string> {
  const srv = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const a: Answer = req.url === "/" || req.url?.startsWith("/?") ? { status: 200, headers: { "content-type": "application/json", ...ES }, body: ROOT } : hostile;
      res.writeHead(a.status, a.headers);
      res.end(a.body);
    });
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
}

const CASES: Array<[string, Answer, RegExp]> = [
  ["invalid JSON", { status: 200, headers: { "content-type": "application/json", ...ES }, body: '{"follower_indices": [' }, /not Elasticsearch.s \(not valid JSON/],
  ["an HTML error page from a proxy", { status: 502, headers: { "content-type": "text/html" }, body: `<html><head><title>502 Bad Gateway</title></head><body>${"<p>nginx</p>".repeat(5000)}</body></html>` }, /HTTP 502: an HTML page, not an Elasticsearch answer: 502 Bad Gateway/],
  ["a 200 of an unexpected shape", { status: 200, headers: { "content-type": "application/json", ...ES }, body: JSON.stringify(["not", "an", "object"]) }, /not Elasticsearch.s \(UNEXPECTED_ANSWER: HTTP 200 with a JSON list/],
  ["a 200 without the Elasticsearch product header (another service)", { status: 200, headers: { "content-type": "text/html" }, body: "<html>Kibana</html>" }, /did not identify itself as Elasticsearch/],
  ["a huge body", { status: 200, headers: { "content-type": "application/json", ...ES }, body: Buffer.alloc(24 * 1024 * 1024, 0x20) }, /.+/],
];

describe("hostile answers give a clear error, never a crash or a wrong state", () => {
  for (const [what, answer, says] of CASES) {
    it(`refresh of a follower: ${what}`, async () => {
      const url = await hostileCluster(answer);
      const props = { name: "orders-copy", remoteCluster: "leader", leaderIndex: "orders", status: "active", connection: { urls: [url], requestTimeoutSeconds: 10 }, clusterUuid: "u1" };
      const err = await provider("FollowerIndex").read!("orders-copy", props).then(
        (r) => new Error(`read resolved: ${JSON.stringify(r).slice(0, 300)}`),
        (e: Error) => e,
      );
      console.log(`[hostile] ${what}: ${err.message}`);
      expect(err.message).not.toMatch(/^read resolved/);
      // Not a crash of our code: no TypeError/RangeError from reading a field of something that is not there.
      expect(err.name, err.stack).not.toMatch(/TypeError|RangeError|SyntaxError/);
      expect(err.message).toMatch(says);
      expect(err.message).toContain("127.0.0.1");
      expect(err.message.length).toBeLessThan(2000);
    }, 60_000);
  }
});
