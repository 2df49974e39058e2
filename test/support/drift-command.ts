/**
 * The package's drift command as a user runs it (`npx pulumi-elasticsearch-ccr drift --stack <stack> --cwd <project>`):
 * `node dist/provider/cli/main.js drift …` with the stack's CLI environment. Shared by the example tests.
 */
import * as path from "node:path";
import { spawn } from "node:child_process";
import type { PulumiProject } from "../../sandbox/pulumi/project";
import { repoRoot } from "../../sandbox/paths";

export interface DriftRun { code: number; stdout: string; stderr: string }

export function runDriftCommand(project: PulumiProject, extra: string[] = []): Promise<DriftRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot(), "dist", "provider", "cli", "main.js"), "drift", "--stack", project.stack, "--cwd", project.dir, ...extra], {
      env: { ...process.env, ...project.env }, stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 2, stdout, stderr }));
  });
}
