/**
 * EMULATED cross-cluster replication for the local sandbox clusters.
 *
 * The integ-test-zip distribution has no CCR module, so each local cluster gets this HTTP front: `/_ccr/...` and
 * `/<index>/_ccr/...` are served by the layer (sandbox/ccr/layer.ts) using the real nodes underneath; every other
 * request is streamed to the real node untouched, except user writes to follower indexes, which are rejected the
 * way Elasticsearch rejects them (proxy.ts). This is sandbox and test infrastructure, not Elasticsearch's CCR:
 * see sandbox/ccr/README.md for what it does not reproduce.
 */
import * as http from "node:http";
import type { EsNode } from "../es/node";
import { freePort } from "../es/node";
import { EsHttpError, errors } from "./errors";
import { CcrLayer, Reply } from "./layer";
import { classifyMetadataRead, decorateMetadataRead, MetadataRead, presentIndices, scopeRequest } from "./metadata-view";
import { classifyWrite, forward, forwardBuffered, mergeBulk, readBody, splitBulk, targetsFollower } from "./proxy";
import { register, unregister } from "./registry";

export interface CcrFront {
  url: string;
  node: EsNode;
  stop(): Promise<void>;
}

export interface CcrFrontOptions {
  node: EsNode;
  stateDir: string;
  log?: (s: string) => void;
  /** Replication poll interval (default CCR_POLL_MS or 250 ms). */
  pollMs?: number;
  /** Period of the per-shard delete reconciliation (default CCR_RECONCILE_MS or 5000 ms). */
  reconcileMs?: number;
  /** Auto-follow coordinator period (default CCR_AUTO_FOLLOW_MS or 1000 ms). */
  autoFollowMs?: number;
}

const JSON_HEADERS = { "content-type": "application/json; charset=UTF-8", "x-elastic-product": "Elasticsearch", "x-ccr-emulated": "true" };

function send(res: http.ServerResponse, r: Reply): void {
  const body = JSON.stringify(r.body);
  res.writeHead(r.status, { ...JSON_HEADERS, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function envMs(name: string, dflt: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : dflt;
}

export async function startCcrFront(opts: CcrFrontOptions): Promise<CcrFront> {
  const log = opts.log ?? (() => {});
  const node = opts.node;
  const layer = new CcrLayer({
    node, stateDir: opts.stateDir, log,
    pollMs: opts.pollMs ?? envMs("CCR_POLL_MS", 250),
    reconcileMs: opts.reconcileMs ?? envMs("CCR_RECONCILE_MS", 5000),
    autoFollowMs: opts.autoFollowMs ?? envMs("CCR_AUTO_FOLLOW_MS", 1000),
    restoreDelayMs: 300,
  });
  const isFollower = (n: string) => n in layer.state.followers;

  const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://front");
    const method = (req.method ?? "GET").toUpperCase();
    const seg = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const ccrAt = seg.indexOf("_ccr");
    if (ccrAt === 0 || ccrAt === 1) {
      const raw = (await readBody(req)).toString("utf8");
      send(res, await serveCcr(layer, method, seg, raw, url));
      return;
    }
    const followers = Object.keys(layer.state.followers);
    if (!followers.length) return forward(req, res, node.httpUrl);
    const read = classifyMetadataRead(method, url.pathname, url.searchParams);
    if (read) return serveMetadataRead(req, res, read, url, node, layer);
    const w = classifyWrite(method, url.pathname);
    if (w.kind === "doc" && targetsFollower(w.index, isFollower, followers)) {
      await readBody(req);
      const e = errors.followerWrite();
      return send(res, { status: e.status, body: e.body });
    }
    if (w.kind === "by_query" && targetsFollower(w.index, isFollower, followers)) {
      await readBody(req);
      const e = errors.followerWrite();
      return send(res, { status: e.status, body: e.body });
    }
    if (w.kind === "bulk") {
      const body = await readBody(req);
      const split = splitBulk(body.toString("utf8"), w.index, isFollower);
      if (!split.slots.some((s) => "rejected" in s)) return forward(req, res, node.httpUrl, body);
      let answer: any;
      if (split.forward) {
        const r = await forwardBuffered(req, node.httpUrl, Buffer.from(split.forward));
        if (r.status !== 200) {
          res.writeHead(r.status, r.headers);
          res.end(r.body);
          return;
        }
        answer = JSON.parse(r.body.toString("utf8"));
      }
      return send(res, { status: 200, body: mergeBulk(split, answer) });
    }
    forward(req, res, node.httpUrl);
  };

  const server = http.createServer((req, res) => {
    route(req, res).catch((e) => {
      if (res.headersSent) { res.destroy(); return; }
      if (e instanceof EsHttpError) return send(res, { status: e.status, body: e.body });
      log(`EMULATED CCR front: internal error: ${(e as Error).stack}`);
      send(res, { status: 500, body: { error: { root_cause: [{ type: "exception", reason: (e as Error).message }], type: "exception", reason: (e as Error).message }, status: 500 } });
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${port}`;
  register({ transportAddress: node.transportAddress, frontUrl: url, nodeUrl: node.httpUrl, clusterName: node.clusterName, auth: node.auth, pid: process.pid });
  layer.start();
  log(`EMULATED CCR front for ${node.clusterName} at ${url} (node ${node.httpUrl}; _ccr APIs emulated by sandbox/ccr, not Elasticsearch's CCR module)`);
  let stopped = false;
  return {
    url,
    node,
    async stop() {
      if (stopped) return;
      stopped = true;
      unregister(node.transportAddress, url);
      await layer.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * GETs that show index metadata: buffered, and the followers' CCR view (ccr custom data, following_index setting)
 * added to the node's JSON (metadata-view.ts). Non-200 or non-JSON answers are passed on untouched.
 */
async function serveMetadataRead(req: http.IncomingMessage, res: http.ServerResponse, read: MetadataRead, url: URL, node: EsNode, layer: CcrLayer): Promise<void> {
  await readBody(req);
  const [r, scope] = await Promise.all([
    forwardBuffered(req, node.httpUrl, Buffer.alloc(0)),
    node.request("GET", scopeRequest(read, url.searchParams)),
  ]);
  const headers = { ...r.headers };
  let body = r.body;
  if (r.status === 200 && scope.status === 200 && String(headers["content-type"] ?? "").startsWith("application/json")) {
    const q = url.searchParams;
    const flat = q.get("flat_settings") === "true" || q.get("flat_settings") === "";
    const out = decorateMetadataRead(read, JSON.parse(body.toString("utf8")), {
      filterPath: q.get("filter_path"), flat, present: presentIndices(read, scope.body), followers: layer.state.followers,
    });
    const pretty = q.has("pretty") && q.get("pretty") !== "false";
    body = Buffer.from(pretty ? JSON.stringify(out, null, 2) + "\n" : JSON.stringify(out));
  }
  delete headers["transfer-encoding"];
  delete headers["content-encoding"];
  headers["content-length"] = String(body.length);
  res.writeHead(r.status, headers);
  res.end(body);
}

/** Routes a `_ccr` request to the layer; unknown routes answer like Elasticsearch's REST controller. */
async function serveCcr(layer: CcrLayer, method: string, seg: string[], raw: string, url: URL): Promise<Reply> {
  const allowed = (methods: string[], fn: () => Promise<Reply>): Promise<Reply> => {
    if (methods.includes(method)) return fn();
    const reason = `Incorrect HTTP method for uri [${url.pathname}${url.search}] and method [${method}], allowed: [${methods.join(", ")}]`;
    return Promise.resolve({ status: 405, body: { error: reason, status: 405 } });
  };
  if (seg[0] === "_ccr") {
    if (seg[1] === "stats" && seg.length === 2) return allowed(["GET"], () => layer.globalStats());
    if (seg[1] === "auto_follow") {
      if (seg.length === 2) return allowed(["GET"], () => layer.getPatterns());
      if (seg.length === 3) {
        const name = seg[2];
        if (method === "PUT") return layer.putPattern(name, raw);
        if (method === "DELETE") return layer.deletePattern(name);
        return allowed(["GET", "PUT", "DELETE"], () => layer.getPatterns(name));
      }
      if (seg.length === 4 && (seg[3] === "pause" || seg[3] === "resume")) return allowed(["POST"], () => layer.activatePattern(seg[2], seg[3] === "resume"));
    }
  } else if (seg.length === 3) {
    const [index, , op] = seg;
    switch (op) {
      case "follow": return allowed(["PUT"], () => layer.putFollow(index, raw, url.searchParams));
      case "pause_follow": return allowed(["POST"], () => layer.pauseFollow(index));
      case "resume_follow": return allowed(["POST"], () => layer.resumeFollow(index, raw));
      case "unfollow": return allowed(["POST"], () => layer.unfollow(index));
      case "forget_follower": return allowed(["POST"], () => layer.forgetFollower(index, raw));
      case "info": return allowed(["GET"], () => layer.followInfo(index));
      case "stats": return allowed(["GET"], () => layer.followStats(index));
    }
  }
  return { status: 400, body: { error: `no handler found for uri [${url.pathname}${url.search}] and method [${method}]` } };
}
