import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { HttpRequest, HttpResponse, Transport } from "../../provider/client/http";

/**
 * An in-memory stand-in for the CCR-relevant part of an Elasticsearch follower cluster, enough to run the providers'
 * executors and count their requests. It follows the documented server semantics the provider relies on (pause of a
 * paused follower is a 400, unfollow needs closed + paused, resume needs the full parameter set, PUT auto-follow
 * re-activates). Not a substitute for the integration tests.
 */
interface Index { open: boolean; settings: Record<string, string>; uuid?: string; follower?: { remote: string; leader: string; active: boolean; params: Record<string, unknown> } }

const DEFAULTS: Record<string, unknown> = {
  max_read_request_operation_count: 5120, max_outstanding_read_requests: 12, max_read_request_size: "32mb",
  max_write_request_operation_count: 5120, max_write_request_size: "9223372036854775807b", max_outstanding_write_requests: 9,
  max_write_buffer_count: 2147483647, max_write_buffer_size: "512mb", max_retry_delay: "500ms", read_poll_timeout: "1m",
};

const err = (status: number, type: string, reason: string): HttpResponse => ({ status, body: { error: { type, reason }, status } });

export class FakeEs implements Transport {
  indices = new Map<string, Index>();
  patterns = new Map<string, Record<string, unknown>>();
  persistent: Record<string, unknown> = {};
  transient: Record<string, unknown> = {};
  requests: string[] = [];
  version = "8.19.21";
  /** `cluster_uuid` as GET / and cluster stats report it. */
  clusterUuid = "fake-cluster-uuid-1";
  rootAnswers405 = false;
  /** Statuses to answer before serving normally (to test retries). */
  failNext: number[] = [];

  async request(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(`${req.method} ${req.path}`);
    const f = this.failNext.shift();
    if (f) return err(f, "es_rejected_execution_exception", "busy");
    return this.route(req);
  }

  close(): void {}

  follow(name: string, leader: string, remote = "leader"): void {
    this.indices.set(name, { open: true, settings: { "index.number_of_shards": "1" }, follower: { remote, leader, active: true, params: { ...DEFAULTS } } });
  }

  private route(req: HttpRequest): HttpResponse {
    const { method, path } = req;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const seg = path.split("/").filter(Boolean).map(decodeURIComponent);
    if (path === "/") return this.rootAnswers405 ? err(405, "", "Incorrect HTTP method") : { status: 200, body: { cluster_uuid: this.clusterUuid, version: { number: this.version } } };
    if (path === "/_cluster/stats/nodes/_local") return { status: 200, body: { cluster_uuid: this.clusterUuid, nodes: { versions: [this.version] } } };
    if (path === "/_remote/info") {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(this.persistent)) {
        const m = /^cluster\.remote\.([^.]+)\.(seeds|proxy_address)$/.exec(k);
        if (m) out[m[1]] = { connected: true, mode: m[2] === "seeds" ? "sniff" : "proxy", num_nodes_connected: 1, num_proxy_sockets_connected: 1 };
      }
      return { status: 200, body: out };
    }
    if (path === "/_cluster/settings") {
      if (method === "GET") return { status: 200, body: { persistent: { ...this.persistent }, transient: { ...this.transient } } };
      for (const [scope, target] of [["persistent", this.persistent], ["transient", this.transient]] as const) {
        for (const [k, v] of Object.entries((body[scope] ?? {}) as Record<string, unknown>)) {
          if (v === null) delete target[k];
          else target[k] = v;
        }
      }
      return { status: 200, body: { acknowledged: true } };
    }
    if (path === "/_cluster/state/metadata") {
      const indices: Record<string, unknown> = {};
      for (const [n, i] of this.indices) indices[n] = { state: i.open ? "open" : "close", settings: i.settings, ...(i.follower ? { ccr: { leader_index_uuid: `uuid-${i.follower.leader}` } } : {}) };
      return { status: 200, body: { metadata: { indices } } };
    }
    if (path === "/_ccr/stats") return { status: 200, body: { auto_follow_stats: { recent_auto_follow_errors: [] }, follow_stats: { indices: this.stats() } } };
    if (seg[0] === "_ccr" && seg[1] === "auto_follow") {
      const name = seg[2];
      if (!name) return { status: 200, body: { patterns: [...this.patterns].map(([n, p]) => ({ name: n, pattern: p })) } };
      const p = this.patterns.get(name);
      if (method === "PUT") {
        this.patterns.set(name, { ...body, active: true });
        return { status: 200, body: { acknowledged: true } };
      }
      if (!p) return err(404, "resource_not_found_exception", `auto-follow pattern [${name}] is missing`);
      if (method === "DELETE") this.patterns.delete(name);
      else if (seg[3] === "pause") p.active = false;
      else if (seg[3] === "resume") p.active = true;
      return { status: 200, body: { acknowledged: true } };
    }
    return this.indexRoute(method, seg, body);
  }

  private stats() {
    return [...this.indices].filter(([, i]) => i.follower?.active).map(([n]) => ({ index: n, total_global_checkpoint_lag: 0, shards: [{ shard_id: 0, read_exceptions: [] }] }));
  }

  private info(names: string[]) {
    return names.flatMap((n) => {
      const f = this.indices.get(n)?.follower;
      return f ? [{ follower_index: n, remote_cluster: f.remote, leader_index: f.leader, status: f.active ? "active" : "paused", ...(f.active ? { parameters: f.params } : {}) }] : [];
    });
  }

  private indexRoute(method: string, seg: string[], body: Record<string, unknown>): HttpResponse {
    const [name, api, action] = seg;
    const idx = this.indices.get(name);
    const ok = { status: 200, body: { acknowledged: true } };
    if (api === "_ccr" && action === "info") {
      if (name === "_all") return { status: 200, body: { follower_indices: this.info([...this.indices.keys()]) } };
      return idx ? { status: 200, body: { follower_indices: this.info([name]) } } : err(404, "index_not_found_exception", `no such index [${name}]`);
    }
    if (api === "_ccr" && action === "stats") {
      const s = this.stats().filter((x) => x.index === name);
      return s.length ? { status: 200, body: { indices: s } } : err(404, "resource_not_found_exception", `No shard follow tasks for follower indices [${name}]`);
    }
    if (api === "_ccr" && action === "follow") {
      if (idx?.open) return err(500, "snapshot_restore_exception", `cannot restore index [${name}] because an open index with same name already exists in the cluster`);
      const { remote_cluster, leader_index, settings, ...params } = body as Record<string, unknown>;
      if (!Object.keys(this.persistent).some((k) => k.startsWith(`cluster.remote.${remote_cluster}.`))) return err(404, "no_such_remote_cluster_exception", `no such remote cluster: [${remote_cluster}]`);
      const flat = Object.fromEntries(Object.entries((settings ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
      this.indices.set(name, { open: true, settings: { "index.number_of_shards": "1", ...flat },
        follower: { remote: String(remote_cluster), leader: String(leader_index), active: true, params: { ...DEFAULTS, ...params } } });
      return { status: 200, body: { follow_index_created: true, follow_index_shards_acked: true, index_following_started: true } };
    }
    if (!idx) return err(404, "index_not_found_exception", `no such index [${name}]`);
    if (api === "_ccr" && action === "pause_follow") {
      if (!idx.follower) return err(400, "illegal_argument_exception", `index [${name}] is not a follower index`);
      if (!idx.follower.active) return err(400, "illegal_argument_exception", `no shard follow tasks for [${name}]`);
      idx.follower.active = false;
      return ok;
    }
    if (api === "_ccr" && action === "resume_follow") {
      if (!idx.follower) return err(400, "illegal_argument_exception", `follow index [${name}] does not have ccr metadata`);
      if (idx.follower.active) return err(400, "resource_already_exists_exception", `task with id {${name}-0} already exist`);
      idx.follower.active = true;
      idx.follower.params = { ...DEFAULTS, ...body };
      return ok;
    }
    if (api === "_ccr" && action === "unfollow") {
      if (!idx.follower) return err(400, "illegal_argument_exception", `index [${name}] is not a follower index`);
      if (idx.open) return err(400, "illegal_argument_exception", `cannot convert the follower index [${name}] to a non-follower, because it has not been closed`);
      if (idx.follower.active) return err(400, "illegal_argument_exception", `cannot convert the follower index [${name}] to a non-follower, because it has not been paused`);
      idx.follower = undefined;
      return ok;
    }
    if (api === "_close") { idx.open = false; return ok; }
    if (api === "_open") { idx.open = true; return ok; }
    if (api === "_settings" && method === "GET") {
      return { status: 200, body: { [name]: { settings: { ...idx.settings, "index.uuid": idx.uuid ?? `uuid-${name}` } } } };
    }
    if (api === "_settings" && method === "PUT") {
      for (const [k, v] of Object.entries(body)) if (v === null) delete idx.settings[k]; else idx.settings[k] = String(v);
      return ok;
    }
    if (!api && method === "DELETE") { this.indices.delete(name); return ok; }
    return err(400, "illegal_argument_exception", `fake does not implement ${method} /${seg.join("/")}`);
  }

  /** Serves this fake over real HTTP (for the bench and transport tests). */
  async listen(): Promise<{ url: string; close(): Promise<void> }> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (d: Buffer) => chunks.push(d));
      req.on("end", async () => {
        const u = new URL(req.url ?? "/", "http://x");
        const text = Buffer.concat(chunks).toString();
        const r = await this.request({ method: req.method as HttpRequest["method"], path: u.pathname, body: text ? JSON.parse(text) : undefined });
        res.writeHead(r.status, { "content-type": "application/json" });
        res.end(JSON.stringify(r.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
  }
}
