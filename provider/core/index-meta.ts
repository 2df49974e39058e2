/**
 * What the public index-settings API says about an index, and the pure decisions built on it. Replaces the cluster
 * state (`GET _cluster/state/metadata`, an internal API whose cost grows with every index's mappings): one
 * `GET /_all/_settings?expand_wildcards=all&flat_settings=true` answers existence (hidden indexes included),
 * follower-or-not, open/closed, shard count and the overrides.
 */
import type { FlatSettings } from "./settings";

/**
 * Private index setting CCR puts on every follower at restore time and removes on unfollow (TransportPutFollowAction,
 * TransportUnfollowAction). Unlike `_all/_ccr/info` it is visible for hidden followers too, so it decides what is a
 * follower.
 */
export const FOLLOWING_INDEX_SETTING = "index.xpack.ccr.following_index";

/**
 * Set to "true" by the close API and removed again by open (MetadataIndexStateService; a restore also drops it), so
 * it says open/closed without the cluster state. An index closed by another path (a dangling index imported closed)
 * would read as open; the next step then fails with the server's own "closed" error instead of being skipped.
 */
export const VERIFIED_BEFORE_CLOSE_SETTING = "index.verified_before_close";

export const isFollowerIndex = (s: FlatSettings | undefined): boolean => s?.[FOLLOWING_INDEX_SETTING] === "true";
export const isClosedIndex = (s: FlatSettings | undefined): boolean => s?.[VERIFIED_BEFORE_CLOSE_SETTING] === "true";
export const isHiddenIndex = (s: FlatSettings | undefined): boolean => s?.["index.hidden"] === "true";

/**
 * Followers the `_all/_ccr/info` answer does not list: `GET _all/_ccr/info` resolves with
 * IndicesOptions.STRICT_EXPAND_OPEN_CLOSED (TransportFollowInfoAction), which expands wildcards to open and closed
 * indexes but not hidden ones, so a follower with `index.hidden: true` (a settings override, or a data stream's
 * `.ds-` backing index) is missing there. A concrete name resolves whether hidden or not.
 */
export function followersMissingFromInfo(indices: Record<string, { settings: FlatSettings }>, listed: Iterable<string>): string[] {
  const seen = new Set(listed);
  return Object.keys(indices).filter((n) => isFollowerIndex(indices[n].settings) && !seen.has(n)).sort();
}

/**
 * Comma-joined, URL-encoded index lists that each fit in `maxChars` of path, so one request covers many names
 * without passing Elasticsearch's request-line limit (`http.max_initial_line_length`, 4kb by default).
 */
export function chunkIndexNames(names: string[], maxChars = 3000): string[] {
  const out: string[] = [];
  let cur = "";
  for (const n of names) {
    const e = encodeURIComponent(n);
    if (cur && cur.length + 1 + e.length > maxChars) {
      out.push(cur);
      cur = "";
    }
    cur = cur ? `${cur},${e}` : e;
  }
  if (cur) out.push(cur);
  return out;
}
