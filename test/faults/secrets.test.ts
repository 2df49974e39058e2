/**
 * Secrets never in plaintext, with REAL credentials: a node of the security variant (basic auth of a file-realm
 * superuser, and a service-account bearer token) behind the sandbox's EMULATED `_ccr` front, driven by the REAL CLI
 * and language host in a project directory (secrets.program.js). The password and the token are stack config
 * secrets (`pulumi config set --secret`), used by a RemoteCluster (basic, from stack config `elasticsearch-ccr:*`) and an
 * AutoFollowPattern (its leaderConnection with the bearer token).
 *
 * Grepped for every credential (plain, and as the Basic header's base64): the state export, the CLI's output of
 * `up`/`refresh`/`destroy` at `-v=9 --logtostderr --logflow` and `--debug` (the provider's own log lines and stderr flow
 * into it), every file the backend and PULUMI_HOME hold, and the error messages of ups that fail because of a wrong
 * password and a wrong token (which are credentials too).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineEnv, OfflineEnv } from "../../sandbox/pulumi/engine";
import { OperationResult, PulumiProject } from "../../sandbox/pulumi/project";
import { EsNode, startNode } from "../../sandbox/es/node";
import { CcrFront, startCcrFront } from "../../sandbox/ccr/front";
import { repoRoot } from "../../sandbox/paths";
import { esRequest } from "../../sandbox/es/http";
import { resolveEsVersion } from "../../sandbox/es/versions";

let node: EsNode;
let front: CcrFront;
let env: OfflineEnv;
let dir: string;
let project: PulumiProject;
const outputs: Array<{ what: string; text: string }> = [];
const wrong = { password: `wrong-${randomBytes(8).toString("hex")}`, token: `AAEAAWVsYXN0aWMvZmxlZXQtc2VydmVyL${randomBytes(12).toString("hex")}` };

const VERBOSE = ["-v=9", "--logtostderr", "--logflow", "--debug"];

function credentials(): Array<[string, string]> {
  const { username, password } = node.auth!;
  const basic = (p: string) => Buffer.from(`${username}:${p}`).toString("base64");
  return [
    ["password", password], ["basic header", basic(password)], ["bearer token", node.bearerToken!],
    ["wrong password", wrong.password], ["wrong basic header", basic(wrong.password)], ["wrong token", wrong.token],
  ];
}

function keep(what: string, r: OperationResult | { stdout: string; stderr?: string }): void {
  outputs.push({ what, text: `${r.stdout}\n${r.stderr ?? ""}\n${"errors" in r ? r.errors.join("\n") : ""}` });
}

/** Every file under `root` (the backend's state, history and backups; PULUMI_HOME's logs and plugins' files). */
function filesUnder(root: string): string[] {
  return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

beforeAll(async () => {
  env = offlineEnv();
  node = await startNode({ security: true, clusterName: `secrets-${process.pid}`, license: "trial" });
  front = await startCcrFront({ node, stateDir: fs.mkdtempSync(path.join(env.stateDir, "ccr-")) });
  dir = path.join(repoRoot(), ".pulumi-work", `secrets-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: secrets\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n");
  fs.copyFileSync(path.join(__dirname, "secrets.program.js"), path.join(dir, "index.js"));
  project = new PulumiProject({ dir, env, stack: "secrets", extraEnv: { SECRETS_SEEDS: node.transportAddress } });
  await project.selectOrInit();
  await project.setConfig("elasticsearch-ccr:urls", front.url);
  await project.setConfig("elasticsearch-ccr:username", node.auth!.username);
  await project.setConfig("elasticsearch-ccr:password", node.auth!.password, { secret: true });
  await project.setConfig("token", node.bearerToken!, { secret: true });
}, 400_000);

afterAll(async () => {
  await front?.stop();
  await node?.stop();
  for (const d of [dir, env?.stateDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
}, 120_000);

describe(`no credential in plaintext anywhere (security variant, Elasticsearch ${resolveEsVersion()})`, () => {
  it("up, refresh and a no-change up at -v=9 --logtostderr --logflow --debug", async () => {
    const up = await project.up({ allowFailure: true, extraArgs: VERBOSE });
    keep("up -v=9 --debug", up);
    expect(up.code, up.errors.join("\n") || up.stderr.slice(-3000)).toBe(0);
    // The credentials were really used: the remote is configured on the secured node, the pattern exists.
    const s = await node.request("GET", "/_cluster/settings?flat_settings=true");
    expect(s.body.persistent["cluster.remote.self.seeds"]).toEqual([node.transportAddress]);
    expect((await esRequest(front.url, "GET", "/_ccr/auto_follow/secret-pattern", undefined, { auth: node.auth })).status).toBe(200);
    keep("refresh -v=9 --debug", await project.refresh({ extraArgs: VERBOSE }));
    keep("up --expect-no-changes -v=9", await project.up({ expectNoChanges: true, extraArgs: VERBOSE }));
    keep("stack export", { stdout: await project.exportState() });
    keep("stack output", await project.cli(["stack", "output", "--json", "--stack", "secrets"]));
  });

  it("ups that fail on a wrong password and on a wrong token", async () => {
    await project.setConfig("elasticsearch-ccr:password", wrong.password, { secret: true });
    const withExtra = new PulumiProject({ dir, env, stack: "secrets", extraEnv: { SECRETS_SEEDS: node.transportAddress, SECRETS_EXTRA: "1" } });
    const badPassword = await withExtra.up({ allowFailure: true, extraArgs: VERBOSE });
    keep("up with a wrong password", badPassword);
    expect(badPassword.code, badPassword.stdout.slice(-3000)).not.toBe(0);
    expect(badPassword.errors.join("\n")).toMatch(/401|security_exception|unable to authenticate/i);
    await project.setConfig("elasticsearch-ccr:password", node.auth!.password, { secret: true });
    await project.setConfig("token", wrong.token, { secret: true });
    const badToken = await withExtra.up({ allowFailure: true, extraArgs: VERBOSE });
    keep("up with a wrong token", badToken);
    expect(badToken.code, badToken.stdout.slice(-3000)).not.toBe(0);
    expect(badToken.errors.join("\n")).toMatch(/401|security_exception|unable to authenticate/i);
    await project.setConfig("token", node.bearerToken!, { secret: true });
    const d = await project.destroy({ allowFailure: true, extraArgs: VERBOSE });
    keep("destroy -v=9", d);
    expect(d.code, d.errors.join("\n")).toBe(0);
  });

  it("no credential appears in any output, error, state export or file of the backend", () => {
    const found: string[] = [];
    const texts = [...outputs, ...filesUnder(env.stateDir).filter((f) => !f.includes(`${path.sep}plugins${path.sep}`)).map((f) => ({ what: path.relative(env.stateDir, f), text: fs.readFileSync(f, "latin1") }))];
    for (const { what, text } of texts) for (const [kind, value] of credentials()) if (text.includes(value)) found.push(`${kind} in ${what}`);
    expect(found).toEqual([]);
    // The grep is not vacuous: the verbose output is large, and it does carry the (redacted) connection.
    const verbose = outputs.find((o) => o.what === "up -v=9 --debug")!.text;
    expect(verbose.length).toBeGreaterThan(50_000);
    expect(verbose).toContain(node.auth!.username);
    console.log(`[secrets] grepped ${texts.length} outputs and files, ${(texts.reduce((n, t) => n + t.text.length, 0) / 1e6).toFixed(1)} MB, for ${credentials().length} credentials`);
  });
});
