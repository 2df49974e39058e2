/**
 * A user's own project run with the REAL `pulumi` CLI and the Node.js language host (sandbox/pulumi/project.ts), as a
 * user runs it: a directory with Pulumi.yaml and index.ts, this package installed from the tarball `npm pack` makes,
 * `@pulumi/pulumi` installed by the project (the package's peer dependency), stack config set with
 * `pulumi config set --secret`. Two local clusters of CCR_ES_VERSION (real Elasticsearch behind the sandbox's
 * EMULATED `_ccr` layer) are the targets; every step is checked on the clusters themselves.
 *
 * Also here: `options: refresh: always` in Pulumi.yaml makes a plain `pulumi up` repair an out-of-band pause, and a
 * symlinked install (`npm install ../path`) stops at load time with the duplicate-SDK message instead of the
 * serialization failure, and `--install-links` fixes it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineEnv, OfflineEnv } from "../../sandbox/pulumi/engine";
import { PulumiProject } from "../../sandbox/pulumi/project";
import { startLocalClusters, LocalCluster, stopAll } from "../../sandbox/local";
import { esRequest } from "../../sandbox/es/http";
import { repoRoot } from "../../sandbox/paths";
import { until, timerInto } from "../support/until";

const RUN = `${process.pid}${Date.now().toString(36)}`;
const FOLLOWER = "orders-copy";
const PATTERN = "metrics-new";
const ALIAS = "upstream";
/** The SDK version the project installs: the one this repository develops and tests against. */
const SDK_VERSION: string = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8")).devDependencies["@pulumi/pulumi"];
const TS_VERSION: string = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8")).devDependencies.typescript;

let leader: LocalCluster;
let follower: LocalCluster;
let env: OfflineEnv;
let work: string;
let tarball: string;
const timings: string[] = [];

/** Runs a command without blocking the event loop (the `_ccr` fronts live in this process). */
function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, npm_config_loglevel: "error" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} (in ${cwd}) exited ${code}:\n${out.slice(-3000)}`))));
  });
}

const timed = timerInto(timings);

/** A fresh user project: Pulumi.yaml, index.ts and package.json, nothing installed yet. */
function writeProject(dir: string, name: string, program: string, refreshAlways: boolean): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true }, null, 2));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), [
    `name: ${name}`,
    "runtime:",
    "  name: nodejs",
    "  options:",
    "    typescript: true",
    ...(refreshAlways ? ["options:", "  refresh: always"] : []),
    "",
  ].join("\n"));
  fs.writeFileSync(path.join(dir, "index.ts"), program);
}

/** `npm install` as the README documents it, served from the npm cache where it can be. */
function npmInstall(dir: string, specs: string[], flags: string[] = []): Promise<string> {
  return run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...flags, ...specs], dir);
}

const onFollower = (method: string, p: string, body?: unknown) => esRequest(follower.url, method, p, body);

async function followerInfo(index: string): Promise<{ status: string; leader_index: string } | undefined> {
  const r = await onFollower("GET", `/${index}/_ccr/info`);
  return r.status === 200 ? r.body?.follower_indices?.find((f: { follower_index: string }) => f.follower_index === index) : undefined;
}

async function remoteSettings(): Promise<Record<string, unknown>> {
  const r = await onFollower("GET", "/_cluster/settings?flat_settings=true");
  return Object.fromEntries(Object.entries(r.body.persistent as Record<string, unknown>).filter(([k]) => k.startsWith(`cluster.remote.${ALIAS}.`)));
}

async function leaderCount(index: string): Promise<number> {
  await esRequest(leader.url, "POST", `/${index}/_refresh`);
  return (await esRequest(leader.url, "GET", `/${index}/_count`)).body.count;
}

beforeAll(async () => {
  env = offlineEnv();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "ccr-user-"));
  // The tarball (prepack builds dist/ first) and the clusters in parallel: both take a while.
  const packing = timed("npm pack", () => run("npm", ["pack", "--pack-destination", work], repoRoot()));
  [leader, follower] = await startLocalClusters({ count: 2 });
  const packed = (await packing).trim().split("\n").pop()!.trim();
  tarball = path.join(work, packed);
  expect(fs.existsSync(tarball), `npm pack wrote ${tarball}`).toBe(true);

  expect((await esRequest(leader.url, "PUT", "/orders", { settings: { number_of_shards: 1, number_of_replicas: 0 } })).status).toBe(200);
  const lines = Array.from({ length: 20 }, (_, i) => `{"index":{"_id":"${i}"}}\n{"n":${i}}\n`).join("");
  const r = await fetch(`${leader.node.httpUrl}/orders/_bulk?refresh=true`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: lines });
  expect(r.status).toBe(200);
}, 400_000);

afterAll(async () => {
  await stopAll([leader, follower].filter(Boolean));
  for (const d of [work, env?.stateDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
  console.log(`[figure] ${timings.join("; ")}`);
}, 120_000);

// ---------------------------------------------------------------------------------------------------------------

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { AutoFollowPattern, FollowerIndex, RemoteCluster } from "pulumi-elasticsearch-ccr";

const cfg = new pulumi.Config();
// The follower's URL is a secret in stack config (it would carry credentials on a real cluster).
const connection = cfg.requireSecret("followerUrl").apply((url) => ({ urls: [url] }));
const link = new RemoteCluster("link", { alias: "${ALIAS}", mode: "sniff", seeds: [cfg.require("leaderSeeds")], skipUnavailable: false, connection });
const follower = new FollowerIndex("orders", { name: "${FOLLOWER}", remoteCluster: link.alias, leaderIndex: "orders", connection });
const pattern = new AutoFollowPattern("metrics", { name: "${PATTERN}", remoteCluster: link.alias, leaderIndexPatterns: ["metrics-*"], connection });

export const connected = link.connected;
export const status = follower.status;
export const patternActive = pattern.active;
`;

describe("a user's project, installed from the tarball, through the real CLI and language host", () => {
  let project: PulumiProject;
  let dir: string;

  beforeAll(async () => {
    dir = path.join(work, "user-project");
    // The project takes its refresh option from the top-level Pulumi.yaml, so the repair test below covers that file.
    const top = fs.readFileSync(path.join(repoRoot(), "Pulumi.yaml"), "utf8");
    writeProject(dir, "ccr-user", PROGRAM, /^options:\s*\n(?:\s+#.*\n)*\s+refresh:\s*always\s*$/m.test(top));
    await timed("npm install <tarball> @pulumi/pulumi typescript", () => npmInstall(dir, [tarball, `@pulumi/pulumi@${SDK_VERSION}`, `typescript@${TS_VERSION}`]));
    // A copy, not a link: the package resolves @pulumi/pulumi from the project (the peer dependency).
    expect(fs.lstatSync(path.join(dir, "node_modules", "pulumi-elasticsearch-ccr")).isSymbolicLink()).toBe(false);
    expect(fs.existsSync(path.join(dir, "node_modules", "pulumi-elasticsearch-ccr", "node_modules", "@pulumi", "pulumi"))).toBe(false);

    project = new PulumiProject({ dir, env, stack: `user${RUN}` });
    await project.selectOrInit();
    await project.setConfig("followerUrl", follower.url, { secret: true });
    await project.setConfig("leaderSeeds", leader.transportAddress);
  }, 300_000);

  afterAll(async () => project?.removeStack());

  it("keeps the secret config encrypted in the stack file", () => {
    const stackFile = fs.readFileSync(path.join(dir, `Pulumi.${project.stack}.yaml`), "utf8");
    expect(stackFile).toMatch(/ccr-user:followerUrl:\s+secure: /);
    expect(stackFile).not.toContain(follower.url);
    expect(stackFile).toContain(leader.transportAddress);
  });

  it("preview plans four creates and changes nothing on the clusters", async () => {
    const preview = await timed("pulumi preview", () => project.preview());
    expect(preview.changes).toEqual({ create: 4 });
    // The engine's default provider for the dynamic resources is a step too; the resources are what the program declares.
    expect(preview.steps.map((s) => s.type).filter((t) => !t.startsWith("pulumi:providers:")).sort()).toEqual([
      "pulumi-nodejs:dynamic/elasticsearch-ccr:AutoFollowPattern",
      "pulumi-nodejs:dynamic/elasticsearch-ccr:FollowerIndex",
      "pulumi-nodejs:dynamic/elasticsearch-ccr:RemoteCluster",
      "pulumi:pulumi:Stack",
    ]);
    expect(await followerInfo(FOLLOWER)).toBeUndefined();
    expect(await remoteSettings()).toEqual({});
    expect((await onFollower("GET", `/_ccr/auto_follow/${PATTERN}`)).status).toBe(404);
  });

  it("up creates the link, the follower and the pattern on the follower cluster", async () => {
    const up = await timed("pulumi up (project directory, with its preview)", () => project.up());
    expect(up.changes).toEqual({ create: 4 });
    expect(await project.outputs()).toEqual({ connected: true, status: "active", patternActive: true });
    expect(await followerInfo(FOLLOWER)).toMatchObject({ status: "active", leader_index: "orders" });
    await until(async () => (await onFollower("GET", `/${FOLLOWER}/_count`)).body?.count, (n) => n === 20, 30_000, "20 documents on the follower");
    expect(await remoteSettings()).toMatchObject({ [`cluster.remote.${ALIAS}.skip_unavailable`]: "false" });
    const pat = await onFollower("GET", `/_ccr/auto_follow/${PATTERN}`);
    expect(pat.body.patterns[0].pattern).toMatchObject({ remote_cluster: ALIAS, leader_index_patterns: ["metrics-*"], active: true });
    // The connection (a secret input) is encrypted in the state, not stored as plaintext.
    expect(await project.exportState()).not.toContain(follower.url);
  });

  it("refresh finds no changes, and up --expect-no-changes passes", async () => {
    const refresh = await timed("pulumi refresh", () => project.refresh({ expectNoChanges: true }));
    expect(refresh.changes).toEqual({ same: 4 });
    const again = await timed("pulumi up --expect-no-changes", () => project.up({ expectNoChanges: true }));
    expect(again.changes).toEqual({ same: 4 });
  });

  it("with `options: refresh: always` (as in the top-level Pulumi.yaml), a plain `pulumi up` repairs an out-of-band pause", async () => {
    expect((await onFollower("POST", `/${FOLLOWER}/_ccr/pause_follow`)).status).toBe(200);
    expect((await followerInfo(FOLLOWER))?.status).toBe("paused");

    // The control: without a refresh the engine compares the program with the state, which still says active.
    const blind = await project.up({ refresh: false, expectNoChanges: true });
    expect(blind.changes).toEqual({ same: 4 });
    expect((await followerInfo(FOLLOWER))?.status).toBe("paused");

    const up = await timed("pulumi up (refresh: always, repairs)", () => project.up());
    expect(up.steps.some((s) => s.op === "refresh")).toBe(true);
    expect(up.changes).toMatchObject({ update: 1, same: 3 });
    expect(await followerInfo(FOLLOWER)).toMatchObject({ status: "active", leader_index: "orders" });
    expect((await project.outputs()).status).toBe("active");
  });

  it("destroy removes the follower, the pattern and the remote, and leaves the leader's data", async () => {
    const destroy = await timed("pulumi destroy", () => project.destroy());
    expect(destroy.changes).toEqual({ delete: 4 });
    expect(await followerInfo(FOLLOWER)).toBeUndefined();
    expect((await onFollower("GET", `/_ccr/auto_follow/${PATTERN}`)).status).toBe(404);
    expect(await remoteSettings()).toEqual({});
    expect(await leaderCount("orders")).toBe(20);
  });
});

describe("installing from a local path", () => {
  const program = `import { RemoteCluster } from "pulumi-elasticsearch-ccr";
new RemoteCluster("link", { alias: "${ALIAS}", seeds: ["127.0.0.1:9300"], connection: { urls: ["http://127.0.0.1:9"] } });
`;
  let dir: string;
  let project: PulumiProject;

  beforeAll(async () => {
    dir = path.join(work, "linked-project");
    writeProject(dir, "ccr-linked", program, false);
    // `npm install ../path` makes a symlink: the package then finds @pulumi/pulumi in the checkout's node_modules.
    await timed("npm install <path> (symlink)", () => npmInstall(dir, [repoRoot(), `@pulumi/pulumi@${SDK_VERSION}`, `typescript@${TS_VERSION}`]));
    expect(fs.lstatSync(path.join(dir, "node_modules", "pulumi-elasticsearch-ccr")).isSymbolicLink()).toBe(true);
    project = new PulumiProject({ dir, env, stack: `linked${RUN}` });
    await project.selectOrInit();
  }, 300_000);

  afterAll(async () => project?.removeStack());

  it("as a symlink: preview stops at load time naming both copies of @pulumi/pulumi and the fix", async () => {
    const preview = await project.preview({ allowFailure: true });
    expect(preview.code).not.toBe(0);
    const text = preview.errors.join("\n") || preview.stdout;
    expect(text).toContain("two copies of @pulumi/pulumi are loaded");
    expect(text).toContain(`the program's copy:  ${fs.realpathSync(path.join(dir, "node_modules", "@pulumi", "pulumi"))}`);
    expect(text).toContain(`this package's copy: ${fs.realpathSync(path.join(repoRoot(), "node_modules", "@pulumi", "pulumi"))}`);
    expect(text).toContain("npm install --install-links");
    // Instead of the failure it prevents (which the message quotes, so match the gRPC form): "13 INTERNAL: Request …".
    expect(text).not.toMatch(/INTERNAL: Request message serialization failure/);
  });

  it("with --install-links: a copy, and preview runs", async () => {
    await timed("npm install --install-links <path>", () => npmInstall(dir, [repoRoot()], ["--install-links"]));
    expect(fs.lstatSync(path.join(dir, "node_modules", "pulumi-elasticsearch-ccr")).isSymbolicLink()).toBe(false);
    const preview = await project.preview();
    expect(preview.changes).toEqual({ create: 2 });
  });

  it("`pulumi import` of a dynamic resource still fails in the shim (pulumi/pulumi#16175), with the language host too", async () => {
    // The engine reads the imported resource with only its id, so the shim has no serialized provider to load.
    // Pinned so that a CLI or SDK that fixes it is noticed; adoption by declaring is the tested way (lifecycle test).
    const r = await project.cli(["import", "pulumi-nodejs:dynamic/elasticsearch-ccr:RemoteCluster", "adopted", ALIAS, "--yes", "--non-interactive", "--stack", project.stack], { allowFailure: true });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/code must be a string, not undefined/);
  });
});
