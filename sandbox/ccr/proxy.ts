/**
 * EMULATED CCR layer: the pass-through to the real node, and the interception of user writes to follower indexes.
 *
 * Why interception in the front rather than a real `index.blocks.write` on the follower: a real block would make the
 * node answer `cluster_block_exception` "index [f] blocked by: [FORBIDDEN/8/index write (api)]", which is not what
 * Elasticsearch answers for a follower (FollowingEngine#preFlight → 403 `status_exception`, see errors.ts), and the
 * replication writer would have to lift the block for every batch, opening windows in which user writes get in.
 * So the front rejects user writes with the real follower error, and the replication loop writes to the node directly.
 * Limit: writes sent to the node's own HTTP port (bypassing the front) are not blocked.
 */
import * as http from "node:http";
import { randomBytes } from "node:crypto";
import { FOLLOWER_WRITE_REASON, errors } from "./errors";
import { simpleMatch } from "./patterns";

export function forward(req: http.IncomingMessage, res: http.ServerResponse, nodeUrl: string, body?: Buffer): void {
  const target = new URL(req.url ?? "/", nodeUrl);
  const headers = { ...req.headers, host: target.host };
  if (body !== undefined) {
    headers["content-length"] = String(body.length);
    delete headers["transfer-encoding"];
  }
  const up = http.request(target, { method: req.method, headers }, (ur) => {
    res.writeHead(ur.statusCode ?? 502, ur.headers);
    ur.pipe(res);
  });
  up.on("error", (e) => {
    if (!res.headersSent) {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { type: "proxy_error", reason: `EMULATED CCR front: node unreachable: ${e.message}` }, status: 502 }));
    } else res.destroy();
  });
  if (body !== undefined) up.end(body);
  else req.pipe(up);
}

/** Sends a request to the node and returns status, headers and body (used to merge _bulk answers). */
export function forwardBuffered(req: http.IncomingMessage, nodeUrl: string, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const target = new URL(req.url ?? "/", nodeUrl);
    const headers = { ...req.headers, host: target.host, "content-length": String(body.length) };
    delete headers["transfer-encoding"];
    delete headers["accept-encoding"];
    const up = http.request(target, { method: req.method, headers }, (ur) => {
      const chunks: Buffer[] = [];
      ur.on("data", (c) => chunks.push(c));
      ur.on("end", () => resolve({ status: ur.statusCode ?? 502, headers: ur.headers, body: Buffer.concat(chunks) }));
      ur.on("error", reject);
    });
    up.on("error", reject);
    up.end(body);
  });
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export type WriteKind = "doc" | "bulk" | "by_query" | undefined;

/** Classifies a request as a document write and names the index expression it targets. Pure. */
export function classifyWrite(method: string, pathname: string): { kind: WriteKind; index?: string } {
  const seg = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const m = method.toUpperCase();
  if (seg.length === 1 && seg[0] === "_bulk" && (m === "POST" || m === "PUT")) return { kind: "bulk" };
  if (seg.length < 2 || seg[0].startsWith("_")) return { kind: undefined };
  const [index, op] = seg;
  if (op === "_bulk" && (m === "POST" || m === "PUT")) return { kind: "bulk", index };
  if ((op === "_delete_by_query" || op === "_update_by_query") && m === "POST") return { kind: "by_query", index };
  if (op === "_doc" && (m === "PUT" || m === "POST" || m === "DELETE")) return { kind: "doc", index };
  if ((op === "_create" || op === "_update") && (m === "PUT" || m === "POST")) return { kind: "doc", index };
  return { kind: undefined };
}

/** Does an index expression (comma list, wildcards) name a follower? */
export function targetsFollower(expr: string | undefined, isFollower: (name: string) => boolean, followers: string[]): boolean {
  if (!expr) return false;
  return expr.split(",").some((part) => {
    if (part.startsWith("-")) return false;
    if (part.includes("*")) return followers.some((f) => simpleMatch(part, f));
    return part === "_all" ? followers.length > 0 : isFollower(part);
  });
}

export interface BulkSplit {
  /** ndjson to forward (only items not targeting followers). */
  forward: string;
  /** Per original item: index into the forwarded items, or the rejected item's response. */
  slots: Array<{ forwarded: number } | { rejected: Record<string, unknown> }>;
}

/** Splits a _bulk body: items targeting followers get the follower error. Pure. */
export function splitBulk(ndjson: string, defaultIndex: string | undefined, isFollower: (name: string) => boolean): BulkSplit {
  const lines = ndjson.split("\n");
  const out: string[] = [];
  const slots: BulkSplit["slots"] = [];
  let forwarded = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    let action: Record<string, Record<string, unknown>>;
    try {
      action = JSON.parse(line);
    } catch {
      // Malformed: forward the rest untouched so the node reports its own parse error.
      return { forward: ndjson, slots: [] };
    }
    const op = Object.keys(action)[0];
    const meta = action[op] ?? {};
    const hasSource = op !== "delete";
    const src = hasSource ? lines[++i] : undefined;
    const index = (meta._index as string | undefined) ?? defaultIndex;
    if (index && isFollower(index)) {
      slots.push({
        rejected: {
          [op]: {
            _index: index,
            _id: (meta._id as string | undefined) ?? randomBytes(15).toString("base64url").slice(0, 20),
            status: 403,
            error: { type: "status_exception", reason: FOLLOWER_WRITE_REASON },
          },
        },
      });
      continue;
    }
    out.push(line);
    if (src !== undefined) out.push(src);
    slots.push({ forwarded: forwarded++ });
  }
  return { forward: out.length ? out.join("\n") + "\n" : "", slots };
}

/** Merges the node's _bulk answer with the rejected items, in the original order. Pure. */
export function mergeBulk(split: BulkSplit, nodeAnswer: { took?: number; items?: unknown[]; errors?: boolean } | undefined): Record<string, unknown> {
  const items = split.slots.map((s) => ("forwarded" in s ? nodeAnswer?.items?.[s.forwarded] : s.rejected));
  return { errors: true, took: nodeAnswer?.took ?? 0, items };
}

export { errors as proxyErrors };
