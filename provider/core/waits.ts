/**
 * When a wait probes next (pure; resources/common.ts waitUntil sleeps for it). Every wait in one process that uses
 * the same `aligned` interval probes at the same instants (multiples of the interval on the clock), so the batched
 * reads of concurrent waits (FollowerIndex's wait for "active", many at once in a ReplicationLink's bootstrap or a
 * bulk `up`) resume in one turn of the event loop and go out as one request per wave instead of one per waiter.
 */
export interface ProbeTiming {
  intervalMs: number;
  /** To the next multiple of `intervalMs` on the clock instead of a full interval after `now`. */
  aligned?: boolean;
}

/** Milliseconds from `now` to the next probe, never past `deadline`. */
export function nextProbeDelay(now: number, deadline: number, t: ProbeTiming): number {
  const step = t.aligned ? t.intervalMs - (now % t.intervalMs) : t.intervalMs;
  return Math.min(step, Math.max(0, deadline - now));
}

/**
 * Whether a wait for "active" looks at once or first at the grid's next instant. Right after PUT follow the follower is
 * being restored (Elasticsearch answers `wait_for_active_shards=0` once the restore has started; the shard-follow tasks
 * start when it ends), so a look at once sees "paused". While other waits are pending on the cluster, the next wave
 * (at most one interval away) looks for this follower too, in the same request: a look at once would be one more
 * request per follower, outside the waves. So does a follow in a bulk (a ReplicationLink's bootstrap: its other
 * follows' waits are coming). Alone, it looks at once (a request of its own either way).
 */
export function looksAtOnce(o: { afterFollow: boolean; othersWaiting: number; bulk?: boolean }): boolean {
  return !(o.afterFollow && (o.othersWaiting > 0 || o.bulk === true));
}
