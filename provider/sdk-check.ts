import * as fs from "node:fs";
import * as path from "node:path";
import { duplicateSdkMessage, sdkRootsAmong, SdkCopy } from "./core/sdk-copies";

const PACKAGE = "pulumi-elasticsearch-ccr";

/**
 * Throws when the program has already loaded a copy of `@pulumi/pulumi` other than the one this package resolves
 * (see core/sdk-copies.ts for why that breaks every resource). Runs once, when the package is loaded: the language
 * host's runtime (or the Automation API host) has loaded the program's copy by then.
 */
export function assertSingleSdk(loadedModules: Iterable<string> = Object.keys(require.cache)): void {
  let ours: string;
  try {
    ours = realpath(path.dirname(require.resolve("@pulumi/pulumi/package.json")));
  } catch {
    return; // no SDK resolvable from here: importing @pulumi/pulumi below fails with Node's own clear message
  }
  const message = duplicateSdkMessage(PACKAGE, copyAt(ours), sdkRootsAmong(loadedModules, realpath).map(copyAt));
  if (message) throw new Error(message);
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

function copyAt(root: string): SdkCopy {
  try {
    return { root, version: JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version };
  } catch {
    return { root };
  }
}
