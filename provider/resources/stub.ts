import * as pulumi from "@pulumi/pulumi";

/*
 * The provider that Pulumi stores for every resource of this package must stay tiny and stable: it holds only the
 * kind, and loads the implementation by package name when a method is called, so nothing of this package is copied
 * into state by value.
 */

/**
 * The `__provider` text of a resource of `kind`: a CommonJS module whose `handler()` returns the provider, which is
 * what the dynamic-provider shim loads (require-from-string, then `.handler()`), written out by hand.
 * `pulumi.dynamic.Resource` would produce it by closure serialization instead, which loads the SDK's closure
 * serializer, the TypeScript compiler (to parse function text) and the V8 inspector into the program: about a second
 * of every `preview` and `up` (bench/preview-time.ts), for a text that never changes. The engine hands the text back
 * to the shim with each call; our diff ignores `__provider`, so a change of its wording shows no diff.
 */
export function providerModule(kind: string): string {
  const k = JSON.stringify(kind);
  return [
    "exports.handler = function () {",
    '  const impl = () => require("pulumi-elasticsearch-ccr/dynamic");',
    `  const kind = ${k};`,
    "  return {",
    "    configure: (req) => impl().configure(req),",
    "    check: (olds, news) => impl().provider(kind).check(olds, news),",
    "    diff: (id, olds, news) => impl().provider(kind).diff(id, olds, news),",
    "    create: (inputs) => impl().provider(kind).create(inputs),",
    "    read: (id, props) => impl().provider(kind).read(id, props),",
    "    update: (id, olds, news) => impl().provider(kind).update(id, olds, news),",
    "    delete: (id, props) => impl().provider(kind).delete(id, props),",
    "  };",
    "};",
    "",
  ].join("\n");
}

/**
 * A dynamic resource of this package: registered exactly as `pulumi.dynamic.Resource` registers one (type
 * `pulumi-nodejs:dynamic/<module>:<type>`, the provider text in the `__provider` input, served by the same
 * dynamic-provider shim), with the provider text from `providerModule` instead of closure serialization.
 */
export abstract class CcrDynamicResource extends pulumi.CustomResource {
  constructor(kind: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions | undefined, module: string, type: string) {
    if ("__provider" in props) throw new Error("A dynamic resource must not define the __provider key");
    const restore = withoutLeakStacks();
    try {
      super(`pulumi-nodejs:dynamic/${module}:${type}`, name, { ...props, __provider: providerModule(kind) }, opts);
    } catch (e) {
      restore();
      // Recorded while stacks were off: give the error the user's stack (this constructor's callers).
      if (e instanceof Error) Error.captureStackTrace(e, CcrDynamicResource);
      throw e;
    }
    restore();
  }
}

/**
 * Turns stack capture off for the synchronous part of a resource's registration; returns what turns it back on.
 *
 * The SDK makes four promises per property of every resource it registers (value, known, secret, dependencies) and
 * records `new Error().stack` on each, for the report it prints when PULUMI_DEBUG_PROMISE_LEAKS is set
 * (runtime/debuggable). In a program the stack goes through the source-map support that the SDK's vendored
 * ts-node installs, which wraps every frame: with a FollowerIndex's 16 properties that was about 10 ms of CPU per
 * resource, 1.35 s of the program's 4.3 CPU-s in a no-change `up` of 100 followers (bench/up-cpu.ts, CPU profile
 * of the program), all of it before the first registration leaves the program. The stacks are never read unless
 * that variable is set, so then they are kept.
 */
function withoutLeakStacks(): () => void {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return () => {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return () => {
    Error.stackTraceLimit = limit;
  };
}
