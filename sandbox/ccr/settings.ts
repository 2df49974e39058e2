/**
 * EMULATED CCR layer: which index settings CCR replicates and which a follower may override (pure functions).
 * The non-replicated list is Elasticsearch's own TransportResumeFollowAction.NON_REPLICATED_SETTINGS per major, kept
 * (with its sources) in provider/core/settings.ts: the same data serves the provider's offline check and this layer's
 * server-side refusal, so both behave as the real server of the node's version does.
 */
import { isNonReplicatedSetting } from "../../provider/core/settings";

export function isNonReplicated(key: string, major: number): boolean {
  return isNonReplicatedSetting(key, major);
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
export function forbiddenOverrides(flat: Record<string, string>, major: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(flat)) if (!isNonReplicated(k, major)) out[k] = v;
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
