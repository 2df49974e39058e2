/**
 * A tiny recording HTTP proxy for tests: listens on 127.0.0.1 (a free port), forwards every request to `target`
 * unchanged (method, path, query, headers, streamed body and response) and records what it saw. Tests point the
 * client under test at `proxy.url` and use recording windows (`mark()` / `since(mark)`) to assert which requests a
 * step sent, e.g. that a preview sends nothing that writes.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Path with query string, as the client sent it. */
  path: string;
  /** True when the request carried a non-empty body. */
  hasBody: boolean;
  /** Upstream status, or 502 when the target could not be reached. */
  status: number;
  /** Monotonic sequence number over the proxy's lifetime. */
  seq: number;
}

export interface RecordingProxy {
  /** Base URL clients use, e.g. http://127.0.0.1:41234 */
  url: string;
  target: string;
  /** Every completed request so far, in completion order. */
  readonly requests: readonly RecordedRequest[];
  /** Opens a window: pass the result to `since` to get what was recorded after this call. */
  mark(): number;
  since(mark: number): RecordedRequest[];
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const requests: RecordedRequest[] = [];
  let seq = 0;

  const server = http.createServer((req, res) => {
    let bodyBytes = 0;
    req.on("data", (c: Buffer) => (bodyBytes += c.length));
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
    headers.host = upstream.host;
    const record = (status: number) => requests.push({ method: req.method ?? "?", path: req.url ?? "/", hasBody: bodyBytes > 0, status, seq: ++seq });

    const out = http.request(
      { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
      (up) => {
        const h: http.OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) h[k] = v;
        res.writeHead(up.statusCode ?? 502, up.statusMessage, h);
        up.pipe(res);
        up.on("end", () => record(up.statusCode ?? 502));
      },
    );
    out.on("error", (e) => {
      record(502);
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`recording proxy: ${target} unreachable: ${e.message}`);
    });
    req.pipe(out);
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    target,
    get requests() {
      return requests;
    },
    mark: () => seq,
    since: (m) => requests.filter((r) => r.seq > m),
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
