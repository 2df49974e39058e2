/**
 * EMULATED CCR layer: one read shared by every replication loop of a wave (pure; no I/O of its own).
 *
 * Real Elasticsearch costs nothing while idle: a shard-follow task's read is a long poll the leader holds until new
 * operations arrive (ShardChangesAction, `read_poll_timeout`). Our loops poll instead, so the answers every loop
 * needs (the remote's resolution, the follower node's index metadata, the leader's index metadata and shard
 * checkpoints) are read once per wave for all loops (replicator.ts `WaveReads`).
 *
 * Freshness rule: a loop may take a shared answer only when that read STARTED after the loop's previous pass ended
 * (or after the loop was created). An older answer may predate the loop's own follower index (it would be dropped as
 * gone) or its leader (fatal "no such index"), or miss what the loop wrote itself. "After" is decided by a logical
 * clock (`readClock`), strictly increasing, so two events in the same millisecond are still ordered.
 */

let seq = 0;

/** A strictly increasing logical time: take one when a pass ends; a read takes one when it starts. */
export function readClock(): number {
  return ++seq;
}

export interface SharedReadOptions<T> {
  /** The clock `notBefore` values come from (default `readClock`). */
  clock?: () => number;
  /** Whether a settled answer may serve later callers of its wave (default: yes); a rejected read never does. */
  reusable?: (v: T) => boolean;
}

/**
 * `get(notBefore)` answers from the latest read (in flight or finished) that started at or after `notBefore`, else
 * starts a new one, which then becomes the latest. A read that failed (rejected, or not `reusable`) is given to the
 * callers that joined it and to nobody after it settled: the next caller starts a new read.
 */
export class SharedRead<T> {
  private latest?: { startedAt: number; answer: Promise<T> };
  private readonly clock: () => number;

  constructor(private readonly read: () => Promise<T>, private readonly o: SharedReadOptions<T> = {}) {
    this.clock = o.clock ?? readClock;
  }

  get(notBefore: number): Promise<T> {
    const l = this.latest;
    if (l && l.startedAt >= notBefore) return l.answer;
    const startedAt = this.clock();
    const answer = Promise.resolve().then(() => this.read());
    const entry = { startedAt, answer };
    this.latest = entry;
    const forget = () => {
      if (this.latest === entry) this.latest = undefined;
    };
    answer.then((v) => {
      if (this.o.reusable && !this.o.reusable(v)) forget();
    }, forget);
    return answer;
  }

  /** When the latest read started (undefined: none kept); for tests and diagnostics. */
  get startedAt(): number | undefined {
    return this.latest?.startedAt;
  }
}

/** Milliseconds from `now` to the next multiple of `pollMs`: every loop's next pass lands on the same grid point. */
export function untilNextWave(now: number, pollMs: number): number {
  if (!(pollMs > 0)) return 0;
  return (Math.floor(now / pollMs) + 1) * pollMs - now;
}
