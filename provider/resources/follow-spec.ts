import { Failures } from "../core/check";
import { checkSettingsOverrides, normalizeIndexSettings } from "../core/settings";
import { checkTuning, normalizeTuning, TUNING_KEYS } from "../core/tuning";
import { isUnknown } from "../core/unknown";
import { checkAdoption } from "../core/adoption";
import { checkConnection } from "../client/connection";

/**
 * What followers and auto-follow patterns declare alike: settings overrides, the ten tuning parameters and the
 * connection. Validated and normalised once here so both resources store and compare them the same way.
 */
export function checkFollowSpec(f: Failures, news: Record<string, unknown>): void {
  checkSettingsOverrides(f, "settings", news.settings);
  checkTuning(f, news);
  checkConnection(f, news.connection);
  checkConnection(f, news.leaderConnection, "leaderConnection");
  checkAdoption(f, news);
}

/** A copy of the inputs with tuning values canonical and settings flat; unknown values pass through untouched. */
export function normalizeFollowSpec(news: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...news };
  for (const k of TUNING_KEYS) delete out[k];
  Object.assign(out, normalizeTuning(news));
  if (news.settings !== undefined && news.settings !== null && !isUnknown(news.settings) && typeof news.settings === "object") {
    out.settings = normalizeIndexSettings(news.settings);
  }
  return out;
}

/** Bounded waits are declared in seconds; 0 is allowed where it means "do not wait". */
export function checkWaitSeconds(f: Failures, v: unknown, meaning: string): void {
  if (v === undefined || isUnknown(v)) return;
  if (typeof v !== "number" || v < 0) f.add("waitTimeoutSeconds", `waitTimeoutSeconds must be a number of seconds ≥ 0 (${meaning})`);
}
