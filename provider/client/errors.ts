/**
 * Error mapping. Every error a user sees names the resource, the cluster (URL without credentials), Elasticsearch's
 * `error.type`, and what to do. Messages are built only from the response body and our own context, never from request
 * headers, so credentials cannot leak into logs or the engine's diagnostics.
 */

export interface ErrorContext {
  /** e.g. `FollowerIndex "orders-copy"` */
  resource: string;
  /** Redacted cluster URL. */
  cluster: string;
  /** What we were doing, e.g. "pause following". */
  action: string;
}

export interface EsErrorBody {
  type?: string;
  reason?: string;
  caused_by?: { type?: string; reason?: string; caused_by?: unknown };
  root_cause?: Array<{ type?: string; reason?: string }>;
  [k: string]: unknown;
}

export class CcrError extends Error {
  override readonly name = "CcrError";
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly esType: string | undefined,
    readonly esReason: string | undefined,
    readonly fix: string | undefined,
  ) {
    super(message);
  }
}

/** The `error` object of an ES error response, or undefined (e.g. start-trial 403 has none). */
export function errorBody(body: unknown): EsErrorBody | undefined {
  if (body && typeof body === "object" && "error" in body) {
    const e = (body as { error: unknown }).error;
    if (e && typeof e === "object") return e as EsErrorBody;
    if (typeof e === "string") return { reason: e };
  }
  return undefined;
}

interface Rule {
  type?: RegExp;
  reason?: RegExp;
  status?: number;
  fix: string;
}

const LICENSE_FIX =
  "CCR needs a platinum, enterprise or trial license on BOTH clusters: install one, or start a trial with " +
  "POST /_license/start_trial?acknowledge=true on each cluster.";

const RULES: readonly Rule[] = [
  { type: /security_exception/, reason: /non-compliant for \[ccr\]/, fix: LICENSE_FIX },
  { type: /status_exception/, reason: /not licensed for \[ccr\]/, fix: `The leader cluster's license does not allow CCR. ${LICENSE_FIX}` },
  {
    type: /status_exception|connect_transport_exception|no_such_remote|node_disconnected/,
    reason: /could not be determined|unable to connect|connect_exception|disconnected|no seed node|not connected/i,
    fix: "The remote (leader) cluster is not connected. Check the RemoteCluster seeds/proxy address point at the leader's " +
      "transport port, that GET /_remote/info shows connected: true, and that the follower cluster can reach it.",
  },
  {
    type: /no_such_remote_cluster_exception/,
    fix: "No remote cluster with this alias is configured on the follower cluster. Declare a RemoteCluster with this " +
      "alias and pass it to the follower/pattern (or use dependsOn) so it is created first.",
  },
  {
    reason: /does not have soft deletes enabled/,
    fix: "The leader index was created without soft deletes, which CCR requires. Reindex it into a new index (soft " +
      "deletes are on by default since 7.0) and follow that index.",
  },
  {
    reason: /could override leader settings|unknown setting/,
    fix: "Remove these keys from settings: a follower may only override settings that CCR does not replicate " +
      "(number_of_replicas, routing.allocation.*, refresh_interval, …); change the others on the leader.",
  },
  {
    status: 403,
    reason: /cluster:admin\/settings\/update/,
    fix: "The credentials may not change cluster settings, which a RemoteCluster writes (persistent cluster.remote.<alias>.*): " +
      "the user on the follower cluster needs the cluster privilege manage (manage_ccr does not include it); reads need monitor.",
  },
  {
    status: 403,
    fix: "The credentials lack a privilege. The follower cluster user needs cluster privilege manage_ccr and index " +
      "privileges write, monitor, manage_follow_index on follower indexes; the leader side needs read and monitor on " +
      "the leader indexes (read_ccr on the leader cluster for the certificate model).",
  },
  { status: 401, fix: "Authentication failed: check the connection's apiKey, username/password or bearer token (a secret input or stack config elasticsearch-ccr:*)." },
  {
    // RestoreService's answer when the follow's restore finds an open index with the follower's name. The provider
    // only sends PUT follow after reading that no such index exists, so it appeared since: almost always this very
    // follower, whose restore an earlier follow request started (one whose answer was lost or timed out, or another
    // run). Deleting it would throw away the copy being made; waiting lets the next `up` adopt it.
    type: /snapshot_restore_exception/,
    reason: /open index with same name already exists/,
    fix: "An index with the follower's name appeared while following was being started. Usually a restore of this follower is in " +
      "progress, started by an earlier follow request (one that timed out or whose answer was lost): the restore continues on the " +
      "server; wait for it (GET /<follower>/_recovery) and run `pulumi up` again, which adopts the follower. If GET /<follower>/_ccr/info " +
      "lists no follower, it is another index: rename or delete it (never done automatically) or choose another follower name.",
  },
  {
    reason: /unknown field \[data_stream_name\]/,
    fix: "dataStreamName needs Elasticsearch 8.4 or later on the follower cluster: remove it or upgrade.",
  },
  { type: /media_type_header_exception/, fix: "The server rejected the request's media type; this provider sends plain application/json, so a proxy in between may be rewriting headers." },
  { type: /index_not_found_exception/, fix: "The index does not exist: check the name, and for a leader index that it exists on the leader cluster." },
  { type: /action_request_validation_exception/, fix: "A parameter value is out of range; adjust it as the reason says." },
  { status: 429, fix: "The cluster is overloaded (HTTP 429); retry later." },
];

export function fixFor(status: number | undefined, err: EsErrorBody | undefined): string | undefined {
  const type = err?.type ?? "";
  const reasons = [err?.reason, err?.caused_by?.reason, err?.caused_by?.type, ...(err?.root_cause ?? []).map((r) => r.reason)]
    .filter((x): x is string => typeof x === "string").join(" | ");
  for (const r of RULES) {
    if (r.status !== undefined && r.status !== status) continue;
    if (r.type && !r.type.test(type)) continue;
    if (r.reason && !r.reason.test(reasons)) continue;
    return r.fix;
  }
  return undefined;
}

/** Builds the user-facing error for a failed Elasticsearch response. */
export function responseError(ctx: ErrorContext, status: number, body: unknown): CcrError {
  const err = errorBody(body);
  const type = err?.type;
  let reason = err?.reason ?? (typeof body === "string" ? textOf(body) : undefined);
  if (err?.caused_by?.reason && err.caused_by.reason !== reason) reason = `${reason ?? ""} (caused by ${err.caused_by.type}: ${err.caused_by.reason})`;
  const fix = fixFor(status, err);
  const msg = `${ctx.resource}: ${ctx.action} failed on cluster ${ctx.cluster}: HTTP ${status}` +
    (type ? ` ${type}` : "") + (reason ? `: ${reason}` : "") + (fix ? `. Fix: ${fix}` : "");
  return new CcrError(msg, status, type, reason, fix);
}

/** A text body (e.g. a proxy's HTML error page) in one short line: the page title, or its text without tags. */
function textOf(body: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1];
  const text = (title ?? body.replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ").trim();
  const isHtml = /<html|<!doctype html/i.test(body);
  return `${isHtml ? "an HTML page, not an Elasticsearch answer: " : ""}${text.slice(0, 200)}${text.length > 200 ? "…" : ""}`;
}

/** Codes of failures where an answer did arrive but it was not one of Elasticsearch's. */
const NOT_ELASTICSEARCH = new Set(["DeserializationError", "UNEXPECTED_ANSWER", "PRODUCT_NOT_SUPPORTED"]);

/** Transport failure (no HTTP response). `code` is Node's error code such as ECONNREFUSED. */
export function connectionError(ctx: ErrorContext, code: string | undefined, detail: string): CcrError {
  if (code && NOT_ELASTICSEARCH.has(code)) {
    const fix = "check that the connection URL points at Elasticsearch itself, and that no proxy in between rewrites or replaces its answers";
    return new CcrError(`${ctx.resource}: ${ctx.action} failed: cluster ${ctx.cluster} sent an answer that is not Elasticsearch's ` +
      `(${code === "DeserializationError" ? "not valid JSON" : code}: ${detail.slice(0, 300)}). Fix: ${fix}`, undefined, code, detail, fix);
  }
  const fix = code === "CERT_FINGERPRINT_MISMATCH"
    ? "TLS pinning failed: connection.caFingerprint must be the SHA-256 fingerprint of the cluster's HTTP certificate or of a CA " +
      "certificate the server sends in its chain (e.g. `openssl x509 -noout -fingerprint -sha256 -in http_ca.crt`); if the server " +
      "does not send its CA, pin the HTTP certificate itself or set connection.caCert (PEM) instead."
    : /certificate|self.signed|unable to verify|CERT_|SELF_SIGNED/i.test(`${code ?? ""} ${detail}`)
    ? "TLS verification failed: set connection.caCert (PEM) or connection.caFingerprint (SHA-256) for this cluster."
    : "Check the connection URL and that the cluster is running and reachable from where Pulumi runs.";
  return new CcrError(`${ctx.resource}: ${ctx.action} failed: cannot reach cluster ${ctx.cluster} (${code ?? "error"}: ${detail}). Fix: ${fix}`,
    undefined, code, detail, fix);
}

/** Failures we raise ourselves (timeouts, refused plans) carry the same shape. */
export function stateError(ctx: ErrorContext, what: string, fix: string): CcrError {
  return new CcrError(`${ctx.resource} on cluster ${ctx.cluster}: ${what}. Fix: ${fix}`, undefined, undefined, what, fix);
}

/**
 * A write was sent but no answer came (timeout, reset, or a gateway's 502/504): it may or may not have been applied,
 * so it is not resent. The executors catch it, read the cluster again and plan from what they find (bounded).
 */
export class OutcomeUnknown extends CcrError {
  constructor(ctx: ErrorContext, detail: string, code?: string) {
    const fix = "Run `pulumi up` again: it reads the cluster first and continues from what it finds. If this keeps happening, " +
      "the cluster is slow to answer or the link drops answers: check its health and raise connection.requestTimeoutSeconds.";
    super(`${ctx.resource}: ${ctx.action} on cluster ${ctx.cluster}: the request was sent but no answer came (${detail}), so it may have been applied. Fix: ${fix}`,
      undefined, code, detail, fix);
  }
}
