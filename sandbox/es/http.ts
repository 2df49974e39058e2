/** Minimal HTTP helper for the sandbox and tests (the provider has its own transport in provider/client). */
import * as https from "node:https";

export interface HttpResult<T = any> {
  status: number;
  body: T;
}

export interface HttpAuth {
  username?: string;
  password?: string;
  apiKey?: string;
  bearer?: string;
}

export interface EsRequestOptions {
  auth?: HttpAuth;
  timeoutMs?: number;
  /**
   * PEM CA that signed the node's HTTP certificate. For https URLs the request goes through node:https with this CA
   * (global fetch cannot take a CA without an undici dispatcher); plain http keeps using fetch.
   */
  ca?: string;
  /** The body is an ndjson string sent as is (`_bulk`), not a value to JSON-encode. */
  ndjson?: boolean;
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text; // not JSON: keep the text
  }
}

function viaHttps(url: URL, method: string, headers: Record<string, string>, payload: string | undefined, ca: string | undefined, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
    const r = https.request(url, { method, headers, ca, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
    });
    r.on("timeout", () => r.destroy(Object.assign(new Error(`no response within ${timeoutMs} ms`), { code: "ETIMEDOUT" })));
    r.on("error", reject);
    r.end(payload);
  });
}

export async function esRequest<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  opts: EsRequestOptions = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = opts.ndjson ? "application/x-ndjson" : "application/json";
  const a = opts.auth;
  if (a?.apiKey) headers.authorization = `ApiKey ${a.apiKey}`;
  else if (a?.bearer) headers.authorization = `Bearer ${a.bearer}`;
  else if (a?.username) headers.authorization = `Basic ${Buffer.from(`${a.username}:${a.password ?? ""}`).toString("base64")}`;
  const url = new URL(path, baseUrl);
  const payload = body === undefined ? undefined : opts.ndjson ? String(body) : JSON.stringify(body);
  if (url.protocol === "https:") {
    const r = await viaHttps(url, method, headers, payload, opts.ca, opts.timeoutMs ?? 30_000);
    return { status: r.status, body: parse(r.text) as T };
  }
  const res = await fetch(url, {
    method,
    headers,
    body: payload,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
  });
  return { status: res.status, body: parse(await res.text()) as T };
}
