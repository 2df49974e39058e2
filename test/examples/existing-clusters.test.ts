/**
 * Example (a), examples/existing-clusters, through the REAL `pulumi` CLI and the Node.js language host, on one stack
 * driven through every step of a user's life with it: preview → up → refresh (no changes) → up --expect-no-changes →
 * out-of-band drift made directly on the clusters → `pulumi preview --refresh`, `pulumi refresh --preview-only` and
 * the package's drift command show exactly that drift → `pulumi up` repairs it → a replace and an update shown by
 * preview → destroy (no follower, pattern or remote left; the leader's data stays).
 *
 * The clusters: two real nodes of CCR_ES_VERSION with security on, each behind the sandbox's EMULATED `_ccr` front,
 * a recording proxy (every request the provider sends is recorded: no preview may write) and an HTTPS edge with a
 * throw-away CA that accepts one API key (test/examples/api-key-gateway.ts says why API keys need that edge here).
 * The program reads both URLs and API keys from secret stack config and pins the edge's CA by fingerprint.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineEnv, OfflineEnv } from "../../sandbox/pulumi/engine";
import { OperationResult, PulumiProject } from "../../sandbox/pulumi/project";
import { startLocalClusters, LocalCluster, stopAll } from "../../sandbox/local";
import { esRequest } from "../../sandbox/es/http";
import { createTlsMaterial, TlsMaterial } from "../../sandbox/es/tls";
import { resolveEsVersion } from "../../sandbox/es/versions";
import { RecordedRequest, RecordingProxy, startRecordingProxy } from "../support/recording-proxy";
import { until, timerInto } from "../support/until";
import { runDriftCommand } from "../support/drift-command";
import { exampleProject } from "../support/example-project";
import { ApiKeyGateway, startApiKeyGateway } from "./api-key-gateway";

const RUN = `${process.pid}${Date.now().toString(36)}`;
const ALIAS = "leader";
const PATTERN = "new-indexes";
const FOLLOWERS = { "issues-copy": "issues", "prs-copy": "pull-requests", "wikis-copy": "wikis" };
const T = "pulumi-nodejs:dynamic/elasticsearch-ccr:";
const KEYS = { follower: Buffer.from(`fk${RUN}:follower-secret-${RUN}`).toString("base64"), leader: Buffer.from(`lk${RUN}:leader-secret-${RUN}`).toString("base64") };

let leader: LocalCluster;
let follower: LocalCluster;
let env: OfflineEnv;
let work: string;
let tls: TlsMaterial;
const proxies: RecordingProxy[] = [];
const gateways: ApiKeyGateway[] = [];
let project: PulumiProject;
const timings: string[] = [];

const timed = timerInto(timings);
/** `npx pulumi-elasticsearch-ccr drift --stack <stack> --cwd <project>` on this stack. */
const driftCommandRun = (extra: string[]) => runDriftCommand(project, extra);

const on = (c: LocalCluster, method: string, p: string, body?: unknown) => esRequest(c.url, method, p, body, { auth: c.auth });

async function followerInfo(index: string): Promise<{ status: string; leader_index: string; parameters?: Record<string, unknown> } | undefined> {
  const r = await on(follower, "GET", `/${index}/_ccr/info`);
  return r.status === 200 ? r.body?.follower_indices?.find((f: { follower_index: string }) => f.follower_index === index) : undefined;
}

async function remoteSettings(): Promise<Record<string, unknown>> {
  const r = await on(follower, "GET", "/_cluster/settings?flat_settings=true");
  return Object.fromEntries(Object.entries(r.body.persistent as Record<string, unknown>).filter(([k]) => k.startsWith(`cluster.remote.${ALIAS}.`)));
}

async function count(c: LocalCluster, index: string): Promise<number> {
  await on(c, "POST", `/${index}/_refresh`);
  return (await on(c, "GET", `/${index}/_count`)).body.count;
}

async function writeLeaderIndex(name: string, docs: number): Promise<void> {
  expect((await on(leader, "PUT", `/${name}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } })).status).toBe(200);
  const lines = Array.from({ length: docs }, (_, i) => `{"index":{"_id":"${i}"}}\n{"n":${i}}\n`).join("");
  const r = await esRequest(leader.url, "POST", `/${name}/_bulk?refresh=true`, lines, { auth: leader.auth, ndjson: true });
  expect(r.status).toBe(200);
}

/** What a step sent that writes (anything but GET/HEAD), on either cluster. */
function writesSince(marks: number[]): RecordedRequest[] {
  return proxies.flatMap((p, i) => p.since(marks[i])).filter((r) => r.method !== "GET" && r.method !== "HEAD");
}
const mark = () => proxies.map((p) => p.mark());

/** Runs a step that must only read: asserts that some request reached the clusters and that none of them wrote. */
async function readOnly<R>(what: string, fn: () => Promise<R>): Promise<R> {
  const m = mark();
  const r = await timed(what, fn);
  expect(writesSince(m), `${what} sent writes`).toEqual([]);
  return r;
}

/** `{ op, type }` of the resource steps (not the stack's, not the providers'), sorted, for exact comparisons. */
function stepsOf(r: OperationResult): string[] {
  return r.steps.filter((s) => !s.type.startsWith("pulumi:")).map((s) => `${s.op} ${s.type.replace(T, "")}::${s.urn.split("::").pop()}`).sort();
}

beforeAll(async () => {
  env = offlineEnv();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "ccr-example-a-"));
  [leader, follower] = await timed("two secure clusters", () => startLocalClusters({ count: 2, security: true, license: "trial", names: ["leader", "follower"] }));
  tls = createTlsMaterial(path.join(work, "tls"));
  for (const [c, key] of [[follower, KEYS.follower], [leader, KEYS.leader]] as const) {
    const rec = await startRecordingProxy(c.url);
    proxies.push(rec);
    gateways.push(await startApiKeyGateway({ target: rec.url, apiKey: key, nodeAuth: c.auth!, tls: { cert: tls.files.cert, key: tls.files.key } }));
  }
  for (const [i, leaderIndex] of Object.values(FOLLOWERS).entries()) await writeLeaderIndex(leaderIndex, 10 + i);

  project = await exampleProject({ example: "existing-clusters", work, env, stack: `a${RUN}` });
  await timed("stack config", async () => {
    // Secrets one by one through stdin (never on a command line); the rest in one `config set-all`.
    for (const [k, v] of Object.entries({ followerUrl: gateways[0].url, followerApiKey: KEYS.follower, leaderUrl: gateways[1].url, leaderApiKey: KEYS.leader })) {
      await project.setConfig(k, v, { secret: true });
    }
    const plain = {
      followerCaFingerprint: tls.caFingerprint,
      leaderCaFingerprint: tls.caFingerprint,
      leaderSeeds: JSON.stringify([leader.transportAddress]),
      followers: JSON.stringify(FOLLOWERS),
      leaderIndexPatterns: JSON.stringify(["logs-*"]),
      maxReadRequestOperationCount: "2048",
    };
    await project.cli(["config", "set-all", ...Object.entries(plain).flatMap(([k, v]) => ["--plaintext", `${k}=${v}`]), "--stack", project.stack]);
  });
}, 400_000);

afterAll(async () => {
  await project?.removeStack();
  for (const g of gateways) await g.close();
  for (const p of proxies) await p.close();
  await stopAll([leader, follower].filter(Boolean));
  for (const d of [work, env?.stateDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
  console.log(`[figure] example a on ${resolveEsVersion()}: ${timings.join("; ")}`);
}, 120_000);

describe(`example a (existing clusters, TLS + API keys) through the real CLI on Elasticsearch ${resolveEsVersion()}`, () => {
  it("keeps the endpoints and API keys encrypted in the stack file", () => {
    const stackFile = fs.readFileSync(path.join(project.dir, `Pulumi.${project.stack}.yaml`), "utf8");
    for (const k of ["followerUrl", "followerApiKey", "leaderUrl", "leaderApiKey"]) expect(stackFile).toMatch(new RegExp(`ccr-existing-clusters:${k}:\\s+secure: `));
    for (const s of [gateways[0].url, gateways[1].url, KEYS.follower, KEYS.leader]) expect(stackFile).not.toContain(s);
  });

  it("preview plans the link, three followers and the pattern, and writes nothing", async () => {
    const preview = await readOnly("preview", () => project.preview());
    expect(preview.changes).toEqual({ create: 6 });
    expect(await remoteSettings()).toEqual({});
    expect(await followerInfo("issues-copy")).toBeUndefined();
  });

  it("up creates them over TLS with the API keys; outputs show health; state holds no secret in plaintext", async () => {
    // The preview above is what up would show first: skip it here (one program run less).
    const up = await timed("up", () => project.up({ skipPreview: true }));
    expect(up.changes).toEqual({ create: 6 });
    const out = await project.outputs();
    expect(out).toMatchObject({ remoteConnected: true, patternActive: true, patternErrors: [] });
    expect(Object.keys(out.followerStatus as object).sort()).toEqual(Object.keys(FOLLOWERS).sort());
    for (const [f, l] of Object.entries(FOLLOWERS)) {
      expect(await followerInfo(f)).toMatchObject({ status: "active", leader_index: l, parameters: { max_read_request_operation_count: 2048 } });
    }
    await until(() => count(follower, "wikis-copy"), (n) => n === 12, 30_000, "12 documents on wikis-copy");
    const pat = await on(follower, "GET", `/_ccr/auto_follow/${PATTERN}`);
    expect(pat.body.patterns[0].pattern).toMatchObject({ remote_cluster: ALIAS, leader_index_patterns: ["logs-*"], follow_index_pattern: "{{leader_index}}-copy" });
    const state = await project.exportState();
    for (const s of [gateways[0].url, gateways[1].url, KEYS.follower, KEYS.leader]) expect(state).not.toContain(s);
    expect(gateways.map((g) => g.refused)).toEqual([0, 0]);
  });

  it("refresh finds no changes, and up --expect-no-changes passes", async () => {
    expect((await readOnly("refresh", () => project.refresh({ expectNoChanges: true }))).changes).toEqual({ same: 6 });
    expect((await readOnly("up --expect-no-changes", () => project.up({ expectNoChanges: true, skipPreview: true }))).changes).toEqual({ same: 6 });
  });

  it("out-of-band drift: preview --refresh, refresh --preview-only and the drift command show exactly it, writing nothing", async () => {
    // Made directly on the clusters, as an operator (or an accident) would.
    expect((await on(follower, "POST", "/issues-copy/_ccr/pause_follow")).status).toBe(200);
    expect((await on(follower, "POST", "/prs-copy/_ccr/pause_follow")).status).toBe(200);
    expect((await on(follower, "POST", "/prs-copy/_ccr/resume_follow", { max_read_request_operation_count: 999 })).status).toBe(200);
    expect((await on(follower, "DELETE", `/_ccr/auto_follow/${PATTERN}`)).status).toBe(200);
    expect((await on(leader, "DELETE", "/wikis")).status).toBe(200);
    // The follower's shard task stops with index_not_found (a fatal error; `_ccr/info` still says active).
    await until(async () => JSON.stringify((await on(follower, "GET", "/wikis-copy/_ccr/stats")).body), (b) => b.includes("fatal_exception"), 30_000, "wikis-copy failed");
    const nulls = Object.fromEntries(Object.keys(await remoteSettings()).map((k) => [k, null]));
    expect((await on(follower, "PUT", "/_cluster/settings", { persistent: nulls })).status).toBe(200);

    const drift = [
      "create AutoFollowPattern::new-indexes", "create RemoteCluster::leader",
      "refresh AutoFollowPattern::new-indexes", "refresh FollowerIndex::issues", "refresh FollowerIndex::pull-requests",
      "refresh FollowerIndex::wikis", "refresh RemoteCluster::leader",
      "update FollowerIndex::issues", "update FollowerIndex::pull-requests", "update FollowerIndex::wikis",
    ];
    const preview = await readOnly("preview --refresh (drift)", () => project.preview({ refresh: true }));
    expect(stepsOf(preview)).toEqual(drift);
    const tuning = preview.steps.find((s) => s.op === "update" && s.urn.endsWith("::pull-requests"))!;
    expect(tuning.new?.inputs?.maxReadRequestOperationCount).toBe(2048);

    // The refresh alone: the same five objects read, two gone from the cluster, three changed there.
    const refresh = await readOnly("refresh --preview-only (drift)", () => project.refresh({ previewOnly: true }));
    expect(stepsOf(refresh)).toEqual(drift.filter((d) => d.startsWith("refresh ")));
    expect(refresh.changes).toEqual({ delete: 2, update: 3, same: 1 });

    const r = await readOnly("drift command (drift)", () => driftCommandRun(["--json"]));
    expect(r.code, r.stderr.slice(-3000)).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.clean).toBe(false);
    expect([...report.findings].sort((a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name))).toEqual([
      { kind: "follower", name: "issues-copy", problem: "paused", detail: "paused outside Pulumi (declared active)" },
      { kind: "remote", name: ALIAS, problem: "missing", detail: "deleted outside Pulumi (in the state, not on the cluster)" },
      { kind: "pattern", name: PATTERN, problem: "missing", detail: "deleted outside Pulumi (in the state, not on the cluster)" },
      { kind: "follower", name: "prs-copy", problem: "changed", detail: "maxReadRequestOperationCount: 2048 → 999" },
      { kind: "follower", name: "wikis-copy", problem: "failed", detail: expect.stringContaining("no such index [wikis]") },
    ]);
    // Progress went to stderr, the report alone to stdout.
    expect(r.stderr).toContain("Previewing refresh");
  });

  it("pulumi up repairs the drift (the application recreated its deleted leader index meanwhile)", async () => {
    // CCR cannot follow a leader that is gone; the follower is recreated from the new leader index of the same name.
    await writeLeaderIndex("wikis", 5);
    const up = await timed("up (repair)", () => project.up({ skipPreview: true }));
    expect(up.changes).toMatchObject({ create: 2, update: 3, same: 1 });
    expect(await followerInfo("issues-copy")).toMatchObject({ status: "active", leader_index: "issues" });
    expect(await followerInfo("prs-copy")).toMatchObject({ status: "active", parameters: { max_read_request_operation_count: 2048 } });
    expect(await followerInfo("wikis-copy")).toMatchObject({ status: "active", leader_index: "wikis" });
    await until(() => count(follower, "wikis-copy"), (n) => n === 5, 30_000, "the recreated leader's 5 documents on wikis-copy");
    expect((await on(follower, "GET", `/_ccr/auto_follow/${PATTERN}`)).status).toBe(200);
    expect(await remoteSettings()).toMatchObject({ [`cluster.remote.${ALIAS}.seeds`]: [leader.transportAddress] });

    const clean = await readOnly("drift command (clean)", () => driftCommandRun([]));
    expect(clean.code, clean.stderr.slice(-3000)).toBe(0);
    expect(clean.stdout).toBe(`stack ${project.stack}: no drift (followers, patterns and remotes as declared)\n`);
  });

  it("preview shows a follower rename as a replace with its reason and a tuning change as an update, writing nothing", async () => {
    await project.setConfig("followers", JSON.stringify({ ...FOLLOWERS, "issues-copy": undefined, "issues-mirror": "issues" }));
    await project.setConfig("maxReadRequestOperationCount", "4096");
    try {
      const preview = await readOnly("preview (replace + update)", () => project.preview({ refresh: false }));
      expect(stepsOf(preview)).toEqual([
        "create-replacement FollowerIndex::issues", "delete-replaced FollowerIndex::issues", "replace FollowerIndex::issues",
        "same AutoFollowPattern::new-indexes", "same RemoteCluster::leader",
        "update FollowerIndex::pull-requests", "update FollowerIndex::wikis",
      ]);
      expect(preview.steps.find((s) => s.op === "replace")?.keys).toEqual(["name"]);
      // The display (`--diff`) says the same: the rename replaces (its reason, the name), the tuning updates.
      expect(preview.stdout).toMatch(/\+-pulumi-nodejs:dynamic\/elasticsearch-ccr:FollowerIndex: \(replace\)\s*\n\s*\[id=issues-copy\]/);
      expect(preview.stdout).toMatch(/~ name\s*: "issues-copy" => "issues-mirror"/);
      expect(preview.stdout).toMatch(/~ pulumi-nodejs:dynamic\/elasticsearch-ccr:FollowerIndex: \(update\)\s*\n\s*\[id=prs-copy\]/);
      expect(preview.stdout).toMatch(/~ maxReadRequestOperationCount: 2048 => 4096/);
    } finally {
      await project.setConfig("followers", JSON.stringify(FOLLOWERS));
      await project.setConfig("maxReadRequestOperationCount", "2048");
    }
  });

  it("destroy leaves no follower, pattern or remote setting, and the leader's data", async () => {
    const destroy = await timed("destroy", () => project.destroy({ skipPreview: true }));
    expect(destroy.changes).toEqual({ delete: 6 });
    for (const f of Object.keys(FOLLOWERS)) expect(await followerInfo(f)).toBeUndefined();
    const settings = await on(follower, "GET", "/_all/_settings?flat_settings=true&expand_wildcards=all");
    const followers = Object.entries(settings.body as Record<string, { settings: Record<string, string> }>).filter(([, v]) => v.settings["index.xpack.ccr.following_index"]).map(([k]) => k);
    expect(followers).toEqual([]);
    expect((await on(follower, "GET", `/_ccr/auto_follow/${PATTERN}`)).status).toBe(404);
    expect(await remoteSettings()).toEqual({});
    // Followers are kept as regular indexes (deletePolicy "keep"), and the leader was never touched.
    expect(await count(follower, "issues-copy")).toBe(10);
    expect([await count(leader, "issues"), await count(leader, "pull-requests"), await count(leader, "wikis")]).toEqual([10, 11, 5]);
  });
});
