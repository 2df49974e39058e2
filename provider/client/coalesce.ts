/**
 * One shared, short-lived answer for a read that many resources need during a refresh wave: concurrent callers share
 * the in-flight request, later callers reuse the answer until it is `ttlMs` old. Writes call `invalidate()`.
 */
export class Coalesced<T> {
  private inflight: Promise<T> | undefined;
  private value: { at: number; v: T } | undefined;
  private generation = 0;

  constructor(private readonly load: () => Promise<T>, private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  get(): Promise<T> {
    if (this.value && this.now() - this.value.at < this.ttlMs) return Promise.resolve(this.value.v);
    if (this.inflight) return this.inflight;
    const gen = this.generation;
    const p = this.load().then(
      (v) => {
        // A write that happened while this read was in flight makes the answer stale: hand it out, do not keep it.
        if (gen === this.generation) this.value = { at: this.now(), v };
        return v;
      },
    ).finally(() => {
      if (this.inflight === p) this.inflight = undefined;
    });
    this.inflight = p;
    return p;
  }

  invalidate(): void {
    this.generation++;
    this.value = undefined;
    this.inflight = undefined;
  }
}
