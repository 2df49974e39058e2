import * as fs from "node:fs";
import * as path from "node:path";
import { OfflineEnv } from "../../sandbox/pulumi/engine";
import { OperationOptions, OperationResult, PulumiProject } from "../../sandbox/pulumi/project";
import { repoRoot } from "../../sandbox/paths";

/**
 * A benchmark project run by the real CLI and the Node.js language host: N followers, one remote cluster and one
 * auto-follow pattern on the follower cluster (the same resources as the Terraform configuration of
 * bench/terraform.ts). The directory sits under .pulumi-work/ in the repository, so that `@pulumi/pulumi` and this
 * package resolve from the repository's node_modules (one copy of the SDK) as in an installed project.
 *
 * `entry` chooses how the program reaches the language host:
 * - "ts": index.ts with `typescript: true`, as `pulumi new typescript` makes it (ts-node type-checks on every run);
 * - "ts-nocheck": the same with a tsconfig.json setting `noCheck` (ts-node transpiles only);
 * - "js": the program compiled ahead of time (`typescript: false`, index.js).
 */
export type Entry = "ts" | "ts-nocheck" | "js";

export interface BenchProjectOptions {
  name: string;
  env: OfflineEnv;
  entry: Entry;
  /** Makes program.ts's body: the resources declared for `followers` config. */
  program?: string;
}

export const FOLLOWERS_PROGRAM = `
const config = new pulumi.Config();
const n = config.requireNumber("followers");
const withPattern = config.getBoolean("pattern") ?? true;
const wait = config.getNumber("waitTimeoutSeconds");
const connection = { urls: [config.require("followerUrl")] };
if (n > 0 || withPattern) {
  const remote = new RemoteCluster("leader", { alias: "leader", seeds: [config.require("leaderSeeds")], skipUnavailable: false, connection });
  if (withPattern) new AutoFollowPattern("new", { name: "bench-new", remoteCluster: remote.alias, leaderIndexPatterns: ["new-*"], connection });
  for (let i = 0; i < n; i++) {
    new FollowerIndex(\`f-\${i}\`, { name: \`f-\${i}\`, remoteCluster: remote.alias, leaderIndex: \`l-\${i}\`, connection, ...(wait !== undefined ? { waitTimeoutSeconds: wait } : {}) });
  }
}
`;

export function writeProject(o: BenchProjectOptions): string {
  const dir = path.join(repoRoot(), ".pulumi-work", "bench", o.name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: o.name, private: true }, null, 2));
  setEntry(dir, o.name, o.entry, o.program);
  return dir;
}

/** Rewrites Pulumi.yaml and the entry file for `entry`, keeping the stack (its config file) as it is. */
export function setEntry(dir: string, name: string, entry: Entry, program = FOLLOWERS_PROGRAM): void {
  const js = entry === "js";
  for (const f of ["index.js", "index.ts", "tsconfig.json"]) fs.rmSync(path.join(dir, f), { force: true });
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), [
    `name: ${name}`,
    "runtime:",
    "  name: nodejs",
    "  options:",
    `    typescript: ${!js}`,
    `main: index.${js ? "js" : "ts"}`,
    "",
  ].join("\n"));
  if (js) {
    fs.writeFileSync(path.join(dir, "index.js"), [
      `"use strict";`,
      `const pulumi = require("@pulumi/pulumi");`,
      `const { RemoteCluster, FollowerIndex, AutoFollowPattern } = require("pulumi-elasticsearch-ccr");`,
      program,
    ].join("\n"));
    return;
  }
  fs.writeFileSync(path.join(dir, "index.ts"), [
    `import * as pulumi from "@pulumi/pulumi";`,
    `import { RemoteCluster, FollowerIndex, AutoFollowPattern } from "pulumi-elasticsearch-ccr";`,
    program,
  ].join("\n"));
  if (entry === "ts-nocheck") {
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
      compilerOptions: { strict: true, target: "es2022", module: "commonjs", moduleResolution: "node", esModuleInterop: true, skipLibCheck: true, noCheck: true },
      files: ["index.ts"],
    }, null, 2));
  }
}

export async function benchProject(o: BenchProjectOptions & { config: Record<string, string> }): Promise<PulumiProject> {
  const dir = writeProject(o);
  const p = new PulumiProject({ dir, env: o.env, stack: "bench" });
  await p.selectOrInit();
  await p.setAllConfig(o.config);
  return p;
}

/** Peak resident set (VmHWM) of the dynamic-provider processes the CLI starts in `dir`, sampled while `fn` runs. */
export async function withProviderRss<T>(dir: string, fn: () => Promise<T>): Promise<{ value: T; peakRssMb: number; providers: number }> {
  const seen = new Map<number, number>();
  const real = fs.realpathSync(dir);
  const sample = () => {
    for (const e of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(e)) continue;
      try {
        const cmd = fs.readFileSync(`/proc/${e}/cmdline`, "utf8");
        if (!cmd.includes("dynamic-provider")) continue;
        if (fs.readlinkSync(`/proc/${e}/cwd`) !== real) continue;
        const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${e}/status`, "utf8"));
        if (hwm) seen.set(+e, Math.max(seen.get(+e) ?? 0, +hwm[1]));
      } catch {
        // the process ended between listing and reading
      }
    }
  };
  const timer = setInterval(sample, 100);
  try {
    const value = await fn();
    return { value, peakRssMb: Math.max(0, ...seen.values()) / 1024, providers: seen.size };
  } finally {
    clearInterval(timer);
  }
}

/**
 * The Node option the README suggests for large stacks: V8's young generation capped at 2 × 4 MB. Node 20 lets it
 * grow to 2 × 16 MB semi-spaces, which the provider process fills while the SDK loads, whatever N is.
 */
export const SMALL_YOUNG_GEN = "--max-semi-space-size=4";

/** Runs `fn` with `extra` added to NODE_OPTIONS, which the CLI passes on to the program and the provider process. */
export async function withNodeOptions<T>(extra: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (!extra) return fn();
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${saved ?? ""} ${extra}`.trim();
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
}

/** State bytes per resource of our kinds (the stack export, checkpoint resources of the dynamic provider). */
export async function stateFigures(p: PulumiProject): Promise<{ resources: number; totalBytes: number; perResourceBytes: number; maxResourceBytes: number; providerBytes: number }> {
  const state = JSON.parse(await p.exportState());
  const ours = (state.deployment?.resources ?? []).filter((r: { type: string }) => r.type.startsWith("pulumi-nodejs:dynamic"));
  const sizes = ours.map((r: unknown) => JSON.stringify(r).length);
  const total = sizes.reduce((a: number, b: number) => a + b, 0);
  const provider = ours[0] ? String(ours[0].inputs?.__provider ?? "").length : 0;
  return { resources: ours.length, totalBytes: total, perResourceBytes: Math.round(total / Math.max(1, ours.length)), maxResourceBytes: Math.max(0, ...sizes), providerBytes: provider };
}

export type { OperationOptions, OperationResult, PulumiProject };
