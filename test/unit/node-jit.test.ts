/** sandbox/es/node.ts: the nodes' JIT flags (jvmJitOptions) and the ports freePort hands out. */
import { afterEach, describe, expect, it } from "vitest";
import { fetchRefusesPort, freePort, jvmJitOptions } from "../../sandbox/es/node";

describe("jvmJitOptions", () => {
  const saved = process.env.CCR_ES_JIT;
  afterEach(() => {
    if (saved === undefined) delete process.env.CCR_ES_JIT;
    else process.env.CCR_ES_JIT = saved;
  });

  it("stops at the first tier by default and keeps the JVM's default for full", () => {
    delete process.env.CCR_ES_JIT;
    expect(jvmJitOptions()).toEqual(["-XX:TieredStopAtLevel=1"]);
    expect(jvmJitOptions("full")).toEqual([]);
  });

  it("reads CCR_ES_JIT when no option is given, and an explicit option wins", () => {
    process.env.CCR_ES_JIT = "full";
    expect(jvmJitOptions()).toEqual([]);
    expect(jvmJitOptions("quick")).toEqual(["-XX:TieredStopAtLevel=1"]);
  });

  it("refuses an unknown value, naming the variable and the allowed values", () => {
    process.env.CCR_ES_JIT = "fast";
    expect(() => jvmJitOptions()).toThrow(/CCR_ES_JIT.*"quick" or "full", not "fast"/);
  });
});

describe("freePort", () => {
  it("never hands out a port that fetch refuses (10080), which a real fetch shows", async () => {
    expect(fetchRefusesPort(10080)).toBe(true);
    expect(fetchRefusesPort(10081)).toBe(false);
    const refused = await fetch("http://127.0.0.1:10080/").then(() => undefined, (e: Error) => e);
    expect((refused?.cause as Error | undefined)?.message).toBe("bad port");
    for (let i = 0; i < 50; i++) expect(await freePort()).not.toBe(10080);
  });
});
