/**
 * EMULATED CCR layer: the replication loop of one follower index ("shard follow tasks").
 *
 * Reads the leader's current documents per shard in `_seq_no` order (search with `preference=_shards:N`,
 * `seq_no_primary_term`, `version`) above the follower's checkpoint, up to the leader's real local checkpoint taken
 * from `_stats` before a refresh; writes them to the follower node with `_bulk` and `version_type=external_gte`
 * (the leader's `_version`), so replays after a restart are idempotent. Deletes are not searchable (soft deletes): a
 * shard whose sequence numbers show gaps (deletes, superseded updates, no-ops), and every shard periodically, get a
 * per-shard document count comparison; on a mismatch the `_id` sets are diffed and the follower's extra ids deleted.
 *
 * What every loop needs each pass (the remote's resolution, the follower node's index metadata, the leader's index
 * metadata and shard checkpoints) is read once per wave for all loops of the layer (`WaveReads`, shared-read.ts), and
 * the loops wake on a common grid (multiples of `pollMs`), so idle followers cost a handful of requests per wave in
 * all instead of six each. Only a loop with work (new operations, a mapping change, a count check due) sends its own.
 */
import type { EsNode } from "../es/node";
import type { HttpResult } from "../es/http";
import { cause, ErrorCause, EsHttpError } from "./errors";
import type { Remote } from "./remote";
import { readClock, SharedRead, untilNextWave } from "./shared-read";
import type { FollowerState } from "./state";
import { esRequest } from "../es/http";

export interface ShardRuntime {
  leader_global_checkpoint: number;
  leader_max_seq_no: number;
  last_requested_seq_no: number;
  successful_read_requests: number;
  failed_read_requests: number;
  operations_read: number;
  bytes_read: number;
  total_read_time_millis: number;
  total_read_remote_exec_time_millis: number;
  successful_write_requests: number;
  failed_write_requests: number;
  operations_written: number;
  total_write_time_millis: number;
  last_read_at: number;
  read_exceptions: Array<{ from_seq_no: number; retries: number; exception: ErrorCause }>;
  dirty: boolean;
}

/**
 * The whole-cluster reads the loops of one layer share per wave (freshness rule: shared-read.ts). Answers are the
 * raw HTTP results; each loop picks its own index from them and handles a bad status as it did with its own read.
 * Each covers every index (closed and hidden ones too; no list of names, which could outgrow the 4 KB HTTP line).
 */
export class WaveReads {
  private readonly remotes = new Map<string, SharedRead<Remote>>();
  private readonly leaders = new Map<string, LeaderReads>();
  private readonly follower: SharedRead<HttpResult>;

  constructor(node: Pick<EsNode, "request">, private readonly resolveAlias: (alias: string) => Promise<Remote>) {
    // `_cluster/state/metadata` lists every index of the metadata, closed and hidden ones included.
    this.follower = new SharedRead(() => node.request("GET", "/_cluster/state/metadata?filter_path=metadata.indices.*.state,metadata.indices.*.settings.index.uuid"), { reusable: ok200 });
  }

  /** The remote of `alias` (the same `Remote`, or the same error, for every loop of a wave). */
  remote(alias: string, notBefore: number): Promise<Remote> {
    let r = this.remotes.get(alias);
    if (!r) this.remotes.set(alias, (r = new SharedRead(() => this.resolveAlias(alias))));
    return r.get(notBefore);
  }

  /** `_cluster/state/metadata` of the follower node: state and UUID of every index. */
  followerIndices(notBefore: number): Promise<HttpResult> {
    return this.follower.get(notBefore);
  }

  /** `_cluster/state/metadata` of the leader's node: UUID, state and mapping version of every index. */
  leaderIndices(remote: Remote, notBefore: number): Promise<HttpResult> {
    return this.leader(remote).meta.get(notBefore);
  }

  /**
   * `_stats/docs?level=shards` of the leader's node: seq_no and routing of every shard copy of every open index,
   * hidden ones (`.ds-*` backing indexes) included. Closed indexes are left out by the wildcard expansion
   * (`_stats` refuses a closed index by name: index_closed_exception); the loop checks closed from the metadata.
   */
  leaderShards(remote: Remote, notBefore: number): Promise<HttpResult> {
    return this.leader(remote).stats.get(notBefore);
  }

  private leader(remote: Remote): LeaderReads {
    const key = remote.entry.nodeUrl;
    let l = this.leaders.get(key);
    if (!l) {
      const holder: LeaderReads = {
        remote,
        meta: new SharedRead(() => holder.remote.req("GET", "/_cluster/state/metadata?filter_path=metadata.indices.*.state,metadata.indices.*.mapping_version,metadata.indices.*.settings.index.uuid"), { reusable: ok200 }),
        stats: new SharedRead(() => holder.remote.req("GET", "/_stats/docs?level=shards&expand_wildcards=open,hidden&filter_path=indices.*.shards.*.seq_no,indices.*.shards.*.routing"), { reusable: ok200 }),
      };
      this.leaders.set(key, (l = holder));
    }
    // The latest resolution of that node serves the next read (same node URL, same credentials).
    l.remote = remote;
    return l;
  }
}

interface LeaderReads { remote: Remote; meta: SharedRead<HttpResult>; stats: SharedRead<HttpResult> }

const ok200 = (r: HttpResult) => r.status === 200;

export interface LoopDeps {
  node: EsNode;
  reads: WaveReads;
  onProgress(): void;
  onFollowerGone(index: string): void;
  log(s: string): void;
  pollMs: number;
  reconcileMs: number;
  /**
   * How often a loop busy catching up learns the leader's checkpoints again (default LEARN_MS). Real shard-follow
   * tasks learn them from every read's answer (ShardChangesAction.Response carries the leader shard's global
   * checkpoint and max seq_no), so `_ccr/stats` shows the leader's progress while the follower is still copying.
   */
  learnMs?: number;
}

/** See LoopDeps.learnMs: a whole-leader `_stats` (shared by the loops of a wave) at most this often per loop. */
export const LEARN_MS = 250;

function newShard(): ShardRuntime {
  return {
    leader_global_checkpoint: -1, leader_max_seq_no: -1, last_requested_seq_no: -1, successful_read_requests: 0,
    failed_read_requests: 0, operations_read: 0, bytes_read: 0, total_read_time_millis: 0,
    total_read_remote_exec_time_millis: 0, successful_write_requests: 0, failed_write_requests: 0, operations_written: 0,
    total_write_time_millis: 0, last_read_at: Date.now(), read_exceptions: [], dirty: true,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function asCause(e: unknown): ErrorCause {
  if (e instanceof EsHttpError) {
    const b = e.body as { error?: ErrorCause };
    if (b.error) { const { root_cause: _r, ...rest } = b.error as ErrorCause & { root_cause?: unknown }; return rest as ErrorCause; }
  }
  return cause("connect_transport_exception", (e as Error).message ?? String(e));
}

export class FollowLoop {
  shards: ShardRuntime[];
  fatal?: ErrorCause;
  private stopped = false;
  private running?: Promise<void>;
  private lastReconcile = 0;
  /** When this loop's previous pass ended (or it was created): shared answers must come from reads started later. */
  private passEnded = readClock();

  constructor(readonly f: FollowerState, private readonly deps: LoopDeps) {
    this.shards = Array.from({ length: f.shards }, newShard);
  }

  start(): void {
    this.stopped = false;
    this.running = (async () => {
      while (!this.stopped) {
        // A task stopped by a fatal error does nothing but still goes away with its follower index.
        const pass = this.fatal ? this.followerPresent() : this.runOnce();
        await pass.catch((e) => this.deps.log(`ccr loop ${this.f.index}: ${(e as Error).message}`));
        if (this.stopped) break;
        // On the common grid, so that the idle loops of the layer wake together and share one wave of reads.
        await sleep(untilNextWave(Date.now(), this.deps.pollMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private readError(e: unknown): void {
    for (const s of this.shards) {
      s.failed_read_requests++;
      const from = s.last_requested_seq_no + 1;
      const prev = s.read_exceptions.find((x) => x.from_seq_no === from);
      if (prev) { prev.retries++; prev.exception = asCause(e); } else s.read_exceptions = [{ from_seq_no: from, retries: 1, exception: asCause(e) }];
    }
  }

  /** One pass: leader checks, mapping sync, per-shard catch-up. Returns true when everything known was applied. */
  async runOnce(): Promise<boolean> {
    try {
      return await this.pass(this.passEnded);
    } finally {
      this.passEnded = readClock();
    }
  }

  private async pass(notBefore: number): Promise<boolean> {
    const f = this.f;
    let remote: Remote;
    try {
      remote = await this.deps.reads.remote(f.remote_cluster, notBefore);
    } catch (e) {
      this.readError(e);
      return false;
    }
    const fmeta = await this.followerMeta(notBefore);
    if (!fmeta) return false;
    if (fmeta.state === "close") return false;
    const lm = await this.deps.reads.leaderIndices(remote, notBefore);
    // An error answer (e.g. 503 cluster_block_exception while the leader node recovers its state) says nothing about
    // the leader index: ShardFollowNodeTask.shouldRetry retries cluster blocks and node trouble; only a leader missing
    // from a good answer is fatal. One shared read serves every loop, so this would otherwise fail them all at once.
    if (lm.status !== 200) { this.readError(new EsHttpError(lm.status, lm.body)); return false; }
    const lmeta = lm.body?.metadata?.indices?.[f.leader_index];
    if (!lmeta || lmeta.settings?.index?.uuid !== f.leader_uuid) {
      // Real tasks resolve the leader shard by index name + UUID: a deleted or recreated leader is index_not_found,
      // which ShardFollowNodeTask does not retry → fatal_exception, task kept (status stays active).
      this.fatal = cause("index_not_found_exception", `no such index [${f.leader_index}]`,
        { "resource.type": "index_or_alias", "resource.id": f.leader_index, index_uuid: f.leader_uuid, index: f.leader_index });
      this.deps.log(`ccr ${f.index}: leader [${f.leader_index}] gone or recreated → fatal`);
      return false;
    }
    if (lmeta.state === "close") {
      this.readError(new EsHttpError(400, { error: cause("index_closed_exception", "closed", { index_uuid: f.leader_uuid, index: f.leader_index }) }));
      return false;
    }
    if (lmeta.mapping_version !== f.leader_mapping_version) {
      await this.syncMapping(remote);
      f.leader_mapping_version = lmeta.mapping_version;
      f.follower_mapping_version++;
      this.deps.onProgress();
    }
    const t0 = Date.now();
    const st = await this.deps.reads.leaderShards(remote, notBefore);
    if (st.status !== 200) { this.readError(new EsHttpError(st.status, st.body)); return false; }
    const shardStats = st.body?.indices?.[f.leader_index]?.shards ?? {};
    let refreshed = false;
    let caughtUp = true;
    const reconcileDue = Date.now() - this.lastReconcile > this.deps.reconcileMs;
    for (let s = 0; s < f.shards; s++) {
      const primary = primaryCopy(shardStats, s);
      if (!primary) continue;
      const rt = this.shards[s];
      rt.leader_global_checkpoint = primary.seq_no.global_checkpoint;
      rt.leader_max_seq_no = primary.seq_no.max_seq_no;
      rt.total_read_remote_exec_time_millis += Date.now() - t0;
      const target = primary.seq_no.local_checkpoint as number;
      rt.read_exceptions = [];
      if (target > f.checkpoints[s]) {
        if (!refreshed) { await remote.req("POST", `/${encodeURIComponent(f.leader_index)}/_refresh`); refreshed = true; }
        const done = await this.catchUpShard(remote, s, target);
        if (!done) caughtUp = false;
      } else rt.last_read_at = Date.now();
      if ((rt.dirty || reconcileDue) && f.checkpoints[s] >= target) {
        if (!refreshed) { await remote.req("POST", `/${encodeURIComponent(f.leader_index)}/_refresh`); refreshed = true; }
        await this.reconcileShard(remote, s);
        rt.dirty = false;
      }
    }
    if (reconcileDue) this.lastReconcile = Date.now();
    return caughtUp;
  }

  /** The follower index's state, or undefined (and the task ends) when it was deleted or recreated. */
  private async followerMeta(notBefore: number): Promise<{ state: string } | undefined> {
    const fm = await this.deps.reads.followerIndices(notBefore);
    if (fm.status !== 200) return undefined; // node trouble: try again next poll
    const fmeta = fm.body?.metadata?.indices?.[this.f.index];
    if (!fmeta || fmeta.settings?.index?.uuid !== this.f.uuid) {
      this.stopped = true;
      this.deps.onFollowerGone(this.f.index);
      return undefined;
    }
    return fmeta;
  }

  private async followerPresent(): Promise<void> {
    try {
      await this.followerMeta(this.passEnded);
    } finally {
      this.passEnded = readClock();
    }
  }

  private async syncMapping(remote: Remote): Promise<void> {
    const m = await remote.req("GET", `/${encodeURIComponent(this.f.leader_index)}/_mapping`);
    const mapping = m.body?.[this.f.leader_index]?.mappings;
    if (!mapping || !Object.keys(mapping).length) return;
    const r = await this.deps.node.request("PUT", `/${encodeURIComponent(this.f.index)}/_mapping`, mapping);
    if (r.status !== 200) this.deps.log(`ccr ${this.f.index}: mapping sync failed: ${JSON.stringify(r.body)}`);
  }

  /** Applies leader ops of shard s with seq_no in (checkpoint, target]; true when the range was fully applied. */
  private async catchUpShard(remote: Remote, s: number, target: number): Promise<boolean> {
    const f = this.f;
    const rt = this.shards[s];
    const batch = Math.max(1, Math.min(f.params.max_read_request_operation_count ?? 5120, 5000));
    let from = f.checkpoints[s];
    let seen = 0;
    const startCkpt = from;
    let learned = Date.now();
    for (;;) {
      // The range of this pass stays `target` (the leader was refreshed up to it; later operations may not be
      // searchable yet), but what the follower knows of the leader moves on, as with real tasks: a burst that ends
      // mid-catch-up shows as lag at once, not only when the next pass starts.
      if (Date.now() - learned >= (this.deps.learnMs ?? LEARN_MS)) {
        learned = Date.now();
        await this.learnLeader(remote, s);
      }
      rt.last_requested_seq_no = Math.min(target, from + batch);
      const t0 = Date.now();
      const r = await remote.req("POST", `/${encodeURIComponent(f.leader_index)}/_search?preference=_shards:${s}`, {
        size: batch, sort: [{ _seq_no: "asc" }], seq_no_primary_term: true, version: true, track_total_hits: false,
        query: { range: { _seq_no: { gt: from, lte: target } } },
      });
      rt.total_read_time_millis += Date.now() - t0;
      rt.last_read_at = Date.now();
      if (r.status !== 200) { rt.failed_read_requests++; this.readError(new EsHttpError(r.status, r.body)); return false; }
      rt.successful_read_requests++;
      const hits: any[] = r.body?.hits?.hits ?? [];
      rt.operations_read += hits.length;
      if (hits.length) {
        const lines: string[] = [];
        for (const h of hits) {
          const meta: Record<string, unknown> = { _index: f.index, _id: h._id, version: h._version, version_type: "external_gte" };
          if (h._routing !== undefined) meta.routing = h._routing;
          const src = JSON.stringify(h._source ?? {});
          rt.bytes_read += src.length;
          lines.push(JSON.stringify({ index: meta }), src);
        }
        const ok = await this.write(lines, hits);
        if (!ok) return false;
        seen += hits.length;
        from = hits[hits.length - 1]._seq_no;
      }
      if (hits.length < batch) {
        from = target;
        break;
      }
      f.checkpoints[s] = from;
      this.deps.onProgress();
    }
    if (seen < from - startCkpt) rt.dirty = true;
    f.checkpoints[s] = from;
    this.deps.onProgress();
    return true;
  }

  /** Updates shard s's view of the leader's checkpoints (only ever forward); a failed read changes nothing. */
  private async learnLeader(remote: Remote, s: number): Promise<void> {
    const st = await this.deps.reads.leaderShards(remote, readClock());
    if (st.status !== 200) return;
    const primary = primaryCopy(st.body?.indices?.[this.f.leader_index]?.shards ?? {}, s);
    if (!primary) return;
    const rt = this.shards[s];
    rt.leader_global_checkpoint = Math.max(rt.leader_global_checkpoint, primary.seq_no.global_checkpoint);
    rt.leader_max_seq_no = Math.max(rt.leader_max_seq_no, primary.seq_no.max_seq_no);
  }

  private async write(lines: string[], hits: any[]): Promise<boolean> {
    const rt = this.shards;
    const t0 = Date.now();
    const r = await bulk(this.deps.node, lines);
    const dt = Date.now() - t0;
    const anyShard = rt[0];
    anyShard.total_write_time_millis += dt;
    if (r.status !== 200) { anyShard.failed_write_requests++; this.deps.log(`ccr ${this.f.index}: bulk HTTP ${r.status}`); return false; }
    const items: any[] = r.body?.items ?? [];
    const retry: string[] = [];
    let failed = false;
    items.forEach((it, i) => {
      const res = it.index;
      if (!res?.error) return;
      if (res.status === 409) {
        // Leader version went backwards for this id (delete + recreate after the tombstone was pruned): the leader's
        // current document wins; written with internal versioning.
        const h = hits[i];
        const meta: Record<string, unknown> = { _index: this.f.index, _id: h._id };
        if (h._routing !== undefined) meta.routing = h._routing;
        retry.push(JSON.stringify({ index: meta }), JSON.stringify(h._source ?? {}));
      } else failed = true;
    });
    if (retry.length) await bulk(this.deps.node, retry);
    if (failed) { anyShard.failed_write_requests++; return false; }
    anyShard.successful_write_requests++;
    anyShard.operations_written += items.length;
    return true;
  }

  /** Per-shard count comparison; on mismatch delete follower ids the leader no longer has. */
  private async reconcileShard(remote: Remote, s: number): Promise<void> {
    const f = this.f;
    const node = this.deps.node;
    await node.request("POST", `/${encodeURIComponent(f.index)}/_refresh`);
    const lc = await remote.req("GET", `/${encodeURIComponent(f.leader_index)}/_count?preference=_shards:${s}`);
    const fc = await node.request("GET", `/${encodeURIComponent(f.index)}/_count?preference=_shards:${s}`);
    if (lc.status !== 200 || fc.status !== 200 || lc.body.count === fc.body.count) return;
    const leaderIds = new Set(await this.ids((m, p, b) => remote.req(m, p, b), f.leader_index, s));
    const followerIds = await this.ids((m, p, b) => node.request(m, p, b), f.index, s);
    const extra = followerIds.filter((id) => !leaderIds.has(id));
    if (!extra.length) return;
    const lines = extra.map((id) => JSON.stringify({ delete: { _index: f.index, _id: id } }));
    for (let i = 0; i < lines.length; i += 5000) await bulk(node, lines.slice(i, i + 5000));
    this.shards[s].operations_written += extra.length;
    this.deps.log(`ccr ${f.index}: shard ${s}: removed ${extra.length} documents deleted on the leader`);
  }

  private async ids(req: (m: string, p: string, b?: unknown) => Promise<{ status: number; body: any }>, index: string, s: number): Promise<string[]> {
    const out: string[] = [];
    let after: unknown[] | undefined;
    for (;;) {
      const r = await req("POST", `/${encodeURIComponent(index)}/_search?preference=_shards:${s}`, {
        size: 5000, _source: false, sort: [{ _seq_no: "asc" }], track_total_hits: false, ...(after ? { search_after: after } : {}),
      });
      const hits: any[] = r.body?.hits?.hits ?? [];
      for (const h of hits) out.push(h._id);
      if (hits.length < 5000) return out;
      after = hits[hits.length - 1].sort;
    }
  }
}

/** Shard s's primary copy in a `_stats?level=shards` answer for one index (else its first copy). */
function primaryCopy(shards: Record<string, any[]>, s: number): any {
  const copies: any[] = shards[String(s)] ?? [];
  return copies.find((c) => c.routing?.primary) ?? copies[0];
}

/** One `_bulk` of ndjson lines straight to the node (as the node's own credentials and CA). */
function bulk(node: EsNode, lines: string[]): Promise<{ status: number; body: any }> {
  return esRequest(node.httpUrl, "POST", "/_bulk", lines.join("\n") + "\n", { auth: node.auth, ca: node.caCertPem, ndjson: true, timeoutMs: 60_000 });
}
