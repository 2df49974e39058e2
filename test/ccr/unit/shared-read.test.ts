import { describe, expect, it } from "vitest";
import { SharedRead, untilNextWave } from "../../../sandbox/ccr/shared-read";

/**
 * The freshness rule of the emulated layer's shared reads (shared-read.ts): a caller takes an answer only from a read
 * that started at or after its `notBefore` (the end of its previous pass); a failed read serves only the callers that
 * joined it. The clock is the test's own counter, so "started at" is exact.
 */
function counted<T>(answers: Array<() => Promise<T>>) {
  let t = 0;
  const clock = () => ++t;
  const calls: number[] = [];
  const read = new SharedRead<T>(() => {
    calls.push(t);
    const next = answers.shift();
    if (!next) throw new Error("unexpected read");
    return next();
  }, { clock });
  return { read, calls, now: () => t, tick: clock };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe("SharedRead: the freshness rule", () => {
  it("callers whose passes ended before a read started join it while in flight and after it finished", async () => {
    const d = deferred<string>();
    const { read, calls, tick } = counted([() => d.promise]);
    const endA = tick();
    const endB = tick();
    const a = read.get(endA);
    const b = read.get(endB);
    d.resolve("wave-1");
    expect(await a).toBe("wave-1");
    expect(await b).toBe("wave-1");
    // A third loop of the same wave arriving after the answer came back (it ended before the read started).
    expect(await read.get(endB)).toBe("wave-1");
    expect(calls).toHaveLength(1);
  });

  it("a caller whose pass ended after the read started (or that was created after it) gets a new read", async () => {
    const old = deferred<string>();
    const { read, calls, tick } = counted([() => old.promise, async () => "fresh"]);
    const early = read.get(tick());
    const createdLater = tick(); // e.g. a follower registered while the first read was out
    const late = read.get(createdLater);
    old.resolve("before-the-index-existed");
    expect(await early).toBe("before-the-index-existed");
    expect(await late).toBe("fresh");
    expect(calls).toHaveLength(2);
    // The older read finishing last does not replace the newer one as the one to join.
    expect(await read.get(createdLater)).toBe("fresh");
    expect(calls).toHaveLength(2);
  });

  it("a finished read is not reused by the caller's next pass", async () => {
    const { read, calls, tick } = counted([async () => "wave-1", async () => "wave-2"]);
    expect(await read.get(tick())).toBe("wave-1");
    const passEnded = tick();
    expect(await read.get(passEnded)).toBe("wave-2");
    expect(calls).toHaveLength(2);
  });

  it("a failed read gives every caller that joined it the same error, and is not reused after it settled", async () => {
    const d = deferred<string>();
    const { read, calls, tick } = counted([() => d.promise, async () => "recovered"]);
    const end = tick();
    const a = read.get(end);
    const b = read.get(end);
    const boom = new Error("connect ECONNREFUSED");
    d.reject(boom);
    await expect(a).rejects.toBe(boom);
    await expect(b).rejects.toBe(boom);
    // Same `notBefore` (a loop of that wave arriving late): a new read, not the failed one.
    expect(await read.get(end)).toBe("recovered");
    expect(calls).toHaveLength(2);
  });

  it("an answer that is not `reusable` (e.g. HTTP 503) serves its joiners only", async () => {
    let t = 0;
    const answers = [{ status: 503 }, { status: 200 }];
    const d = deferred<void>();
    let reads = 0;
    const read = new SharedRead(async () => { reads++; await d.promise; return answers.shift()!; }, { clock: () => ++t, reusable: (r) => r.status === 200 });
    const end = ++t;
    const a = read.get(end);
    const b = read.get(end);
    d.resolve();
    expect((await a).status).toBe(503);
    expect((await b).status).toBe(503);
    expect((await read.get(end)).status).toBe(200);
    expect((await read.get(end)).status).toBe(200);
    expect(reads).toBe(2);
  });

  it("the default clock orders reads and passes in the same millisecond", async () => {
    const read = new SharedRead(async () => Symbol("answer"));
    const first = await read.get(0);
    expect(await read.get(0)).toBe(first);
    const { readClock } = await import("../../../sandbox/ccr/shared-read");
    const passEnded = readClock();
    expect(await read.get(passEnded)).not.toBe(first);
  });
});

describe("untilNextWave: the loops' common grid", () => {
  it("sleeps to the next multiple of pollMs, never zero on a grid point", () => {
    expect(untilNextWave(1000, 250)).toBe(250);
    expect(untilNextWave(1001, 250)).toBe(249);
    expect(untilNextWave(1249, 250)).toBe(1);
    expect(untilNextWave(1250, 100)).toBe(50);
    expect(untilNextWave(5, 0)).toBe(0);
  });
});
