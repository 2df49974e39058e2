/**
 * The example policy pack (examples/policy-pack, Pulumi CrossGuard in TypeScript with @pulumi/policy) run by the REAL
 * `pulumi preview --policy-pack` against a user's program: the mandatory rule stops the preview and names the
 * pattern, the advisory rule flags only the resource without leaderConnection. No cluster is needed: a preview of
 * creates only checks and diffs (the connection points nowhere).
 *
 * The pack is passed as its `analyzer` script, not as the directory: CLI v3.274.1 starts a directory pack through the
 * language host's RunPlugin call, which the pinned v3.68.0 Node.js host does not implement (the second test pins
 * that failure, so a host that gains it is noticed).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineEnv, OfflineEnv } from "../../sandbox/pulumi/engine";
import { PulumiProject } from "../../sandbox/pulumi/project";
import { repoRoot } from "../../sandbox/paths";

const PACK = path.join(repoRoot(), "examples", "policy-pack");
let env: OfflineEnv;
let work: string;
let project: PulumiProject;
let pack: string;

const PROGRAM = `import { AutoFollowPattern, FollowerIndex } from "pulumi-elasticsearch-ccr";
const connection = { urls: ["http://127.0.0.1:9"] };
new AutoFollowPattern("everything", { name: "everything", remoteCluster: "leader", leaderIndexPatterns: ["*"], connection });
new FollowerIndex("issues", { name: "issues", remoteCluster: "leader", leaderIndex: "issues", connection, leaderConnection: { urls: ["http://127.0.0.1:9"] } });
`;

beforeAll(async () => {
  env = offlineEnv();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "ccr-policy-"));
  // The pack and the program as a user has them: their own files, with this checkout's node_modules.
  pack = path.join(work, "policy-pack");
  fs.mkdirSync(pack);
  for (const f of ["PulumiPolicy.yaml", "index.ts", "rules.ts", "package.json", "tsconfig.json", "analyzer"]) fs.copyFileSync(path.join(PACK, f), path.join(pack, f));
  fs.chmodSync(path.join(pack, "analyzer"), 0o755);
  fs.symlinkSync(path.join(repoRoot(), "node_modules"), path.join(pack, "node_modules"));
  const dir = path.join(work, "program");
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: ccr-policy-user\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "ccr-policy-user", private: true }));
  fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM);
  fs.symlinkSync(path.join(repoRoot(), "node_modules"), path.join(dir, "node_modules"));
  project = new PulumiProject({ dir, env, stack: `policy${process.pid}`, extraEnv: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } });
  await project.selectOrInit();
}, 120_000);

afterAll(async () => {
  await project?.removeStack();
  for (const d of [work, env?.stateDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

const preview = (packPath: string) => project.cli(["preview", "--policy-pack", packPath, "--non-interactive", "--color", "never", "--stack", project.stack], { allowFailure: true });

describe("the example policy pack under `pulumi preview --policy-pack`", () => {
  it("stops the preview on a '*' auto-follow pattern (mandatory) and advises leaderConnection where it is missing", async () => {
    const t0 = Date.now();
    const r = await preview(path.join(pack, "analyzer"));
    console.log(`[figure] pulumi preview --policy-pack: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const out = r.stdout + r.stderr;
    expect(r.code, out).not.toBe(0);
    expect(out).toMatch(/\[mandatory\]\s+no-wildcard-auto-follow\s+\(pulumi-nodejs:dynamic\/elasticsearch-ccr:AutoFollowPattern: everything\)/);
    expect(out).toContain('auto-follow pattern everything: leaderIndexPatterns has "*", which follows every index of the leader');
    expect(out).toMatch(/\[advisory\]\s+follower-version-checked-at-up\s+\(pulumi-nodejs:dynamic\/elasticsearch-ccr:AutoFollowPattern: everything\)/);
    // The follower declares leaderConnection: no advice for it, and no other violation.
    expect(out).not.toContain("follower index issues: no leaderConnection");
    expect(out.match(/\[(mandatory|advisory)\]/g)).toHaveLength(2);
  });

  it("the pack's directory fails to start with the pinned language host (RunPlugin not implemented by v3.68.0)", async () => {
    const r = await preview(pack);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(`policy pack "${pack}" failed to start: could not read plugin [${pack}]: not supported`);
  });
});
