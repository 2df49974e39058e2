/**
 * During a preview, inputs that depend on not-yet-created resources reach `check` and `diff` as this sentinel string
 * (the engine's UnknownStringValue). Validation must skip such values instead of reporting them as wrong.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN;
}

/** True if the value or anything nested inside it is unknown. */
export function containsUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}
