import * as http from "node:http";
import * as https from "node:https";
import type { TLSSocket, PeerCertificate, DetailedPeerCertificate } from "node:tls";
import type * as Es from "@elastic/elasticsearch";
import type {
  ConnectionOptions, ConnectionRequestOptions, ConnectionRequestParams, ConnectionRequestResponse,
  ConnectionRequestOptionsAsStream, ConnectionRequestResponseAsStream,
} from "@elastic/elasticsearch";
import type { ResolvedConnection } from "./connection";

/**
 * The one HTTP seam: a small interface the planners, the unit-test fake and the error mapping are written against,
 * implemented at runtime by Elasticsearch's official client (`@elastic/elasticsearch` v9) through its low-level
 * `transport.request`. The client gives the connection pool over several node URLs (dead-node marking and ping
 * resurrection), API key / bearer / basic auth, compression, request abort and error redaction.
 */
export interface HttpRequest {
  method: "GET" | "PUT" | "POST" | "DELETE" | "HEAD";
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

export interface HttpResponse {
  status: number;
  body: unknown;
}

/** Resolves for every HTTP status; rejects only when no response arrived (error has a `code`). */
export interface Transport {
  request(req: HttpRequest): Promise<HttpResponse>;
  close(): void;
}

/**
 * No response arrived. `sent` says whether the request may have reached the server: false only when the connection
 * (TCP, and for https the TLS handshake and pin check) was never established, so nothing of it left this process.
 * A write that failed with `sent: true` may have been applied and must not be resent blindly (see Cluster.call).
 */
export class TransportFailure extends Error {
  constructor(readonly code: string | undefined, message: string, readonly sent = true) {
    super(message);
  }
}

function queryOf(req: HttpRequest): Record<string, string> {
  return Object.fromEntries(Object.entries(req.query ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
}

/** True if the peer's certificate or any certificate in its chain has the pinned SHA-256 fingerprint. */
function chainHasFingerprint(cert: PeerCertificate | DetailedPeerCertificate, pinned: string): boolean {
  const seen = new Set<string>();
  let cur: DetailedPeerCertificate | undefined = cert as DetailedPeerCertificate;
  while (cur && cur.fingerprint256 && !seen.has(cur.fingerprint256)) {
    if (cur.fingerprint256.replace(/:/g, "").toUpperCase() === pinned) return true;
    seen.add(cur.fingerprint256);
    cur = cur.issuerCertificate;
  }
  return false;
}

/** The SHA-256 fingerprints the peer presented (leaf first), for the mismatch message. Public data, never secret. */
function presentedFingerprints(cert: PeerCertificate | DetailedPeerCertificate): string[] {
  const out: string[] = [];
  let cur: DetailedPeerCertificate | undefined = cert as DetailedPeerCertificate;
  while (cur && cur.fingerprint256 && !out.includes(cur.fingerprint256)) {
    out.push(cur.fingerprint256);
    cur = cur.issuerCertificate;
  }
  return out;
}

type Tagged = Error & { code?: string; sent?: boolean };

function tag<E extends Error>(e: E, code: string | undefined, sent: boolean): E {
  return Object.assign(e, { code, sent });
}

/**
 * The per-node HTTP connection the client's pool uses. Our own subclass of the client's BaseConnection rather than its
 * HttpConnection/UndiciConnection for two reasons: (1) their `caFingerprint` check compares only the top of the
 * presented chain and skips resumed TLS sessions, while `connection.caFingerprint` pins the HTTP certificate itself
 * or any CA in its chain and every new connection does a full handshake; (2) they drop Node's error code and do not
 * say whether the request got out, which is what decides whether a failed write may be retried. Auth headers come
 * from BaseConnection (`this.headers`), everything else (serialization, compression, pool, product check) from the
 * client's Transport.
 */
// The client is loaded with the first connection, not with this module: check and diff (all that a preview without
// refresh runs in the provider process) send no request, and loading it is ~1 s of a busy machine (bench/preview-time.ts).
let esClient: typeof Es | undefined;
const es = (): typeof Es => (esClient ??= require("@elastic/elasticsearch") as typeof Es);

function connectionClass(pin: string | undefined): typeof Es.BaseConnection {
  const { BaseConnection, errors } = es();
  return class NodeConnection extends BaseConnection {
    private readonly agent: http.Agent;
    /** Sockets whose handshake passed the pin (a reused keep-alive socket does not fire `secureConnect` again). */
    private readonly pinned = new WeakSet<object>();

    constructor(opts: ConnectionOptions) {
      super(opts);
      this.agent = this.url.protocol === "https:"
        // A resumed TLS session presents no certificate, so the pin could not be checked on a reconnect: with a
        // pinned fingerprint every new connection does a full handshake (the chain is checked by hand, not against a CA).
        ? new https.Agent({ keepAlive: true, ...(this.tls ?? {}), ...(pin ? { rejectUnauthorized: false, maxCachedSessions: 0 } : {}) })
        : new http.Agent({ keepAlive: true });
    }

    override request(params: ConnectionRequestParams, options: ConnectionRequestOptionsAsStream): Promise<ConnectionRequestResponseAsStream>;
    override request(params: ConnectionRequestParams, options: ConnectionRequestOptions): Promise<ConnectionRequestResponse>;
    override request(params: ConnectionRequestParams, options: ConnectionRequestOptions): Promise<ConnectionRequestResponse | ConnectionRequestResponseAsStream> {
      // Streamed answers are only asked for by APIs this provider does not call.
      if ((options as ConnectionRequestOptionsAsStream).asStream) return Promise.reject(new errors.ConfigurationError("asStream is not supported"));
      const prefix = this.url.pathname === "/" ? "" : this.url.pathname.replace(/\/$/, "");
      const path = prefix + params.path + (params.querystring ? `?${params.querystring}` : "");
      const isHttps = this.url.protocol === "https:";
      return new Promise((resolve, reject) => {
        let connected = false;
        let settled = false;
        const fail = (e: Tagged) => {
          if (settled) return;
          settled = true;
          reject(e);
        };
        const r = (isHttps ? https : http).request({
          protocol: this.url.protocol,
          hostname: this.url.hostname.replace(/^\[|\]$/g, ""),
          port: this.url.port || undefined,
          path,
          method: params.method,
          headers: { ...this.headers, ...params.headers },
          agent: this.agent,
          timeout: options.timeout ?? undefined,
        }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (d: Buffer) => chunks.push(d));
          res.on("error", (e: NodeJS.ErrnoException) => fail(tag(new errors.ConnectionError(e.message), e.code ?? "ECONNRESET", true)));
          res.on("end", () => {
            if (settled) return;
            settled = true;
            const body = Buffer.concat(chunks);
            const enc = String(res.headers["content-encoding"] ?? "");
            // Compressed bodies go back as bytes: the client's Transport inflates them.
            resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: /gzip|deflate/.test(enc) ? body : body.toString("utf8") });
          });
        });
        r.on("socket", (s) => {
          if (r.reusedSocket) {
            connected = true;
            return;
          }
          s.once(isHttps ? "secureConnect" : "connect", () => {
            if (isHttps && pin && !this.pinned.has(s)) {
              const cert = (s as TLSSocket).getPeerCertificate(true);
              if (!chainHasFingerprint(cert, pin)) {
                const seen = presentedFingerprints(cert);
                r.destroy(tag(new errors.ConnectionError("the server certificate does not match connection.caFingerprint " +
                  `(the server presented ${seen.length ? seen.map((f) => f.replace(/:/g, "").toLowerCase()).join(", then ") : "no certificate"})`),
                "CERT_FINGERPRINT_MISMATCH", false));
                return;
              }
              this.pinned.add(s);
            }
            connected = true;
          });
        });
        const onAbort = () => r.destroy(tag(new errors.RequestAbortedError("Request aborted"), "ECONNABORTED", connected));
        options.signal?.addEventListener("abort", onAbort, { once: true });
        r.on("close", () => options.signal?.removeEventListener("abort", onAbort));
        r.on("timeout", () => r.destroy(tag(new errors.TimeoutError(`no response within ${options.timeout} ms`), "ETIMEDOUT", connected)));
        r.on("error", (e: Tagged) => {
          if (e instanceof errors.ElasticsearchClientError) fail(e);
          else fail(tag(new errors.ConnectionError(e.message), e.code, connected));
        });
        r.end(params.body ?? undefined);
      });
    }

    override async close(): Promise<void> {
      this.agent.destroy();
    }
  };
}

const JSON_TYPE = "application/json";

function clientAuth(c: ResolvedConnection) {
  const a = c.auth;
  if (!a) return undefined;
  if (a.kind === "apiKey") return { apiKey: a.apiKey };
  if (a.kind === "bearer") return { bearer: a.token };
  return { username: a.username, password: a.password };
}

/** What a 2xx body is when it is not a JSON object (undefined: it is one, or there is none). */
function unexpectedShape(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  if (Array.isArray(body)) return "a JSON list";
  if (body === null) return "JSON null";
  if (typeof body === "string") return `a text body (${JSON.stringify(body.slice(0, 80))}${body.length > 80 ? "…" : ""})`;
  if (typeof body !== "object") return `a bare JSON ${typeof body}`;
  return undefined;
}

/** Maps what the client throws when no HTTP response arrived to our TransportFailure (code + sent). */
function failureOf(e: unknown): TransportFailure {
  const err = e as Error & { cause?: Tagged };
  const inner: Tagged = (err.cause ?? err) as Tagged;
  switch (err.name) {
    case "ProductNotSupportedError":
      return new TransportFailure("PRODUCT_NOT_SUPPORTED", "the server did not identify itself as Elasticsearch (no x-elastic-product header); " +
        "the URL may point at another service (e.g. Kibana) or a proxy that strips headers", true);
    case "NoLivingConnectionsError":
      return new TransportFailure("NO_LIVING_CONNECTIONS", err.message, false);
    case "TimeoutError":
      return new TransportFailure(inner.code ?? "ETIMEDOUT", inner.message, inner.sent ?? true);
    case "ConnectionError":
    case "RequestAbortedError":
      return new TransportFailure(inner.code, inner.message, inner.sent ?? true);
    default:
      return new TransportFailure(err.name, err.message, true);
  }
}

/**
 * The runtime transport. Decisions:
 * - Plain `application/json` for Accept and Content-Type on every request. The v9 client only adds its
 *   `compatible-with=9` media types (which 8.x rejects with media_type_header_exception) when a request has no such
 *   headers of its own (@elastic/transport Transport.request `headers.accept ?? …`), and every API used here is a JSON
 *   API that 8.x and 9.x serve without compatibility mode.
 * - No retries in the client (`maxRetries: 0`; timeouts are not retried either): Cluster.call is the one place that
 *   retries, so requests are counted and non-idempotent writes are never resent blindly.
 * - An explicit request timeout (the v9 client has none by default).
 * - The ClusterConnectionPool: a node that fails is marked dead and skipped until a HEAD / ping after a back-off
 *   (60 s, doubling) finds it alive; a later attempt of Cluster.call goes to the next live node.
 */
export function nodeTransport(c: ResolvedConnection): Transport {
  const { Client, ClusterConnectionPool, errors } = es();
  const client = new Client({
    nodes: c.urls,
    auth: clientAuth(c),
    tls: { ca: c.caCert, rejectUnauthorized: !c.insecureSkipTlsVerify },
    Connection: connectionClass(c.caFingerprint),
    ConnectionPool: ClusterConnectionPool,
    resurrectStrategy: "ping",
    maxRetries: 0,
    requestTimeout: c.requestTimeoutMs,
    compression: c.compression === true,
    headers: { accept: JSON_TYPE, "content-type": JSON_TYPE },
    redaction: { type: "replace", additionalKeys: [] },
  });
  return {
    async request(req) {
      try {
        const r = await client.transport.request(
          { method: req.method, path: req.path, querystring: queryOf(req), ...(req.body === undefined ? {} : { body: req.body as Record<string, unknown> }) },
          { meta: true, maxRetries: 0, retryOnTimeout: false, requestTimeout: c.requestTimeoutMs },
        );
        const body = r.body === "" ? undefined : r.body;
        const shape = unexpectedShape(body);
        // Every API this provider calls answers a JSON object. Anything else with a 2xx (a list, a bare string from a
        // proxy) read as an object would look like an empty cluster, and a refresh would report objects gone.
        if (shape && (r.statusCode ?? 0) < 300) {
          throw new TransportFailure("UNEXPECTED_ANSWER", `HTTP ${r.statusCode} with ${shape} instead of the JSON object Elasticsearch answers; ` +
            "something between Pulumi and Elasticsearch (a proxy, another service) may have answered", true);
        }
        return { status: r.statusCode ?? 0, body };
      } catch (e) {
        if (e instanceof TransportFailure) throw e;
        if (e instanceof errors.ResponseError) return { status: e.meta.statusCode ?? 0, body: e.meta.body === "" ? undefined : e.meta.body };
        throw failureOf(e);
      }
    },
    close() {
      void client.close();
    },
  };
}
