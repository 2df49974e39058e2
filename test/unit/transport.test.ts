/**
 * The runtime transport (the official client behind our Transport interface) against local HTTP servers: what goes on
 * the wire (media types, auth), that the client itself never retries, how failures are classified (sent or not), the
 * connection pool over several URLs, compression.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { Cluster } from "../../provider/client/cluster";
import {
  checkConnection, cloudIdUrl, ConnectionInputs, connectionFromConfig, mergeConnection, resolveConnection,
} from "../../provider/client/connection";
import { Failures } from "../../provider/core/check";
import { nodeTransport, Transport, TransportFailure } from "../../provider/client/http";

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }

const servers: http.Server[] = [];
const transports: Transport[] = [];

afterEach(async () => {
  for (const t of transports.splice(0)) t.close();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
});

/** A server that records requests and answers with `answer` (or never, when it returns undefined). */
async function server(answer: (s: Seen, res: http.ServerResponse) => void = (_s, res) => json(res, 200, { ok: true })) {
  const seen: Seen[] = [];
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      const s = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(s);
      answer(s, res);
    });
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, seen };
}

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json", "x-elastic-product": "Elasticsearch" });
  res.end(JSON.stringify(body));
}

/** A URL nothing listens on (connection refused). */
async function deadUrl(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

function transport(c: ConnectionInputs): Transport {
  const t = nodeTransport(resolveConnection(c, "test"));
  transports.push(t);
  return t;
}

describe("runtime transport (@elastic/elasticsearch)", () => {
  it("sends plain application/json (no compatible-with media types, which 8.x rejects) with and without a body", async () => {
    const s = await server();
    const t = transport({ urls: [s.url] });
    await t.request({ method: "GET", path: "/_ccr/stats" });
    await t.request({ method: "PUT", path: "/f/_ccr/follow", query: { wait_for_active_shards: 0, skip: undefined }, body: { remote_cluster: "leader" } });
    for (const r of s.seen) {
      expect(r.headers.accept).toBe("application/json");
      expect(r.headers["content-type"]).toBe("application/json");
      expect(JSON.stringify(r.headers)).not.toContain("compatible-with");
    }
    expect(s.seen.map((r) => `${r.method} ${r.url}`)).toEqual(["GET /_ccr/stats", "PUT /f/_ccr/follow?wait_for_active_shards=0"]);
    expect(JSON.parse(s.seen[1].body.toString())).toEqual({ remote_cluster: "leader" });
  });

  it.each([
    [{ apiKey: "ZW5jb2RlZA==" }, "ApiKey ZW5jb2RlZA=="],
    [{ apiKey: { id: "kid", api_key: "secret" } }, `ApiKey ${Buffer.from("kid:secret").toString("base64")}`],
    [{ bearerToken: "tok" }, "Bearer tok"],
    [{ username: "u", password: "p" }, `Basic ${Buffer.from("u:p").toString("base64")}`],
  ] as Array<[ConnectionInputs, string]>)("auth %o → %s", async (auth, header) => {
    const s = await server();
    await transport({ urls: [s.url], ...auth }).request({ method: "GET", path: "/" });
    expect(s.seen[0].headers.authorization).toBe(header);
  });

  it("resolves every HTTP status with the parsed body, and the client does not retry 502-504 itself", async () => {
    const s = await server((_r, res) => json(res, 503, { error: { type: "cluster_block_exception", reason: "blocked" }, status: 503 }));
    const r = await transport({ urls: [s.url] }).request({ method: "POST", path: "/x/_close" });
    expect(r).toEqual({ status: 503, body: { error: { type: "cluster_block_exception", reason: "blocked" }, status: 503 } });
    expect(s.seen).toHaveLength(1);
  });

  it("a timeout after the request was sent is one request, reported as ETIMEDOUT with sent: true (not retried)", async () => {
    const s = await server(() => { /* never answers */ });
    const e = await transport({ urls: [s.url], requestTimeoutSeconds: 0.3 }).request({ method: "PUT", path: "/f/_ccr/follow", body: {} }).catch((x) => x);
    expect(e).toBeInstanceOf(TransportFailure);
    expect(e).toMatchObject({ code: "ETIMEDOUT", sent: true });
    await new Promise((r) => setTimeout(r, 400));
    expect(s.seen).toHaveLength(1);
  });

  it("a reset while the answer is awaited is ECONNRESET with sent: true", async () => {
    const s = await server((_r, res) => res.socket?.destroy());
    const e = await transport({ urls: [s.url] }).request({ method: "POST", path: "/f/_ccr/pause_follow" }).catch((x) => x);
    expect(e).toMatchObject({ code: "ECONNRESET", sent: true });
  });

  it("a refused connection is ECONNREFUSED with sent: false (nothing reached a server)", async () => {
    const e = await transport({ urls: [await deadUrl()] }).request({ method: "PUT", path: "/_cluster/settings", body: {} }).catch((x) => x);
    expect(e).toBeInstanceOf(TransportFailure);
    expect(e).toMatchObject({ code: "ECONNREFUSED", sent: false });
  });

  it("several URLs: a node that failed is marked dead and skipped, the others serve", async () => {
    const live = await server();
    const t = transport({ urls: [await deadUrl(), live.url] });
    const first = await t.request({ method: "GET", path: "/a" }).catch((x) => x);
    expect(first).toMatchObject({ code: "ECONNREFUSED", sent: false });
    // Without dead marking the round-robin pool would send every other request to the dead node.
    for (let i = 0; i < 4; i++) expect((await t.request({ method: "GET", path: "/b" })).status).toBe(200);
    expect(live.seen).toHaveLength(4);
  });

  it("Cluster.call moves on to the next node when one refuses, even for a write (it was never sent)", async () => {
    const live = await server();
    const conn = resolveConnection({ urls: [await deadUrl(), live.url] }, "test");
    const t = nodeTransport(conn);
    transports.push(t);
    const c = new Cluster(conn, t, { sleep: async () => {} });
    expect((await c.call({ resource: "r", action: "a" }, { method: "PUT", path: "/_cluster/settings", body: { persistent: {} } })).status).toBe(200);
    expect(live.seen.map((r) => r.method)).toEqual(["PUT"]);
  });

  it("compression: gzip request bodies, accepts and inflates gzip answers", async () => {
    const s = await server((_r, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "x-elastic-product": "Elasticsearch" });
      res.end(gzipSync(JSON.stringify({ acknowledged: true })));
    });
    const r = await transport({ urls: [s.url], compression: true }).request({ method: "PUT", path: "/_cluster/settings", body: { persistent: { a: 1 } } });
    expect(r.body).toEqual({ acknowledged: true });
    expect(s.seen[0].headers["content-encoding"]).toBe("gzip");
    expect(s.seen[0].headers["accept-encoding"]).toMatch(/gzip/);
    expect(JSON.parse(gunzipSync(s.seen[0].body).toString())).toEqual({ persistent: { a: 1 } });
  });

  it("an answer without x-elastic-product (not Elasticsearch) is refused with a clear code", async () => {
    const s = await server((_r, res) => { res.writeHead(200, { "content-type": "application/json" }); res.end("{}"); });
    const e = await transport({ urls: [s.url] }).request({ method: "GET", path: "/" }).catch((x) => x);
    expect(e).toMatchObject({ code: "PRODUCT_NOT_SUPPORTED" });
    expect(e.message).toMatch(/not identify itself as Elasticsearch/);
  });
});

describe("connection inputs the client adds", () => {
  const problems = (c: unknown) => {
    const f = new Failures();
    checkConnection(f, c);
    return f.list;
  };
  const id = `prod:${Buffer.from("us-east-1.aws.found.io:9243$abc123$kib456").toString("base64")}`;

  it("cloudId resolves to the deployment's Elasticsearch URL, and is checked", () => {
    expect(cloudIdUrl(id)).toBe("https://abc123.us-east-1.aws.found.io:9243");
    expect(resolveConnection({ cloudId: id, apiKey: "k" }, "t").urls).toEqual(["https://abc123.us-east-1.aws.found.io:9243"]);
    expect(problems({ cloudId: "nonsense" })).toEqual([{ property: "connection.cloudId", reason: expect.stringMatching(/not an Elastic Cloud ID/) }]);
    expect(problems({ cloudId: id, urls: ["https://x:9200"] })).toEqual([{ property: "connection.cloudId", reason: expect.stringMatching(/either urls or cloudId/) }]);
    // A resource's own urls replace a cloudId from stack config, and the other way round.
    expect(mergeConnection({ urls: ["https://x:9200"] }, { cloudId: id })).toEqual({ urls: ["https://x:9200"] });
    expect(mergeConnection({ cloudId: id }, { urls: ["https://x:9200"] })).toEqual({ cloudId: id });
  });

  it("apiKey as { id, api_key } and compression are checked and read from stack config", () => {
    expect(problems({ urls: ["https://x:9200"], apiKey: { id: "a", api_key: "b" }, compression: true })).toEqual([]);
    expect(problems({ apiKey: { id: "a" } })).toEqual([{ property: "connection.apiKey", reason: expect.stringMatching(/encoded key .* or \{ id: "…", api_key: "…" \}/) }]);
    expect(problems({ compression: "yes" }).map((p) => p.property)).toEqual(["connection.compression"]);
    const cfg = connectionFromConfig((k) => ({ "elasticsearch-ccr:apiKey": '{"id":"a","api_key":"b"}', "elasticsearch-ccr:compression": "true", "elasticsearch-ccr:cloudId": id } as Record<string, string>)[k]);
    expect(cfg).toEqual({ apiKey: { id: "a", api_key: "b" }, compression: true, cloudId: id });
  });
});
