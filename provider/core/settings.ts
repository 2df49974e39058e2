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
 * Settings CCR does not replicate from the leader, so a follower may override them (TransportResumeFollowAction
 * NON_REPLICATED_SETTINGS). Anything else is rejected by the server with "can not put follower index that could
 * override leader settings", and after creation there is no API to change a replicated one.
 */
const NON_REPLICATED: readonly RegExp[] = [
  /^index\.number_of_replicas$/, /^index\.auto_expand_replicas$/,
  /^index\.routing\.allocation\.(include|exclude|require)\..+$/, /^index\.routing\.allocation\.enable$/,
  /^index\.routing\.rebalance\.enable$/, /^index\.routing\.allocation\.total_shards_per_node$/,
  /^index\.allocation\.max_retries$/, /^index\.unassigned\.node_left\.delayed_timeout$/,
  /^index\.blocks\..+$/, /^index\.read_only$/, /^index\.priority$/, /^index\.write\.wait_for_active_shards$/,
  /^index\.hidden$/, /^index\.refresh_interval$/, /^index\.search\.idle\.after$/, /^index\.max_[a-z_]+$/,
  /^index\.query\.default_field$/, /^index\.default_pipeline$/, /^index\.final_pipeline$/, /^index\.search\.throttled$/,
  /^index\.translog\..+$/, /^index\.gc_deletes$/, /^index\.requests\.cache\.enable$/,
  /^index\.(search|indexing)\.slowlog\..+$/, /^index\.merge\..+$/, /^index\.codec$/,
  /^index\.soft_deletes\.retention\.operations$/, /^index\.soft_deletes\.retention_lease\.period$/,
];

/** Non-replicated settings that cannot be changed on an open index; changing them means recreating the follower. */
export const STATIC_FOLLOWER_SETTINGS: readonly string[] = ["index.codec"];

export function isNonReplicatedSetting(key: string): boolean {
  return NON_REPLICATED.some((r) => r.test(key));
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
        `auto_expand_replicas, routing.allocation.*, refresh_interval, blocks.*, translog.*, …)`);
    }
  }
}
