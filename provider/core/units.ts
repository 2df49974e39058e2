/**
 * Byte sizes and durations in Elasticsearch's notation. The server re-serialises what it stores (`"1024k"` reads back
 * as `"1024kb"`, `"60s"` may read back as `"1m"`), so desired and observed values are compared as numbers and shown in
 * one canonical spelling.
 */

const BYTE_UNITS: Record<string, number> = {
  b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3,
  t: 1024 ** 4, tb: 1024 ** 4, p: 1024 ** 5, pb: 1024 ** 5,
};

/** Bytes of an ES byte-size value, or undefined if it is not one. A bare number means bytes. */
export function parseByteSize(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) && v >= 0 ? Math.round(v) : undefined;
  if (typeof v !== "string") return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v);
  if (!m) return undefined;
  const unit = m[2].toLowerCase() || "b";
  const mult = BYTE_UNITS[unit];
  if (mult === undefined) return undefined;
  // ES accepts fractional values ("1.5gb") and rounds to whole bytes.
  return Math.round(Number(m[1]) * mult);
}

export const UNLIMITED_BYTES = "9223372036854775807b";

/** Canonical spelling: the largest unit that divides the value exactly ("33554432" → "32mb"). */
export function formatByteSize(bytes: number): string {
  // Sizes beyond 2^53 lose precision as JS numbers; the only such value in practice is the server's "unlimited"
  // Long.MAX_VALUE bytes, which must be sent back verbatim (2^63 would overflow a Java long).
  if (bytes > Number.MAX_SAFE_INTEGER) return UNLIMITED_BYTES;
  for (const unit of ["pb", "tb", "gb", "mb", "kb"]) {
    const mult = BYTE_UNITS[unit];
    if (bytes >= mult && bytes % mult === 0) return `${bytes / mult}${unit}`;
  }
  return `${bytes}b`;
}

const DURATION_UNITS: Record<string, number> = {
  nanos: 1e-6, micros: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000,
};

/** Milliseconds of an ES time value, or undefined. `-1` (disabled) is kept as -1. A bare number means ms. */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v !== "string") return undefined;
  const s = v.trim();
  if (s === "-1") return -1;
  const m = /^(\d+(?:\.\d+)?)\s*(nanos|micros|ms|s|m|h|d)$/i.exec(s);
  if (!m) return undefined;
  return Number(m[1]) * DURATION_UNITS[m[2].toLowerCase()];
}

export function formatDuration(ms: number): string {
  if (ms < 0) return "-1";
  for (const unit of ["d", "h", "m", "s"]) {
    const mult = DURATION_UNITS[unit];
    if (ms >= mult && ms % mult === 0) return `${ms / mult}${unit}`;
  }
  if (Number.isInteger(ms)) return `${ms}ms`;
  return `${Math.round(ms * 1e6)}nanos`;
}

/** Canonical byte size string, or the input unchanged when it cannot be parsed (check reports those). */
export function normalizeByteSize(v: unknown): unknown {
  const b = parseByteSize(v);
  return b === undefined ? v : formatByteSize(b);
}

export function normalizeDuration(v: unknown): unknown {
  const d = parseDuration(v);
  return d === undefined ? v : formatDuration(d);
}
