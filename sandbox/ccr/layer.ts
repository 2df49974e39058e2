/** EMULATED CCR layer: the `_ccr` endpoints, served over the real nodes (sandbox/test infrastructure). */
import type { EsNode } from "../es/node";
import { cause, ErrorCause, errors, esError, EsHttpError } from "./errors";
import {
  effectiveParams, explicitParams, FollowParams, PARAM_NAMES, parseJsonBody, parseParams, rejectUnknownFields, validateParams,
} from "./params";
import { followerDataStreamName, followerIndexName, isSkippedLeader, matchesIndexOrDataStream, validatePatternName } from "./patterns";
import {
  dataStreamOfIndex, dataStreamsNamed, EmulatedDataStream, followRefusal, RemoteDataStream, renderDataStream, updateLocalDataStream, writeIndexOf,
} from "./data-streams";
import { licenseAllowsCcr, Remote, resolveRemote } from "./remote";
import { FollowLoop, WaveReads } from "./replicator";
import { copyableLeaderSettings, flattenSettings, forbiddenOverrides, settingsString } from "./settings";
import { CcrState, FollowerState, loadState, PatternState, saveState } from "./state";
import { esRequest } from "../es/http";

/** CcrRetentionLeases.retentionLeaseId: `<follower cluster>/<follower index>/<uuid>-following-<alias>/<leader index>/<uuid>`. */
export function retentionLeaseId(followerCluster: string, followerIndex: string, followerUuid: string, alias: string, leaderIndex: string, leaderUuid: string): string {
  return `${followerCluster}/${followerIndex}/${followerUuid}-following-${alias}/${leaderIndex}/${leaderUuid}`;
}

export interface Reply { status: number; body: unknown }
const ok = (body: unknown): Reply => ({ status: 200, body });
const enc = encodeURIComponent;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface LayerOptions {
  node: EsNode; stateDir: string; log: (s: string) => void; pollMs: number; reconcileMs: number; autoFollowMs: number;
  /** How long the emulated restore of a new follower takes (per follower index name). */
  restoreDelayMs: (followerIndex: string) => number;
}

interface AutoFollowError { leader_index: string; timestamp: number; auto_follow_exception: ErrorCause }

export class CcrLayer {
  readonly state: CcrState;
  private loops = new Map<string, FollowLoop>();
  /**
   * Followers whose emulated restore is running, by name → the follower record it restores. Only that restore ends
   * the entry: a PUT follow of the same name that lost the race for the index (its own create fails) must not end
   * another's restore, nor may a restore of an earlier follower of that name (deleted, followed again) end the new
   * one's. A Set of names did both, and a follower still restoring then read as paused out of band.
   */
  private starting = new Map<string, FollowerState>();
  /**
   * Follower creations between the node's index PUT and the follower's registration. In Elasticsearch the restore
   * puts the index into the cluster state together with its CCR metadata, so no reader ever sees a follower-to-be
   * as a regular index; here they are two steps, so metadata and `_ccr` reads wait for this window to close.
   */
  private registering = new Set<Promise<unknown>>();

  /** The same registrations by follower index name: which names a read may have caught half-way. */
  private registeringNames = new Map<string, Set<Promise<unknown>>>();

  /** Resolves once no follower is half-registered (see `registering`). */
  async registrationsSettled(): Promise<void> {
    while (this.registering.size) await Promise.allSettled([...this.registering]);
  }

  /**
   * Runs `read` (of the node's index metadata) so that its answer shows no follower-to-be as a regular index, which
   * Elasticsearch never does (see `registering`): when the answer shows an index (`shows`: the names it lists) whose
   * registration is still under way, that registration is waited for and the read run again. A registration that
   * finished before the caller decorates the answer is decorated from the state; one that starts after the read had
   * not created its index when the node answered. So only a read that caught a name half-way is repeated, and reads
   * of other indexes never wait for the creations going on beside them (waiting for every registration to settle,
   * as before, held a read back as long as follows kept arriving: with 8 in flight, for most of a bulk create).
   */
  async withoutRegistrations<T>(read: () => Promise<T>, shows: (v: T) => Iterable<string>): Promise<T> {
    for (;;) {
      const v = await read();
      const caught = [...new Set(shows(v))].flatMap((n) => [...(this.registeringNames.get(n) ?? [])]);
      if (!caught.length) return v;
      await Promise.allSettled(caught);
    }
  }

  /** Marks `index` as being registered until the returned function is called (createFollower; tests). */
  trackRegistration(index: string, registration: Promise<unknown>): () => void {
    this.registering.add(registration);
    const set = this.registeringNames.get(index) ?? new Set();
    set.add(registration);
    this.registeringNames.set(index, set);
    return () => {
      this.registering.delete(registration);
      set.delete(registration);
      if (!set.size && this.registeringNames.get(index) === set) this.registeringNames.delete(index);
    };
  }
  private saveTimer?: NodeJS.Timeout;
  private afTimer?: NodeJS.Timeout;
  private afRunning?: Promise<void>;
  private stopped = false;
  private af = { failed: 0, failedRemote: 0, success: 0, errors: new Map<string, AutoFollowError>(), clusters: new Map<string, { checked: number; version: number }>() };

  constructor(private readonly o: LayerOptions) {
    this.state = loadState(o.stateDir);
    this.reads = new WaveReads(o.node, (alias) => this.resolve(alias));
  }

  /** The node's major: which settings the server allows as overrides depends on it. */
  private get major(): number {
    return Number(this.o.node.version.split(".")[0]);
  }

  // ---------------------------------------------------------------- lifecycle
  start(): void {
    for (const f of Object.values(this.state.followers)) if (f.active) this.startLoop(f);
    const tick = async () => {
      if (this.stopped) return;
      this.afRunning = this.verifyFollowers()
        .then(() => this.autoFollowOnce())
        .catch((e) => this.o.log(`ccr auto-follow: ${(e as Error).message}`));
      await this.afRunning;
      if (!this.stopped) this.afTimer = setTimeout(tick, this.o.autoFollowMs);
    };
    this.afTimer = setTimeout(tick, this.o.autoFollowMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.afTimer) clearTimeout(this.afTimer);
    await this.afRunning;
    await Promise.all([...this.loops.values()].map((l) => l.stop()));
    this.loops.clear();
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveNow();
  }

  saveNow(): void {
    this.saveTimer = undefined;
    saveState(this.o.stateDir, this.state);
  }

  private saveSoon(): void {
    if (!this.saveTimer && !this.stopped) this.saveTimer = setTimeout(() => this.saveNow(), 200);
  }

  private resolve = (alias: string, leader?: string): Promise<Remote> => resolveRemote(this.o.node, alias, leader);

  /** The reads all replication loops of this layer share per wave (replicator.ts). */
  private readonly reads: WaveReads;

  private startLoop(f: FollowerState): FollowLoop {
    const existing = this.loops.get(f.index);
    if (existing?.f === f) return existing;
    // A loop of an earlier follower of the same name (deleted, then followed again) must never be reused: it
    // belongs to another index UUID and may have stopped with a fatal error.
    if (existing) void existing.stop();
    const loop = new FollowLoop(f, {
      node: this.o.node, reads: this.reads, onProgress: () => this.saveSoon(), log: this.o.log,
      pollMs: this.o.pollMs, reconcileMs: this.o.reconcileMs,
      onFollowerGone: () => this.dropFollower(f),
    });
    this.loops.set(f.index, loop);
    loop.start();
    return loop;
  }

  /**
   * A follower index that no longer exists (or exists with another UUID) loses its CCR state and its loop, as
   * Elasticsearch's ShardFollowTaskCleaner (x-pack/plugin/ccr, a cluster-state listener on the master) completes
   * the shard-follow persistent tasks whose follower index is gone from the metadata; the CCR custom metadata went
   * away with the deleted index. Only this exact follower record is dropped (a new one of the same name stays).
   */
  private dropFollower(f: FollowerState): void {
    if (this.state.followers[f.index] !== f) return;
    delete this.state.followers[f.index];
    const loop = this.loops.get(f.index);
    if (loop?.f === f) {
      this.loops.delete(f.index);
      void loop.stop();
    }
    this.o.log(`ccr ${f.index}: follower index deleted (uuid ${f.uuid}) → its shard-follow tasks and CCR state are removed`);
    this.saveNow();
  }

  /**
   * Checks every recorded follower against the node in one request (name → UUID) and drops those whose index was
   * deleted, however it was deleted (through the front or directly on the node). Runs before every `_ccr`
   * request, before follower write checks, after a DELETE through the front, and on the coordinator tick.
   */
  verifyFollowers(): Promise<void> {
    // Shared by concurrent callers, never started before a caller arrived: a check already running may have read the
    // node before this caller's request came in (and miss a deletion made just before it), so such a caller waits for
    // the next check, which everyone arriving meanwhile shares. At most one check runs at a time instead of one per
    // `_ccr` request (each names every follower: O(followers) per request).
    if (this.verifyNext) return this.verifyNext;
    const start = (): Promise<void> => {
      const p = this.verifyNow().finally(() => {
        if (this.verifyRunning === p) this.verifyRunning = undefined;
      });
      this.verifyRunning = p;
      return p;
    };
    if (!this.verifyRunning) return start();
    const next = this.verifyRunning.catch(() => undefined).then(() => {
      this.verifyNext = undefined;
      return start();
    });
    this.verifyNext = next;
    return next;
  }

  private verifyRunning?: Promise<void>;
  private verifyNext?: Promise<void>;

  private async verifyNow(): Promise<void> {
    await this.verifyDataStreams();
    const known = Object.values(this.state.followers);
    if (!known.length) return;
    const names = known.map((f) => enc(f.index)).join(",");
    const r = await this.o.node.request("GET", `/${names}/_settings/index.uuid?ignore_unavailable=true&allow_no_indices=true&expand_wildcards=all&filter_path=*.settings.index.uuid`);
    if (r.status !== 200) return; // cannot tell; keep the state (a transient node error must not drop followers)
    const uuids = (r.body ?? {}) as Record<string, { settings?: { index?: { uuid?: string } } }>;
    for (const f of known) if (uuids[f.index]?.settings?.index?.uuid !== f.uuid) this.dropFollower(f);
  }

  private async stopLoop(index: string): Promise<void> {
    const l = this.loops.get(index);
    this.loops.delete(index);
    await l?.stop();
  }

  // ---------------------------------------------------------------- helpers
  private async checkLicense(): Promise<void> {
    const r = await this.o.node.request("GET", "/_license");
    if (!licenseAllowsCcr(r.body?.license)) throw errors.licenseLocal();
  }

  /** Local index metadata (state, uuid, shards) or a 404 exactly as the node renders it. */
  private async localIndex(name: string): Promise<{ state: string; uuid: string; shards: number } | undefined> {
    const r = await this.o.node.request("GET", `/_cluster/state/metadata/${enc(name)}?filter_path=metadata.indices.*.state,metadata.indices.*.settings.index.uuid,metadata.indices.*.settings.index.number_of_shards&expand_wildcards=all`);
    const m = r.body?.metadata?.indices?.[name];
    return m ? { state: m.state, uuid: m.settings.index.uuid, shards: Number(m.settings.index.number_of_shards) } : undefined;
  }

  private async requireLocalIndex(name: string) {
    const m = await this.localIndex(name);
    if (!m) throw errors.indexNotFound(name);
    return m;
  }

  /** Concrete indices of an expression (closed included); a missing concrete name → the node's own 404. */
  private async resolveExpr(expr: string): Promise<string[]> {
    const r = await this.o.node.request("GET", `/${enc(expr).replace(/%2C/gi, ",").replace(/%2A/gi, "*")}/_settings/index.uuid?expand_wildcards=open,closed`);
    if (r.status === 404) throw new EsHttpError(404, r.body);
    if (r.status !== 200) throw new EsHttpError(r.status, r.body);
    return Object.keys(r.body ?? {}).sort();
  }

  /** Leader metadata through the remote, with CcrLicenseChecker's checks (not found, alias/data stream, closed). */
  private async leaderInfo(remote: Remote, leader: string) {
    const res = await remote.req("GET", `/_resolve/index/${enc(leader)}?expand_wildcards=all`);
    const b = res.body ?? {};
    if ((b.aliases ?? []).some((a: any) => a.name === leader)) throw errors.illegalArgument(`cannot follow [${leader}], because it is a ALIAS`);
    if ((b.data_streams ?? []).some((a: any) => a.name === leader)) throw errors.illegalArgument(`cannot follow [${leader}], because it is a DATA_STREAM`);
    const idx = (b.indices ?? []).find((i: any) => i.name === leader);
    if (res.status === 404 || !idx) throw errors.indexNotFound(leader);
    const dataStream = typeof idx.data_stream === "string" ? await remoteDataStream(remote, idx.data_stream) : undefined;
    const st = await remote.req("GET", `/_cluster/state/metadata/${enc(leader)}?filter_path=metadata.indices`);
    const meta = st.body?.metadata?.indices?.[leader];
    if (!meta) throw errors.indexNotFound(leader);
    if (meta.state === "close") throw errors.indexClosed(leader, meta.settings.index.uuid);
    if (meta.settings?.index?.soft_deletes?.enabled === "false") throw errors.illegalArgument(`leader index [${leader}] does not have soft deletes enabled`);
    const s = await remote.req("GET", `/${enc(leader)}/_settings?flat_settings=true`);
    const m = await remote.req("GET", `/${enc(leader)}/_mapping`);
    const h = await remote.req("GET", `/${enc(leader)}/_stats?level=shards&filter_path=indices.*.shards.*.routing.primary,indices.*.shards.*.commit.user_data.history_uuid`);
    return {
      historyUuids: primaryHistoryUuids(h.body?.indices?.[leader]?.shards, Number(meta.settings.index.number_of_shards)),
      uuid: meta.settings.index.uuid as string,
      shards: Number(meta.settings.index.number_of_shards),
      mappingVersion: meta.mapping_version as number,
      settings: s.body?.[leader]?.settings as Record<string, string>,
      mappings: m.body?.[leader]?.mappings as Record<string, unknown>,
      dataStream,
    };
  }

  // ---------------------------------------------------------------- follow
  async putFollow(index: string, raw: string, query: URLSearchParams): Promise<Reply> {
    const body = parseJsonBody(raw);
    rejectUnknownFields(body, ["remote_cluster", "leader_index", "settings", "data_stream_name", ...PARAM_NAMES], "indices:admin/xpack/ccr/put_follow", raw);
    const params = parseParams(body, "indices:admin/xpack/ccr/put_follow", raw);
    const msgs: string[] = [];
    if (body.remote_cluster == null) msgs.push("remote_cluster is missing");
    if (body.leader_index == null) msgs.push("leader_index is missing");
    if (body.data_stream_name != null && !String(body.data_stream_name).trim()) msgs.push("data stream name must contain text if present");
    msgs.push(...validateParams(params));
    if (msgs.length) throw errors.validation(msgs);
    const wfasRaw = query.get("wait_for_active_shards") ?? "0";
    const wfas = wfasRaw === "all" ? 1 : wfasRaw === "default" ? 0 : Number(wfasRaw);
    if (!Number.isInteger(wfas) || wfas < 0) throw errors.illegalArgument(`illegal wait_for_active_shards value [${wfasRaw}]`);
    const ds = body.data_stream_name != null ? String(body.data_stream_name) : undefined;
    const f = await this.createFollower(index, String(body.remote_cluster), String(body.leader_index), body.settings, params, wfas > 0, undefined, ds);
    if (wfas > 0) return ok({ follow_index_created: true, follow_index_shards_acked: true, index_following_started: f.active });
    return ok({ follow_index_created: true, follow_index_shards_acked: false, index_following_started: false });
  }

  private async createFollower(index: string, alias: string, leader: string, settings: unknown, params: FollowParams, wait: boolean, autoFollowedBy?: string, dataStreamName?: string): Promise<FollowerState> {
    await this.checkLicense();
    const remote = await this.resolve(alias, leader);
    const li = await this.leaderInfo(remote, leader);
    const overrides = flattenSettings(settings ?? {});
    const forbidden = forbiddenOverrides(overrides, this.major);
    if (Object.keys(forbidden).length) throw errors.illegalArgument(`can not put follower index that could override leader settings ${settingsString(forbidden)}`);
    const snap = `[_ccr_${alias}:_latest_/_latest_]`;
    const existing = await this.localIndex(index);
    if (existing?.state === "open") {
      throw errors.restoreOverOpenIndex(alias, index);
    }
    if (existing) {
      if (existing.shards !== li.shards) throw esError(500, "snapshot_restore_exception", `${snap} cannot restore index [${index}] with [${existing.shards}] shards from a snapshot of index [${leader}] with [${li.shards}] shards`);
      // The restore replaces the closed index (documented recreate procedure).
      await this.stopLoop(index);
      delete this.state.followers[index];
      const d = await this.o.node.request("DELETE", `/${enc(index)}`);
      if (d.status !== 200) throw new EsHttpError(d.status, d.body);
    }
    const fsettings = { ...copyableLeaderSettings(li.settings ?? {}), ...overrides };
    // A leader backing index: the local data stream it joins must still be replicated (checked before the restore,
    // as Elasticsearch's metadata updater fails the restore's cluster-state update).
    const localStream = li.dataStream ? (dataStreamName || li.dataStream.name) : undefined;
    if (localStream) {
      const refusal = followRefusal(this.state.data_streams?.[localStream] ?? await this.nodeDataStream(localStream), index);
      if (refusal) throw errors.illegalArgument(refusal);
    }
    // Elasticsearch's restore creates the follower index already recovering from the `_ccr_<alias>` repository: it is
    // "restoring" (`_recovery`) from the moment it exists until its shard-follow tasks start, with no gap between
    // (registerFollower marks it in the same step that records it).
    const registration = this.registerFollower(index, alias, leader, li, fsettings, params, autoFollowedBy, localStream);
    const untrack = this.trackRegistration(index, registration);
    let f: FollowerState;
    try {
      f = await registration;
    } finally {
      untrack();
    }
    // The restore takes a retention lease on every leader shard (CcrRepository), keyed by both clusters' indexes
    // (failures are logged only: nothing between the registration and the start below throws).
    await this.leaderLease("add", f, remote);
    const startFollowing = async () => {
      try {
        await sleep(this.o.restoreDelayMs(index));
        await this.restoreCopy(f);
        if (this.state.followers[index] !== f || this.stopped) return;
        f.active = true;
        this.saveNow();
        this.startLoop(f);
      } finally {
        if (this.starting.get(index) === f) this.starting.delete(index);
      }
    };
    if (wait) await startFollowing();
    else startFollowing().catch((e) => this.o.log(`ccr ${index}: start of following failed (logged only, as ES does): ${(e as Error).message}`));
    return f;
  }

  /**
   * The "restore" proper: wait for the follower's shard, then copy what the leader has now. Elasticsearch's restore
   * goes on until the shard is recovered however busy the node is, and the shard-follow tasks start after it; here a
   * failed ask must not end the start-up (the follower would stay paused for good, as 22 of 1000 creates at
   * `--parallel 64` did when a single `timeout=30s` ask raced the node client's own 30 s). So the health ask has a
   * server timeout well under its client timeout, and a lost or failed answer, like a failed copy round, is only
   * logged: the follow loop started next copies whatever this did not.
   */
  private async restoreCopy(f: FollowerState): Promise<void> {
    try {
      await this.o.node.request("GET", `/_cluster/health/${enc(f.index)}?wait_for_active_shards=1&timeout=20s`, undefined, undefined, 45_000);
    } catch (e) {
      this.o.log(`ccr ${f.index}: waiting for the follower shard: ${(e as Error).message}; the follow loop goes on from here`);
    }
    const loop = new FollowLoop(f, { node: this.o.node, reads: this.reads, onProgress: () => this.saveSoon(), onFollowerGone: () => {}, log: this.o.log, pollMs: this.o.pollMs, reconcileMs: 0 });
    for (let i = 0; i < 5 && this.state.followers[f.index] === f && !this.stopped; i++) {
      try {
        if (await loop.runOnce()) return;
      } catch (e) {
        this.o.log(`ccr ${f.index}: first copy, round ${i + 1}: ${(e as Error).message}`);
      }
      await sleep(100);
    }
  }

  /** Creates the follower's index on the node and registers it at once (one step in Elasticsearch's restore). */
  private async registerFollower(index: string, alias: string, leader: string, li: Awaited<ReturnType<CcrLayer["leaderInfo"]>>, fsettings: Record<string, unknown>, params: FollowParams, autoFollowedBy?: string, localStream?: string): Promise<FollowerState> {
    const c = await this.o.node.request("PUT", `/${enc(index)}?wait_for_active_shards=0`, { settings: fsettings, mappings: li.mappings ?? {} });
    // Another PUT follow of this name made the index after our check for it: Elasticsearch's restore finds the open
    // index in its cluster-state update and fails as it does when the index was there from the start.
    if (c.status === 400 && (c.body as { error?: { type?: string } })?.error?.type === "resource_already_exists_exception") {
      throw errors.restoreOverOpenIndex(alias, index);
    }
    if (c.status !== 200) throw new EsHttpError(c.status, c.body);
    const created = await this.requireLocalIndex(index);
    const f: FollowerState = {
      index, uuid: created.uuid, remote_cluster: alias, leader_index: leader, leader_uuid: li.uuid, shards: li.shards,
      ...(li.historyUuids ? { leader_history_uuids: li.historyUuids } : {}),
      params, active: false, checkpoints: Array(li.shards).fill(-1), leader_mapping_version: li.mappingVersion,
      follower_mapping_version: 1, follower_settings_version: 1, follower_aliases_version: 1, created_at: Date.now(),
      ...(autoFollowedBy ? { auto_followed_by: autoFollowedBy } : {}),
    };
    this.state.followers[index] = f;
    this.starting.set(index, f);
    if (localStream && li.dataStream) {
      const streams = (this.state.data_streams ??= {});
      streams[localStream] = updateLocalDataStream({ index_name: index, index_uuid: created.uuid }, streams[localStream], localStream, li.dataStream);
    }
    this.saveNow();
    return f;
  }

  // ---------------------------------------------------------------- replicated data streams (data-streams.ts)
  /** A data stream the node holds itself (made by its own templates: never replicated), as updateLocalDataStream sees it. */
  private async nodeDataStream(name: string): Promise<{ name: string; replicated: boolean } | undefined> {
    const r = await this.o.node.request("GET", "/_cluster/state/metadata?filter_path=metadata.data_stream.data_stream");
    const d = r.body?.metadata?.data_stream?.data_stream?.[name];
    return d ? { name, replicated: d.replicated === true } : undefined;
  }

  /** Drops deleted backing indexes from their data streams (MetadataDeleteIndexService), and streams left empty. */
  private async verifyDataStreams(): Promise<void> {
    const streams = this.state.data_streams ?? {};
    const all = Object.values(streams).flatMap((d) => d.indices);
    if (!all.length) return;
    const r = await this.o.node.request("GET", `/${all.map((i) => enc(i.index_name)).join(",")}/_settings/index.uuid?ignore_unavailable=true&allow_no_indices=true&expand_wildcards=all&filter_path=*.settings.index.uuid`);
    if (r.status !== 200) return;
    const uuids = (r.body ?? {}) as Record<string, { settings?: { index?: { uuid?: string } } }>;
    // Only indexes that were asked about can be found gone: a follower registered while the request was out joined
    // its stream after the read.
    const asked = new Set(all.map((i) => `${i.index_name}/${i.index_uuid}`));
    const gone = (i: { index_name: string; index_uuid: string }) => asked.has(`${i.index_name}/${i.index_uuid}`) && uuids[i.index_name]?.settings?.index?.uuid !== i.index_uuid;
    let changed = false;
    for (const d of Object.values(streams)) {
      const kept = d.indices.filter((i) => !gone(i));
      if (kept.length === d.indices.length) continue;
      changed = true;
      if (kept.length) d.indices = kept;
      else delete streams[d.name];
      this.o.log(`ccr data stream ${d.name}: backing indexes deleted → ${kept.length ? kept.map((i) => i.index_name).join(", ") : "data stream removed"}`);
    }
    if (changed) this.saveNow();
  }

  /** The node's own HTTP URL (the front forwards to it). */
  get nodeUrl(): string {
    return this.o.node.httpUrl;
  }

  /** The replicated data streams the layer made on this cluster, by name. */
  dataStreams(): Record<string, EmulatedDataStream> {
    return this.state.data_streams ?? {};
  }

  /** `GET _data_stream[/<expr>]` for the layer's data streams; a missing concrete name is a 404 as in Elasticsearch. */
  async getDataStreams(expr: string | undefined): Promise<Reply> {
    await this.registrationsSettled();
    await this.verifyDataStreams();
    const streams = this.dataStreams();
    const named = expr === undefined ? Object.values(streams).sort((a, b) => a.name.localeCompare(b.name)) : dataStreamsNamed(streams, expr);
    for (const p of (expr ?? "").split(",")) {
      if (p && !p.includes("*") && !p.startsWith("-") && p !== "_all" && !streams[p]) throw errors.indexNotFound(p);
    }
    const out = [];
    for (const d of named) {
      const h = await this.o.node.request("GET", `/_cluster/health/${d.indices.map((i) => enc(i.index_name)).join(",")}?filter_path=status`);
      out.push(renderDataStream(d, String(h.body?.status ?? "red").toUpperCase()));
    }
    return ok({ data_streams: out });
  }

  /**
   * DeleteDataStreamTransportAction: the data streams go with all their backing indexes (followers among them lose
   * their shard-follow tasks, as for any deleted follower). A missing concrete name is a 404.
   */
  async deleteDataStreams(expr: string): Promise<Reply> {
    await this.verifyDataStreams();
    const streams = this.dataStreams();
    const missing = expr.split(",").filter((p) => p && !p.includes("*") && !p.startsWith("-") && p !== "_all" && !streams[p]);
    if (missing.length) throw esError(404, "resource_not_found_exception", `data_streams matching [${missing.join(",")}] not found`);
    const named = dataStreamsNamed(streams, expr);
    for (const d of named) {
      const r = await this.o.node.request("DELETE", `/${d.indices.map((i) => enc(i.index_name)).join(",")}?ignore_unavailable=true`);
      if (r.status !== 200) throw new EsHttpError(r.status, r.body);
      delete streams[d.name];
    }
    this.saveNow();
    await this.verifyFollowers();
    return ok({ acknowledged: true });
  }

  /**
   * Elasticsearch refuses to close a data stream's write index (MetadataIndexStateService: "cannot close the
   * following data stream write indices [...]") or to delete it (MetadataDeleteIndexService: "index [x] is the write
   * index for data stream [y] and cannot be deleted"). The refusal for these concrete names, or undefined.
   */
  writeIndexRefusal(names: string[], op: "close" | "delete"): EsHttpError | undefined {
    const writes = Object.values(this.dataStreams()).map((d) => [d.name, writeIndexOf(d)] as const).filter(([, w]) => w !== undefined && names.includes(w));
    if (!writes.length) return undefined;
    if (op === "close") return errors.illegalArgument(`cannot close the following data stream write indices [${writes.map(([, w]) => w).join(",")}]`);
    return errors.illegalArgument(`index [${writes[0][1]}] is the write index for data stream [${writes[0][0]}] and cannot be deleted`);
  }

  /** PromoteDataStreamTransportAction: the data stream is no longer replicated (its followers stay followers). */
  async promoteDataStream(name: string): Promise<Reply> {
    const d = this.dataStreams()[name];
    if (!d) throw esError(404, "resource_not_found_exception", `data stream [${name}] does not exist`);
    d.replicated = false;
    this.saveNow();
    return ok({ acknowledged: true });
  }

  /** The refusal of a rollover of one of the layer's data streams, or undefined when the name is none of them. */
  rolloverRefusal(name: string): EsHttpError | undefined {
    const d = this.dataStreams()[name];
    if (!d) return undefined;
    if (d.replicated) return errors.illegalArgument(`data stream [${name}] cannot be rolled over, because it is a replicated data stream`);
    // A promoted stream would roll over from a local data-stream template onto a new local write index; the node
    // does not hold this stream, so it cannot.
    return errors.illegalArgument(`EMULATION LIMIT (sandbox/ccr): data stream [${name}] was promoted; rolling over an emulated data stream is not supported`);
  }

  /** The write index of the layer's data stream of that name (writes by the data stream's name go there). */
  writeIndex(name: string): string | undefined {
    const d = this.dataStreams()[name];
    return d ? writeIndexOf(d) : undefined;
  }

  /** The data stream (of the layer's) an index backs. */
  dataStreamOf(index: string): string | undefined {
    return dataStreamOfIndex(this.dataStreams(), index)?.name;
  }

  private follower(index: string): FollowerState | undefined {
    return this.state.followers[index];
  }

  async pauseFollow(index: string): Promise<Reply> {
    await this.requireLocalIndex(index);
    const f = this.follower(index);
    if (!f) throw errors.notAFollower(index);
    if (!f.active) throw errors.noShardFollowTasks(index);
    await this.stopLoop(index);
    f.active = false;
    this.saveNow();
    return ok({ acknowledged: true });
  }

  async resumeFollow(index: string, raw: string): Promise<Reply> {
    const body = parseJsonBody(raw);
    rejectUnknownFields(body, PARAM_NAMES, "cluster:admin/xpack/ccr/resume_follow", raw);
    const params = parseParams(body, "cluster:admin/xpack/ccr/resume_follow", raw);
    const msgs = validateParams(params);
    if (msgs.length) throw errors.validation(msgs);
    await this.checkLicense();
    const local = await this.requireLocalIndex(index);
    const f = this.follower(index);
    if (!f) throw errors.illegalArgument(`follow index [${index}] does not have ccr metadata`);
    if (f.active) throw errors.taskAlreadyExists(f.uuid);
    const remote = await this.resolve(f.remote_cluster, f.leader_index);
    const st = await remote.req("GET", `/_cluster/state/metadata/${enc(f.leader_index)}?filter_path=metadata.indices`);
    const lmeta = st.body?.metadata?.indices?.[f.leader_index];
    if (!lmeta) throw errors.indexNotFound(f.leader_index);
    if (lmeta.settings.index.uuid !== f.leader_uuid) {
      throw errors.illegalArgument(`follow index [${index}] should reference [${f.leader_uuid}] as leader index but instead reference [${lmeta.settings.index.uuid}] as leader index`);
    }
    if (lmeta.state !== "open" || local.state !== "open") throw errors.illegalArgument("leader and follow index must be open");
    f.params = params;
    f.active = true;
    this.saveNow();
    this.startLoop(f);
    return ok({ acknowledged: true });
  }

  async unfollow(index: string): Promise<Reply> {
    const local = await this.requireLocalIndex(index);
    const f = this.follower(index);
    if (!f) throw errors.notAFollower(index);
    if (local.state !== "close") throw errors.illegalArgument(`cannot convert the follower index [${index}] to a non-follower, because it has not been closed`);
    if (f.active) throw errors.illegalArgument(`cannot convert the follower index [${index}] to a non-follower, because it has not been paused`);
    await this.stopLoop(index);
    delete this.state.followers[index];
    this.saveNow();
    // TransportUnfollowAction removes the follower's retention leases on the leader after the conversion.
    await this.leaderLease("remove", f);
    return ok({ acknowledged: true });
  }

  /**
   * Runs on the leader: removes the follower's retention lease from every shard of the leader index
   * (TransportForgetFollowerAction, a broadcast-by-node action). A shard without that lease is a shard failure
   * (RetentionLeaseNotFoundException, a ResourceNotFoundException: NOT_FOUND) in an HTTP 200 answer, as in ES.
   */
  async forgetFollower(index: string, raw: string): Promise<Reply> {
    const body = parseJsonBody(raw);
    rejectUnknownFields(body, ["follower_cluster", "follower_index", "follower_index_uuid", "leader_remote_cluster"], "forget_follower", raw);
    const local = await this.requireLocalIndex(index);
    const id = retentionLeaseId(String(body.follower_cluster), String(body.follower_index), String(body.follower_index_uuid), String(body.leader_remote_cluster), index, local.uuid);
    const held = this.state.leases?.[local.uuid] ?? [];
    if (held.includes(id)) {
      this.leaseChange("remove", local.uuid, id);
      return ok({ _shards: { total: local.shards, successful: local.shards, failed: 0, failures: [] } });
    }
    const failures = Array.from({ length: local.shards }, (_, shard) => ({
      shard, index, status: "NOT_FOUND", reason: { type: "retention_lease_not_found_exception", reason: `retention lease with ID [${id}] not found` },
    }));
    return ok({ _shards: { total: local.shards, successful: 0, failed: local.shards, failures } });
  }

  /**
   * EMULATION-ONLY route on the leader's front, standing in for the internal transport actions
   * (`indices:admin/seq_no/add_retention_lease`, `…/remove_retention_lease`) a follower's restore and unfollow send.
   */
  async emulatedLease(index: string, raw: string): Promise<Reply> {
    const body = parseJsonBody(raw) as { op?: string; id?: string; leader_uuid?: string };
    const local = await this.requireLocalIndex(index);
    if (body.leader_uuid !== local.uuid) throw errors.illegalArgument(`leader index [${index}] has uuid [${local.uuid}], not [${body.leader_uuid}]`);
    this.leaseChange(body.op === "remove" ? "remove" : "add", local.uuid, String(body.id));
    return ok({ acknowledged: true });
  }

  private leaseChange(op: "add" | "remove", leaderUuid: string, id: string): void {
    const leases = (this.state.leases ??= {});
    const held = new Set(leases[leaderUuid] ?? []);
    if (op === "add") held.add(id);
    else held.delete(id);
    if (held.size) leases[leaderUuid] = [...held].sort();
    else delete leases[leaderUuid];
    this.saveNow();
  }

  /** Adds or removes this follower's lease on its leader (through the leader's front); failures are logged only. */
  private async leaderLease(op: "add" | "remove", f: FollowerState, resolved?: Remote): Promise<void> {
    try {
      const remote = resolved ?? await this.resolve(f.remote_cluster, f.leader_index);
      const id = retentionLeaseId(this.o.node.clusterName, f.index, f.uuid, f.remote_cluster, f.leader_index, f.leader_uuid);
      const r = await esRequest(remote.entry.frontUrl, "POST", `/${enc(f.leader_index)}/_ccr/_emulated_retention_lease`, { op, id, leader_uuid: f.leader_uuid }, { auth: remote.entry.auth });
      if (r.status !== 200) this.o.log(`ccr ${f.index}: ${op} retention lease on the leader: HTTP ${r.status}`);
    } catch (e) {
      this.o.log(`ccr ${f.index}: ${op} retention lease on the leader failed: ${(e as Error).message}`);
    }
  }

  /** Whether a follower's emulated restore is still running (PUT follow answered, shard-follow tasks not started). */
  restoringCount(): number {
    return this.starting.size;
  }

  /**
   * `GET [/<expr>]/_recovery`: the node's answer, with the followers whose restore is running shown as Elasticsearch
   * shows a CCR restore: every primary shard recovering with type SNAPSHOT from the repository `_ccr_<alias>`
   * (CcrRepository; snapshot `_latest_`), stage INDEX. The node itself only saw an empty index created and started.
   */
  async recovery(expr: string | undefined, query: URLSearchParams): Promise<Reply> {
    const q = new URLSearchParams(query);
    q.delete("filter_path");
    const path = `${expr === undefined ? "" : `/${enc(expr).replace(/%2C/gi, ",").replace(/%2A/gi, "*")}`}/_recovery${q.size ? `?${q}` : ""}`;
    const r = await this.o.node.request("GET", path);
    if (r.status !== 200) throw new EsHttpError(r.status, r.body);
    const body: Record<string, unknown> = { ...(r.body ?? {}) };
    const names = expr === undefined ? [...this.starting.keys()] : (await this.resolveExpr(expr)).filter((n) => this.starting.has(n));
    for (const n of names) {
      const f = this.follower(n);
      if (!f) continue;
      body[n] = {
        shards: Array.from({ length: f.shards }, (_, id) => ({
          id, type: "SNAPSHOT", stage: "INDEX", primary: true, start_time_in_millis: f.created_at,
          total_time_in_millis: Math.max(0, Date.now() - f.created_at),
          source: { repository: `_ccr_${f.remote_cluster}`, snapshot: "_latest_", version: this.o.node.version, index: f.leader_index, restoreUUID: f.uuid },
        })),
      };
    }
    return ok(body);
  }

  async followInfo(expr: string): Promise<Reply> {
    const names = await this.withoutRegistrations(() => this.resolveExpr(expr), (n) => n);
    const out = [];
    for (const n of names) {
      const f = this.follower(n);
      if (!f) continue;
      const active = f.active && !this.starting.has(n);
      out.push({
        follower_index: n, remote_cluster: f.remote_cluster, leader_index: f.leader_index, status: active ? "active" : "paused",
        ...(active ? { parameters: effectiveParams(f.params) } : {}),
      });
    }
    return ok({ follower_indices: out });
  }

  private indexStats(f: FollowerState) {
    const loop = this.loops.get(f.index);
    const now = Date.now();
    const shards = f.checkpoints.map((ck, s) => {
      const rt = loop?.shards[s];
      return {
        remote_cluster: f.remote_cluster, leader_index: f.leader_index, follower_index: f.index, shard_id: s,
        leader_global_checkpoint: rt?.leader_global_checkpoint ?? -1, leader_max_seq_no: rt?.leader_max_seq_no ?? -1,
        follower_global_checkpoint: ck, follower_max_seq_no: ck, last_requested_seq_no: rt?.last_requested_seq_no ?? ck,
        outstanding_read_requests: 1, outstanding_write_requests: 0, write_buffer_operation_count: 0, write_buffer_size_in_bytes: 0,
        follower_mapping_version: f.follower_mapping_version, follower_settings_version: f.follower_settings_version,
        follower_aliases_version: f.follower_aliases_version,
        total_read_time_millis: rt?.total_read_time_millis ?? 0, total_read_remote_exec_time_millis: rt?.total_read_remote_exec_time_millis ?? 0,
        successful_read_requests: rt?.successful_read_requests ?? 0, failed_read_requests: rt?.failed_read_requests ?? 0,
        operations_read: rt?.operations_read ?? 0, bytes_read: rt?.bytes_read ?? 0,
        total_write_time_millis: rt?.total_write_time_millis ?? 0, successful_write_requests: rt?.successful_write_requests ?? 0,
        failed_write_requests: rt?.failed_write_requests ?? 0, operations_written: rt?.operations_written ?? 0,
        read_exceptions: rt?.read_exceptions ?? [], time_since_last_read_millis: rt ? now - rt.last_read_at : 0,
        ...(loop?.fatal ? { fatal_exception: loop.fatal } : {}),
      };
    });
    const lag = shards.reduce((a, s) => a + Math.max(0, s.leader_global_checkpoint - s.follower_global_checkpoint), 0);
    return { index: f.index, total_global_checkpoint_lag: lag, shards };
  }

  /**
   * Follower stats are found through the shard-follow tasks, not by resolving an index expression
   * (TransportFollowStatsAction.findFollowerIndicesFromShardFollowTasks): `_all` or `*` means every task, hidden
   * followers included, and anything else is matched as exact names (no wildcard expansion), 404 when none has tasks.
   * `_ccr/info`, by contrast, resolves with STRICT_EXPAND_OPEN_CLOSED (followInfo above): `_all` skips hidden ones.
   */
  async followStats(expr: string): Promise<Reply> {
    // No wait for registrations under way: a follower-to-be has no shard-follow tasks (it is not active before its
    // restore ends), so it is in no stats answer either way.
    await this.checkLicense();
    const requested = expr.split(",");
    const all = requested.length === 1 && (requested[0] === "_all" || requested[0] === "*");
    const withTasks = Object.values(this.state.followers)
      .filter((f) => f.active && !this.starting.has(f.index) && (all || requested.includes(f.index)))
      .sort((a, b) => a.index.localeCompare(b.index));
    if (!withTasks.length && !all) throw errors.noStatsTasks(requested);
    return ok({ indices: withTasks.map((f) => this.indexStats(f)) });
  }

  async globalStats(): Promise<Reply> {
    // As followStats: a follower-to-be is in no stats answer, so registrations under way are not waited for.
    await this.checkLicense();
    const now = Date.now();
    return ok({
      auto_follow_stats: {
        number_of_failed_follow_indices: this.af.failed,
        number_of_failed_remote_cluster_state_requests: this.af.failedRemote,
        number_of_successful_follow_indices: this.af.success,
        recent_auto_follow_errors: [...this.af.errors.values()],
        auto_followed_clusters: [...this.af.clusters.entries()].map(([cluster_name, c]) => ({
          cluster_name, time_since_last_check_millis: now - c.checked, last_seen_metadata_version: c.version,
        })),
      },
      follow_stats: {
        indices: Object.values(this.state.followers).filter((f) => f.active && !this.starting.has(f.index)).sort((a, b) => a.index.localeCompare(b.index)).map((f) => this.indexStats(f)),
      },
    });
  }

  // ---------------------------------------------------------------- auto-follow
  private patternOrThrow(name: string): PatternState {
    const p = this.state.patterns[name];
    if (!p) throw errors.patternMissing(name);
    return p;
  }

  private async remoteIndices(remote: Remote): Promise<{ version: number; indices: Array<{ name: string; uuid: string; open: boolean; hidden: boolean; system: boolean; dataStream?: { name: string; system: boolean } }> }> {
    const r = await remote.req("GET", "/_cluster/state/metadata?filter_path=metadata.indices.*.state,metadata.indices.*.system,metadata.indices.*.settings.index.uuid,metadata.indices.*.settings.index.hidden,metadata.cluster_uuid,metadata.data_stream.data_stream.*.indices.index_name,metadata.data_stream.data_stream.*.system");
    const st = await remote.req("GET", "/_cluster/state/version");
    const idx = r.body?.metadata?.indices ?? {};
    // The parent data stream of each backing index (IndexAbstraction.getParentDataStream).
    const parent = new Map<string, { name: string; system: boolean }>();
    for (const [name, d] of Object.entries(r.body?.metadata?.data_stream?.data_stream ?? {}) as Array<[string, any]>) {
      for (const i of d.indices ?? []) parent.set(i.index_name, { name, system: d.system === true });
    }
    return {
      version: Number(st.body?.version ?? 0),
      indices: Object.entries(idx).map(([name, m]: [string, any]) => ({
        name, uuid: m.settings.index.uuid, open: m.state === "open", hidden: m.settings.index.hidden === "true", system: m.system === true,
        ...(parent.has(name) ? { dataStream: parent.get(name) } : {}),
      })),
    };
  }

  async putPattern(name: string, raw: string): Promise<Reply> {
    const body = parseJsonBody(raw);
    const parser = "put_auto_follow_pattern_request";
    rejectUnknownFields(body, ["remote_cluster", "leader_index_patterns", "leader_index_exclusion_patterns", "follow_index_pattern", "settings", ...PARAM_NAMES], parser, raw);
    const params = parseParams(body, parser, raw);
    const msgs = validatePatternName(name);
    if (body.remote_cluster == null) msgs.push("remote_cluster is missing");
    const lip = (body.leader_index_patterns ?? []) as string[];
    if (!Array.isArray(lip) || lip.length === 0) msgs.push("leader_index_patterns is missing");
    msgs.push(...validateParams(params));
    if (msgs.length) throw errors.validation(msgs);
    await this.checkLicense();
    const alias = String(body.remote_cluster);
    const remote = await this.resolve(alias, undefined);
    const overrides = flattenSettings(body.settings ?? {});
    const forbidden = forbiddenOverrides(overrides, this.major);
    if (Object.keys(forbidden).length) throw errors.illegalArgument(`can not put auto-follow pattern that could override leader settings ${settingsString(forbidden)}`);
    const prev = this.state.patterns[name];
    const next: PatternState = {
      name, remote_cluster: alias, leader_index_patterns: lip.map(String),
      leader_index_exclusion_patterns: ((body.leader_index_exclusion_patterns ?? []) as string[]).map(String),
      ...(body.follow_index_pattern != null ? { follow_index_pattern: String(body.follow_index_pattern) } : {}),
      ...(Object.keys(overrides).length ? { settings: overrides } : {}),
      params: explicitParams(params), active: true, followed_uuids: prev?.followed_uuids ?? [],
    };
    // Existing leader indexes matching the (newly added) leader patterns are recorded as already followed; on an update
    // only patterns not in the previous pattern count, even when remote_cluster changed
    // (TransportPutAutoFollowPatternAction.markExistingIndicesAsAutoFollowedForNewPatterns).
    const newPatterns = prev ? next.leader_index_patterns.filter((p) => !prev.leader_index_patterns.includes(p)) : next.leader_index_patterns;
    if (newPatterns.length) {
      const { indices } = await this.remoteIndices(remote);
      const probe = { ...next, leader_index_patterns: newPatterns };
      for (const i of indices) if (!i.system && matchesIndexOrDataStream(probe, i.name, i.dataStream) && !next.followed_uuids.includes(i.uuid)) next.followed_uuids.push(i.uuid);
    }
    this.state.patterns[name] = next;
    this.saveNow();
    return ok({ acknowledged: true });
  }

  async getPatterns(name?: string): Promise<Reply> {
    const list = name ? [this.patternOrThrow(name)] : Object.values(this.state.patterns).sort((a, b) => a.name.localeCompare(b.name));
    return ok({
      patterns: list.map((p) => ({
        name: p.name,
        pattern: {
          active: p.active, remote_cluster: p.remote_cluster, leader_index_patterns: p.leader_index_patterns,
          leader_index_exclusion_patterns: p.leader_index_exclusion_patterns,
          ...(p.follow_index_pattern !== undefined ? { follow_index_pattern: p.follow_index_pattern } : {}),
          ...(p.settings && Object.keys(p.settings).length ? { settings: p.settings } : {}),
          ...explicitParams(p.params),
        },
      })),
    });
  }

  async deletePattern(name: string): Promise<Reply> {
    this.patternOrThrow(name);
    delete this.state.patterns[name];
    for (const k of [...this.af.errors.keys()]) if (k === name || k.startsWith(`${name}:`)) this.af.errors.delete(k);
    this.saveNow();
    return ok({ acknowledged: true });
  }

  async activatePattern(name: string, active: boolean): Promise<Reply> {
    const p = this.patternOrThrow(name);
    p.active = active;
    this.saveNow();
    return ok({ acknowledged: true });
  }

  private recordError(key: string, e: unknown, remoteFailure: boolean): void {
    if (remoteFailure) this.af.failedRemote++; else this.af.failed++;
    let c: ErrorCause;
    if (e instanceof EsHttpError && (e.body as any).error) { const { root_cause: _r, ...rest } = (e.body as any).error; c = rest; } else c = cause("exception", (e as Error).message);
    this.af.errors.delete(key);
    this.af.errors.set(key, { leader_index: key, timestamp: Date.now(), auto_follow_exception: c });
    while (this.af.errors.size > 256) this.af.errors.delete(this.af.errors.keys().next().value as string);
  }

  /** One AutoFollowCoordinator round over all remotes with active patterns. */
  async autoFollowOnce(): Promise<void> {
    const byRemote = new Map<string, PatternState[]>();
    for (const p of Object.values(this.state.patterns)) byRemote.set(p.remote_cluster, [...(byRemote.get(p.remote_cluster) ?? []), p]);
    for (const [alias, patterns] of byRemote) {
      if (!patterns.some((p) => p.active)) continue;
      let remote: Remote;
      let info: Awaited<ReturnType<CcrLayer["remoteIndices"]>>;
      try {
        const lic = await this.o.node.request("GET", "/_license");
        if (!licenseAllowsCcr(lic.body?.license)) continue;
        remote = await this.resolve(alias, undefined);
        info = await this.remoteIndices(remote);
      } catch (e) {
        for (const p of patterns.filter((x) => x.active)) this.recordError(p.name, e, true);
        continue;
      }
      this.af.clusters.set(alias, { checked: Date.now(), version: info.version });
      const live = new Set(info.indices.map((i) => i.uuid));
      for (const p of patterns) {
        // AutoFollower runs only active patterns: recorded UUIDs of a paused one are pruned once it is resumed.
        if (!p.active) continue;
        const before = p.followed_uuids.length;
        p.followed_uuids = p.followed_uuids.filter((u) => live.has(u));
        if (p.followed_uuids.length !== before) this.saveSoon();
        for (const i of info.indices) {
          if (!i.open || i.system || p.followed_uuids.includes(i.uuid)) continue;
          if (!matchesIndexOrDataStream(p, i.name, i.dataStream) || isSkippedLeader(i.name, i.hidden, p, i.system)) continue;
          const key = `${p.name}:${i.name}`;
          const others = patterns.filter((o) => o !== p && matchesIndexOrDataStream(o, i.name, i.dataStream)).map((o) => o.name);
          if (others.length) {
            this.recordError(key, new EsHttpError(500, { error: cause("exception", `index to follow [${i.name}] for pattern [${p.name}] matches with other patterns [${others.join(", ")}]`) }), false);
            continue;
          }
          const fname = followerIndexName(p, i.name);
          const existing = this.state.followers[fname];
          // leaderIndexAlreadyFollowed: recorded with a null error, which AutoFollowCoordinator.updateStats counts as a
          // success and which clears the index's entry from recent_auto_follow_errors.
          if (existing && existing.leader_uuid === i.uuid) { p.followed_uuids.push(i.uuid); this.af.errors.delete(key); this.saveSoon(); continue; }
          try {
            await this.createFollower(fname, alias, i.name, p.settings, p.params, false, p.name, followerDataStreamName(p, i.dataStream?.name));
            p.followed_uuids.push(i.uuid);
            this.af.success++;
            this.af.errors.delete(key);
            this.saveNow();
          } catch (e) {
            this.recordError(key, e, false);
          }
        }
      }
    }
  }
}

/** Per-shard history UUIDs of the primaries in shard order (from `_stats?level=shards`), or undefined if incomplete. */
function primaryHistoryUuids(shards: Record<string, Array<{ routing?: { primary?: boolean }; commit?: { user_data?: { history_uuid?: string } } }>> | undefined, n: number): string[] | undefined {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const u = shards?.[String(i)]?.find((c) => c.routing?.primary)?.commit?.user_data?.history_uuid;
    if (typeof u !== "string") return undefined;
    out.push(u);
  }
  return out;
}

/** The leader's data stream of a backing index, from its cluster-state metadata (what updateLocalDataStream copies). */
async function remoteDataStream(remote: Remote, name: string): Promise<RemoteDataStream | undefined> {
  const r = await remote.req("GET", "/_cluster/state/metadata?filter_path=metadata.data_stream.data_stream");
  const d = r.body?.metadata?.data_stream?.data_stream?.[name];
  if (!d) return undefined;
  return {
    name, generation: Number(d.generation ?? 1), timestamp_field: String(d.timestamp_field?.name ?? "@timestamp"),
    hidden: d.hidden === true, system: d.system === true, allow_custom_routing: d.allow_custom_routing === true,
  };
}
