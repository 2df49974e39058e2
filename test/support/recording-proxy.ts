/**
 * A tiny recording HTTP proxy for tests: listens on 127.0.0.1 (a free port), forwards every request to `target`
 * unchanged (method, path, query, headers, streamed body and response) and records what it saw. Tests point the
 * client under test at `proxy.url` and use recording windows (`mark()` / `since(mark)`) to assert which requests a
 * step sent, e.g. that a preview sends nothing that writes. `loseAnswer` makes it a small fault injector too: the
 * matching request reaches the target and is applied, and then the client's connection is cut instead of answering
 * (what a timeout or a reset after the cluster applied a write looks like to the client).
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
  /** True when the proxy cut the client's connection instead of passing this answer on (`loseAnswer`). */
  lost?: boolean;
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
  /** The next request for which `match` holds is forwarded and applied, and its answer dropped (connection cut). */
  loseAnswer(match: (method: string, path: string) => boolean): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const requests: RecordedRequest[] = [];
  let seq = 0;
  const lose: Array<(method: string, path: string) => boolean> = [];

  const server = http.createServer((req, res) => {
    let bodyBytes = 0;
    req.on("data", (c: Buffer) => (bodyBytes += c.length));
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
    headers.host = upstream.host;
    const record = (status: number, lost?: boolean) =>
      requests.push({ method: req.method ?? "?", path: req.url ?? "/", hasBody: bodyBytes > 0, status, seq: ++seq, ...(lost ? { lost } : {}) });
    const li = lose.findIndex((m) => m(req.method ?? "", req.url ?? "/"));
    const dropAnswer = li >= 0;
    if (dropAnswer) lose.splice(li, 1);

    const out = http.request(
      { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
      (up) => {
        if (dropAnswer) {
          // Let the target finish the request (it is applied), then cut the client off without an answer.
          up.resume();
          up.on("end", () => {
            record(up.statusCode ?? 502, true);
            res.socket?.destroy();
          });
          return;
        }
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
    loseAnswer: (match) => void lose.push(match),
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
