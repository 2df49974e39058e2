import { describe, expect, it } from "vitest";
import { looksAtOnce, nextProbeDelay } from "../../provider/core/waits";
import { waitUntil } from "../../provider/resources/common";

describe("wait timing (core/waits.ts)", () => {
  it("aligned probes land on multiples of the interval, whenever each wait started; never past the deadline", () => {
    expect(nextProbeDelay(1_000_130, 2_000_000, { intervalMs: 250, aligned: true })).toBe(120);
    expect(nextProbeDelay(1_000_249, 2_000_000, { intervalMs: 250, aligned: true })).toBe(1);
    expect(nextProbeDelay(1_000_250, 2_000_000, { intervalMs: 250, aligned: true })).toBe(250);
    expect(nextProbeDelay(1_000_130, 2_000_000, { intervalMs: 250 })).toBe(250);
    expect(nextProbeDelay(1_000_130, 1_000_200, { intervalMs: 250, aligned: true })).toBe(70);
    expect(nextProbeDelay(1_000_300, 1_000_200, { intervalMs: 250 })).toBe(0);
  });

  it("notAtOnce: the first probe is on the grid, not at once; without it the first probe is immediate", async () => {
    for (const notAtOnce of [true, false]) {
      let clock = 10_130;
      const probes: number[] = [];
      await waitUntil(async () => {
        probes.push(clock);
        return probes.length === 2 ? { done: true, value: undefined } : { done: false, last: "restoring" };
      }, { timeoutMs: 10_000, intervalMs: 250, aligned: true, notAtOnce, now: () => clock, sleep: async (ms) => void (clock += ms) });
      expect(probes).toEqual(notAtOnce ? [10_250, 10_500] : [10_130, 10_250]);
    }
  });
});

describe("first look of a wait for active (core/waits.ts looksAtOnce)", () => {
  it("after a follow it joins the next wave while other waits are pending or in a bulk; alone, or after a resume, at once", () => {
    expect(looksAtOnce({ afterFollow: true, othersWaiting: 3 })).toBe(false);
    expect(looksAtOnce({ afterFollow: true, othersWaiting: 0 })).toBe(true);
    expect(looksAtOnce({ afterFollow: false, othersWaiting: 3 })).toBe(true);
    // A follow in a bulk (a link's bootstrap): the other follows' waits are coming, the first joins the wave too.
    expect(looksAtOnce({ afterFollow: true, othersWaiting: 0, bulk: true })).toBe(false);
  });
});
