/**
 * An example of examples/ as a user copies it: its own files in a directory of its own, with this checkout's
 * node_modules linked there (the package is linked into them by scripts/setup.sh, so `pulumi-elasticsearch-ccr` and the
 * program share one @pulumi/pulumi), run by the real CLI on a new stack. Shared by the example tests.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { OfflineEnv } from "../../sandbox/pulumi/engine";
import { PulumiProject } from "../../sandbox/pulumi/project";
import { repoRoot } from "../../sandbox/paths";

/** The files every example has (examples/<name>/). */
const EXAMPLE_FILES = ["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json"];

/** Copies examples/<example> into `<work>/<example>` and selects (creates) `stack` there. */
export async function exampleProject(o: { example: string; work: string; env: OfflineEnv; stack: string }): Promise<PulumiProject> {
  const from = path.join(repoRoot(), "examples", o.example);
  const dir = path.join(o.work, o.example);
  fs.mkdirSync(dir);
  for (const f of EXAMPLE_FILES) fs.copyFileSync(path.join(from, f), path.join(dir, f));
  fs.symlinkSync(path.join(repoRoot(), "node_modules"), path.join(dir, "node_modules"));
  // The repository type-checks the examples (tsconfig.test.json); the language host only transpiles them, which saves
  // seconds per program run.
  const project = new PulumiProject({ dir, env: o.env, stack: o.stack, extraEnv: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } });
  await project.selectOrInit();
  return project;
}
