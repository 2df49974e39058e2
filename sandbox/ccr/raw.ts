/** EMULATED CCR layer: ndjson requests to a node (the JSON helper in es/http.ts always JSON-encodes bodies). */
import type { EsNode } from "../es/node";

export async function esRequestRaw(node: EsNode, method: string, path: string, ndjson: string): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { accept: "application/json", "content-type": "application/x-ndjson" };
  if (node.auth) headers.authorization = `Basic ${Buffer.from(`${node.auth.username}:${node.auth.password}`).toString("base64")}`;
  const res = await fetch(new URL(path, node.httpUrl), { method, headers, body: ndjson, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  let body: unknown = text;
  try { body = JSON.parse(text); } catch { /* keep text */ }
  return { status: res.status, body };
}
