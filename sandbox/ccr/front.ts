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
import { decorateResolve, expandDataStreamNames } from "./data-streams";
import { classifyMetadataRead, decorateMetadataRead, MetadataRead, presentIndices, scopeRequest } from "./metadata-view";
import { classifyWrite, forward, forwardBuffered, mergeBulk, readBody, splitBulk, targetsFollower } from "./proxy";
import { register, unregister } from "./registry";
import { prettyJson, renderAnswer, wantsPretty } from "./response";

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
  /**
   * How long the emulated restore of a new follower takes, before its shard-follow tasks start (default
   * CCR_RESTORE_DELAY_MS or 300 ms); a function gives it per follower index name. `PUT _ccr/follow` with
   * `wait_for_active_shards` >= 1 blocks for that long; during it `_ccr/info` shows the follower paused without
   * parameters and a second PUT of the same name answers 500 `snapshot_restore_exception`.
   */
  restoreDelayMs?: number | ((followerIndex: string) => number);
}

const JSON_HEADERS = { "content-type": "application/json; charset=UTF-8", "x-elastic-product": "Elasticsearch", "x-ccr-emulated": "true" };

/** Sends an answer the layer made itself, with the request's filter_path / pretty / error_trace applied (response.ts). */
function send(res: http.ServerResponse, r: Reply, q: URLSearchParams): void {
  const body = renderAnswer(r.status, r.body, q);
  res.writeHead(r.status, { ...JSON_HEADERS, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function envMs(name: string, dflt: number, min = 1): number {
  const raw = process.env[name];
  const v = Number(raw);
  return raw !== undefined && raw !== "" && Number.isFinite(v) && v >= min ? v : dflt;
}

export async function startCcrFront(opts: CcrFrontOptions): Promise<CcrFront> {
  const log = opts.log ?? (() => {});
  const node = opts.node;
  const layer = new CcrLayer({
    node, stateDir: opts.stateDir, log,
    pollMs: opts.pollMs ?? envMs("CCR_POLL_MS", 250),
    reconcileMs: opts.reconcileMs ?? envMs("CCR_RECONCILE_MS", 5000),
    autoFollowMs: opts.autoFollowMs ?? envMs("CCR_AUTO_FOLLOW_MS", 1000),
    restoreDelayMs: restoreDelay(opts.restoreDelayMs),
  });
  const isFollower = (n: string) => n in layer.state.followers;

  const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    let url = new URL(req.url ?? "/", "http://front");
    const method = (req.method ?? "GET").toUpperCase();
    let seg = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const q = url.searchParams;
    const ccrAt = seg.indexOf("_ccr");
    if (ccrAt === 0 || ccrAt === 1) {
      const raw = (await readBody(req)).toString("utf8");
      // Followers deleted meanwhile (through the front or on the node) are gone before any _ccr answer.
      await layer.verifyFollowers().catch((e) => log(`ccr: follower check: ${(e as Error).message}`));
      send(res, await serveCcr(layer, method, seg, raw, url), q);
      return;
    }
    if (Object.keys(layer.dataStreams()).length || seg[0] === "_data_stream") {
      const done = await serveDataStreams(req, res, layer, method, seg, url);
      if (done) return;
      // A data stream's name may have been rewritten to its backing indexes.
      url = new URL(req.url ?? "/", "http://front");
      seg = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    }
    if (!Object.keys(layer.state.followers).length) return forward(req, res, node.httpUrl);
    if (method === "DELETE" && seg.length === 1) {
      // An index deletion through the front: drop the deleted followers' state once the node has answered.
      res.once("finish", () => void layer.verifyFollowers().catch((e) => log(`ccr: follower check after DELETE: ${(e as Error).message}`)));
      return forward(req, res, node.httpUrl);
    }
    if (method === "GET" && layer.restoringCount() && ((seg.length === 1 && seg[0] === "_recovery") || (seg.length === 2 && seg[1] === "_recovery" && !seg[0].startsWith("_")))) {
      await readBody(req);
      return send(res, await layer.recovery(seg.length === 2 ? seg[0] : undefined, q), q);
    }
    let followers = Object.keys(layer.state.followers);
    const read = classifyMetadataRead(method, url.pathname, url.searchParams);
    if (read) return serveMetadataRead(req, res, read, url, node, layer);
    const w = classifyWrite(method, url.pathname);
    if ((w.kind === "doc" || w.kind === "by_query") && targetsFollower(w.index, isFollower, followers)) {
      // Before rejecting anything: a follower deleted on the node (and maybe recreated as a regular index) is none.
      await layer.verifyFollowers();
      followers = Object.keys(layer.state.followers);
    }
    if ((w.kind === "doc" || w.kind === "by_query") && targetsFollower(w.index, isFollower, followers)) {
      await readBody(req);
      const e = errors.followerWrite();
      return send(res, { status: e.status, body: e.body }, q);
    }
    if (w.kind === "bulk") {
      const body = await readBody(req);
      let split = splitBulk(body.toString("utf8"), w.index, isFollower);
      if (split.slots.some((s) => "rejected" in s)) {
        await layer.verifyFollowers();
        split = splitBulk(body.toString("utf8"), w.index, isFollower);
      }
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
      return send(res, { status: 200, body: mergeBulk(split, answer) }, q);
    }
    forward(req, res, node.httpUrl);
  };

  const server = http.createServer((req, res) => {
    route(req, res).catch((e) => {
      if (res.headersSent) { res.destroy(); return; }
      const q = new URL(req.url ?? "/", "http://front").searchParams;
      if (e instanceof EsHttpError) return send(res, { status: e.status, body: e.body }, q);
      log(`EMULATED CCR front: internal error: ${(e as Error).stack}`);
      send(res, { status: 500, body: { error: { root_cause: [{ type: "exception", reason: (e as Error).message }], type: "exception", reason: (e as Error).message }, status: 500 } }, q);
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

/** The restore-delay knob: an option (number or per-index function), else CCR_RESTORE_DELAY_MS, else 300 ms. */
function restoreDelay(o: CcrFrontOptions["restoreDelayMs"]): (index: string) => number {
  if (typeof o === "function") return (i) => Math.max(0, o(i));
  const ms = o ?? envMs("CCR_RESTORE_DELAY_MS", 300, 0);
  return () => Math.max(0, ms);
}

/**
 * GETs that show index metadata: buffered, and the followers' CCR view (ccr custom data, following_index setting)
 * added to the node's JSON (metadata-view.ts). Non-200 or non-JSON answers are passed on untouched.
 */
async function serveMetadataRead(req: http.IncomingMessage, res: http.ServerResponse, read: MetadataRead, url: URL, node: EsNode, layer: CcrLayer): Promise<void> {
  await readBody(req);
  const [r, scope, parsed] = await layer.withoutRegistrations(async () => {
    const [a, b] = await Promise.all([forwardBuffered(req, node.httpUrl, Buffer.alloc(0)), node.request("GET", scopeRequest(read, url.searchParams))]);
    const json = a.status === 200 && b.status === 200 && String(a.headers["content-type"] ?? "").startsWith("application/json") ? JSON.parse(a.body.toString("utf8")) : undefined;
    return [a, b, json] as const;
  }, ([, b, json]) => [
    // The names the answer may show: the side request's, and those of the node's answer itself (the two requests
    // reach the node at slightly different moments).
    ...Object.keys(presentIndices(read, b.body)),
    ...(json && typeof json === "object" ? [...Object.keys(json), ...Object.keys(json.metadata?.indices ?? {})] : []),
  ]);
  const headers = { ...r.headers };
  let body = r.body;
  if (parsed !== undefined) {
    const q = url.searchParams;
    const flat = q.get("flat_settings") === "true" || q.get("flat_settings") === "";
    const out = decorateMetadataRead(read, parsed, {
      filterPath: q.get("filter_path"), flat, present: presentIndices(read, scope.body), followers: layer.state.followers,
    });
    body = Buffer.from(wantsPretty(q) ? prettyJson(out) : JSON.stringify(out));
  }
  delete headers["transfer-encoding"];
  delete headers["content-encoding"];
  headers["content-length"] = String(body.length);
  res.writeHead(r.status, headers);
  res.end(body);
}

/**
 * The layer's replicated data streams (data-streams.ts), which the node does not hold: `GET _data_stream[/<expr>]`,
 * `POST _data_stream/_promote/<name>`, a refused `POST <name>/_rollover`, `_resolve/index` answers with them added,
 * and requests addressed by a data stream's name, rewritten to its backing indexes (its write index for document
 * writes) as Elasticsearch resolves the name. True when the request was answered here; the URL may be rewritten
 * for the rest of the routing.
 */
async function serveDataStreams(req: http.IncomingMessage, res: http.ServerResponse, layer: CcrLayer, method: string, seg: string[], url: URL): Promise<boolean> {
  const q = url.searchParams;
  if (seg[0] === "_data_stream") {
    if (seg[1] === "_promote" && seg.length === 3 && method === "POST") {
      await readBody(req);
      send(res, await layer.promoteDataStream(seg[2]), q);
      return true;
    }
    if (seg.length <= 2 && method === "GET" && seg[1] !== "_stats") {
      await readBody(req);
      send(res, await layer.getDataStreams(seg[1]), q);
      return true;
    }
    if (seg.length === 2 && method === "DELETE" && !seg[1].startsWith("_")) {
      await readBody(req);
      send(res, await layer.deleteDataStreams(seg[1]), q);
      return true;
    }
    return false;
  }
  if (seg[0] === "_resolve" && seg[1] === "index" && seg.length === 3 && method === "GET") {
    await readBody(req);
    // The node does not know the layer's data stream names: it resolves the rest, the names are added back below.
    const streams = layer.dataStreams();
    const rest = seg[2].split(",").filter((p) => !streams[p]);
    if (!rest.length) {
      send(res, { status: 200, body: decorateResolve(streams, seg[2], { indices: [], aliases: [], data_streams: [] }) }, q);
      return true;
    }
    req.url = `/_resolve/index/${rest.map(encodeURIComponent).join(",")}${url.search}`;
    const r = await forwardBuffered(req, layer.nodeUrl, Buffer.alloc(0));
    if (r.status !== 200) {
      res.writeHead(r.status, r.headers);
      res.end(r.body);
      return true;
    }
    send(res, { status: 200, body: decorateResolve(layer.dataStreams(), seg[2], JSON.parse(r.body.toString("utf8"))) }, q);
    return true;
  }
  if (!seg.length || seg[0].startsWith("_")) return false;
  if (seg[1] === "_rollover" && method === "POST") {
    const refusal = layer.rolloverRefusal(seg[0]);
    if (refusal) {
      await readBody(req);
      send(res, { status: refusal.status, body: refusal.body }, q);
      return true;
    }
    return false;
  }
  if (seg.length === 1 && method === "DELETE") {
    // MetadataDeleteIndexService: a data stream's write index cannot be deleted (the stream can, with all of them).
    const refusal = layer.writeIndexRefusal(seg[0].split(","), "delete");
    if (refusal) {
      await readBody(req);
      send(res, { status: refusal.status, body: refusal.body }, q);
      return true;
    }
    return false;
  }
  if (seg.length === 1 && method !== "GET" && method !== "HEAD") return false;
  const op = seg[1] ?? "";
  const docWrite = ((op === "_doc" || op === "_create" || op === "_update") && method !== "GET" && method !== "HEAD") || op === "_bulk";
  const expanded = expandDataStreamNames(layer.dataStreams(), seg[0], docWrite);
  if (op === "_close" && method === "POST") {
    // MetadataIndexStateService.closeIndices: "cannot close the following data stream write indices [...]".
    const refusal = layer.writeIndexRefusal((expanded ?? seg[0]).split(","), "close");
    if (refusal) {
      await readBody(req);
      send(res, { status: refusal.status, body: refusal.body }, q);
      return true;
    }
  }
  if (expanded !== undefined) {
    const rest = url.pathname.split("/").filter(Boolean).slice(1).join("/");
    req.url = `/${expanded.split(",").map(encodeURIComponent).join(",")}${rest ? `/${rest}` : ""}${url.search}`;
  }
  return false;
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
      case "_emulated_retention_lease": return allowed(["POST"], () => layer.emulatedLease(index, raw));
      case "info": return allowed(["GET"], () => layer.followInfo(index));
      case "stats": return allowed(["GET"], () => layer.followStats(index));
    }
  }
  return { status: 400, body: { error: `no handler found for uri [${url.pathname}${url.search}] and method [${method}]` } };
}
