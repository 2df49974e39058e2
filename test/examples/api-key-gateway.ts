/**
 * An HTTPS edge in front of a local cluster, for the examples' tests: it terminates TLS with a throw-away certificate
 * (sandbox/es/tls.ts, so clients can pin its CA by fingerprint) and accepts exactly one API key.
 *
 * Why it exists: the integ-test-zip cannot issue API keys (its `.security` index needs the absent analysis-common
 * module; test/smoke/security.test.ts pins that), and the emulated `_ccr` front speaks plain HTTP to its node. So the
 * edge checks the `Authorization: ApiKey <key>` header the provider sends — anything else gets Elasticsearch's own
 * 401 body — and forwards the request with the node's file-realm credentials, which the real node then checks.
 * Everything else (method, path, body, answer) passes through unchanged.
 */
import * as http from "node:http";
import * as https from "node:https";
import * as fs from "node:fs";
import type { AddressInfo } from "node:net";

export interface ApiKeyGateway {
  url: string;
  /** Requests refused for a missing or wrong key. */
  refused: number;
  close(): Promise<void>;
}

export interface ApiKeyGatewayOptions {
  /** Plain-HTTP base URL to forward to (e.g. a recording proxy in front of the `_ccr` front). */
  target: string;
  /** The encoded API key (base64 of `id:api_key`) the edge accepts. */
  apiKey: string;
  /** Credentials the node itself accepts. */
  nodeAuth: { username: string; password: string };
  /** PEM files of the server certificate (chain: leaf then CA) and its key. */
  tls: { cert: string; key: string };
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

export async function startApiKeyGateway(o: ApiKeyGatewayOptions): Promise<ApiKeyGateway> {
  const upstream = new URL(o.target);
  const basic = `Basic ${Buffer.from(`${o.nodeAuth.username}:${o.nodeAuth.password}`).toString("base64")}`;
  const agent = new http.Agent({ keepAlive: true });
  const state = { refused: 0 };
  const server = https.createServer({ cert: fs.readFileSync(o.tls.cert), key: fs.readFileSync(o.tls.key) }, (req, res) => {
    if (req.headers.authorization !== `ApiKey ${o.apiKey}`) {
      state.refused++;
      req.resume();
      // Elasticsearch's answer to missing or unknown credentials.
      const body = JSON.stringify({
        error: { root_cause: [{ type: "security_exception", reason: "unable to authenticate with provided credentials and anonymous access is not allowed for this request" }],
          type: "security_exception", reason: "unable to authenticate with provided credentials and anonymous access is not allowed for this request" },
        status: 401,
      });
      res.writeHead(401, { "content-type": "application/json", "www-authenticate": 'ApiKey, Basic realm="security", charset="UTF-8"' });
      res.end(body);
      return;
    }
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
    headers.host = upstream.host;
    headers.authorization = basic;
    const out = http.request({ hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent }, (up) => {
      const h: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) h[k] = v;
      res.writeHead(up.statusCode ?? 502, up.statusMessage, h);
      up.pipe(res);
    });
    out.on("error", (e) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`api-key gateway: ${o.target} unreachable: ${e.message}`);
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get refused() {
      return state.refused;
    },
    close: () => new Promise<void>((resolve) => {
      agent.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
