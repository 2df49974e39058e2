import { Failures } from "./check";
import { isUnknown } from "./unknown";
import { formatByteSize, formatDuration, parseByteSize, parseDuration } from "./units";

/**
 * The ten follow parameters shared by PUT follow, resume follow and auto-follow patterns. One table drives input
 * validation, normalisation, request bodies and reading `_ccr/info`, so the three resources cannot disagree.
 */
export interface TuningInputs {
  /** Most operations pulled per read from the leader (server default 5120). */
  maxReadRequestOperationCount?: number;
  /** Most read requests outstanding against the leader at once (server default 12). */
  maxOutstandingReadRequests?: number;
  /** Most bytes pulled per read from the leader, e.g. "32mb" (server default "32mb"). */
  maxReadRequestSize?: string;
  /** Most operations per bulk write on the follower (server default 5120). */
  maxWriteRequestOperationCount?: number;
  /** Most bytes per bulk write on the follower (server default: unlimited). */
  maxWriteRequestSize?: string;
  /** Most bulk writes outstanding on the follower at once (server default 9). */
  maxOutstandingWriteRequests?: number;
  /** Operations queued for writing beyond which reads wait (server default 2147483647). */
  maxWriteBufferCount?: number;
  /** Bytes queued for writing beyond which reads wait, e.g. "512mb" (server default "512mb"). */
  maxWriteBufferSize?: string;
  /** Longest back-off before retrying a failed operation, e.g. "500ms"; above 0 and at most "5m" (server default "500ms"). */
  maxRetryDelay?: string;
  /** How long a read waits for new operations on the leader once the follower is in sync, e.g. "1m" (server default "1m"). */
  readPollTimeout?: string;
}

export type TuningKey = keyof TuningInputs;
type Kind = "int" | "bytes" | "duration";

interface TuningParam {
  key: TuningKey;
  wire: string;
  kind: Kind;
  /** Server default, as `_ccr/info` reports it for a follower created without the parameter. */
  serverDefault: number | string;
}

export const TUNING_PARAMS: readonly TuningParam[] = [
  { key: "maxReadRequestOperationCount", wire: "max_read_request_operation_count", kind: "int", serverDefault: 5120 },
  { key: "maxOutstandingReadRequests", wire: "max_outstanding_read_requests", kind: "int", serverDefault: 12 },
  { key: "maxReadRequestSize", wire: "max_read_request_size", kind: "bytes", serverDefault: "32mb" },
  { key: "maxWriteRequestOperationCount", wire: "max_write_request_operation_count", kind: "int", serverDefault: 5120 },
  // Long.MAX_VALUE bytes: effectively unlimited.
  { key: "maxWriteRequestSize", wire: "max_write_request_size", kind: "bytes", serverDefault: "9223372036854775807b" },
  { key: "maxOutstandingWriteRequests", wire: "max_outstanding_write_requests", kind: "int", serverDefault: 9 },
  { key: "maxWriteBufferCount", wire: "max_write_buffer_count", kind: "int", serverDefault: 2147483647 },
  { key: "maxWriteBufferSize", wire: "max_write_buffer_size", kind: "bytes", serverDefault: "512mb" },
  { key: "maxRetryDelay", wire: "max_retry_delay", kind: "duration", serverDefault: "500ms" },
  { key: "readPollTimeout", wire: "read_poll_timeout", kind: "duration", serverDefault: "1m" },
];

export const TUNING_KEYS: readonly TuningKey[] = TUNING_PARAMS.map((p) => p.key);

/** FollowParameters.validate: max_retry_delay must be > 0 and ≤ 5m. */
const MAX_RETRY_DELAY_LIMIT_MS = 5 * 60_000;

export function checkTuning(f: Failures, inputs: Record<string, unknown>): void {
  for (const p of TUNING_PARAMS) {
    const v = inputs[p.key];
    if (v === undefined || v === null || isUnknown(v)) continue;
    if (p.kind === "int") {
      f.positiveInt(p.key, v);
    } else if (p.kind === "bytes") {
      const b = parseByteSize(v);
      if (b === undefined || b <= 0) f.add(p.key, `${p.key} must be a positive byte size such as "32mb" or "512kb", got ${JSON.stringify(v)}`);
    } else {
      const d = parseDuration(v);
      if (d === undefined || d < 0) f.add(p.key, `${p.key} must be a duration such as "500ms", "30s" or "1m", got ${JSON.stringify(v)}`);
      else if (p.key === "maxRetryDelay" && (d <= 0 || d > MAX_RETRY_DELAY_LIMIT_MS)) {
        f.add(p.key, `${p.key} must be greater than 0 and at most "5m" (Elasticsearch's limit), got ${JSON.stringify(v)}`);
      }
    }
  }
}

/** Canonical value for comparison and display: ints stay numbers, sizes like "32mb", durations like "1m". */
export function normalizeTuningValue(key: TuningKey, v: unknown): number | string | undefined {
  if (v === undefined || v === null) return undefined;
  if (isUnknown(v)) return v as string;
  const p = TUNING_PARAMS.find((t) => t.key === key)!;
  if (p.kind === "int") return typeof v === "string" && /^\d+$/.test(v) ? Number(v) : (v as number);
  if (p.kind === "bytes") {
    const b = parseByteSize(v);
    return b === undefined ? String(v) : formatByteSize(b);
  }
  const d = parseDuration(v);
  return d === undefined ? String(v) : formatDuration(d);
}

/** Only the parameters that are set, normalised. */
export function normalizeTuning(inputs: Record<string, unknown>): TuningInputs {
  const out: Record<string, unknown> = {};
  for (const k of TUNING_KEYS) {
    const v = normalizeTuningValue(k, inputs[k]);
    if (v !== undefined) out[k] = v;
  }
  return out as TuningInputs;
}

/** Every parameter, unset ones filled with the server default: what an active follower's `_ccr/info` reports. */
export function effectiveTuning(inputs: Record<string, unknown>): Required<TuningInputs> {
  const out: Record<string, unknown> = {};
  for (const p of TUNING_PARAMS) out[p.key] = normalizeTuningValue(p.key, inputs[p.key] ?? p.serverDefault);
  return out as Required<TuningInputs>;
}

/** Request body fragment (snake_case) with only the parameters that are set. */
export function tuningToWire(inputs: TuningInputs): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const p of TUNING_PARAMS) {
    const v = inputs[p.key];
    if (v !== undefined) out[p.wire] = v;
  }
  return out;
}

/** Parses the wire form (from `_ccr/info` parameters or a GET auto-follow pattern), normalised. */
export function tuningFromWire(wire: Record<string, unknown> | undefined): TuningInputs {
  const out: Record<string, unknown> = {};
  if (!wire) return {};
  for (const p of TUNING_PARAMS) {
    if (wire[p.wire] !== undefined) out[p.key] = normalizeTuningValue(p.key, wire[p.wire]);
  }
  return out as TuningInputs;
}

/**
 * The parameters in which an active follower runs otherwise than declared, as "wire_name have -> want" (both filled
 * with the server defaults, so an unset declared parameter means Elasticsearch's default). Empty when they agree.
 */
export function tuningDifferences(observed: TuningInputs, declared: Record<string, unknown>): string[] {
  const want = effectiveTuning(declared);
  const have = effectiveTuning(observed as unknown as Record<string, unknown>);
  return TUNING_PARAMS.filter((p) => want[p.key] !== have[p.key]).map((p) => `${p.wire} ${have[p.key]} -> ${want[p.key]}`);
}
