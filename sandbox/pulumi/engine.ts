import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { LocalWorkspace, PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { repoRoot } from "../paths";

/** The CLI version scripts/build-pulumi.sh builds (keep in step with it and the README). */
export const PULUMI_CLI_VERSION = "v3.274.1";

let binDirCache: string | undefined;

/**
 * Directory holding the real `pulumi` binary (built from Pulumi's Go modules, cached by version), the Node.js
 * language host and the dynamic-provider shim next to it. PULUMI_BIN_DIR overrides, e.g. for a CLI installed by
 * other means. For programs in a project directory, see project.ts.
 */
export function pulumiBinDir(): string {
  if (binDirCache) return binDirCache;
  if (process.env.PULUMI_BIN_DIR) return (binDirCache = process.env.PULUMI_BIN_DIR);
  const r = spawnSync("bash", [path.join(repoRoot(), "scripts", "build-pulumi.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const dir = r.stdout.trim().split("\n").pop() ?? "";
  if (r.status !== 0 || !fs.existsSync(path.join(dir, "pulumi"))) throw new Error(`scripts/build-pulumi.sh failed (exit ${r.status}); see its output above`);
  return (binDirCache = dir);
}

export interface OfflineEnv {
  env: Record<string, string>;
  /** The state directory of the file:// backend (delete it to forget every stack). */
  stateDir: string;
}

/**
 * Environment for a fully offline CLI: a file:// backend, a private PULUMI_HOME (no credentials, no plugin cache
 * shared with anything else), the passphrase secrets provider, no update check and no plugin downloads.
 */
export function offlineEnv(stateDir?: string, passphrase = "ccr-local-passphrase"): OfflineEnv {
  const dir = stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "ccr-pulumi-"));
  fs.mkdirSync(path.join(dir, "backend"), { recursive: true });
  fs.mkdirSync(path.join(dir, "home"), { recursive: true });
  const bin = pulumiBinDir();
  return {
    stateDir: dir,
    env: {
      PULUMI_BACKEND_URL: `file://${path.join(dir, "backend")}`,
      PULUMI_HOME: path.join(dir, "home"),
      PULUMI_CONFIG_PASSPHRASE: passphrase,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      // The shim is a shell script that runs `node`; the CLI finds it next to itself or on PATH.
      PATH: `${bin}:${path.dirname(process.execPath)}:${process.env.PATH ?? ""}`,
    },
  };
}

/** Runs the real CLI with the offline environment; returns its output (throws with the output on failure). */
export function pulumiCli(args: string[], env: OfflineEnv, cwd = repoRoot()): { stdout: string; stderr: string } {
  const r = spawnSync(path.join(pulumiBinDir(), "pulumi"), args, { cwd, env: { ...process.env, ...env.env }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`pulumi ${args.join(" ")} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

export interface InlineStackOptions {
  projectName: string;
  stackName: string;
  program: PulumiFn;
  env: OfflineEnv;
  config?: Record<string, { value: string; secret?: boolean }>;
  /**
   * Where the workspace keeps Pulumi.yaml and the stack settings. It must sit inside the repository (or a project
   * with node_modules): the CLI starts the dynamic-provider shim with this directory as cwd, and the shim resolves
   * `@pulumi/pulumi/cmd/dynamic-provider` (and our package) from there. Default: .pulumi-work/<project>.
   */
  workDir?: string;
}

/**
 * A stack whose program runs in this process (the Automation API serves the language runtime and the CLI dials
 * it), so no `pulumi-language-nodejs` binary is needed. Every operation (preview, up, refresh, destroy, import)
 * is still carried out by the real CLI and engine. The dynamic-provider shim runs with this process's cwd, which
 * must let `@pulumi/pulumi` and this package resolve: run from the repository root.
 */
export async function inlineStack(o: InlineStackOptions): Promise<Stack> {
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(pulumiBinDir()) });
  const workDir = o.workDir ?? path.join(repoRoot(), ".pulumi-work", o.projectName);
  fs.mkdirSync(workDir, { recursive: true });
  const stack = await LocalWorkspace.createOrSelectStack(
    { projectName: o.projectName, stackName: o.stackName, program: o.program },
    {
      pulumiCommand,
      workDir,
      envVars: o.env.env,
      projectSettings: { name: o.projectName, runtime: "nodejs", backend: { url: o.env.env.PULUMI_BACKEND_URL } },
    },
  );
  if (o.config) await stack.setAllConfig(o.config);
  return stack;
}
