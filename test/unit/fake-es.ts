import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { HttpRequest, HttpResponse, Transport, TransportFailure } from "../../provider/client/http";

/**
 * An in-memory stand-in for the CCR-relevant part of an Elasticsearch follower cluster, enough to run the providers'
 * executors and count their requests. It follows the documented server semantics the provider relies on (pause of a
 * paused follower is a 400, unfollow needs closed + paused, resume needs the full parameter set, PUT auto-follow
 * re-activates). Not a substitute for the integration tests.
 */
interface Index {
  open: boolean;
  settings: Record<string, string>;
  uuid?: string;
  /** `restoringUntil`: the initial copy from the leader is still running (no shard-follow tasks yet) until this time. */
  follower?: { remote: string; leader: string; active: boolean; params: Record<string, unknown>; fatal?: { type: string; reason: string }; restoringUntil?: number };
}

/** The private index setting a follower carries until it is unfollowed (TransportPutFollowAction / TransportUnfollowAction). */
const FOLLOWING = "index.xpack.ccr.following_index";
/** Set by the close API and removed by open (MetadataIndexStateService); GET _settings shows it. */
const VERIFIED_CLOSED = "index.verified_before_close";
const isHidden = (i: Index) => i.settings["index.hidden"] === "true";
const expandsHidden = (q: HttpRequest["query"]) => /(^|,)(all|hidden)(,|$)/.test(String(q?.expand_wildcards ?? ""));
const glob = (pattern: string, name: string) => new RegExp(`^${pattern.split("*").map((x) => x.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(name);

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
  private created = 0;
  /** Remote aliases configured in elasticsearch.yml: visible only in `_remote/info` (flat keys under the alias). */
  nodeRemotes: Record<string, Record<string, unknown>> = {};
  /** Aliases with `cluster.remote.<alias>.credentials` in the keystore (API-key model): `cluster_credentials` shows. */
  remoteCredentials = new Set<string>();
  /** Aliases whose connection does not come up. */
  disconnected = new Set<string>();
  /** `<alias>:<index>` leader indexes the remote cluster does not have (deleted). */
  missingLeaders = new Set<string>();
  /** Data streams on this cluster (backing index names, replicated = a follower data stream). */
  dataStreams = new Map<string, { indices: string[]; replicated: boolean }>();
  version = "8.19.21";
  /** `cluster_uuid` as GET / and cluster stats report it. */
  clusterUuid = "fake-cluster-uuid-1";
  rootAnswers405 = false;
  /** Statuses to answer before serving normally (to test retries). */
  failNext: number[] = [];
  /** Every request with its query and body (`requests` has method and path only). */
  log: HttpRequest[] = [];
  /**
   * Lost responses: the first request matching an entry is APPLIED, then the answer is lost as a connection reset or
   * a client timeout would lose it (TransportFailure with sent: true). Each entry is used once.
   */
  loseResponses: Array<{ method: string; path: RegExp; code?: "ECONNRESET" | "ETIMEDOUT"; applyAfterMs?: number }> = [];
  /** Index names a lost request is still creating (applyAfterMs): PUT follow of one answers the node's 400. */
  private creating = new Set<string>();
  /** How long a follow's initial copy (the restore) takes; until then the follower has no shard-follow tasks. */
  restoreMs = 0;
  /**
   * The client's request timeout as this fake applies it to `PUT _ccr/follow?wait_for_active_shards>=1`, which
   * Elasticsearch answers only after the restore: a restore longer than this is applied and its answer lost (ETIMEDOUT).
   */
  clientTimeoutMs = Infinity;
  /** Called before each request is served (to change the cluster "out of band" at a precise moment). */
  onRequest?: (req: HttpRequest) => void;

  async request(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(`${req.method} ${req.path}`);
    this.log.push(req);
    this.onRequest?.(req);
    this.finishRestores();
    const f = this.failNext.shift();
    if (f) return err(f, "es_rejected_execution_exception", "busy");
    const lost = this.loseResponses.findIndex((l) => l.method === req.method && l.path.test(req.path));
    if (lost >= 0) {
      const [{ code = "ECONNRESET", applyAfterMs }] = this.loseResponses.splice(lost, 1);
      if (applyAfterMs === undefined) this.route(req);
      else {
        // Still being applied when the client gives up (a slow server): the index appears only later.
        const name = decodeURIComponent(req.path.split("/")[1] ?? "");
        this.creating.add(name);
        setTimeout(() => {
          this.creating.delete(name);
          this.route(req);
        }, applyAfterMs);
      }
      throw new TransportFailure(code, code === "ETIMEDOUT" ? "no response within the request timeout" : "socket hang up", true);
    }
    return this.route(req);
  }

  /** Restores that are done start their shard-follow tasks, as TransportPutFollowAction does after the restore. */
  private finishRestores(now = Date.now()): void {
    for (const i of this.indices.values()) {
      if (i.follower?.restoringUntil !== undefined && now >= i.follower.restoringUntil) {
        i.follower.restoringUntil = undefined;
        i.follower.active = true;
      }
    }
  }

  close(): void {}

  follow(name: string, leader: string, remote = "leader", settings: Record<string, string> = {}): void {
    this.indices.set(name, { open: true, settings: { "index.number_of_shards": "1", "index.uuid": `iuuid-${name}-${++this.created}`, [FOLLOWING]: "true", ...settings }, follower: { remote, leader, active: true, params: { ...DEFAULTS } } });
  }

  /** Out-of-band unfollow: what TransportUnfollowAction leaves behind (a regular index without the follower setting). */
  unfollow(name: string): void {
    const i = this.indices.get(name)!;
    i.follower = undefined;
    delete i.settings[FOLLOWING];
  }

  private route(req: HttpRequest): HttpResponse {
    const { method, path } = req;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const seg = path.split("/").filter(Boolean).map(decodeURIComponent);
    if (path === "/") return this.rootAnswers405 ? err(405, "", "Incorrect HTTP method") : { status: 200, body: { cluster_uuid: this.clusterUuid, version: { number: this.version } } };
    if (path === "/_cluster/stats/nodes/_local") return { status: 200, body: { cluster_uuid: this.clusterUuid, nodes: { versions: [this.version] } } };
    if (path === "/_remote/info") return { status: 200, body: this.remoteInfo() };
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
    if (seg[0] === "_cluster" && seg[1] === "state" && seg[2] === "metadata" && seg[3]) {
      // Only the scoped form the provider uses for the leader UUID (CCR custom metadata is in no public API).
      const indices: Record<string, unknown> = {};
      for (const n of seg[3].split(",")) {
        const f = this.indices.get(n)?.follower;
        if (f) indices[n] = { ccr: { leader_index_uuid: `uuid-${f.leader}` } };
      }
      return { status: 200, body: Object.keys(indices).length ? { metadata: { indices } } : {} };
    }
    if (method === "GET" && ((seg.length === 2 && seg[1] === "_settings") || (seg.length === 1 && seg[0] === "_settings"))) {
      // GET _settings resolves open and closed indexes by default; hidden ones only with expand_wildcards=all|hidden.
      const expr = seg.length === 2 ? seg[0] : "_all";
      const out: Record<string, unknown> = {};
      // A concrete name that does not exist fails the whole request unless ignore_unavailable (IndicesOptions).
      const missing = expr === "_all" || expr === "*" ? undefined : expr.split(",").find((n) => !n.includes("*") && !this.indices.has(n));
      if (missing && String(req.query?.ignore_unavailable) !== "true") return err(404, "index_not_found_exception", `no such index [${missing}]`);
      for (const [n, i] of this.indices) {
        if ((expr === "_all" || expr === "*") && isHidden(i) && !expandsHidden(req.query)) continue;
        if (expr !== "_all" && expr !== "*" && !expr.split(",").includes(n)) continue;
        out[n] = { settings: { ...i.settings } };
      }
      return { status: 200, body: out };
    }
    if (seg[0] === "_resolve" && seg[1] === "index" && seg[2]) return this.resolveIndex(seg[2]);
    if (method === "GET" && seg[0] === "_all" && seg[1] === "_settings" && seg[2] === "index.uuid") {
      // The leader listing's UUID read (every index, hidden ones included with expand_wildcards=all).
      return { status: 200, body: Object.fromEntries([...this.indices].map(([n, i]) => [n, { settings: { "index.uuid": i.uuid ?? i.settings["index.uuid"] ?? `uuid-${n}` } }])) };
    }
    if (path === "/_cluster/health") return { status: 200, body: { cluster_name: "fake-follower" } };
    if (seg[0] === "_data_stream" && seg[1] === "_promote" && seg[2] && method === "POST") {
      const ds = this.dataStreams.get(seg[2]);
      if (!ds) return err(404, "resource_not_found_exception", `data stream [${seg[2]}] does not exist`);
      ds.replicated = false;
      return { status: 200, body: { acknowledged: true } };
    }
    if (path === "/_recovery") {
      // Only the restores still running (the readers ask with active_only): a CCR restore is a SNAPSHOT recovery of
      // each shard from the repository `_ccr_<alias>` (CcrRepository).
      const out: Record<string, unknown> = {};
      for (const [n, i] of this.indices) {
        if (i.follower?.restoringUntil !== undefined) out[n] = { shards: [{ id: 0, type: "SNAPSHOT", stage: "INDEX", source: { repository: `_ccr_${i.follower.remote}`, snapshot: "_latest_" } }] };
      }
      return { status: 200, body: out };
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
    return this.indexRoute(method, seg, body, req.query ?? {});
  }

  /** Effective remote configuration: elasticsearch.yml < persistent < transient, per key (as Elasticsearch merges them). */
  private remoteInfo(): Record<string, unknown> {
    const keys: Record<string, Record<string, unknown>> = {};
    for (const [alias, s] of Object.entries(this.nodeRemotes)) keys[alias] = { ...s };
    for (const scope of [this.persistent, this.transient]) {
      for (const [k, v] of Object.entries(scope)) {
        const m = /^cluster\.remote\.([^.]+)\.(.+)$/.exec(k);
        if (m) (keys[m[1]] ??= {})[m[2]] = v;
      }
    }
    const out: Record<string, unknown> = {};
    for (const [alias, k] of Object.entries(keys)) {
      const proxy = k.mode === "proxy" || (k.mode === undefined && k.proxy_address !== undefined);
      if (proxy ? k.proxy_address === undefined : k.seeds === undefined) continue;
      const up = !this.disconnected.has(alias);
      out[alias] = {
        connected: up, mode: proxy ? "proxy" : "sniff",
        ...(proxy ? { proxy_address: k.proxy_address, num_proxy_sockets_connected: up ? 1 : 0, max_proxy_socket_connections: 18 }
          : { seeds: [k.seeds].flat(), num_nodes_connected: up ? 1 : 0, max_connections_per_cluster: 3 }),
        initial_connect_timeout: "30s", skip_unavailable: String(k.skip_unavailable ?? "true") === "true",
        ...(this.remoteCredentials.has(alias) ? { cluster_credentials: "::es_redacted::" } : {}),
      };
    }
    return out;
  }

  private resolveIndex(expr: string): HttpResponse {
    if (expr === "*") {
      // As a leader listing asks it (expand_wildcards=all): every index with its attributes.
      const indices = [...this.indices].sort(([a], [b]) => a.localeCompare(b)).map(([name, i]) => {
        const ds = [...this.dataStreams].find(([, d]) => d.indices.includes(name))?.[0];
        return { name, attributes: [...(isHidden(i) ? ["hidden"] : []), i.open ? "open" : "closed"], ...(ds ? { data_stream: ds } : {}) };
      });
      return { status: 200, body: { indices, aliases: [], data_streams: [] } };
    }
    if (expr.includes(":")) {
      // A remote expression is resolved on the remote cluster; a missing concrete index is its 404.
      if (this.missingLeaders.has(expr)) return err(404, "index_not_found_exception", `no such index [${expr.split(":")[1]}]`);
      return { status: 200, body: { indices: [{ name: expr, attributes: ["open"] }], aliases: [], data_streams: [] } };
    }
    const stream = this.dataStreams.get(expr);
    if (stream) return { status: 200, body: { indices: [], aliases: [], data_streams: [{ name: expr, backing_indices: [...stream.indices], timestamp_field: "@timestamp" }] } };
    const i = this.indices.get(expr);
    if (!i) return err(404, "index_not_found_exception", `no such index [${expr}]`);
    const ds = [...this.dataStreams].find(([, d]) => d.indices.includes(expr))?.[0];
    const attributes = [...(isHidden(i) ? ["hidden"] : []), i.open ? "open" : "closed"];
    return { status: 200, body: { indices: [{ name: expr, attributes, ...(ds ? { data_stream: ds } : {}) }], aliases: [], data_streams: [] } };
  }

  /** Follower stats come from the shard-follow tasks, hidden indexes included (TransportFollowStatsAction). */
  private stats() {
    return [...this.indices].filter(([, i]) => i.follower?.active).map(([n, i]) => ({
      index: n, total_global_checkpoint_lag: 0,
      shards: [{ shard_id: 0, read_exceptions: [], ...(i.follower!.fatal ? { fatal_exception: i.follower!.fatal } : {}) }],
    }));
  }

  private info(names: string[]) {
    return names.flatMap((n) => {
      const f = this.indices.get(n)?.follower;
      return f ? [{ follower_index: n, remote_cluster: f.remote, leader_index: f.leader, status: f.active ? "active" : "paused", ...(f.active ? { parameters: f.params } : {}) }] : [];
    });
  }

  private indexRoute(method: string, seg: string[], body: Record<string, unknown>, query: Record<string, unknown>): HttpResponse {
    const [name, api, action] = seg;
    const idx = this.indices.get(name);
    const ok = { status: 200, body: { acknowledged: true } };
    if (api === "_ccr" && action === "info") {
      // TransportFollowInfoAction resolves with STRICT_EXPAND_OPEN_CLOSED: wildcards (and _all) skip hidden indexes,
      // a concrete name (hidden or not) must exist.
      const names: string[] = [];
      for (const part of name.split(",")) {
        if (part === "_all" || part.includes("*")) {
          for (const [n, i] of this.indices) if (!isHidden(i) && (part === "_all" || glob(part, n)) && !names.includes(n)) names.push(n);
        } else if (!this.indices.has(part)) return err(404, "index_not_found_exception", `no such index [${part}]`);
        else if (!names.includes(part)) names.push(part);
      }
      return { status: 200, body: { follower_indices: this.info(names) } };
    }
    if (api === "_ccr" && action === "stats") {
      // Exact names matched against the shard-follow tasks (TransportFollowStatsAction): those without tasks are left
      // out, and the request fails only when none has any.
      const wanted = name.split(",");
      const s = this.stats().filter((x) => wanted.includes(x.index));
      return s.length ? { status: 200, body: { indices: s } } : err(404, "resource_not_found_exception", `No shard follow tasks for follower indices [${name}]`);
    }
    if (api === "_ccr" && action === "follow") {
      const { remote_cluster, leader_index, settings, ...params } = body as Record<string, unknown>;
      // An earlier follow is still creating the index: the index creation fails (MetadataCreateIndexService).
      if (this.creating.has(name)) return err(400, "resource_already_exists_exception", `index [${name}/uuid-being-created] already exists`);
      // The restore finds the index (open while it is being restored, too): RestoreService's message, HTTP 500.
      if (idx?.open) {
        return err(500, "snapshot_restore_exception", `[_ccr_${remote_cluster}:_latest_/_latest_] cannot restore index [${name}] because an open index with same name already exists in the cluster. ` +
          "Either close or delete the existing index or restore the index under a different name by providing a rename pattern and replacement name");
      }
      if (!Object.keys(this.persistent).some((k) => k.startsWith(`cluster.remote.${remote_cluster}.`))) return err(404, "no_such_remote_cluster_exception", `no such remote cluster: [${remote_cluster}]`);
      const flat = Object.fromEntries(Object.entries((settings ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
      const wait = Number(query.wait_for_active_shards ?? 0) > 0 || query.wait_for_active_shards === "all";
      const restoring = this.restoreMs > 0 && !(wait && this.restoreMs <= this.clientTimeoutMs);
      this.indices.set(name, { open: true, settings: { "index.number_of_shards": "1", "index.uuid": `iuuid-${name}-${++this.created}`, [FOLLOWING]: "true", ...flat },
        follower: { remote: String(remote_cluster), leader: String(leader_index), active: !restoring, params: { ...DEFAULTS, ...params },
          ...(restoring ? { restoringUntil: Date.now() + this.restoreMs } : {}) } });
      if (wait && this.restoreMs > this.clientTimeoutMs) throw new TransportFailure("ETIMEDOUT", `no response within ${this.clientTimeoutMs} ms`, true);
      // wait_for_active_shards=0 (the server default) answers as soon as the restore has started.
      return { status: 200, body: wait ? { follow_index_created: true, follow_index_shards_acked: true, index_following_started: true }
        : { follow_index_created: true, follow_index_shards_acked: false, index_following_started: false } };
    }
    if (!idx) return err(404, "index_not_found_exception", `no such index [${name}]`);
    if (api === "_ccr" && action === "pause_follow") {
      if (!idx.follower) return err(400, "illegal_argument_exception", `index [${name}] is not a follower index`);
      if (!idx.follower.active) return err(400, "illegal_argument_exception", `no shard follow tasks for [${name}]`);
      idx.follower.active = false;
      idx.follower.fatal = undefined; // pausing removes the shard-follow tasks, and their fatal errors with them
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
      delete idx.settings[FOLLOWING];
      return ok;
    }
    // MetadataIndexStateService / MetadataDeleteIndexService: a data stream's write index (its last backing index) can
    // be neither closed nor deleted on its own (only deleting the stream removes it), as the sandbox layer answers.
    const streamOfWrite = [...this.dataStreams].find(([, d]) => d.indices[d.indices.length - 1] === name)?.[0];
    if (api === "_close" && streamOfWrite) return err(400, "illegal_argument_exception", `cannot close the following data stream write indices [${name}]`);
    if (!api && method === "DELETE" && streamOfWrite) return err(400, "illegal_argument_exception", `index [${name}] is the write index for data stream [${streamOfWrite}] and cannot be deleted`);
    if (api === "_close") { idx.open = false; idx.settings[VERIFIED_CLOSED] = "true"; return ok; }
    if (api === "_open") { idx.open = true; delete idx.settings[VERIFIED_CLOSED]; return ok; }
    if (api === "_settings" && method === "GET") {
      return { status: 200, body: { [name]: { settings: { ...idx.settings, "index.uuid": idx.uuid ?? idx.settings["index.uuid"] ?? `uuid-${name}` } } } };
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
        const r = await this.request({ method: req.method as HttpRequest["method"], path: u.pathname, query: Object.fromEntries(u.searchParams), body: text ? JSON.parse(text) : undefined });
        // Elasticsearch names itself on every answer; the official client refuses 2xx answers without it.
        res.writeHead(r.status, { "content-type": "application/json", "x-elastic-product": "Elasticsearch" });
        res.end(JSON.stringify(r.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
  }
}
