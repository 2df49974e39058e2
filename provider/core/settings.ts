import { Failures } from "./check";
import { containsUnknown, isUnknown } from "./unknown";

/** Index settings as Elasticsearch reports them with `flat_settings=true`: dotted keys, string values. */
export type FlatSettings = Record<string, string | string[]>;

/**
 * Flattens nested settings into dotted keys and stringifies values, the way `GET _settings?flat_settings=true`
 * answers, so `{index: {number_of_replicas: 0}}` and `{"index.number_of_replicas": "0"}` compare equal. Keys without
 * the `index.` prefix get it, as Elasticsearch does when it stores index settings.
 */
export function normalizeIndexSettings(settings: unknown): FlatSettings {
  const flat = flatten(settings);
  const out: FlatSettings = {};
  for (const key of Object.keys(flat).sort()) {
    out[key.startsWith("index.") ? key : `index.${key}`] = flat[key];
  }
  return out;
}

export function flatten(v: unknown, prefix = "", out: FlatSettings = {}): FlatSettings {
  if (v === undefined || v === null) return out;
  if (typeof v === "object" && !Array.isArray(v)) {
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) flatten(child, prefix ? `${prefix}.${k}` : k, out);
    return out;
  }
  out[prefix] = Array.isArray(v) ? v.map((x) => String(x)) : String(v);
  return out;
}

/**
 * One entry of Elasticsearch's TransportResumeFollowAction.NON_REPLICATED_SETTINGS: the settings CCR does not
 * replicate from the leader, so a follower may override them. PUT follow and PUT auto-follow run the override settings
 * through the same filter and reject whatever is left ("can not put follower index that could override leader
 * settings"), so this list decides what `settings` may contain, and after creation there is no API to change a
 * replicated one.
 */
export interface NonReplicatedSetting {
  key: string;
  /** A prefix (affix) setting such as index.routing.allocation.include.<attribute>. */
  affix?: true;
  /** Not dynamic: cannot be changed on an open index, so changing it means recreating the follower. */
  static?: true;
  /** Majors in whose list it is (default: 8 and 9). */
  majors?: readonly number[];
}

/**
 * The list as the server has it, with the keys its Setting constants resolve to. Sources: the list in
 * x-pack/plugin/ccr/.../TransportResumeFollowAction.java of the 8.x line (with index.search.throttled) and of the 9.x
 * line (elastic/elasticsearch as of 2026, the fork yungene/elasticsearch@f854e8d0), each constant resolved to its key and
 * dynamic/static property by reflection against the server jars of 8.19.21 and 9.5.4 (lib/elasticsearch-<v>.jar of
 * the distributions the sandbox runs). Differences between the lines: 9.0 removed index.search.throttled (frozen
 * indexes are gone, the setting does not exist in 9.x); the three dense-vector/merge settings exist only in 9.x. One
 * inference: index.verified_read_only (8.18+, both jars have it) is taken to be in the 8.19 list as in 9.x.
 * Note what is NOT here although it looks similar: index.max_ngram_diff, index.max_shingle_diff (analysis limits,
 * replicated), index.blocks.search / index.read_only (not keys of this list), index.lifecycle.* and other x-pack
 * settings.
 */
export const NON_REPLICATED_SETTINGS: readonly NonReplicatedSetting[] = [
  // IndexMetadata
  { key: "index.number_of_replicas" }, { key: "index.auto_expand_replicas" },
  { key: "index.routing.allocation.exclude.", affix: true }, { key: "index.routing.allocation.include.", affix: true },
  { key: "index.routing.allocation.require.", affix: true },
  { key: "index.blocks.read_only" }, { key: "index.blocks.read" }, { key: "index.blocks.write" },
  { key: "index.blocks.metadata" }, { key: "index.blocks.read_only_allow_delete" },
  { key: "index.priority" }, { key: "index.write.wait_for_active_shards" }, { key: "index.hidden" },
  // allocation deciders, unassigned info
  { key: "index.routing.rebalance.enable" }, { key: "index.routing.allocation.enable" },
  { key: "index.routing.allocation.total_shards_per_node" }, { key: "index.allocation.max_retries" },
  { key: "index.unassigned.node_left.delayed_timeout" },
  // IndexSettings
  { key: "index.max_result_window" }, { key: "index.warmer.enabled" }, { key: "index.refresh_interval" },
  { key: "index.max_rescore_window" }, { key: "index.max_inner_result_window" }, { key: "index.query.default_field" },
  { key: "index.query_string.lenient", static: true },
  // Two index-scoped settings whose keys lack the "index." prefix; overrides are prefix-normalised, so they can
  // never be given as overrides in practice. Listed because the server lists them.
  { key: "indices.query.query_string.analyze_wildcard", static: true },
  { key: "indices.query.query_string.allowLeadingWildcard", static: true },
  { key: "index.query.parse.allow_unmapped_fields", static: true },
  { key: "index.search.idle.after" }, { key: "index.soft_deletes.retention.operations" },
  { key: "index.soft_deletes.retention_lease.period" }, { key: "index.max_script_fields" }, { key: "index.max_regex_length" },
  { key: "index.max_terms_count" }, { key: "index.highlight.max_analyzed_offset" },
  { key: "index.highlight.weight_matches_mode.enabled" }, { key: "index.max_docvalue_fields_search" },
  { key: "index.analyze.max_token_count" }, { key: "index.max_slices_per_scroll" },
  { key: "index.default_pipeline" }, { key: "index.final_pipeline" },
  { key: "index.search.throttled", majors: [8] },
  { key: "index.translog.retention.age" }, { key: "index.translog.retention.size" },
  { key: "index.translog.generation_threshold_size" }, { key: "index.translog.flush_threshold_size" },
  { key: "index.translog.flush_threshold_age" }, { key: "index.translog.durability" }, { key: "index.translog.sync_interval" },
  { key: "index.flush_after_merge" }, { key: "index.gc_deletes" }, { key: "index.max_refresh_listeners" },
  { key: "index.requests.cache.enable" }, { key: "index.load_fixed_bitset_filters_eagerly", static: true },
  // slow logs
  ...["fetch", "query"].flatMap((phase) => ["warn", "info", "debug", "trace"].map((lvl) => ({ key: `index.search.slowlog.threshold.${phase}.${lvl}` }))),
  { key: "index.search.slowlog.include.user" },
  ...["warn", "info", "debug", "trace"].map((lvl) => ({ key: `index.indexing.slowlog.threshold.index.${lvl}` })),
  { key: "index.indexing.slowlog.reformat" }, { key: "index.indexing.slowlog.source" }, { key: "index.indexing.slowlog.include.user" },
  // merge policy and scheduler
  { key: "index.compound_format" }, { key: "index.merge.policy.type" }, { key: "index.merge.policy.max_merge_at_once" },
  { key: "index.merge.policy.segments_per_tier" }, { key: "index.merge.policy.merge_factor" },
  { key: "index.merge.policy.deletes_pct_allowed" }, { key: "index.merge.policy.expunge_deletes_allowed" },
  { key: "index.merge.policy.floor_segment" }, { key: "index.merge.policy.max_merge_at_once_explicit" },
  { key: "index.merge.policy.max_merged_segment" }, { key: "index.merge.scheduler.auto_throttle" },
  { key: "index.merge.scheduler.max_merge_count" }, { key: "index.merge.scheduler.max_thread_count" },
  { key: "index.codec", static: true },
  // DataTier.TIER_PREFERENCE_SETTING is index.routing.allocation.include._tier_preference, covered by the affix above.
  { key: "index.bloom_filter_for_id_field.enabled" },
  { key: "index.verified_read_only", static: true },
  { key: "index.dense_vector.hnsw_filter_heuristic", majors: [9] },
  { key: "index.dense_vector.hnsw_enable_early_termination", majors: [9] },
  { key: "index.merge.intra_merge_parallelism_enabled", majors: [9] },
];

/** Setting.match: exact key, or for an affix setting the prefix followed by a (dotted) name. */
function matches(s: NonReplicatedSetting, key: string): boolean {
  return s.affix ? key.startsWith(s.key) && /^[-\w]+(\.[-\w]+)*$/.test(key.slice(s.key.length)) : key === s.key;
}

/** The list entry for `key` (flat, prefixed), in the given major or, without one, in any supported major. */
export function nonReplicatedSetting(key: string, major?: number): NonReplicatedSetting | undefined {
  return NON_REPLICATED_SETTINGS.find((s) => matches(s, key) && (major === undefined || (s.majors ?? [8, 9]).includes(major)));
}

export function isNonReplicatedSetting(key: string, major?: number): boolean {
  return nonReplicatedSetting(key, major) !== undefined;
}

/** Non-replicated settings that cannot be changed on an open index; changing them means recreating the follower. */
export const STATIC_FOLLOWER_SETTINGS: readonly string[] = NON_REPLICATED_SETTINGS.filter((s) => s.static && !s.affix).map((s) => s.key);

/**
 * Overrides the server of this major would reject although check accepted them (check does not know the version and
 * accepts what any supported major allows), e.g. index.search.throttled on 9.x.
 */
export function overridesRejectedBy(major: number, settings: Record<string, unknown> | undefined): string[] {
  return Object.keys(normalizeIndexSettings(settings ?? {})).filter((k) => isNonReplicatedSetting(k) && !isNonReplicatedSetting(k, major));
}

/** Validates follower/auto-follow `settings` overrides offline. */
export function checkSettingsOverrides(f: Failures, property: string, v: unknown): void {
  if (v === undefined || v === null || isUnknown(v)) return;
  if (typeof v !== "object" || Array.isArray(v)) {
    f.add(property, `${property} must be an object of index settings, e.g. { "index.number_of_replicas": 0 }`);
    return;
  }
  if (containsUnknown(Object.keys(v))) return;
  for (const key of Object.keys(normalizeIndexSettings(v))) {
    if (!isNonReplicatedSetting(key)) {
      f.add(`${property}.${key}`, `${key} is replicated from the leader index and cannot be overridden on a follower; ` +
        `remove it from ${property} and set it on the leader instead (overridable: number_of_replicas, ` +
        `auto_expand_replicas, routing.allocation.*, refresh_interval, blocks.write, translog.*, merge.*, codec, …)`);
    }
  }
}
