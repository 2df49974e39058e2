/** Minimal JSON-over-HTTP helper for the sandbox (the provider itself uses @elastic/elasticsearch). */
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

export async function esRequest<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  opts: { auth?: HttpAuth; timeoutMs?: number } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const a = opts.auth;
  if (a?.apiKey) headers.authorization = `ApiKey ${a.apiKey}`;
  else if (a?.bearer) headers.authorization = `Bearer ${a.bearer}`;
  else if (a?.username) headers.authorization = `Basic ${Buffer.from(`${a.username}:${a.password ?? ""}`).toString("base64")}`;
  const res = await fetch(new URL(path, baseUrl), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch { /* not JSON: keep the text */ }
  return { status: res.status, body: parsed as T };
}
