/**
 * Where a measured operation's requests and seconds go: every request the provider sends is recorded (its key with
 * index names folded, when it started and ended, its status), and `summary` prints per key the count, the statuses,
 * the summed time in flight and the window in which that key was sent (first start → last end, relative to `mark`).
 * A benchmark tool (bench/replication-link.ts wraps the provider's transport with it), not part of the library.
 */
export interface RequestRecord {
  key: string;
  start: number;
  end: number;
  status: number | "failed";
  /** Index names in a batched path (1 for a single index, 0 for cluster-wide calls). */
  names: number;
}

export class RequestProfile {
  private records: RequestRecord[] = [];
  private t0 = Date.now();

  /** Starts a new measured window: forgets what was recorded so far. */
  mark(): void {
    this.records = [];
    this.t0 = Date.now();
  }

  record(r: RequestRecord): void {
    this.records.push(r);
  }

  get count(): number {
    return this.records.length;
  }

  /** How many requests of `key` were recorded since the last mark. */
  countOf(key: string): number {
    return this.records.filter((r) => r.key === key).length;
  }

  /** One line per key, the most time in flight first. */
  summary(): string[] {
    const by = new Map<string, RequestRecord[]>();
    for (const r of this.records) by.set(r.key, [...(by.get(r.key) ?? []), r]);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    return [...by].map(([key, rs]) => {
      const busy = rs.reduce((a, r) => a + (r.end - r.start), 0);
      const statuses = new Map<string, number>();
      for (const r of rs) statuses.set(String(r.status), (statuses.get(String(r.status)) ?? 0) + 1);
      const names = rs.reduce((a, r) => a + r.names, 0);
      const first = Math.min(...rs.map((r) => r.start)) - this.t0;
      const last = Math.max(...rs.map((r) => r.end)) - this.t0;
      return {
        busy,
        line: `${key} ×${rs.length} [${[...statuses].map(([k, v]) => `${k}:${v}`).join(" ")}]${names > rs.length ? ` ${names} names` : ""}: ${s(busy)} in flight (mean ${(busy / rs.length).toFixed(0)} ms), sent ${s(first)} → ${s(last)}`,
      };
    }).sort((a, b) => b.busy - a.busy).map((x) => x.line);
  }
}

/** How many index names a request path carries in its first segment (`/a,b,c/_ccr/info` → 3). */
export function namesInPath(p: string): number {
  const first = p.split("/")[1] ?? "";
  return !first || first.startsWith("_") ? 0 : first.split(",").length;
}

/**
 * The event-loop delay of this process while `fn` runs (perf_hooks histogram, ms): the sandbox's `_ccr` fronts and
 * their replication loops run in the benchmark's own process, so a busy loop here delays every request measured.
 */
export async function withLoopDelay<T>(fn: () => Promise<T>): Promise<{ value: T; delay: string }> {
  const { monitorEventLoopDelay } = await import("node:perf_hooks");
  const h = monitorEventLoopDelay({ resolution: 20 });
  h.enable();
  try {
    const value = await fn();
    return { value, delay: `event-loop delay of the benchmark process (fronts, replication loops, in-process provider): p50 ${(h.percentile(50) / 1e6).toFixed(0)} ms, p99 ${(h.percentile(99) / 1e6).toFixed(0)} ms, max ${(h.max / 1e6).toFixed(0)} ms` };
  } finally {
    h.disable();
  }
}
