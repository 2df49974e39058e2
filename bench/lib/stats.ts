import * as os from "node:os";
import * as fs from "node:fs";
import * as path from "node:path";
import { Bench } from "tinybench";

/** Min / median / max of repeated runs of one measured operation, from tinybench. */
export interface Timing {
  runs: number;
  minS: number;
  medianS: number;
  maxS: number;
}

export function fmt(t: Timing): string {
  return t.runs === 1 ? `${t.medianS.toFixed(2)} s (1 run)` : `median ${t.medianS.toFixed(2)} s (min ${t.minS.toFixed(2)}, max ${t.maxS.toFixed(2)}, ${t.runs} runs)`;
}

/**
 * Runs `fn` `runs` times, one after another (whole CLI operations: seconds each, so no warm-up and no time budget),
 * with `before` (not timed) ahead of each run, and returns tinybench's latency statistics.
 */
export async function repeat(name: string, runs: number, fn: () => Promise<unknown>, before?: () => Promise<unknown>): Promise<Timing> {
  const bench = new Bench({ name, iterations: runs, time: 0, warmup: false, throws: true });
  // An `async` function on purpose: tinybench calls any other function once, unawaited, to find out whether it
  // returns a promise, which started a second CLI operation on the stack beside the measured one ("the stack is
  // currently locked").
  bench.add(name, async () => void (await fn()), before ? { beforeEach: async () => void (await before()) } : undefined);
  await bench.run();
  const r = bench.tasks[0].result as unknown as { latency?: { min: number; max: number; p50?: number; samplesCount?: number; samples?: number[] } };
  const l = r.latency;
  if (!l) throw new Error(`${name}: tinybench returned no result`);
  return { runs, minS: l.min / 1000, medianS: (l.p50 ?? l.min) / 1000, maxS: l.max / 1000 };
}

/** How the benchmark ran: versions, machine, date. */
export function runInfo(extra: Record<string, string> = {}): Record<string, string> {
  const pkg = (p: string) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(p, "package.json"), "utf8")).version as string;
    } catch {
      return "?";
    }
  };
  const root = path.join(__dirname, "..", "..");
  const cpus = os.cpus();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    machine: `${cpus.length} × ${cpus[0]?.model?.trim() ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, load ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`,
    node: process.version,
    "@pulumi/pulumi": pkg(path.join(root, "node_modules", "@pulumi", "pulumi")),
    "pulumi-elasticsearch-ccr": pkg(root),
    tinybench: pkg(path.join(root, "node_modules", "tinybench")),
    ...extra,
  };
}
