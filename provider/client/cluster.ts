import { knownUuid } from "../core/identity";
import { EsVersion, parseVersion, unsupportedVersionProblem } from "../core/version";
import { chunkIndexNames, followersMissingFromInfo } from "../core/index-meta";
import type { FlatSettings } from "../core/settings";
import { Batched, CacheLifetime, Coalesced } from "./coalesce";
import { clusterLabel, connectionKey, ResolvedConnection } from "./connection";
import { CcrError, connectionError, ErrorContext, errorBody, OutcomeUnknown, responseError } from "./errors";
import { HttpRequest, HttpResponse, nodeTransport, Transport, TransportFailure } from "./http";
import { backoffDelay, DEFAULT_RETRY, isTransientCode, isTransientStatus, realSleep, RetryPolicy, Sleep } from "./retry";

export interface CallContext {
  resource: string;
  action: string;
}

/** Raw shapes of the shared reads (parsed by the resource modules; the client typings are incomplete for these). */
export interface FollowInfoEntry {
  follower_index: string;
  remote_cluster: string;
  leader_index: string;
  status: "active" | "paused";
  parameters?: Record<string, unknown>;
}

export interface FollowStatsIndex {
  index: string;
  total_global_checkpoint_lag?: number;
  shards: Array<{
    shard_id: number;
    read_exceptions?: Array<{ from_seq_no?: number; retries?: number; exception?: { type?: string; reason?: string } }>;
    fatal_exception?: { type?: string; reason?: string };
  }>;
}

export interface CcrStats {
  auto_follow_stats?: {
    recent_auto_follow_errors?: Array<{ leader_index: string; timestamp?: number; auto_follow_exception?: { type?: string; reason?: string } }>;
  };
  follow_stats?: { indices?: FollowStatsIndex[] };
}

/** One index as `GET _settings?flat_settings=true` shows it (core/index-meta.ts reads follower, closed, hidden). */
export interface IndexMeta {
  settings: FlatSettings;
}

export interface ClusterOptions {
  retry?: RetryPolicy;
  sleep?: Sleep;
  /**
   * How long a whole-cluster shared read may be reused: while it is asked for again within this (default 5 s, env
   * CCR_READ_CACHE_MS), up to `readCacheMaxAgeMs`. Index-scoped reads are kept this long at most.
   */
  readCacheMs?: number;
  /** The most a whole-cluster shared read may be reused since it was read (default 30 s, env CCR_READ_CACHE_MAX_MS). */
  readCacheMaxAgeMs?: number;
}

/**
 * One cluster as seen by the provider process: a transport, bounded retries, error mapping, server version, and the
 * coalesced reads that refresh uses. Instances are shared per cluster and principal (see `clusterFor`).
 */
/**
 * Shared reads serve every resource on the cluster, so their errors carry this placeholder; the provider shell
 * (resources/common.ts) puts the name of the resource whose operation hit the error in its place.
 */
export const SHARED_READ = "shared read";

export class Cluster {
  readonly label: string;
  private readonly retry: RetryPolicy;
  private readonly sleep: Sleep;
  private identityP: Promise<ClusterIdentity> | undefined;
  private known: ClusterIdentity | undefined;
  readonly followInfo: Coalesced<FollowInfoEntry[]>;
  readonly ccrStats: Coalesced<CcrStats>;
  readonly autoFollowPatterns: Coalesced<Array<{ name: string; pattern: Record<string, unknown> }>>;
  readonly remoteInfo: Coalesced<Record<string, Record<string, unknown>>>;
  readonly persistentSettings: Coalesced<{ persistent: Record<string, unknown>; transient: Record<string, unknown> }>;
  readonly indices: Coalesced<Record<string, IndexMeta>>;
  /** Leader index UUID recorded in a follower's CCR metadata, per follower name (loaded on demand, batched). */
  readonly leaderUuids: Batched<string>;
  /**
   * Index-scoped reads for the write paths (create, update, delete of one follower): one index's settings, follower
   * info and follower stats, asked by name and batched over every caller in the same turn, and invalidated per index
   * by a write to it. Their cost does not grow with the number of indexes on the cluster, unlike the whole-cluster
   * answers above, which serve refresh waves.
   */
  readonly settingsOf: Batched<IndexMeta>;
  readonly followInfoOfIndex: Batched<FollowInfoEntry>;
  readonly followStatsOf: Batched<FollowStatsIndex>;

  constructor(readonly conn: ResolvedConnection, readonly transport: Transport, opts: ClusterOptions = {}) {
    this.label = clusterLabel(conn);
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.sleep = opts.sleep ?? realSleep;
    const ttl = opts.readCacheMs ?? Number(process.env.CCR_READ_CACHE_MS ?? 5000);
    // Never longer-lived than idle (readCacheMs 0, which tests use, still means no reuse at all).
    const wave: CacheLifetime = { idleMs: ttl, maxAgeMs: Math.max(ttl, opts.readCacheMaxAgeMs ?? Number(process.env.CCR_READ_CACHE_MAX_MS ?? 30_000)) };
    const read = (action: string, req: HttpRequest, ignore: number[] = []) =>
      this.call({ resource: SHARED_READ, action }, req, ignore);

    this.followInfo = new Coalesced(async () => {
      // `_all` lists followers including paused and closed ones, but not hidden ones (see followersMissingFromInfo);
      // those are asked for by name, all in one request (chunked by URL length), so a wave stays O(1) requests.
      const [all, indices] = await Promise.all([this.followInfoOf(["_all"]), this.indices.get()]);
      const missing = followersMissingFromInfo(indices, all.map((e) => e.follower_index));
      return missing.length ? [...all, ...(await this.followInfoOf(missing))] : all;
    }, wave);
    this.ccrStats = new Coalesced(async () => (await read("read CCR stats", { method: "GET", path: "/_ccr/stats" })).body as CcrStats, wave);
    this.autoFollowPatterns = new Coalesced(async () => {
      const r = await read("read auto-follow patterns", { method: "GET", path: "/_ccr/auto_follow" }, [404]);
      return r.status === 404 ? [] : ((r.body as { patterns?: Array<{ name: string; pattern: Record<string, unknown> }> }).patterns ?? []);
    }, wave);
    this.remoteInfo = new Coalesced(async () => (await read("read remote info", { method: "GET", path: "/_remote/info" })).body as Record<string, Record<string, unknown>>, wave);
    this.persistentSettings = new Coalesced(async () => {
      const r = await read("read cluster settings", { method: "GET", path: "/_cluster/settings", query: { flat_settings: true } });
      const b = r.body as { persistent?: Record<string, unknown>; transient?: Record<string, unknown> };
      return { persistent: b.persistent ?? {}, transient: b.transient ?? {} };
    }, wave);
    this.indices = new Coalesced(async () => {
      // Public API instead of the cluster state: existence (hidden included), follower marker, open/closed, shard
      // count and overrides for every index in one request (core/index-meta.ts). A cluster without indices answers {}.
      const r = await read("read index settings", { method: "GET", path: "/_all/_settings", query: { expand_wildcards: "all", flat_settings: true } }, [404]);
      if (r.status === 404 || !r.body || typeof r.body !== "object") return {};
      const out: Record<string, IndexMeta> = {};
      for (const [name, v] of Object.entries(r.body as Record<string, { settings?: FlatSettings }>)) out[name] = { settings: v?.settings ?? {} };
      return out;
    }, wave);
    this.leaderUuids = new Batched(async (names) => {
      // The leader UUID lives only in the follower's CCR custom index metadata, which no public API shows (not
      // _settings, _ccr/info or _ccr/stats). So it is read from the cluster state, but scoped to the named followers
      // and filtered to that one field, and only when it is not already known: at create/update, and on refresh only
      // for followers whose own index UUID changed since (recreated) or that have no recorded value (import).
      const out = new Map<string, string>();
      for (const chunk of chunkIndexNames(names)) {
        const r = await read("read follower leader UUIDs", {
          method: "GET", path: `/_cluster/state/metadata/${chunk}`,
          query: { expand_wildcards: "all", filter_path: "metadata.indices.*.ccr.leader_index_uuid" },
        }, [404]);
        const idx = (r.body as { metadata?: { indices?: Record<string, { ccr?: { leader_index_uuid?: unknown } }> } })?.metadata?.indices ?? {};
        for (const [n, m] of Object.entries(idx)) if (typeof m?.ccr?.leader_index_uuid === "string") out.set(n, m.ccr.leader_index_uuid);
      }
      return out;
    }, ttl);
    this.settingsOf = new Batched(async (names) => {
      // ignore_unavailable: a name that does not exist (yet) is left out of the answer instead of failing the batch.
      const out = new Map<string, IndexMeta>();
      for (const chunk of chunkIndexNames(names)) {
        const r = await read("read index settings", {
          method: "GET", path: `/${chunk}/_settings`, query: { expand_wildcards: "all", flat_settings: true, ignore_unavailable: true },
        }, [404]);
        if (r.status === 404 || !r.body || typeof r.body !== "object") continue;
        for (const [n, v] of Object.entries(r.body as Record<string, { settings?: FlatSettings }>)) out.set(n, { settings: v?.settings ?? {} });
      }
      return out;
    }, ttl);
    this.followInfoOfIndex = new Batched(async (names) => new Map((await this.followInfoOf(names)).map((e) => [e.follower_index, e])), ttl);
    this.followStatsOf = new Batched(async (names) => {
      // Matched against the shard-follow tasks by exact name (TransportFollowStatsAction); 404 when none has tasks.
      const out = new Map<string, FollowStatsIndex>();
      for (const chunk of chunkIndexNames(names)) {
        const r = await read("read follower stats", { method: "GET", path: `/${chunk}/_ccr/stats` }, [404]);
        for (const i of (r.status === 404 ? [] : (r.body as { indices?: FollowStatsIndex[] })?.indices ?? [])) out.set(i.index, i);
      }
      return out;
    }, ttl);
  }

  /**
   * `GET /<names>/_ccr/info` for concrete names (or `_all`), chunked. A concrete name that vanished since the
   * settings read makes the whole request 404: then ask name by name and drop the missing ones.
   */
  private async followInfoOf(names: string[]): Promise<FollowInfoEntry[]> {
    const get = async (expr: string) => {
      const r = await this.call({ resource: SHARED_READ, action: "read follower info" }, { method: "GET", path: `/${expr}/_ccr/info` }, [404]);
      return r.status === 404 ? undefined : ((r.body as { follower_indices?: FollowInfoEntry[] }).follower_indices ?? []);
    };
    // A cluster without any index answers 404 to `_all`.
    if (names.length === 1 && names[0] === "_all") return (await get("_all")) ?? [];
    const out: FollowInfoEntry[] = [];
    for (const chunk of chunkIndexNames(names)) {
      const got = await get(chunk);
      if (got) out.push(...got);
      else for (const n of chunk.split(",")) out.push(...((await get(n)) ?? []));
    }
    return out;
  }

  /** Drops every shared read: after a write that is not scoped to named indexes (cluster settings, patterns, …). */
  invalidate(): void {
    for (const c of [this.followInfo, this.ccrStats, this.autoFollowPatterns, this.remoteInfo, this.persistentSettings, this.indices]) c.invalidate();
    for (const b of [this.leaderUuids, this.settingsOf, this.followInfoOfIndex, this.followStatsOf]) b.invalidate();
  }

  /**
   * After a write to the named indexes: their index-scoped answers are dropped, and so are the whole-cluster answers
   * about indexes (they include these), which the write paths never read; cluster settings, patterns and remote info
   * stay valid.
   */
  invalidateIndexes(names: readonly string[]): void {
    for (const c of [this.followInfo, this.ccrStats, this.indices]) c.invalidate();
    for (const n of names) for (const b of [this.leaderUuids, this.settingsOf, this.followInfoOfIndex, this.followStatsOf]) b.invalidate(n);
  }

  /** What a write invalidates: the indexes named by its path (`/<a>,<b>/…`), or everything (`/_cluster/…`, `/_ccr/…`). */
  private invalidateFor(req: HttpRequest): void {
    const first = req.path.split("/")[1] ?? "";
    if (!first || first.startsWith("_") || first.includes("*")) this.invalidate();
    else this.invalidateIndexes(first.split(",").map(decodeURIComponent));
  }

  ctx(c: CallContext): ErrorContext {
    return { ...c, cluster: this.label };
  }

  /**
   * Sends a request, retrying transient failures with bounded backoff; this is the only place that retries (the
   * client's own retries are off). Statuses in `ignore` resolve; any other status ≥ 400 throws a mapped CcrError.
   *
   * GET/HEAD change nothing, so any transient failure (429, 502–504, resets, timeouts) is retried. A write is resent
   * only when it was certainly not applied: refused before it left (no connection was made), or answered 429/503
   * (rejected before execution). A write that was sent and got no answer (timeout, reset) or a gateway's 502/504
   * (which may have forwarded it) raises OutcomeUnknown instead: the executors read the cluster and re-plan, because
   * resending e.g. PUT follow during its restore answers 500 snapshot_restore_exception, and resume of a resumed
   * follower 400 resource_already_exists_exception.
   */
  async call(c: CallContext, req: HttpRequest, ignore: number[] = []): Promise<HttpResponse> {
    const idempotent = req.method === "GET" || req.method === "HEAD";
    if (!idempotent) {
      // Before sending (no read started from now on is kept as fresh) and again once answered or failed (a read that
      // started while the write was being applied may show the state before it).
      this.invalidateFor(req);
      try {
        return await this.send(c, req, ignore, idempotent);
      } finally {
        this.invalidateFor(req);
      }
    }
    return this.send(c, req, ignore, idempotent);
  }

  private async send(c: CallContext, req: HttpRequest, ignore: number[], idempotent: boolean): Promise<HttpResponse> {
    let lastStatus: HttpResponse | undefined;
    let lastFailure: TransportFailure | undefined;
    for (let attempt = 0; attempt < this.retry.attempts; attempt++) {
      if (attempt > 0) await this.sleep(backoffDelay(attempt - 1, this.retry));
      let res: HttpResponse;
      try {
        res = await this.transport.request(req);
      } catch (e) {
        if (!(e instanceof TransportFailure)) throw e;
        lastFailure = e;
        if (!isTransientCode(e.code)) break;
        if (!idempotent && e.sent) throw new OutcomeUnknown(this.ctx(c), `${e.code}: ${e.message}`, e.code);
        continue;
      }
      lastFailure = undefined;
      if (res.status < 400 || ignore.includes(res.status)) return res;
      lastStatus = res;
      if (!idempotent && (res.status === 502 || res.status === 504)) {
        const err = errorBody(res.body);
        throw new OutcomeUnknown(this.ctx(c), `HTTP ${res.status}${err?.type ? ` ${err.type}` : ""}${err?.reason ? `: ${err.reason}` : ""}`);
      }
      if (!isTransientStatus(res.status)) break;
    }
    if (lastFailure) throw connectionError(this.ctx(c), lastFailure.code, lastFailure.message);
    throw responseError(this.ctx(c), lastStatus!.status, lastStatus!.body);
  }

  /**
   * Server version and cluster UUID, detected once per cluster per process (the first call of any resource on this
   * cluster pays one request; concurrent callers share it; a failure is not cached). `GET /` is the normal route and
   * answers both. Builds without the rest-root module (the integ-test zip used locally) answer it with 405; the public
   * fallback that answers both is cluster stats restricted to the local node (`nodes.versions`, `cluster_uuid`):
   * `GET /_nodes` has no cluster UUID and `_cluster/state` is an internal API.
   */
  identity(): Promise<ClusterIdentity> {
    this.identityP ??= this.detectIdentity().then((id) => (this.known = id)).catch((e) => {
      this.identityP = undefined;
      throw e;
    });
    return this.identityP;
  }

  /** The identity if this process has already detected it (no request). */
  knownIdentity(): ClusterIdentity | undefined {
    return this.known;
  }

  /** The server version of a cluster the provider manages: refuses versions it does not support (7.x). */
  async version(): Promise<EsVersion> {
    const { version } = await this.identity();
    const problem = unsupportedVersionProblem(version);
    if (problem) throw new CcrError(`cluster ${this.label}: ${problem}.`, undefined, undefined, problem, "upgrade the cluster");
    return version;
  }

  private async detectIdentity(): Promise<ClusterIdentity> {
    // A shared read: the provider shell puts the name of the resource that needed it into an error.
    const c = { resource: SHARED_READ, action: "detect the Elasticsearch version and cluster UUID" };
    const root = await this.call(c, { method: "GET", path: "/" }, [404, 405, 410]);
    const b = root.status < 300 ? root.body as { version?: { number?: string }; cluster_uuid?: string } : undefined;
    let text = b?.version?.number;
    let uuid = b?.cluster_uuid;
    if (!text) {
      const stats = await this.call(c, { method: "GET", path: "/_cluster/stats/nodes/_local", query: { filter_path: "cluster_uuid,nodes.versions" } });
      const sb = stats.body as { cluster_uuid?: string; nodes?: { versions?: string[] } };
      text = sb?.nodes?.versions?.[0];
      uuid = sb?.cluster_uuid;
    }
    const v = text ? parseVersion(text) : undefined;
    if (!v) throw new CcrError(`cluster ${this.label}: could not determine the Elasticsearch version`, undefined, undefined, undefined, undefined);
    return { version: v, uuid: knownUuid(uuid) };
  }
}

/** What identifies the cluster behind a connection. */
export interface ClusterIdentity {
  version: EsVersion;
  /** Undefined only while the cluster has not formed yet ("_na_"). */
  uuid?: string;
}

type TransportFactory = (c: ResolvedConnection) => Transport;
let transportFactory: TransportFactory = nodeTransport;
const clusters = new Map<string, Cluster>();
let clusterOptions: ClusterOptions = {};

/** Shared instance per cluster and principal, so every resource in one refresh wave uses the same caches. */
export function clusterFor(conn: ResolvedConnection): Cluster {
  const key = connectionKey(conn);
  let c = clusters.get(key);
  if (!c) {
    c = new Cluster(conn, transportFactory(conn), clusterOptions);
    clusters.set(key, c);
  }
  return c;
}

/** Test seam: swap the transport (e.g. a recording fake) and retry/sleep options; clears shared instances. */
export function setTransportFactory(f: TransportFactory | undefined, opts: ClusterOptions = {}): void {
  transportFactory = f ?? nodeTransport;
  clusterOptions = opts;
  resetClusters();
}

export function resetClusters(): void {
  for (const c of clusters.values()) c.transport.close();
  clusters.clear();
}
