import { knownUuid } from "../core/identity";
import { EsVersion, parseVersion, unsupportedVersionProblem } from "../core/version";
import { Coalesced } from "./coalesce";
import { clusterLabel, connectionKey, ResolvedConnection } from "./connection";
import { CcrError, connectionError, ErrorContext, responseError } from "./errors";
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

export interface IndexMeta {
  state?: "open" | "close";
  settings?: Record<string, string | string[]>;
  /** CCR custom index metadata (leader_index_uuid, …), present on followers. */
  ccr?: Record<string, unknown>;
}

export interface ClusterOptions {
  retry?: RetryPolicy;
  sleep?: Sleep;
  /** How long a shared read may be reused (default 5 s, env CCR_READ_CACHE_MS). */
  readCacheMs?: number;
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

  constructor(readonly conn: ResolvedConnection, readonly transport: Transport, opts: ClusterOptions = {}) {
    this.label = clusterLabel(conn);
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.sleep = opts.sleep ?? realSleep;
    const ttl = opts.readCacheMs ?? Number(process.env.CCR_READ_CACHE_MS ?? 5000);
    const read = (action: string, req: HttpRequest, ignore: number[] = []) =>
      this.call({ resource: SHARED_READ, action }, req, ignore);

    this.followInfo = new Coalesced(async () => {
      // `_all` lists only followers (including paused and closed ones); a cluster without indices answers 404.
      const r = await read("read follower info", { method: "GET", path: "/_all/_ccr/info" }, [404]);
      return r.status === 404 ? [] : ((r.body as { follower_indices?: FollowInfoEntry[] }).follower_indices ?? []);
    }, ttl);
    this.ccrStats = new Coalesced(async () => (await read("read CCR stats", { method: "GET", path: "/_ccr/stats" })).body as CcrStats, ttl);
    this.autoFollowPatterns = new Coalesced(async () => {
      const r = await read("read auto-follow patterns", { method: "GET", path: "/_ccr/auto_follow" }, [404]);
      return r.status === 404 ? [] : ((r.body as { patterns?: Array<{ name: string; pattern: Record<string, unknown> }> }).patterns ?? []);
    }, ttl);
    this.remoteInfo = new Coalesced(async () => (await read("read remote info", { method: "GET", path: "/_remote/info" })).body as Record<string, Record<string, unknown>>, ttl);
    this.persistentSettings = new Coalesced(async () => {
      const r = await read("read cluster settings", { method: "GET", path: "/_cluster/settings", query: { flat_settings: true } });
      const b = r.body as { persistent?: Record<string, unknown>; transient?: Record<string, unknown> };
      return { persistent: b.persistent ?? {}, transient: b.transient ?? {} };
    }, ttl);
    this.indices = new Coalesced(async () => {
      // One request answers existence, open/closed, shard count, overrides and the CCR leader UUID for every index.
      const r = await read("read index metadata", {
        method: "GET", path: "/_cluster/state/metadata",
        query: { flat_settings: true, expand_wildcards: "all", filter_path: "metadata.indices.*.state,metadata.indices.*.settings,metadata.indices.*.ccr" },
      });
      return ((r.body as { metadata?: { indices?: Record<string, IndexMeta> } })?.metadata?.indices) ?? {};
    }, ttl);
  }

  /** Drops every shared read: called after any write so the next read sees it. */
  invalidate(): void {
    for (const c of [this.followInfo, this.ccrStats, this.autoFollowPatterns, this.remoteInfo, this.persistentSettings, this.indices]) c.invalidate();
  }

  ctx(c: CallContext): ErrorContext {
    return { ...c, cluster: this.label };
  }

  /**
   * Sends a request, retrying transient failures (429, 502–504, connection resets) with bounded backoff. Statuses in
   * `ignore` resolve; any other status ≥ 400 throws a mapped CcrError.
   */
  async call(c: CallContext, req: HttpRequest, ignore: number[] = []): Promise<HttpResponse> {
    if (req.method !== "GET" && req.method !== "HEAD") this.invalidate();
    let lastStatus: HttpResponse | undefined;
    let lastFailure: TransportFailure | undefined;
    for (let attempt = 0; attempt < this.retry.attempts; attempt++) {
      if (attempt > 0) await this.sleep(backoffDelay(attempt - 1, this.retry));
      try {
        const res = await this.transport.request(req);
        lastFailure = undefined;
        if (res.status < 400 || ignore.includes(res.status)) return res;
        lastStatus = res;
        if (!isTransientStatus(res.status)) break;
      } catch (e) {
        if (!(e instanceof TransportFailure)) throw e;
        lastFailure = e;
        if (!isTransientCode(e.code)) break;
      }
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
