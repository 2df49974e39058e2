import { createHash } from "node:crypto";
import { Failures } from "../core/check";
import { isUnknown } from "../core/unknown";

/** An API key as the create-API-key answer gives it. */
export interface ApiKeyPair {
  /** The key's id. */
  id: string;
  /** The key's secret. */
  api_key: string;
}

/**
 * How a resource reaches its cluster. Given per resource as the `connection` input (mark it secret when it holds
 * credentials; the resource classes do that automatically), or as defaults from stack config under the
 * `elasticsearch-ccr:` namespace, read by the dynamic provider's `configure`. Per-resource fields win field by field.
 */
export interface ConnectionInputs {
  /**
   * One or more node URLs of the same cluster, e.g. ["https://es1:9200"]. Requests go round-robin to the live ones; a
   * node that fails is skipped until a ping finds it alive again, and a retry goes to the next node.
   */
  urls?: string[];
  /** Elastic Cloud ID (`<name>:<base64 of host$es-id$kibana-id>`, from the deployment page), instead of `urls`. */
  cloudId?: string;
  /** API key: encoded (base64 of id:api_key, as the create API key answers) or `{ id, api_key }`. */
  apiKey?: string | ApiKeyPair;
  /** Basic-auth user name (with `password`). */
  username?: string;
  /** Basic-auth password (with `username`). */
  password?: string;
  /** OAuth2/JWT bearer token. */
  bearerToken?: string;
  /** PEM CA certificate(s) that signed the cluster's HTTP certificate. */
  caCert?: string;
  /** SHA-256 fingerprint of the cluster's HTTP certificate or its CA (hex, colons optional). */
  caFingerprint?: string;
  /** Turns TLS verification OFF. Only for throw-away test clusters. */
  insecureSkipTlsVerify?: boolean;
  /** Per-request timeout in seconds (default 60). Waits for state changes have their own bounds. */
  requestTimeoutSeconds?: number;
  /** Gzip request bodies and accept gzip answers (default false; worth it over slow links). */
  compression?: boolean;
}

export interface ResolvedConnection {
  urls: string[];
  auth?: { kind: "apiKey"; apiKey: string | { id: string; api_key: string } } | { kind: "basic"; username: string; password: string } | { kind: "bearer"; token: string };
  caCert?: string;
  caFingerprint?: string;
  insecureSkipTlsVerify: boolean;
  requestTimeoutMs: number;
  compression: boolean;
}

/** Stack-config namespace of the connection defaults: `elasticsearch-ccr:urls`, `elasticsearch-ccr:apiKey`, … */
export const CONFIG_NAMESPACE = "elasticsearch-ccr";
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 60;
const CONFIG_KEYS: readonly (keyof ConnectionInputs)[] = [
  "urls", "apiKey", "username", "password", "bearerToken", "caCert", "caFingerprint", "insecureSkipTlsVerify", "requestTimeoutSeconds",
  "compression", "cloudId",
];

/** Reads `elasticsearch-ccr:<key>` values (stack config arrives as strings; lists and numbers as JSON). */
export function connectionFromConfig(get: (key: string) => string | undefined): ConnectionInputs {
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const raw = get(`${CONFIG_NAMESPACE}:${key}`);
    if (raw === undefined || raw === "") continue;
    if (key === "urls") {
      out.urls = raw.trim().startsWith("[") ? JSON.parse(raw) : raw.split(",").map((s) => s.trim()).filter(Boolean);
    } else if (key === "insecureSkipTlsVerify" || key === "compression") {
      out[key] = raw === "true";
    } else if (key === "apiKey" && raw.trim().startsWith("{")) {
      out.apiKey = JSON.parse(raw);
    } else if (key === "requestTimeoutSeconds") {
      out[key] = Number(raw);
    } else {
      out[key] = raw;
    }
  }
  return out as ConnectionInputs;
}

export function mergeConnection(resource: ConnectionInputs | undefined, defaults: ConnectionInputs): ConnectionInputs {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(resource ?? {})) if (v !== undefined && v !== null) merged[k] = v;
  // Where the cluster is, is one choice too: a resource's own urls or cloudId replaces the other from config.
  if (resource?.urls !== undefined) delete merged.cloudId;
  if (resource?.cloudId !== undefined) delete merged.urls;
  // Auth is one choice: a resource that names its own credentials must not silently inherit another kind from config.
  if (resource && (resource.apiKey || resource.username || resource.bearerToken)) {
    for (const k of ["apiKey", "username", "password", "bearerToken"] as const) if (resource[k] === undefined) delete merged[k];
  }
  return merged as ConnectionInputs;
}

/** Offline validation of a resource's `connection` input. Stack-config defaults are validated when resolved. */
export function checkConnection(f: Failures, v: unknown, property = "connection"): void {
  if (v === undefined || v === null || isUnknown(v)) return;
  if (typeof v !== "object" || Array.isArray(v)) {
    f.add(property, `${property} must be an object such as { urls: ["https://localhost:9200"], apiKey: "…" }`);
    return;
  }
  const c = v as Record<string, unknown>;
  if (c.urls !== undefined && !isUnknown(c.urls)) {
    if (!Array.isArray(c.urls) || c.urls.length === 0) f.add(`${property}.urls`, `${property}.urls must be a non-empty list of node URLs such as ["https://es:9200"]`);
    else c.urls.forEach((u, i) => urlProblem(f, `${property}.urls[${i}]`, u));
  }
  if (c.cloudId !== undefined && !isUnknown(c.cloudId)) {
    if (c.urls !== undefined) f.add(`${property}.cloudId`, `${property}: set either urls or cloudId, not both`);
    else if (typeof c.cloudId !== "string" || !cloudIdUrl(c.cloudId)) {
      f.add(`${property}.cloudId`, `${property}.cloudId is not an Elastic Cloud ID; copy it from the deployment page (it looks like "name:ZXUt…")`);
    }
  }
  const kinds = [c.apiKey !== undefined, c.username !== undefined || c.password !== undefined, c.bearerToken !== undefined].filter(Boolean).length;
  if (kinds > 1) f.add(property, `${property}: set only one of apiKey, username/password or bearerToken`);
  if (c.username !== undefined && c.password === undefined) f.add(`${property}.password`, `${property}.password is required when username is set`);
  if (c.caFingerprint !== undefined && !isUnknown(c.caFingerprint) &&
      !/^[0-9a-f]{64}$/i.test(String(c.caFingerprint).replace(/:/g, ""))) {
    f.add(`${property}.caFingerprint`, `${property}.caFingerprint must be a SHA-256 fingerprint (64 hex digits, colons allowed)`);
  }
  if (c.insecureSkipTlsVerify === true && (c.caCert !== undefined || c.caFingerprint !== undefined)) {
    f.add(`${property}.insecureSkipTlsVerify`, `${property}.insecureSkipTlsVerify cannot be combined with caCert/caFingerprint; remove one`);
  }
  f.optionalBoolean(`${property}.insecureSkipTlsVerify`, c.insecureSkipTlsVerify);
  f.optionalBoolean(`${property}.compression`, c.compression);
  if (c.apiKey !== undefined && !isUnknown(c.apiKey) && typeof c.apiKey !== "string") {
    const k = c.apiKey as Record<string, unknown>;
    if (!k || typeof k !== "object" || Array.isArray(k) || typeof k.id !== "string" || typeof k.api_key !== "string" || Object.keys(k).length !== 2) {
      f.add(`${property}.apiKey`, `${property}.apiKey must be the encoded key (a string, base64 of id:api_key) or { id: "…", api_key: "…" }`);
    }
  }
  if (c.requestTimeoutSeconds !== undefined && !isUnknown(c.requestTimeoutSeconds) &&
      (typeof c.requestTimeoutSeconds !== "number" || !(c.requestTimeoutSeconds > 0))) {
    f.add(`${property}.requestTimeoutSeconds`, `${property}.requestTimeoutSeconds must be a positive number of seconds`);
  }
}

function urlProblem(f: Failures, property: string, u: unknown): void {
  if (isUnknown(u)) return;
  let url: URL;
  try {
    url = new URL(String(u));
  } catch {
    f.add(property, `${property} is not a URL; use e.g. "https://es.example.com:9200"`);
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") f.add(property, `${property} must use http: or https:`);
  // Credentials in a URL would end up in plain state and in error messages.
  if (url.username || url.password) f.add(property, `${property} must not contain credentials; use connection.username/password or apiKey (as secrets)`);
}

/**
 * Check-time validation of the connection a resource will really use: its own `connection` merged with the stack
 * config defaults (`configure`). Without this, a missing URL or a bad stack-config value (e.g. credentials in
 * `elasticsearch-ccr:urls`) would pass the preview and only fail `up`. Failures of the resource's own input are
 * left to checkConnection; unknown values (computed during a preview) are skipped.
 */
export function checkEffectiveConnection(f: Failures, own: unknown, stack: ConnectionInputs, resource: string): void {
  if (isUnknown(own) || (own !== undefined && own !== null && (typeof own !== "object" || Array.isArray(own)))) return;
  const c = (own ?? {}) as Record<string, unknown>;
  if (Object.values(c).some(isUnknown)) return;
  const fromStack = new Failures();
  checkConnection(fromStack, stack, CONFIG_NAMESPACE);
  for (const x of fromStack.list) {
    // Only what the resource does not override itself.
    const key = x.property.slice(CONFIG_NAMESPACE.length + 1).replace(/[.[].*$/, "");
    if (key && c[key] !== undefined && c[key] !== null) continue;
    f.add("connection", `stack config ${x.reason.replace(`${CONFIG_NAMESPACE}.`, `${CONFIG_NAMESPACE}:`)}; fix it with pulumi config set ${CONFIG_NAMESPACE}:${key || "urls"}, or set connection on the resource`);
  }
  const merged = mergeConnection(c as ConnectionInputs, stack);
  if (!(Array.isArray(merged.urls) && merged.urls.length > 0) && !merged.cloudId && !(Array.isArray(c.urls))) {
    f.add("connection", `no cluster URL: set connection.urls (or cloudId) on ${resource}, or stack config ${CONFIG_NAMESPACE}:urls`);
  }
}

/** Turns merged inputs into a usable connection, or throws a message naming the missing piece. */
export function resolveConnection(c: ConnectionInputs, resource: string): ResolvedConnection {
  const f = new Failures();
  checkConnection(f, c);
  const urls = c.urls ?? (c.cloudId ? [cloudIdUrl(c.cloudId)!] : undefined);
  if (!urls || urls.length === 0) {
    f.add("connection.urls", `no cluster URL: set connection.urls (or cloudId) on ${resource} or stack config ${CONFIG_NAMESPACE}:urls`);
  }
  if (f.list.length) throw new Error(`${resource}: invalid connection: ${f.list.map((x) => x.reason).join("; ")}`);
  const auth: ResolvedConnection["auth"] = c.apiKey ? { kind: "apiKey", apiKey: c.apiKey }
    : c.username ? { kind: "basic", username: c.username, password: c.password ?? "" }
    : c.bearerToken ? { kind: "bearer", token: c.bearerToken } : undefined;
  return {
    urls: urls!.map((u) => u.replace(/\/+$/, "")),
    auth,
    caCert: c.caCert,
    caFingerprint: c.caFingerprint?.replace(/:/g, "").toUpperCase(),
    insecureSkipTlsVerify: c.insecureSkipTlsVerify === true,
    requestTimeoutMs: (c.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS) * 1000,
    compression: c.compression === true,
  };
}

/**
 * The Elasticsearch URL of an Elastic Cloud ID: `<name>:` then base64 of `<host[:port]>$<es-id>$<kibana-id>`, giving
 * `https://<es-id>.<host[:port]>` (what the official client's `cloud` option does). Undefined if malformed.
 */
export function cloudIdUrl(id: string): string | undefined {
  const encoded = id.slice(id.indexOf(":") + 1);
  if (!id.includes(":") || !/^[A-Za-z0-9+/=_-]+$/.test(encoded)) return undefined;
  const [host, es] = Buffer.from(encoded, "base64").toString("utf8").split("$");
  if (!host || !es || !/^[A-Za-z0-9.-]+(:\d+)?$/.test(host) || !/^[A-Za-z0-9-]+$/.test(es)) return undefined;
  return `https://${es}.${host}`;
}

/** The cluster as it may appear in messages: origins only, no credentials. */
export function clusterLabel(c: ResolvedConnection | ConnectionInputs | undefined): string {
  const urls = c?.urls ?? [];
  return urls.map((u) => {
    try {
      return new URL(u).origin;
    } catch {
      return "<invalid url>";
    }
  }).join(",") || "<no url>";
}

/**
 * Identity for sharing one client and read cache per cluster and principal inside the provider process. Credentials
 * enter only as a hash, so the key can be logged.
 */
export function connectionKey(c: ResolvedConnection): string {
  const h = createHash("sha256").update(JSON.stringify([c.auth, c.caCert, c.caFingerprint, c.insecureSkipTlsVerify])).digest("hex").slice(0, 16);
  return `${clusterLabel(c)}#${h}`;
}

/**
 * The connection as compared by diff: credentials only as a hash, so a rotated password is a (no-request) update of
 * state rather than invisible, and nothing secret is spelled out in a diff.
 */
export function connectionFingerprint(c: ConnectionInputs | undefined): string {
  if (!c) return "";
  return createHash("sha256").update(JSON.stringify(Object.keys(c).sort().map((k) => [k, (c as Record<string, unknown>)[k]]))).digest("hex");
}
