/**
 * EMULATED CCR layer: what a follower index's metadata looks like from the outside (pure functions).
 *
 * On Elasticsearch a follower's IndexMetadata carries custom data under the key `ccr` (Ccr.CCR_CUSTOM_METADATA_KEY,
 * written when the follower is restored from the leader: CcrRepository) with four string entries, and the index has
 * the internal setting `index.xpack.ccr.following_index: true` (TransportPutFollowAction's restore settings). Both are
 * removed by TransportUnfollowAction#unfollow. IndexMetadata#toXContent renders every custom-data entry as a plain
 * string map under its key, inside the index object (after `mappings`); settings are strings ("true").
 * The real node rejects that setting and has no custom data, so the front adds both to the node's JSON answers:
 *   GET /_cluster/state[/<metrics>[/<indices>]] (metrics including metadata): metadata.indices.<f>.ccr + settings
 *   GET /<expr>/_settings[/<names>], GET /_settings[/<names>], GET /<expr>: <f>.settings
 * `GET <index>` / `_settings` have no custom data on Elasticsearch (GetIndexResponse, GetSettingsResponse).
 */
import { simpleMatch } from "./patterns";
import { filterPathAllows } from "./response";

export const FOLLOWING_INDEX_SETTING = "index.xpack.ccr.following_index";

/** What the view needs of a follower (a subset of FollowerState). */
export interface FollowerView {
  uuid: string;
  remote_cluster: string;
  leader_index: string;
  leader_uuid: string;
  /** The leader's per-shard history UUIDs in shard order, when known. */
  leader_history_uuids?: string[];
}

export type MetadataRead =
  | { kind: "cluster_state"; indices?: string }
  | { kind: "settings"; index?: string; names?: string }
  | { kind: "get_index"; index: string };

/** Which GETs carry index metadata the front decorates; anything else is streamed untouched. Pure. */
export function classifyMetadataRead(method: string, pathname: string, query: URLSearchParams): MetadataRead | undefined {
  if (method.toUpperCase() !== "GET") return undefined;
  let seg: string[];
  try {
    seg = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
  if (seg[0] === "_cluster" && seg[1] === "state" && seg.length <= 4) {
    if (seg.length >= 3) {
      const metrics = seg[2].split(",");
      if (!metrics.includes("_all") && !metrics.includes("metadata")) return undefined;
    }
    return { kind: "cluster_state", ...(seg.length === 4 ? { indices: seg[3] } : {}) };
  }
  if (seg[0] === "_settings" && seg.length <= 2) return { kind: "settings", ...(seg[1] ? { names: seg[1] } : {}) };
  if (seg.length >= 2 && seg.length <= 3 && seg[1] === "_settings" && isIndexExpr(seg[0])) {
    return { kind: "settings", index: seg[0], ...(seg[2] ? { names: seg[2] } : {}) };
  }
  if (seg.length === 1 && isIndexExpr(seg[0])) {
    const features = query.get("features");
    if (features !== null && !features.split(",").includes("settings")) return undefined;
    return { kind: "get_index", index: seg[0] };
  }
  return undefined;
}

const isIndexExpr = (s: string) => s === "_all" || !s.startsWith("_");

/** The `ccr` custom data of a follower, as IndexMetadata renders it (a string map). */
export function ccrCustomData(f: FollowerView): Record<string, string> {
  return {
    ...(f.leader_history_uuids ? { leader_index_shard_history_uuids: f.leader_history_uuids.join(",") } : {}),
    leader_index_uuid: f.leader_uuid,
    leader_index_name: f.leader_index,
    remote_cluster_name: f.remote_cluster,
  };
}

// filter_path of the added fields: the same matcher the front applies to the layer's own answers (response.ts).
export { filterPathAllows } from "./response";

// ------------------------------------------------------------------------------------------------- decoration

export interface DecorateOptions {
  /** The request's `filter_path`. */
  filterPath?: string | null;
  /** `flat_settings=true`. */
  flat: boolean;
  /** Indices present in the node's unfiltered answer, with their UUID (from a side request). */
  present: Record<string, string>;
  /** Followers by name (the front's state). */
  followers: Record<string, FollowerView>;
}

/**
 * Adds the CCR view of the followers to a node's JSON answer. Returns a new object; the input is not modified.
 * A follower is decorated only when the answer's scope includes it with the UUID the state recorded.
 */
export function decorateMetadataRead(read: MetadataRead, body: unknown, o: DecorateOptions): unknown {
  if (!isObject(body)) return body;
  const out = structuredClone(body) as Record<string, unknown>;
  for (const [name, f] of Object.entries(o.followers)) {
    if (o.present[name] !== f.uuid) continue;
    const base = read.kind === "cluster_state" ? ["metadata", "indices", name] : [name];
    const settingKey = o.flat ? [FOLLOWING_INDEX_SETTING] : FOLLOWING_INDEX_SETTING.split(".");
    const wantSetting = read.kind !== "settings" || !read.names || read.names.split(",").some((n) => simpleMatch(n, FOLLOWING_INDEX_SETTING));
    if (wantSetting) put(out, [...base, "settings", ...settingKey], "true", o.filterPath);
    if (read.kind === "cluster_state") {
      for (const [k, v] of Object.entries(ccrCustomData(f))) put(out, [...base, "ccr", k], v, o.filterPath);
    }
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Sets a leaf (creating objects on the way) if filter_path lets it through. */
function put(root: Record<string, unknown>, leaf: string[], value: string, filterPath: string | null | undefined): void {
  if (!filterPathAllows(filterPath, leaf)) return;
  let o = root;
  for (let i = 0; i < leaf.length - 1; i++) {
    const k = leaf[i];
    if (!isObject(o[k])) o[k] = {};
    // The custom data goes right after `mappings`, where IndexMetadata#toXContent writes it.
    if (k === "ccr") moveAfter(o, "ccr", "mappings");
    o = o[k] as Record<string, unknown>;
  }
  o[leaf[leaf.length - 1]] = value;
}

function moveAfter(o: Record<string, unknown>, key: string, after: string): void {
  const keys = Object.keys(o);
  if (!keys.includes(after) || keys.indexOf(key) === keys.indexOf(after) + 1) return;
  const entries = Object.entries(o).filter(([k]) => k !== key);
  entries.splice(entries.findIndex(([k]) => k === after) + 1, 0, [key, o[key]]);
  for (const k of keys) delete o[k];
  for (const [k, v] of entries) o[k] = v;
}

/**
 * The side request that tells which indices the answer covers and their UUIDs: the same API, index expression and
 * index options, so the node resolves the scope itself (closed indices, wildcards, ignore_unavailable, ...).
 */
export function scopeRequest(read: MetadataRead, query: URLSearchParams): string {
  const q = new URLSearchParams(query);
  for (const k of ["filter_path", "flat_settings", "pretty", "human", "format", "include_defaults", "features", "error_trace"]) q.delete(k);
  const enc = (s: string) => encodeURIComponent(s).replace(/%2C/gi, ",").replace(/%2A/gi, "*");
  if (read.kind === "cluster_state") {
    q.set("filter_path", "metadata.indices.*.settings.index.uuid");
    return `/_cluster/state/metadata${read.indices !== undefined ? `/${enc(read.indices)}` : ""}?${q}`;
  }
  q.set("filter_path", "*.settings.index.uuid");
  if (read.kind === "get_index") return `/${enc(read.index)}?${q}`;
  return `${read.index !== undefined ? `/${enc(read.index)}` : ""}/_settings/index.uuid?${q}`;
}

/** Reads the side request's answer into name → UUID. Pure. */
export function presentIndices(read: MetadataRead, body: unknown): Record<string, string> {
  const m = read.kind === "cluster_state" ? (body as any)?.metadata?.indices : body;
  const out: Record<string, string> = {};
  if (!isObject(m)) return out;
  for (const [name, v] of Object.entries(m)) {
    const uuid = (v as any)?.settings?.index?.uuid;
    if (typeof uuid === "string") out[name] = uuid;
  }
  return out;
}
