/** The sandbox nodes' JIT flags (sandbox/es/node.ts jvmJitOptions): the default, the override, and a bad value. */
import { afterEach, describe, expect, it } from "vitest";
import { jvmJitOptions } from "../../sandbox/es/node";

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
