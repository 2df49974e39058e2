/**
 * EMULATED CCR layer: which index settings CCR replicates and which a follower may override (pure functions).
 * The non-replicated list follows TransportResumeFollowAction.NON_REPLICATED_SETTINGS as summarised in the reference
 * (section 2.9).
 */
const NON_REPLICATED_EXACT = new Set([
  "index.number_of_replicas", "index.auto_expand_replicas", "index.routing.allocation.enable",
  "index.routing.rebalance.enable", "index.routing.allocation.total_shards_per_node", "index.allocation.max_retries",
  "index.unassigned.node_left.delayed_timeout", "index.read_only", "index.priority", "index.write.wait_for_active_shards",
  "index.hidden", "index.refresh_interval", "index.search.idle.after", "index.query.default_field",
  "index.default_pipeline", "index.final_pipeline", "index.search.throttled", "index.gc_deletes", "index.codec",
  "index.soft_deletes.retention.operations", "index.soft_deletes.retention_lease.period",
  "index.requests.cache.enable", "index.routing.allocation.include._tier_preference",
]);
const NON_REPLICATED_PREFIXES = [
  "index.routing.allocation.include.", "index.routing.allocation.exclude.", "index.routing.allocation.require.",
  "index.blocks.", "index.max_", "index.translog.", "index.search.slowlog.", "index.indexing.slowlog.",
  "index.merge.", "index.flush_after_merge",
];

export function isNonReplicated(key: string): boolean {
  return NON_REPLICATED_EXACT.has(key) || NON_REPLICATED_PREFIXES.some((p) => key.startsWith(p));
}

/** Flattens nested settings to dotted keys and prefixes "index." (Settings.normalizePrefix); values become strings. */
export function flattenSettings(s: unknown, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  if (s === null || s === undefined) return out;
  for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) Object.assign(out, flattenSettings(v, key));
    else out[key] = Array.isArray(v) ? v.map(String).join(",") : String(v);
  }
  if (prefix) return out;
  const norm: Record<string, string> = {};
  for (const [k, v] of Object.entries(out)) norm[k.startsWith("index.") ? k : `index.${k}`] = v;
  return norm;
}

/** The override keys that would override replicated leader settings (empty = acceptable). */
export function forbiddenOverrides(flat: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(flat)) if (!isNonReplicated(k)) out[k] = v;
  return out;
}

/** Settings.toString(): a JSON object of the flat settings. */
export function settingsString(flat: Record<string, string>): string {
  return JSON.stringify(flat);
}

/** Leader settings that are per-index identity or internal and must not be copied to the follower. */
const NOT_COPYABLE_PREFIXES = [
  "index.uuid", "index.creation_date", "index.provided_name", "index.version.", "index.history.uuid",
  "index.routing.allocation.initial_recovery.", "index.resize.", "index.verified_before_close", "index.blocks.",
  "index.shrink.", "index.lifecycle.", "index.store.snapshot.", "index.frozen",
];

export function copyableLeaderSettings(flat: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(flat)) {
    if (NOT_COPYABLE_PREFIXES.some((p) => k === p || k.startsWith(p.endsWith(".") ? p : `${p}.`) || k === p.replace(/\.$/, ""))) continue;
    out[k] = v;
  }
  return out;
}
