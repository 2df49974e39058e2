/**
 * `pulumi-elasticsearch-ccr drift --stack <name> [--cwd DIR] [--json] [--lag-threshold N]`: a refresh in preview mode
 * (nothing is written to the clusters or the state) of an existing stack of a Pulumi project, through the Automation
 * API with a local workspace, then the CCR-specific report of drift-report.ts. Progress (the CLI's own output) goes
 * to stderr, the report to stdout. Exit code 0: no drift; 1: drift; 2: error (bad arguments, no such stack, refresh
 * failed).
 */
import * as path from "node:path";
import { DriftReport, DriftStep, EXIT_ERROR, exitCodeOf, formatDrift, summarizeDrift } from "./drift-report";

/** Parsed arguments of the drift command. */
export interface DriftArgs {
  stack: string;
  cwd: string;
  json: boolean;
  lagThreshold: number;
}

/** Default operations lag above which an active follower is reported as lagging. */
export const DEFAULT_LAG_THRESHOLD = 1000;

export const DRIFT_USAGE = `usage: pulumi-elasticsearch-ccr drift --stack <name> [--cwd DIR] [--json] [--lag-threshold N]
  Refreshes the stack in preview mode (reads the clusters, writes nothing) and reports CCR drift:
  followers paused, failed, lagging, missing or unmanaged; patterns and remotes changed, paused, missing or
  disconnected; what \`pulumi up\` would do about it.
  --stack NAME         the stack (required)
  --cwd DIR            the project directory (holds Pulumi.yaml; default: the current directory)
  --json               the report as JSON on stdout
  --lag-threshold N    operations lag above which a follower counts as lagging (default ${DEFAULT_LAG_THRESHOLD})
exit code: 0 no drift, 1 drift, 2 error`;

/** Parses the arguments after `drift`; throws an Error naming the bad argument. Pure. */
export function parseDriftArgs(argv: readonly string[], cwd: string): DriftArgs {
  const out: Partial<DriftArgs> = { cwd, json: false, lagThreshold: DEFAULT_LAG_THRESHOLD };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--stack") out.stack = value();
    else if (a === "--cwd") out.cwd = path.resolve(cwd, value());
    else if (a === "--json") out.json = true;
    else if (a === "--lag-threshold") {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new Error(`--lag-threshold must be a whole number of operations (got ${v})`);
      out.lagThreshold = n;
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!out.stack) throw new Error("--stack <name> is required");
  return out as DriftArgs;
}

/** Runs the refresh preview and returns the report (throws when the refresh itself fails). */
export async function driftReport(a: DriftArgs, progress: (s: string) => void): Promise<DriftReport> {
  // Loaded here, not at the top: `--help` and argument errors need no SDK.
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  const stack = await LocalWorkspace.selectStack({ stackName: a.stack, workDir: a.cwd }, {
    // PULUMI_SKIP_CONFIRMATIONS means `--yes` to the CLI, which refuses it with `refresh --preview-only`; a preview
    // needs no confirmation anyway.
    envVars: { PULUMI_SKIP_CONFIRMATIONS: "false" },
  });
  const steps: DriftStep[] = [];
  progress(`refreshing stack ${a.stack} in ${a.cwd} (preview only: nothing is written)\n`);
  // `refresh({ previewOnly: true })` rather than `previewRefresh()`: in @pulumi/pulumi 3.270 the latter never sets up
  // the event log, so `onEvent` is not called at all (a report of no drift, whatever the clusters show).
  await stack.refresh({
    previewOnly: true,
    onOutput: progress,
    onEvent: (e) => {
      // The outcome of each refresh (its pre-event is sent before the read and still carries the old state).
      if (e.resOutputsEvent) steps.push(e.resOutputsEvent.metadata as unknown as DriftStep);
    },
  });
  return summarizeDrift(steps, { lagThreshold: a.lagThreshold });
}

/** The command: prints the report, returns the exit code. */
export async function driftCommand(argv: readonly string[], io: { stdout: (s: string) => void; stderr: (s: string) => void; cwd: string }): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout(`${DRIFT_USAGE}\n`);
    return 0;
  }
  let a: DriftArgs;
  try {
    a = parseDriftArgs(argv, io.cwd);
  } catch (e) {
    io.stderr(`drift: ${(e as Error).message}\n${DRIFT_USAGE}\n`);
    return EXIT_ERROR;
  }
  try {
    const r = await driftReport(a, io.stderr);
    io.stdout(a.json ? `${JSON.stringify({ stack: a.stack, ...r }, null, 2)}\n` : formatDrift(r, a.stack));
    return exitCodeOf(r);
  } catch (e) {
    io.stderr(`drift: stack ${a.stack} in ${a.cwd}: ${(e as Error).message}\n`);
    return EXIT_ERROR;
  }
}
