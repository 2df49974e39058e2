/**
 * Two copies of `@pulumi/pulumi` in one program break every resource: the program's copy runs the engine
 * connection, ours builds the requests with its own protobuf classes, and grpc-js rejects them with "Request
 * message serialization failure: Expected argument of type pulumirpc.RegisterResourceRequest" (nested once per
 * resource in the chain, with nothing pointing at the cause). It happens when the package is installed as a symlink
 * (`npm install ../path`, `npm link`): the link's real path resolves `@pulumi/pulumi` from the source checkout's own
 * node_modules. These pure helpers find it from the paths of loaded modules and say what to do.
 */

const SDK_ROOT = /^(.*[\\/]node_modules[\\/]@pulumi[\\/]pulumi)(?:[\\/]|$)/;

/** The `@pulumi/pulumi` package root a module path lies in (innermost node_modules wins), or undefined. */
export function sdkRootOf(modulePath: string): string | undefined {
  // Greedy `.*` keeps the last `node_modules/@pulumi/pulumi` in the path: a nested copy is its own copy.
  return SDK_ROOT.exec(modulePath)?.[1];
}

/** Distinct `@pulumi/pulumi` roots among module paths, after mapping each through `realpath` (symlinks). */
export function sdkRootsAmong(modulePaths: Iterable<string>, realpath: (p: string) => string = (p) => p): string[] {
  const roots = new Set<string>();
  for (const p of modulePaths) {
    const root = sdkRootOf(p);
    if (root) roots.add(realpath(root));
  }
  return [...roots].sort();
}

export interface SdkCopy {
  root: string;
  version?: string;
}

/**
 * The error for more than one loaded copy, or undefined when `ours` is the only one. `ours` is the copy this package
 * resolves; `others` are the other loaded copies (the program's runtime among them).
 */
export function duplicateSdkMessage(packageName: string, ours: SdkCopy, others: SdkCopy[]): string | undefined {
  const rest = others.filter((o) => o.root !== ours.root);
  if (rest.length === 0) return undefined;
  const show = (c: SdkCopy) => `${c.root}${c.version ? ` (${c.version})` : ""}`;
  return [
    `${packageName}: two copies of @pulumi/pulumi are loaded; a Pulumi program needs exactly one.`,
    ...rest.map((c) => `  the program's copy:  ${show(c)}`),
    `  this package's copy: ${show(ours)}`,
    `Left alone, every resource fails with "Request message serialization failure: Expected argument of type`,
    `pulumirpc.RegisterResourceRequest". This happens when ${packageName} is installed as a symlink (\`npm install`,
    `../path\` or \`npm link\`), so that it finds @pulumi/pulumi in its source checkout instead of in your project.`,
    `Fix: install a copy, and @pulumi/pulumi (a peer dependency) comes from your project:`,
    `  npm install --install-links ../path/to/${packageName}`,
    `or: (cd ../path/to/${packageName} && npm pack) && npm install ../path/to/${packageName}/${packageName}-<version>.tgz`,
  ].join("\n");
}
