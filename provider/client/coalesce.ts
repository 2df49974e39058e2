/**
 * How long a Coalesced answer is reused: while callers keep asking for it within `idleMs` of the last ask, and never
 * past `maxAgeMs` since it was read. A number is both (a fixed lifetime).
 */
export type CacheLifetime = number | { idleMs: number; maxAgeMs: number };

/**
 * One shared, short-lived answer for a read that many resources need during a refresh wave: concurrent callers share
 * the in-flight request, later callers reuse the answer while the wave goes on (see CacheLifetime). Writes call
 * `invalidate()`.
 *
 * Why a sliding lifetime: the engine hands a refresh's reads to the provider a few dozen at a time, so a wave of
 * 1000 followers lasts longer than any short fixed lifetime (12.5 s at 1000 here), and a fixed 5 s made the same
 * whole-cluster reads again mid-wave (9 requests at 1000 against 6 at 100). A wave keeps asking, so its answer stays;
 * a pause longer than `idleMs` (the next command, or a write path) reads afresh, and `maxAgeMs` bounds how old a
 * reused answer can be whatever the traffic.
 */
export class Coalesced<T> {
  private inflight: Promise<T> | undefined;
  private value: { at: number; used: number; v: T } | undefined;
  private generation = 0;
  private readonly idleMs: number;
  private readonly maxAgeMs: number;

  constructor(private readonly load: () => Promise<T>, lifetime: CacheLifetime, private readonly now: () => number = Date.now) {
    this.idleMs = typeof lifetime === "number" ? lifetime : lifetime.idleMs;
    this.maxAgeMs = typeof lifetime === "number" ? lifetime : lifetime.maxAgeMs;
  }

  get(): Promise<T> {
    const t = this.now();
    if (this.value && t - this.value.used < this.idleMs && t - this.value.at < this.maxAgeMs) {
      this.value.used = t;
      return Promise.resolve(this.value.v);
    }
    if (this.inflight) return this.inflight;
    const gen = this.generation;
    const p = this.load().then(
      (v) => {
        // A write that happened while this read was in flight makes the answer stale: hand it out, do not keep it.
        if (gen === this.generation) {
          const at = this.now();
          this.value = { at, used: at, v };
        }
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

/**
 * Per-key answers loaded in batches: keys asked for in the same turn of the event loop (a refresh wave's reads, which
 * resume together once the shared reads resolve, or concurrent creates) go out as one `load(keys)`; answers are reused
 * for `ttlMs`, like Coalesced answers. `invalidate(key)` drops one key (a write to that index), `invalidate()` all.
 * A key invalidated while its load is in flight gets that answer handed out but not kept.
 */
export class Batched<V> {
  /** `at` is unset while the answer is being loaded. */
  private answers = new Map<string, { at?: number; p: Promise<V | undefined> }>();
  private queued = new Map<string, { p?: Promise<V | undefined>; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }>();
  private scheduled = false;
  private generation = 0;
  private keyGenerations = new Map<string, number>();

  constructor(private readonly load: (keys: string[]) => Promise<Map<string, V>>, private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  /** Changes whenever the key's answer is invalidated (by key or all at once). */
  private gen(key: string): string {
    return `${this.generation}:${this.keyGenerations.get(key) ?? 0}`;
  }

  get(key: string): Promise<V | undefined> {
    const known = this.answers.get(key);
    // An answer still being loaded is always shared; a loaded one only while fresh.
    if (known && (known.at === undefined || this.now() - known.at < this.ttlMs)) return known.p;
    let entry!: { p?: Promise<V | undefined>; resolve: (v: V | undefined) => void; reject: (e: unknown) => void };
    const p = new Promise<V | undefined>((resolve, reject) => (entry = { resolve, reject }));
    entry.p = p;
    this.queued.set(key, entry);
    this.answers.set(key, { p });
    p.catch(() => this.answers.get(key)?.p === p && this.answers.delete(key));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return p;
  }

  invalidate(key?: string): void {
    if (key === undefined) {
      this.generation++;
      this.answers.clear();
      return;
    }
    this.keyGenerations.set(key, (this.keyGenerations.get(key) ?? 0) + 1);
    this.answers.delete(key);
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queued;
    this.queued = new Map();
    const gens = new Map([...batch.keys()].map((k) => [k, this.gen(k)]));
    this.load([...batch.keys()]).then(
      (m) => {
        for (const [k, w] of batch) {
          w.resolve(m.get(k));
          const a = this.answers.get(k);
          // A write while this was in flight: hand the answer out, do not keep it. Otherwise it is fresh from now.
          if (a && a.p === w.p) {
            if (gens.get(k) !== this.gen(k)) this.answers.delete(k);
            else a.at = this.now();
          }
        }
      },
      (e) => {
        for (const w of batch.values()) w.reject(e);
      },
    );
  }
}
