/** Polls `fn` until `ok` holds (bounded); throws with the last value seen. Shared by the integration tests. */
export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000, what = "condition"): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`${what} not met in ${timeoutMs} ms; last value: ${JSON.stringify(v).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A `timed(what, fn)` that runs `fn` and appends "what: N s" to `into` (for the timings a test prints at the end). */
export function timerInto(into: string[]): <T>(what: string, fn: () => Promise<T>) => Promise<T> {
  return async (what, fn) => {
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      into.push(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  };
}
