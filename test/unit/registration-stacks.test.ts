import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";

/**
 * The SDK records a stack on each of the four promises it makes per property of a registered resource, only ever
 * read by its promise-leak report; our resources register with stack capture off (provider/resources/stub.ts), which
 * took about a second of CPU off every preview and `up` of 100 followers. What must hold around that.
 */
describe("registration without the SDK's leak stacks", () => {
  let mod: typeof import("../../provider");
  const conn = { urls: ["http://127.0.0.1:9"] };
  const original = Error.prepareStackTrace;
  let frames: number[] = [];
  beforeAll(async () => {
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs }, "proj", "stack", false);
    mod = await import("../../provider");
  });
  // Records how many frames each stack formatted while a resource is constructed carries.
  const recording = <T>(fn: () => T): T => {
    frames = [];
    Error.prepareStackTrace = (e, calls) => {
      frames.push(calls.length);
      return `${e}`;
    };
    try {
      return fn();
    } finally {
      Error.prepareStackTrace = original;
    }
  };
  afterEach(() => {
    delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
  });

  it("formats no frames while a FollowerIndex registers, and leaves Error.stackTraceLimit as it was", () => {
    const limit = Error.stackTraceLimit;
    const f = recording(() => new mod.FollowerIndex("f1", { name: "f1", remoteCluster: "leader", leaderIndex: "l", connection: conn }));
    expect(pulumi.Output.isInstance(f.status)).toBe(true);
    // Four stacks per property at least (value, known, secret, dependencies), without frames; the one with frames
    // is the secret Output made of the connection before the registration starts (resource.ts, in the arguments).
    expect(frames.length).toBeGreaterThanOrEqual(4 * 10);
    expect(frames.filter((n) => n > 0).length).toBeLessThanOrEqual(1);
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it("keeps the stacks when PULUMI_DEBUG_PROMISE_LEAKS asks for the SDK's leak report", () => {
    process.env.PULUMI_DEBUG_PROMISE_LEAKS = "1";
    recording(() => new mod.FollowerIndex("f2", { name: "f2", remoteCluster: "leader", leaderIndex: "l", connection: conn }));
    expect(frames.filter((n) => n > 0).length).toBeGreaterThanOrEqual(4 * 10);
  });

  it("an error raised inside the registration carries the caller's stack and the limit is restored", () => {
    const limit = Error.stackTraceLimit;
    // A provider option that is no provider: the SDK throws from inside the registration.
    let caught: Error | undefined;
    try {
      new mod.FollowerIndex("f3", { name: "f3", remoteCluster: "leader", leaderIndex: "l", connection: conn }, { provider: "not a provider" as never });
    } catch (e) {
      caught = e as Error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(caught!.stack).toContain("registration-stacks.test");
    expect(Error.stackTraceLimit).toBe(limit);
  });
});
