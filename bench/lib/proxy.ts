import * as http from "node:http";
import { namesInPath, RequestProfile } from "./profile";

/**
 * A counting HTTP pass-through in front of one cluster's URL, so that every client measured (our provider under the
 * real CLI, the direct script, the Terraform provider) is counted the same way and pays the same extra hop. It only
 * counts and forwards; it never changes a request or an answer. A benchmark tool, not part of the library.
 */
export interface CountingProxy {
  url: string;
  /** Requests seen since the last `reset()`, keyed "METHOD /path" with index names folded (see `key`). */
  counts(): Map<string, number>;
  total(): number;
  /** Response bytes forwarded since the last reset. */
  bytes(): number;
  reset(): void;
  /** Every request since the last reset with its timing (bench/lib/profile.ts). */
  profile: RequestProfile;
  close(): Promise<void>;
}

/** Folds index names and batched name lists so that the same call on different indexes counts under one key. */
export function key(method: string, url: string): string {
  const p = url.split("?")[0];
  return `${method} ${p
    .replace(/^\/(?!_)[^/]+\/_ccr\//, "/<index>/_ccr/")
    .replace(/\/_cluster\/state\/metadata\/.+$/, "/_cluster/state/metadata/<names>")
    .replace(/^\/(?!_)[^/]+$/, "/<index>")
    .replace(/^\/(?!_)[^/]+\/(_settings|_stats|_mapping|_alias|_open|_close)/, "/<index>/$1")}`;
}

/**
 * `rootInfo`: answer `GET /` (which the integ-test-zip refuses with 405: it lacks the rest-root module) the way a
 * full distribution does, from the node's own `_cluster/stats/nodes/_local`. Elastic's Terraform provider reads the
 * cluster UUID and version from `GET /` before every resource operation and cannot run without it; our provider
 * falls back to the same `_cluster/stats` read by itself. Labelled in the output wherever it is on.
 */
export async function countingProxy(target: string, o: { rootInfo?: boolean } = {}): Promise<CountingProxy> {
  const to = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let counts = new Map<string, number>();
  let total = 0;
  let bytes = 0;
  const profile = new RequestProfile();
  const server = http.createServer((req, res) => {
    const k = key(req.method ?? "GET", req.url ?? "/");
    counts.set(k, (counts.get(k) ?? 0) + 1);
    total++;
    const start = Date.now();
    const names = namesInPath((req.url ?? "/").split("?")[0]);
    res.once("close", () => profile.record({ key: k, start, end: Date.now(), status: res.statusCode, names }));
    if (o.rootInfo && req.method === "GET" && (req.url === "/" || req.url?.startsWith("/?"))) {
      void rootInfo(to, agent).then((body) => {
        const text = JSON.stringify(body);
        bytes += text.length;
        res.writeHead(200, { "content-type": "application/json", "x-elastic-product": "Elasticsearch" });
        res.end(text);
      }, (e) => {
        res.writeHead(502, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { type: "bench_proxy_error", reason: String(e) } }));
      });
      return;
    }
    const up = http.request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers, agent }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.on("data", (d: Buffer) => (bytes += d.length));
      ur.pipe(res);
    });
    up.on("error", (e) => {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { type: "bench_proxy_error", reason: e.message } }));
    });
    req.pipe(up);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => new Map(counts),
    total: () => total,
    bytes: () => bytes,
    reset: () => {
      counts = new Map();
      total = 0;
      bytes = 0;
      profile.mark();
    },
    profile,
    close: () => new Promise<void>((r) => {
      agent.destroy();
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

function rootInfo(to: URL, agent: http.Agent): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http.get({ host: to.hostname, port: to.port, path: "/_cluster/stats/nodes/_local?filter_path=cluster_name,cluster_uuid,nodes.versions", agent }, (r) => {
      let text = "";
      r.setEncoding("utf8").on("data", (d) => (text += d)).on("end", () => {
        try {
          const s = JSON.parse(text);
          const number = s.nodes.versions[0];
          resolve({
            name: "node", cluster_name: s.cluster_name, cluster_uuid: s.cluster_uuid,
            version: { number, build_flavor: "default", build_type: "zip", lucene_version: "", minimum_wire_compatibility_version: "7.17.0", minimum_index_compatibility_version: "7.0.0" },
            tagline: "You Know, for Search",
          });
        } catch (e) {
          reject(e);
        }
      }).on("error", reject);
    }).on("error", reject);
  });
}
