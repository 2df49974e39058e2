/**
 * EMULATED CCR layer: the follow tuning parameters — parsing, validation and re-serialisation the way Elasticsearch
 * does it (FollowParameters, ByteSizeValue, TimeValue). Pure functions.
 */
import { cause, errors, esError, EsHttpError } from "./errors";

export interface ByteSize { bytes: number; rep: string }
export interface Duration { millis: number; rep: string }

export interface FollowParams {
  max_read_request_operation_count?: number;
  max_outstanding_read_requests?: number;
  max_read_request_size?: string;
  max_write_request_operation_count?: number;
  max_write_request_size?: string;
  max_outstanding_write_requests?: number;
  max_write_buffer_count?: number;
  max_write_buffer_size?: string;
  max_retry_delay?: string;
  read_poll_timeout?: string;
}

export const INT_PARAMS = [
  "max_read_request_operation_count", "max_outstanding_read_requests", "max_write_request_operation_count",
  "max_outstanding_write_requests", "max_write_buffer_count",
] as const;
export const SIZE_PARAMS = ["max_read_request_size", "max_write_request_size", "max_write_buffer_size"] as const;
export const TIME_PARAMS = ["max_retry_delay", "read_poll_timeout"] as const;
export const PARAM_NAMES: readonly string[] = [...INT_PARAMS, ...SIZE_PARAMS, ...TIME_PARAMS];

/** Server defaults (TransportResumeFollowAction) in the order follow info prints them. */
export const DEFAULT_PARAMS: Required<FollowParams> = {
  max_read_request_operation_count: 5120,
  max_read_request_size: "32mb",
  max_outstanding_read_requests: 12,
  max_write_request_operation_count: 5120,
  max_write_request_size: "9223372036854775807b",
  max_outstanding_write_requests: 9,
  max_write_buffer_count: 2147483647,
  max_write_buffer_size: "512mb",
  max_retry_delay: "500ms",
  read_poll_timeout: "1m",
};

const BYTE_UNITS: Array<[string[], string, number]> = [
  [["pb", "p"], "pb", 2 ** 50], [["tb", "t"], "tb", 2 ** 40], [["gb", "g"], "gb", 2 ** 30],
  [["mb", "m"], "mb", 2 ** 20], [["kb", "k"], "kb", 2 ** 10], [["b"], "b", 1],
];

/** ByteSizeValue.parseBytesSizeValue + getStringRep: "1024k" → "1024kb", "1.5mb" → "1572864b", "0"/"-1" → bytes. */
export function parseByteSize(value: unknown, setting: string): ByteSize {
  const s = String(value).trim().toLowerCase();
  const fail = (why: string) => new Error(`failed to parse setting [${setting}] with value [${String(value)}] as a size in bytes${why}`);
  if (s === "-1" || s === "0") return { bytes: Number(s), rep: `${s}b` };
  for (const [suffixes, suffix, mult] of BYTE_UNITS) {
    const sfx = suffixes.find((x) => s.endsWith(x));
    if (!sfx) continue;
    const num = s.slice(0, -sfx.length).trim();
    if (!/^-?\d+(\.\d+)?$/.test(num)) throw fail("");
    if (num.includes(".")) {
      const bytes = Math.ceil(Number(num) * mult);
      return { bytes, rep: `${bytes}b` };
    }
    const n = Number(num);
    if (!Number.isSafeInteger(n * mult) && !(suffix === "b" && /^\d+$/.test(num))) throw fail(": values greater than 9223372036854775807 bytes are not supported");
    return { bytes: n * mult, rep: `${num.replace(/^(-?)0+(?=\d)/, "$1")}${suffix}` };
  }
  throw fail(": unit is missing or unrecognized");
}

const TIME_UNITS: Array<[string, number]> = [["nanos", 1e-6], ["micros", 1e-3], ["ms", 1], ["s", 1000], ["m", 60_000], ["h", 3_600_000], ["d", 86_400_000]];

/** TimeValue.parseTimeValue + getStringRep (keeps the unit given; fractions are rejected in 8.x/9.x). */
export function parseDuration(value: unknown, setting: string): Duration {
  const s = String(value).trim().toLowerCase();
  if (s === "-1" || s === "0") return { millis: Number(s), rep: s };
  for (const [suffix, mult] of [...TIME_UNITS].sort((a, b) => b[0].length - a[0].length)) {
    if (!s.endsWith(suffix)) continue;
    const num = s.slice(0, -suffix.length).trim();
    if (/^-?\d+\.\d+$/.test(num)) throw new Error(`failed to parse [${String(value)}], fractional time values are not supported`);
    if (!/^-?\d+$/.test(num)) throw new Error(`failed to parse [${String(value)}]`);
    return { millis: Number(num) * mult, rep: `${Number(num)}${suffix}` };
  }
  throw new Error(`failed to parse setting [${setting}] with value [${String(value)}] as a time value: unit is missing or unrecognized`);
}

/** "[line:col]" of a key's field-name token in the raw JSON text (Jackson token location, 1-based). */
export function locate(raw: string | undefined, key: string): string {
  if (!raw) return "[1:1]";
  const i = raw.indexOf(JSON.stringify(key));
  if (i < 0) return "[1:1]";
  const before = raw.slice(0, i);
  const line = before.split("\n").length;
  const col = i - before.lastIndexOf("\n");
  return `[${line}:${col}]`;
}

/**
 * Parses the tuning parameters out of a body object, in ObjectParser style: wrong types → x_content_parse_exception.
 * Returns normalised values (ints as numbers, sizes/times as their ES string representation).
 */
export function parseParams(body: Record<string, unknown>, parserName: string, raw?: string): FollowParams {
  const out: Record<string, unknown> = {};
  for (const k of PARAM_NAMES) {
    if (!(k in body) || body[k] === null) continue;
    const v = body[k];
    const fieldErr = (c: ReturnType<typeof cause>) =>
      esError(400, "x_content_parse_exception", `${locate(raw, k)} [${parserName}] failed to parse field [${k}]`, {}, c);
    if ((INT_PARAMS as readonly string[]).includes(k)) {
      const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
      if (!Number.isInteger(n) || n > 2147483647 || n < -2147483648) {
        throw fieldErr(cause(typeof v === "number" ? "input_coercion_exception" : "number_format_exception",
          typeof v === "number" ? `Numeric value (${v}) out of range of int (-2147483648 - 2147483647)` : `For input string: "${String(v)}"`));
      }
      out[k] = n;
    } else if ((SIZE_PARAMS as readonly string[]).includes(k)) {
      try { out[k] = parseByteSize(v, k).rep; } catch (e) { throw fieldErr(cause("parse_exception", (e as Error).message)); }
    } else {
      try { out[k] = parseDuration(v, k).rep; } catch (e) { throw fieldErr(cause("parse_exception", (e as Error).message)); }
    }
  }
  return out as FollowParams;
}

/** FollowParameters.validate messages (in field order). */
export function validateParams(p: FollowParams): string[] {
  const msgs: string[] = [];
  for (const k of ["max_read_request_operation_count", "max_read_request_size", "max_outstanding_read_requests",
    "max_write_request_operation_count", "max_write_request_size", "max_outstanding_write_requests",
    "max_write_buffer_count", "max_write_buffer_size"] as const) {
    const v = p[k];
    if (v === undefined) continue;
    const n = typeof v === "number" ? v : parseByteSize(v, k).bytes;
    if (n < 1) msgs.push(`${k} must be larger than 0`);
  }
  if (p.max_retry_delay !== undefined) {
    const d = parseDuration(p.max_retry_delay, "max_retry_delay");
    if (d.millis <= 0) msgs.push(`[max_retry_delay] must be positive but was [${d.rep}]`);
    if (d.millis > 300_000) msgs.push(`[max_retry_delay] must be less than [5m] but was [${d.rep}]`);
  }
  return msgs;
}

/** Effective parameters: omitted ones are server defaults (resume does not keep previous values). */
export function effectiveParams(p: FollowParams): Required<FollowParams> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(DEFAULT_PARAMS) as Array<keyof FollowParams>) out[k] = p[k] ?? DEFAULT_PARAMS[k];
  return out as Required<FollowParams>;
}

/** Only explicitly-set parameters (auto-follow GET), in ES's output order. */
export function explicitParams(p: FollowParams): FollowParams {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(DEFAULT_PARAMS) as Array<keyof FollowParams>) if (p[k] !== undefined) out[k] = p[k];
  return out as FollowParams;
}

/** Strict ObjectParser behaviour: the first unknown top-level field is an error. */
export function rejectUnknownFields(body: Record<string, unknown>, allowed: readonly string[], parserName: string, raw?: string): void {
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k)) throw errors.parse(`${locate(raw, k)} [${parserName}] unknown field [${k}]`);
  }
}

/** Parses a JSON request body; ES answers malformed JSON with a 400 parse error. */
export function parseJsonBody(raw: string): Record<string, unknown> {
  if (!raw.trim()) return {};
  try {
    const v = JSON.parse(raw);
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("not an object");
    return v as Record<string, unknown>;
  } catch (e) {
    if (e instanceof EsHttpError) throw e;
    throw esError(400, "x_content_parse_exception", `[1:1] Unexpected character or malformed JSON: ${(e as Error).message}`);
  }
}
