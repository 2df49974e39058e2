/**
 * Bad input, rejected at preview through the REAL `pulumi` CLI and Node.js language host (sandbox/pulumi/project.ts):
 * a project directory whose program (program.js) declares one group of bad inputs, picked by BAD_INPUT_GROUP. Every
 * connection points at a recording proxy, which proves that no preview sent a single request to any cluster.
 *
 * The engine stops a preview at the first resource whose check fails, but it prints every failure of that resource,
 * so each group is one resource with one bad value per property (what one check reports at once). Each expected
 * failure names its property (the engine's "property X" and the reason itself) and says what to do.
 *
 * No cluster is involved (the proxy's target is a closed port), so nothing here depends on the Elasticsearch version:
 * check is pure and never asks the server. The file therefore runs once, in the `no-cluster` vitest project, and not
 * once per version (scripts/test.sh).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineEnv, OfflineEnv } from "../../sandbox/pulumi/engine";
import { OperationResult, PulumiProject } from "../../sandbox/pulumi/project";
import { freePort } from "../../sandbox/es/node";
import { repoRoot } from "../../sandbox/paths";
import { RecordingProxy, startRecordingProxy } from "../support/recording-proxy";
import { BAD_INPUTS, PROGRAM_ERROR } from "./cases";

let env: OfflineEnv;
let dir: string;
let proxy: RecordingProxy;
/** Three more proxies, each a distinct cluster for the loop and version groups (distinct URL origins). */
let clusters: RecordingProxy[] = [];
const results = new Map<string, OperationResult>();
const timings: string[] = [];

function project(stack: string, group: string): PulumiProject {
  return new PulumiProject({ dir, env, stack, extraEnv: { BAD_INPUT_GROUP: group, BAD_INPUT_PROXY: proxy.url, BAD_INPUT_CLUSTERS: JSON.stringify(clusters.map((c) => c.url)) } });
}

/** Runs `pool` previews at a time (each one spawns the CLI, the language host and the provider). */
async function previewAll(groups: string[], pool: number): Promise<void> {
  const queue = [...groups];
  await Promise.all(Array.from({ length: pool }, async () => {
    for (let g = queue.shift(); g; g = queue.shift()) {
      const t0 = Date.now();
      const stack = g === "remote-config" ? "config" : "bad";
      results.set(g, await project(stack, g).preview({ allowFailure: true }));
      timings.push(`${g} ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    }
  }));
}

beforeAll(async () => {
  env = offlineEnv();
  // Inside the repository, so that the program and the provider resolve @pulumi/pulumi and this package.
  dir = path.join(repoRoot(), ".pulumi-work", `bad-input-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: bad-input\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n");
  fs.copyFileSync(path.join(__dirname, "program.js"), path.join(dir, "index.js"));
  // Nothing listens on the target: a request that got through would show up here (as a 502) all the same.
  proxy = await startRecordingProxy(`http://127.0.0.1:${await freePort()}`);
  clusters = await Promise.all([1, 2, 3].map(async () => startRecordingProxy(`http://127.0.0.1:${await freePort()}`)));
  await project("bad", "").selectOrInit();
  const cfg = project("config", "");
  await cfg.selectOrInit();
  await cfg.setConfig("elasticsearch-ccr:urls", '["http://elastic:changeme@127.0.0.1:9200"]');
  const t0 = Date.now();
  await previewAll(Object.keys(BAD_INPUTS), 2);
  timings.unshift(`all ${Object.keys(BAD_INPUTS).length} previews ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}, 900_000);

afterAll(async () => {
  await proxy?.close();
  for (const c of clusters) await c.close();
  for (const d of [dir, env?.stateDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
  console.log(`[figure] bad-input previews: ${timings.join("; ")}`);
});

/** "property X value {…} has a problem: reason" → [X, reason]; a program error → [PROGRAM_ERROR, message]. */
function failuresOf(r: OperationResult): Array<[string, string]> {
  return r.errors.flatMap((e): Array<[string, string]> => {
    const m = /property (\S+) value [\s\S]*? has a problem: ([\s\S]*)$/.exec(e);
    if (m) return [[m[1], m[2].trim()]];
    if (/update failed|preview failed/.test(e) && !/Error:/.test(e)) return [];
    return [[PROGRAM_ERROR, e]];
  });
}

describe("bad input is rejected at preview, through the real CLI, without a request to any cluster", () => {
  it(`${Object.values(BAD_INPUTS).reduce((n, g) => n + g.length, 0)} bad inputs in ${Object.keys(BAD_INPUTS).length} previews`, () => {
    const problems: string[] = [];
    for (const [group, cases] of Object.entries(BAD_INPUTS)) {
      const r = results.get(group)!;
      if (r.code === 0) problems.push(`${group}: preview succeeded`);
      const got = failuresOf(r);
      for (const c of cases) {
        const hit = got.find(([p, reason]) => p === c.property && c.says.test(reason));
        if (!hit) {
          problems.push(`${group}: ${c.input}: no failure of ${c.property} matching ${c.says}; got:\n    ${got.map(([p, m]) => `${p}: ${m}`).join("\n    ") || r.stdout.slice(-1500)}`);
          continue;
        }
        // The reason itself names the property (the engine's prefix is not shown in every front end).
        const leaf = c.property === PROGRAM_ERROR ? c.names : c.property.replace(/^.*\./, "").replace(/\[\d+\]$/, "");
        if (leaf && !hit[1].includes(leaf)) problems.push(`${group}: ${c.input}: the message does not name ${leaf}: ${hit[1]}`);
      }
      const extra = got.filter(([p, reason]) => !cases.some((c) => c.property === p && c.says.test(reason)));
      if (extra.length) problems.push(`${group}: unexpected failures: ${extra.map(([p, m]) => `${p}: ${m}`).join(" | ")}`);
    }
    expect(problems).toEqual([]);
  });

  it("no preview sent a request to any cluster", () => {
    expect([proxy, ...clusters].flatMap((p) => p.requests.map((r) => `${p.url} ${r.method} ${r.path}`))).toEqual([]);
  });
});
