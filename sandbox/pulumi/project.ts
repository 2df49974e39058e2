import * as fs from "node:fs";
import * as path from "node:path";
import { ChildProcess, spawn } from "node:child_process";
import { OfflineEnv, pulumiBinDir } from "./engine";

/**
 * The real `pulumi` CLI run as a user runs it: a subprocess in a project directory (Pulumi.yaml, the program, its
 * node_modules), with the Node.js language host next to the CLI, the offline environment of `offlineEnv()` and one
 * selected stack. Nothing here serves the program: the CLI starts `pulumi-language-nodejs`, which runs the program.
 *
 * The CLI is spawned asynchronously on purpose: the local clusters' `_ccr` fronts (sandbox/local.ts) are served by
 * the calling process, so a blocking spawn would stall every request the provider sends to them.
 */

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** One step the engine planned or carried out (the `resourcePreEvent` of the event log). */
export interface EngineStep {
  op: string;
  urn: string;
  type: string;
  /** Properties that force a replace. */
  keys?: string[];
  old?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
  new?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
}

export interface OperationResult extends CliResult {
  /** Counts per operation of the summary event (e.g. `{ same: 3, update: 1 }`). */
  changes: Record<string, number>;
  steps: EngineStep[];
  /** Error-severity diagnostics of the engine and the program. */
  errors: string[];
  /**
   * Every step's start ("pre", `resourcePreEvent`) and end ("done", `resOutputsEvent`) in the order the engine
   * reported them: a step that starts after another's end was ordered after it (dependencies, replace order).
   */
  timeline: Array<{ at: "pre" | "done"; op: string; urn: string }>;
}

export interface OperationOptions {
  /** `--refresh` (true), `--refresh=false` (false), or leave it to Pulumi.yaml `options.refresh` (undefined). */
  refresh?: boolean;
  expectNoChanges?: boolean;
  /** For `up`: skip the preview that `up` runs first (default false, as a user runs it). */
  skipPreview?: boolean;
  /** `refresh --preview-only`. */
  previewOnly?: boolean;
  /** Do not throw when the CLI exits non-zero (the result carries the code and output). */
  allowFailure?: boolean;
  /** Receives the CLI process as soon as it is spawned (e.g. to interrupt it, as a user's Ctrl-C would). */
  onSpawn?: (child: ChildProcess) => void;
  /** Extra CLI arguments (e.g. `-v=9 --logtostderr`). */
  extraArgs?: string[];
}

export interface PulumiProjectOptions {
  /** The project directory (holds Pulumi.yaml); the CLI's cwd. */
  dir: string;
  env: OfflineEnv;
  stack: string;
  /** Receives the CLI's human-readable output as it comes (e.g. `process.stdout.write`). */
  onOutput?: (chunk: string) => void;
  /** Extra environment for the CLI (and so for the language host, the program and the provider processes). */
  extraEnv?: Record<string, string>;
}

/** Event-log file names are unique per process, not per instance: two instances may run operations at once. */
let eventLogSeq = 0;

export class PulumiProject {
  readonly dir: string;
  readonly stack: string;

  constructor(private readonly o: PulumiProjectOptions) {
    this.dir = o.dir;
    this.stack = o.stack;
  }

  /** The environment a user would export to run the CLI on this stack by hand. */
  get env(): Record<string, string> {
    return { ...this.o.env.env, ...this.o.extraEnv };
  }

  /** Runs `pulumi <args>` in the project directory; throws with the output on a non-zero exit unless allowed. */
  async cli(args: string[], opts: { input?: string; allowFailure?: boolean; stream?: boolean; env?: Record<string, string>; onSpawn?: (child: ChildProcess) => void } = {}): Promise<CliResult> {
    const bin = path.join(pulumiBinDir(), "pulumi");
    const child = spawn(bin, args, { cwd: this.dir, env: { ...process.env, ...this.env, ...opts.env }, stdio: ["pipe", "pipe", "pipe"] });
    opts.onSpawn?.(child);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      if (opts.stream) this.o.onOutput?.(d);
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      if (opts.stream) this.o.onOutput?.(d);
    });
    child.stdin.end(opts.input ?? "");
    const code = await new Promise<number>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (c, signal) => resolve(c ?? (signal ? 128 : 1)));
    });
    if (code !== 0 && !opts.allowFailure) {
      throw new Error(`pulumi ${args.join(" ")} failed (exit ${code}) in ${this.dir}:\n${tail(stdout)}\n${tail(stderr)}`);
    }
    return { code, stdout, stderr };
  }

  /** `pulumi stack select --create <stack>`: the stack exists afterwards and is the project's current stack. */
  async selectOrInit(): Promise<void> {
    await this.cli(["stack", "select", "--create", this.stack]);
  }

  /**
   * `pulumi config set [--secret] <key>`; the value goes through stdin, so a secret never appears in a process
   * listing. Keys without a namespace get the project's (Pulumi's rule).
   */
  async setConfig(key: string, value: string, o: { secret?: boolean; path?: boolean } = {}): Promise<void> {
    await this.cli(["config", "set", key, ...(o.secret ? ["--secret"] : []), ...(o.path ? ["--path"] : []), ...this.stackArgs()], { input: value });
  }

  async setAllConfig(config: Record<string, string | { value: string; secret?: boolean }>): Promise<void> {
    for (const [k, v] of Object.entries(config)) {
      await this.setConfig(k, typeof v === "string" ? v : v.value, { secret: typeof v === "string" ? false : v.secret });
    }
  }

  preview(o: OperationOptions = {}): Promise<OperationResult> {
    return this.operation("preview", ["--diff", ...refreshArgs(o), ...(o.expectNoChanges ? ["--expect-no-changes"] : [])], o);
  }

  up(o: OperationOptions = {}): Promise<OperationResult> {
    return this.operation("up", ["--yes", "--diff", ...refreshArgs(o), ...(o.expectNoChanges ? ["--expect-no-changes"] : []), ...(o.skipPreview ? ["--skip-preview"] : [])], o);
  }

  refresh(o: OperationOptions = {}): Promise<OperationResult> {
    const args = o.previewOnly ? ["--preview-only"] : ["--yes", ...(o.skipPreview ? ["--skip-preview"] : [])];
    // The offline environment sets PULUMI_SKIP_CONFIRMATIONS, which the CLI takes as `--yes`, and `refresh` refuses
    // `--yes` with `--preview-only` ("cannot be used together"): turn it off for the preview-only refresh.
    const env: Record<string, string> = o.previewOnly ? { PULUMI_SKIP_CONFIRMATIONS: "false" } : {};
    return this.operation("refresh", [...args, ...(o.expectNoChanges ? ["--expect-no-changes"] : [])], o, env);
  }

  destroy(o: OperationOptions = {}): Promise<OperationResult> {
    return this.operation("destroy", ["--yes", ...(o.skipPreview ? ["--skip-preview"] : [])], o);
  }

  /** `pulumi stack output --json --show-secrets`. */
  async outputs(): Promise<Record<string, unknown>> {
    return JSON.parse((await this.cli(["stack", "output", "--json", "--show-secrets", ...this.stackArgs()])).stdout);
  }

  /** `pulumi stack export` (the state as the backend stores it; secrets stay encrypted). */
  async exportState(): Promise<string> {
    return (await this.cli(["stack", "export", ...this.stackArgs()])).stdout;
  }

  /** `pulumi stack rm --yes --force`: forgets the stack (and its config file) without touching any cluster. */
  async removeStack(): Promise<void> {
    await this.cli(["stack", "rm", "--yes", "--force", ...this.stackArgs()], { allowFailure: true });
  }

  /** Every command names the stack: nothing depends on which stack the project has selected. */
  private stackArgs(): string[] {
    return ["--stack", this.stack];
  }

  /**
   * Runs an engine operation with `--event-log`, the engine's own JSON record of every step and of the summary (the
   * same events the Automation API reads), and keeps the human display (with `--diff`) as the output.
   */
  private async operation(cmd: string, args: string[], o: OperationOptions, env: Record<string, string> = {}): Promise<OperationResult> {
    const log = path.join(this.o.env.stateDir, `events-${process.pid}-${++eventLogSeq}.jsonl`);
    const r = await this.cli([cmd, ...args, "--non-interactive", "--color", "never", "--event-log", log, ...this.stackArgs(), ...(o.extraArgs ?? [])], {
      allowFailure: true, stream: true, onSpawn: o.onSpawn,
      // `--event-log` exists only with PULUMI_DEBUG_COMMANDS set (the Automation API sets it for the same flag).
      env: { PULUMI_DEBUG_COMMANDS: "true", ...env },
    });
    const events = readEvents(log);
    fs.rmSync(log, { force: true });
    const result: OperationResult = {
      ...r,
      changes: summaryOf(events),
      steps: events.flatMap((e) => (e.resourcePreEvent ? [e.resourcePreEvent.metadata as EngineStep] : [])),
      errors: events.flatMap((e) => (e.diagnosticEvent && e.diagnosticEvent.severity === "error" ? [String(e.diagnosticEvent.message).trim()] : [])),
      timeline: events.flatMap((e) => {
        const m = (e.resourcePreEvent ?? e.resOutputsEvent)?.metadata;
        return m ? [{ at: e.resourcePreEvent ? "pre" as const : "done" as const, op: String(m.op), urn: String(m.urn) }] : [];
      }),
    };
    if (r.code !== 0 && !o.allowFailure) {
      throw new Error(`pulumi ${cmd} failed (exit ${r.code}) in ${this.dir}:\n${result.errors.join("\n") || tail(r.stdout + r.stderr)}`);
    }
    return result;
  }
}

function refreshArgs(o: OperationOptions): string[] {
  return o.refresh === undefined ? [] : [`--refresh=${o.refresh}`];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EngineEvent = Record<string, any>;

function readEvents(file: string): EngineEvent[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim()).flatMap((l) => {
    try {
      return [JSON.parse(l) as EngineEvent];
    } catch {
      return []; // a line cut short by a crash: the exit code and the output say what happened
    }
  });
}

function summaryOf(events: EngineEvent[]): Record<string, number> {
  const s = events.find((e) => e.summaryEvent)?.summaryEvent;
  if (s?.resourceChanges) return s.resourceChanges as Record<string, number>;
  // A preview's summary event carries the planned counts too; without one, count the planned steps.
  const counts: Record<string, number> = {};
  for (const e of events) if (e.resourcePreEvent) counts[e.resourcePreEvent.metadata.op] = (counts[e.resourcePreEvent.metadata.op] ?? 0) + 1;
  return counts;
}

function tail(s: string, n = 4000): string {
  return s.length > n ? `…${s.slice(-n)}` : s;
}
