/**
 * TEST TOOL, not part of the library: a tiny recording and fault-injecting HTTP proxy. It listens on 127.0.0.1 (a
 * free port), forwards every request to `target` unchanged (method, path, query, headers, streamed body and response)
 * and records what it saw. Tests point the client under test at `proxy.url` and use recording windows
 * (`mark()` / `since(mark)`) to assert which requests a step sent, e.g. that a preview sends nothing that writes.
 *
 * Faults (`inject`), each for the next `times` matching requests:
 * - `lose`: the request reaches the target and is applied, then the client's connection is cut instead of answering
 *   (what a timeout or a reset after the cluster applied a write looks like to the client); `loseAnswer` is this;
 * - `reset`: the connection is cut before anything is forwarded (nothing applied);
 * - `status`: the proxy answers itself (e.g. a 429 or 503 burst, or a hostile answer: invalid JSON, an HTML error
 *   page, a 200 of an unexpected shape, a huge body), nothing is forwarded;
 * - `hang`: never answers and forwards nothing (the client's timeout fires);
 * - `delay`: forwarded after `ms` (a node that answers slowly);
 * - `hook`: runs `run` (e.g. kills a node, deletes a leader index, interrupts the CLI), then forwards;
 * `lose` may run `after` once the target has applied the request (e.g. kill the node that just applied it).
 * `setTarget` re-points the proxy (a node restarted on other ports); `down()` answers every request with a reset
 * until `up()` (a cluster that is unreachable).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Path with query string, as the client sent it. */
  path: string;
  /** True when the request carried a non-empty body. */
  hasBody: boolean;
  /** Upstream status, 502 when the target could not be reached, 0 when no answer was sent (reset, hang). */
  status: number;
  /** True when the proxy cut the client's connection instead of passing this answer on (`loseAnswer`). */
  lost?: boolean;
  /** The injected fault that handled this request, if any. */
  fault?: Fault["kind"];
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
  /** Applies `fault` to the next `times` (default 1) requests for which `match` holds. */
  inject(match: Match, fault: Fault, times?: number): void;
  /** Drops every injected fault that has not fired yet; returns how many were pending. */
  clearFaults(): number;
  /** Every request is cut (reset) before forwarding until `up()`. */
  down(): void;
  up(): void;
  /** Forward to another target from now on (e.g. a node restarted on new ports). */
  setTarget(target: string): void;
  close(): Promise<void>;
}

export type Match = (method: string, path: string) => boolean;
export type Fault =
  | { kind: "lose"; after?: () => void | Promise<void> }
  | { kind: "hook"; run: () => void | Promise<void> }
  | { kind: "reset" }
  | { kind: "hang" }
  | { kind: "delay"; ms: number }
  | { kind: "status"; status: number; body?: string; contentType?: string };

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"]);

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  let upstream = new URL(target);
  let currentTarget = target;
  const agent = new http.Agent({ keepAlive: true });
  const requests: RecordedRequest[] = [];
  let seq = 0;
  const faults: Array<{ match: Match; fault: Fault; left: number }> = [];
  let isDown = false;
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    let bodyBytes = 0;
    req.on("data", (c: Buffer) => (bodyBytes += c.length));
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
    headers.host = upstream.host;
    const record = (status: number, extra: Partial<RecordedRequest> = {}) =>
      requests.push({ method: req.method ?? "?", path: req.url ?? "/", hasBody: bodyBytes > 0, status, seq: ++seq, ...extra });
    const fi = faults.findIndex((f) => f.match(req.method ?? "", req.url ?? "/"));
    let fault: Fault | undefined = isDown ? { kind: "reset" } : undefined;
    if (!fault && fi >= 0) {
      fault = faults[fi].fault;
      if (--faults[fi].left <= 0) faults.splice(fi, 1);
    }
    if (fault && fault.kind !== "lose" && fault.kind !== "delay" && fault.kind !== "hook") {
      const f = fault;
      req.resume();
      req.on("end", () => {
        if (f.kind === "reset") {
          record(0, { fault: "reset" });
          res.socket?.destroy();
        } else if (f.kind === "hang") {
          record(0, { fault: "hang" });
          hanging.add(res);
        } else {
          record(f.status, { fault: "status" });
          const body = f.body ?? JSON.stringify({ error: { type: "injected_fault", reason: `injected ${f.status}` }, status: f.status });
          res.writeHead(f.status, { "content-type": f.contentType ?? "application/json", "content-length": Buffer.byteLength(body) });
          res.end(body);
        }
      });
      return;
    }
    const dropAnswer = fault?.kind === "lose";
    const forwardNow = () => {
      const out = http.request(
        { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
        (up) => {
          if (dropAnswer) {
            // Let the target finish the request (it is applied), then cut the client off without an answer.
            up.resume();
            up.on("end", async () => {
              record(up.statusCode ?? 502, { lost: true, fault: "lose" });
              if (fault?.kind === "lose" && fault.after) await fault.after();
              res.socket?.destroy();
            });
            return;
          }
          const h: http.OutgoingHttpHeaders = {};
          for (const [k, v] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) h[k] = v;
          res.writeHead(up.statusCode ?? 502, up.statusMessage, h);
          up.pipe(res);
          up.on("end", () => record(up.statusCode ?? 502, fault ? { fault: fault.kind } : {}));
        },
      );
      out.on("error", (e) => {
        record(502);
        if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
        res.end(`recording proxy: ${currentTarget} unreachable: ${e.message}`);
      });
      req.pipe(out);
    };
    if (fault?.kind === "delay") {
      req.pause();
      setTimeout(forwardNow, fault.ms);
    } else if (fault?.kind === "hook") {
      req.pause();
      void Promise.resolve(fault.run()).finally(() => (isDown ? res.socket?.destroy() : forwardNow()));
    } else forwardNow();
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    get target() {
      return currentTarget;
    },
    get requests() {
      return requests;
    },
    mark: () => seq,
    since: (m) => requests.filter((r) => r.seq > m),
    loseAnswer: (match) => void faults.push({ match, fault: { kind: "lose" }, left: 1 }),
    inject: (match, fault, times = 1) => void faults.push({ match, fault, left: times }),
    clearFaults: () => faults.splice(0).length,
    down: () => void (isDown = true),
    up: () => void (isDown = false),
    setTarget: (t) => {
      currentTarget = t;
      upstream = new URL(t);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hanging) r.socket?.destroy();
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
