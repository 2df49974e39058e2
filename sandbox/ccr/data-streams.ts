/**
 * EMULATED CCR layer: the follower side's REPLICATED data streams (pure functions over the layer's state).
 *
 * In Elasticsearch, following a leader index that backs a data stream creates or updates a local data stream in the
 * same cluster-state update as the follower's restore (TransportPutFollowAction.createFollowerIndex → the restore's
 * metadata updater → updateLocalDataStream, x-pack/plugin/ccr, 8.x and 9.x):
 * - no local data stream of that name: a copy of the leader's data stream, named `data_stream_name` if the request
 *   gave one (else the leader's name), with the follower as its only backing index and `replicated: true`;
 * - a local one that is no longer replicated (promoted): the follow fails with "cannot follow backing index [x],
 *   because local data stream [y] is no longer marked as replicated";
 * - else the follower is added and the backing indexes sorted so that the newest generation is the write index (last):
 *   names without `.ds-<local name>` first, then by the name from `.ds-` on; the generation becomes the leader's.
 * A replicated data stream cannot be rolled over locally (DataStream.rollover: "data stream [x] cannot be rolled
 * over, because it is a replicated data stream") until `POST _data_stream/_promote/<name>` clears the flag
 * (PromoteDataStreamTransportAction; unknown name → 404 "data stream [x] does not exist"). A deleted backing index
 * leaves its data stream (MetadataDeleteIndexService).
 *
 * The integ-test-zip node has no data-streams module (no `_data_stream` REST APIs: GET/PUT/_modify/_migrate/_promote
 * answer "no handler"), and no public API makes a node hold a data stream of indexes it did not create, so the layer
 * keeps these data streams in its state and the front shows them (GET `_data_stream`, `_resolve/index`, reads by the
 * data stream's name); the backing indexes themselves are real follower indexes on the node.
 */
import { simpleMatch } from "./patterns";

export const BACKING_INDEX_PREFIX = ".ds-";

export interface DataStreamIndex { index_name: string; index_uuid: string }

/** A data stream the layer made on this (follower) cluster. */
export interface EmulatedDataStream {
  name: string;
  timestamp_field: string;
  indices: DataStreamIndex[];
  generation: number;
  replicated: boolean;
  hidden: boolean;
  system: boolean;
  allow_custom_routing: boolean;
}

/** What the follow needs from the leader's data stream (its cluster-state metadata). */
export interface RemoteDataStream {
  name: string;
  generation: number;
  timestamp_field: string;
  hidden: boolean;
  system: boolean;
  allow_custom_routing: boolean;
}

/** The refusal TransportPutFollowAction.updateLocalDataStream raises for a promoted local data stream, or undefined. */
export function followRefusal(local: { name: string; replicated: boolean } | undefined, backingIndex: string): string | undefined {
  if (local && !local.replicated) return `cannot follow backing index [${backingIndex}], because local data stream [${local.name}] is no longer marked as replicated`;
  return undefined;
}

/** updateLocalDataStream: the local data stream after `backing` (the new follower) is restored into it. */
export function updateLocalDataStream(backing: DataStreamIndex, local: EmulatedDataStream | undefined, localName: string, remote: RemoteDataStream): EmulatedDataStream {
  if (!local) {
    return {
      name: localName, timestamp_field: remote.timestamp_field, indices: [backing], generation: remote.generation, replicated: true,
      hidden: remote.hidden, system: remote.system, allow_custom_routing: remote.allow_custom_routing,
    };
  }
  const refusal = followRefusal(local, backing.index_name);
  if (refusal) throw new Error(refusal);
  // An index of the same name (a closed follower restored over) replaces its old entry.
  const indices = [...local.indices.filter((i) => i.index_name !== backing.index_name), backing];
  const base = BACKING_INDEX_PREFIX + local.name;
  const key = (n: string) => (n.includes(BACKING_INDEX_PREFIX) ? n.slice(n.indexOf(BACKING_INDEX_PREFIX)) : n);
  indices.sort((a, b) => {
    const pa = a.index_name.includes(base) ? 1 : 0;
    const pb = b.index_name.includes(base) ? 1 : 0;
    if (pa !== pb) return pa - pb;
    const ka = key(a.index_name);
    const kb = key(b.index_name);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return { ...local, indices, generation: remote.generation };
}

/** The write index: the last backing index. */
export function writeIndexOf(ds: EmulatedDataStream): string | undefined {
  return ds.indices[ds.indices.length - 1]?.index_name;
}

/** The data stream an index backs, if any. */
export function dataStreamOfIndex(streams: Record<string, EmulatedDataStream>, index: string): EmulatedDataStream | undefined {
  return Object.values(streams).find((d) => d.indices.some((i) => i.index_name === index));
}

/** Data streams named by an index expression (comma list, wildcards; `_all`/`*`; `-x` exclusions ignored). */
export function dataStreamsNamed(streams: Record<string, EmulatedDataStream>, expr: string): EmulatedDataStream[] {
  const parts = expr.split(",").filter((p) => p && !p.startsWith("-"));
  return Object.values(streams)
    .filter((d) => parts.some((p) => p === "_all" || (p.includes("*") ? simpleMatch(p, d.name) && (!d.hidden || p.startsWith(".")) : p === d.name)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * An index expression with every emulated data stream's name replaced by its backing indexes (reads) or its write
 * index (writes), so the node resolves it as Elasticsearch resolves a data stream name. Undefined when nothing changes.
 */
export function expandDataStreamNames(streams: Record<string, EmulatedDataStream>, expr: string, forWrite: boolean): string | undefined {
  let changed = false;
  const parts = expr.split(",").flatMap((p) => {
    const d = streams[p];
    if (!d || !d.indices.length) return [p];
    changed = true;
    return forWrite ? [writeIndexOf(d) as string] : d.indices.map((i) => i.index_name);
  });
  return changed ? parts.join(",") : undefined;
}

/** One entry of `GET _data_stream` (GetDataStreamAction.Response.DataStreamInfo), as far as the layer knows it. */
export function renderDataStream(d: EmulatedDataStream, status: string): Record<string, unknown> {
  return {
    name: d.name, timestamp_field: { name: d.timestamp_field },
    indices: d.indices.map((i) => ({ index_name: i.index_name, index_uuid: i.index_uuid })),
    generation: d.generation, status, hidden: d.hidden, system: d.system, allow_custom_routing: d.allow_custom_routing,
    replicated: d.replicated, rollover_on_write: false,
  };
}

interface ResolvedIndex { name: string; attributes?: string[]; data_stream?: string; aliases?: string[] }
interface ResolveAnswer { indices?: ResolvedIndex[]; aliases?: unknown[]; data_streams?: Array<{ name: string; backing_indices: string[]; timestamp_field: string }> }

/**
 * `GET _resolve/index/<expr>` with the emulated data streams added as the node would show its own: each backing
 * index carries `data_stream`, and the data streams the expression names are listed with their backing indexes.
 */
export function decorateResolve(streams: Record<string, EmulatedDataStream>, expr: string, answer: ResolveAnswer): ResolveAnswer {
  const indices = (answer.indices ?? []).map((i) => {
    const d = dataStreamOfIndex(streams, i.name);
    return d ? { ...i, data_stream: d.name } : i;
  });
  const known = new Set((answer.data_streams ?? []).map((d) => d.name));
  const added = dataStreamsNamed(streams, expr).filter((d) => !known.has(d.name))
    .map((d) => ({ name: d.name, backing_indices: d.indices.map((i) => i.index_name), timestamp_field: d.timestamp_field }));
  const data_streams = [...(answer.data_streams ?? []), ...added].sort((a, b) => a.name.localeCompare(b.name));
  return { ...answer, indices, data_streams };
}
