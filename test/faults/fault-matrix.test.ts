/**
 * The fault matrix: real `pulumi up`s (and a `destroy`) through the REAL CLI and Node.js language host
 * (sandbox/pulumi/project.ts) in a project directory (program.js, the declaration from FAULT_DECL), against two local
 * clusters of CCR_ES_VERSION (real Elasticsearch behind the sandbox's EMULATED `_ccr` layer). The provider reaches both
 * clusters only through the fault-injecting recording proxy (test/support/recording-proxy.ts, a test tool); the
 * follower node reaches the leader's transport port only through a TCP forwarder (test/support/tcp-proxy.ts: the
 * remote is in proxy mode) that can partition the two; nodes are SIGKILLed and restarted on the same data
 * (EsNode.kill/restart); the CLI itself is interrupted (SIGINT, SIGKILL).
 *
 * Every case is one step of one stack: arm the faults, `up` the new declaration, then (when that `up` failed, as it
 * may) `up` again without faults, and check:
 * - converged: the follower cluster has exactly the declared followers (status as declared), patterns and remote,
 *   and the leader cluster none of them (nothing is ever written there);
 * - state matches the clusters: `pulumi refresh --expect-no-changes` right after;
 * - no document lost: each active follower has exactly its leader's document ids and versions once caught up.
 * The last case destroys the stack with lost answers. The table of cases and outcomes is printed at the end
 * ([fault-matrix] lines).
 *
 * Two sizes: the integration project (`npm test`, per version) runs every case except the leader node's SIGKILL;
 * `npx vitest run --project faults` (CCR_FAULTS=full) runs that one too. Ups and refreshes skip their preview: an
 * up's preview only runs check and diff (no request, tested elsewhere), a refresh's reads everything a second time;
 * each costs a program run per step.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineEnv, OfflineEnv } from "../../sandbox/pulumi/engine";
import { OperationResult, PulumiProject } from "../../sandbox/pulumi/project";
import { LocalCluster, startLocalClusters, stopAll } from "../../sandbox/local";
import { esRequest } from "../../sandbox/es/http";
import { repoRoot } from "../../sandbox/paths";
import { resolveEsVersion } from "../../sandbox/es/versions";
import { lookup, register, unregister } from "../../sandbox/ccr/registry";
import { Match, RecordingProxy, startRecordingProxy } from "../support/recording-proxy";
import { startTcpProxy, TcpProxy } from "../support/tcp-proxy";
import { until } from "../support/until";

interface FollowerDecl {
  name: string; leader: string; status: "active" | "paused"; deletePolicy: "keep" | "delete"; after?: string; adoptedOnDestroy?: "release" | "destroy";
}
interface Decl {
  followerUrl: string; leaderUrl: string; proxyAddress: string; requestTimeoutSeconds: number; skipUnavailable: boolean;
  followers: FollowerDecl[]; patterns: Array<{ name: string; leaderIndexPatterns: string[] }>;
}
interface Row { name: string; faultUp: string; ups: number; refresh: string; orphans: string; docs: string; seconds: number }

const VERSION = resolveEsVersion();
/** The full matrix (the `faults` project sets it); without it the leader-node SIGKILL case is reported as skipped. */
const FULL = process.env.CCR_FAULTS === "full";
const CASE_MS = 600_000;
let leader: LocalCluster;
let follower: LocalCluster;
let proxies: { leader: RecordingProxy; follower: RecordingProxy };
/** Between the follower node and the leader node's transport port. */
let link: TcpProxy;
let env: OfflineEnv;
let dir: string;
let decl: Decl;
const rows: Row[] = [];
const started = Date.now();

const on = (c: LocalCluster, method: string, p: string, body?: unknown) => esRequest(c.url, method, p, body);
const path0 = (p: string) => p.split("?")[0];
const is = (method: string, p: string): Match => (m, x) => m === method && path0(x) === p;
const f = (name: string, leaderIndex: string, o: Partial<FollowerDecl> = {}): FollowerDecl => ({ name, leader: leaderIndex, status: "active", deletePolicy: "keep", ...o });

function project(d: Decl): PulumiProject {
  return new PulumiProject({ dir, env, stack: "faults", extraEnv: { FAULT_DECL: JSON.stringify(d) } });
}

async function leaderIndex(name: string, docs: number): Promise<void> {
  expect((await on(leader, "PUT", `/${name}`, { settings: { number_of_shards: 1, number_of_replicas: 0 } })).status).toBe(200);
  await writeDocs(name, docs);
}

/** New documents and a re-write of document 0 (so versions differ from 1) on the leader. */
async function writeDocs(index: string, n: number): Promise<void> {
  const count = (await on(leader, "GET", `/${index}/_count`)).body?.count ?? 0;
  const lines = Array.from({ length: n }, (_, i) => `{"index":{"_id":"${count + i}"}}\n{"n":${count + i}}\n`).join("") + `{"index":{"_id":"0"}}\n{"n":0,"again":${Date.now()}}\n`;
  const r = await fetch(`${leader.node.httpUrl}/${index}/_bulk?refresh=true`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: lines });
  expect(r.status).toBe(200);
}

async function followersOn(c: LocalCluster): Promise<string[]> {
  const r = await on(c, "GET", "/_all/_settings/index.xpack.ccr.following_index?expand_wildcards=all&flat_settings=true");
  return Object.entries(r.body ?? {}).filter(([, v]) => (v as { settings?: Record<string, unknown> }).settings?.["index.xpack.ccr.following_index"]).map(([k]) => k).sort();
}

async function statusOf(name: string): Promise<string | undefined> {
  const r = await on(follower, "GET", `/${name}/_ccr/info`);
  return r.body?.follower_indices?.[0]?.status;
}

async function remotesOn(c: LocalCluster): Promise<Record<string, unknown>> {
  const s = (await on(c, "GET", "/_cluster/settings?flat_settings=true")).body;
  return Object.fromEntries(Object.entries({ ...s.persistent, ...s.transient }).filter(([k]) => /^cluster\.remote\./.test(k)));
}

async function remoteConnected(): Promise<boolean> {
  return (await on(follower, "GET", "/_remote/info")).body?.leader?.connected === true;
}

async function docsOf(c: LocalCluster, index: string): Promise<string> {
  await on(c, "POST", `/${index}/_refresh`);
  const r = await on(c, "GET", `/${index}/_search?size=10000&version=true&_source=false&sort=_doc`);
  return (r.body?.hits?.hits ?? []).map((h: { _id: string; _version: number }) => `${h._id}@${h._version}`).sort().join(",");
}

/** Every difference between the declaration and the clusters (empty: converged, nothing orphaned). */
async function orphansAndGaps(d: Decl): Promise<string[]> {
  const out: string[] = [];
  const want = d.followers.map((x) => x.name).sort();
  const have = await followersOn(follower);
  if (JSON.stringify(have) !== JSON.stringify(want)) out.push(`followers ${have.join(",")} != declared ${want.join(",")}`);
  for (const x of d.followers) {
    const s = await statusOf(x.name);
    if (s !== x.status) out.push(`${x.name} is ${s}, declared ${x.status}`);
  }
  const patterns = ((await on(follower, "GET", "/_ccr/auto_follow")).body?.patterns ?? []).map((p: { name: string }) => p.name).sort();
  if (JSON.stringify(patterns) !== JSON.stringify(d.patterns.map((p) => p.name).sort())) out.push(`patterns ${patterns.join(",")}`);
  const remotes = await remotesOn(follower);
  const wantRemotes = { "cluster.remote.leader.mode": "proxy", "cluster.remote.leader.proxy_address": d.proxyAddress, "cluster.remote.leader.skip_unavailable": String(d.skipUnavailable) };
  if (JSON.stringify(Object.entries(remotes).sort()) !== JSON.stringify(Object.entries(wantRemotes).sort())) out.push(`remote settings ${JSON.stringify(remotes)}`);
  // Nothing on the leader: no follower, pattern or remote was ever written there.
  if ((await followersOn(leader)).length) out.push(`followers on the leader: ${(await followersOn(leader)).join(",")}`);
  if (((await on(leader, "GET", "/_ccr/auto_follow")).body?.patterns ?? []).length) out.push("patterns on the leader");
  if (Object.keys(await remotesOn(leader)).length) out.push("remote settings on the leader");
  // State: exactly the declared resources.
  const state = JSON.parse(await project(d).exportState());
  const names = (type: string) => (state.deployment.resources ?? []).filter((r: { type: string }) => r.type.endsWith(`:${type}`)).map((r: { outputs?: { name?: string } }) => r.outputs?.name).sort();
  if (JSON.stringify(names("FollowerIndex")) !== JSON.stringify(want)) out.push(`state followers ${names("FollowerIndex").join(",")}`);
  if (JSON.stringify(names("AutoFollowPattern")) !== JSON.stringify(d.patterns.map((p) => p.name).sort())) out.push(`state patterns ${names("AutoFollowPattern").join(",")}`);
  return out;
}

/** Each active follower has exactly the leader's document ids and versions once caught up. */
async function lostDocuments(d: Decl): Promise<string[]> {
  const out: string[] = [];
  for (const x of d.followers.filter((y) => y.status === "active")) {
    const want = await docsOf(leader, x.leader);
    try {
      await until(() => docsOf(follower, x.name), (got) => got === want, 60_000, `${x.name} caught up with ${x.leader}`);
    } catch {
      out.push(`${x.name}: ${await docsOf(follower, x.name)} != leader ${want}`);
    }
  }
  return out;
}

/** A process's descendants (from /proc): what a SIGKILLed CLI leaves running (language host, provider plugins). */
function descendants(pid: number): number[] {
  const kids: number[] = [];
  try {
    for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
      kids.push(...fs.readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
    }
  } catch {
    return [];
  }
  return kids.flatMap((k) => [k, ...descendants(k)]);
}
/** Processes left behind by the killed CLI, ended by the test (by PID) once the case no longer needs them. */
const orphans: number[] = [];
const endOrphans = () => {
  for (const p of orphans.splice(0)) try { process.kill(p, "SIGKILL"); } catch { /* gone */ }
};

const brief = (r: OperationResult) => (r.code === 0 ? "ok" : `failed: ${(r.errors.find((e) => !/update failed|preview failed/.test(e)) ?? r.errors[0] ?? (r.stderr.trim().split("\n").pop() || `exit ${r.code}, no error reported (killed)`)).replace(/\s+/g, " ").slice(0, 110)}`);

/**
 * One case: `arm` the faults, `up` to `next`; then, with every fault gone (`heal`), `up` again when the first one did
 * not succeed; then the checks. Returns the first `up`'s result for case-specific assertions.
 */
async function runCase(name: string, next: Decl, o: { arm?: () => void; heal?: () => Promise<void>; first?: (p: PulumiProject) => Promise<OperationResult> } = {}): Promise<OperationResult> {
  const t0 = Date.now();
  decl = next;
  o.arm?.();
  const first = await (o.first ? o.first(project(next)) : project(next).up({ allowFailure: true, skipPreview: true }));
  proxies.follower.clearFaults();
  proxies.leader.clearFaults();
  await o.heal?.();
  let ups = 1;
  let last = first;
  if (first.code !== 0) {
    last = await project(next).up({ allowFailure: true, skipPreview: true });
    ups++;
  }
  const refresh = await project(next).refresh({ expectNoChanges: true, allowFailure: true, skipPreview: true });
  const gaps = await orphansAndGaps(next);
  const lost = await lostDocuments(next);
  rows.push({
    name, faultUp: brief(first), ups, refresh: refresh.code === 0 ? "no changes" : `changes: ${JSON.stringify(refresh.changes)}`,
    orphans: gaps.length ? gaps.join("; ") : "none", docs: lost.length ? lost.join("; ") : "none lost", seconds: (Date.now() - t0) / 1000,
  });
  expect(last.code, `${name}: the next up converges\n${last.errors.join("\n")}`).toBe(0);
  expect(refresh.code, `${name}: refresh right after shows no changes\n${refresh.stdout.slice(-2000)}`).toBe(0);
  expect(gaps, `${name}: clusters match the declaration`).toEqual([]);
  expect(lost, `${name}: no document lost`).toEqual([]);
  return first;
}

beforeAll(async () => {
  env = offlineEnv();
  [leader, follower] = await startLocalClusters({ count: 2, restoreDelayMs: 200 });
  proxies = { leader: await startRecordingProxy(leader.url), follower: await startRecordingProxy(follower.url) };
  link = await startTcpProxy(leader.transportAddress);
  // The emulated layer finds the leader's front by the remote's address (sandbox/ccr/registry.ts): the forwarder's
  // address leads to the same leader.
  register({ ...lookup(leader.transportAddress)!, transportAddress: link.address });
  await Promise.all([leaderIndex("orders", 20), leaderIndex("events", 10), leaderIndex("audit", 5), leaderIndex("gone", 3)]);
  dir = path.join(repoRoot(), ".pulumi-work", `faults-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: faults\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n");
  fs.copyFileSync(path.join(__dirname, "program.js"), path.join(dir, "index.js"));
  decl = {
    followerUrl: proxies.follower.url, leaderUrl: proxies.leader.url, proxyAddress: link.address, requestTimeoutSeconds: 5,
    skipUnavailable: false, followers: [], patterns: [],
  };
  await project(decl).selectOrInit();
}, 400_000);

afterAll(async () => {
  const line = (r: string[]) => `| ${r.join(" | ")} |`;
  const table = [
    line(["case", "faulted up", "ups to converge", "refresh after", "orphans / gaps", "documents", "s"]),
    line(["---", "---", "---", "---", "---", "---", "---"]),
    ...rows.map((r) => line([r.name, r.faultUp, String(r.ups), r.refresh, r.orphans, r.docs, r.seconds.toFixed(0)])),
  ];
  console.log(`[fault-matrix] Elasticsearch ${VERSION}, ${FULL ? "full matrix" : "CI matrix (without the leader node's SIGKILL)"}, ${((Date.now() - started) / 1000).toFixed(0)} s in all\n${table.map((l) => `[fault-matrix] ${l}`).join("\n")}`);
  endOrphans();
  // The last case destroys the stack; if it did not run or failed, clean up without faults.
  proxies?.follower.clearFaults();
  proxies?.leader.clearFaults();
  link?.heal();
  if (decl && dir && fs.existsSync(dir) && !destroyed) {
    await project({ ...decl, followers: decl.followers.map((x) => ({ ...x, deletePolicy: "delete" })) }).destroy({ allowFailure: true, skipPreview: true }).catch(() => undefined);
  }
  if (link) unregister(link.address, lookup(link.address)?.frontUrl ?? "");
  await Promise.allSettled([proxies?.leader.close(), proxies?.follower.close(), link?.close()]);
  await stopAll([leader, follower].filter(Boolean));
  for (const d of [dir, env?.stateDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
}, 300_000);

let destroyed = false;

describe(`fault matrix through the real CLI on Elasticsearch ${VERSION}`, () => {
  it("lost answers to create writes (cluster settings, follow, put pattern) after the cluster applied them", async () => {
    const r = await runCase("answer lost: cluster settings (create remote), follow, put pattern", {
      ...decl,
      followers: [f("orders-copy", "orders"), f("events-copy", "events", { deletePolicy: "delete" }), f("audit-copy", "audit")],
      patterns: [{ name: "logs", leaderIndexPatterns: ["logs-*"] }],
    }, {
      arm: () => {
        proxies.follower.loseAnswer(is("PUT", "/_cluster/settings"));
        proxies.follower.loseAnswer(is("PUT", "/orders-copy/_ccr/follow"));
        proxies.follower.loseAnswer(is("PUT", "/_ccr/auto_follow/logs"));
      },
    });
    expect(proxies.follower.requests.filter((x) => x.lost).length).toBe(3);
    expect(r.code).toBe(0); // each lost answer is re-read and re-planned within the same up
  }, CASE_MS);

  it("lost answers to pause, a cluster settings update, unfollow and deletes (pattern, follower index)", async () => {
    await writeDocs("orders", 3);
    const m = proxies.follower.mark();
    const r = await runCase("answer lost: pause, cluster settings (update), unfollow, delete pattern, delete index", {
      ...decl, skipUnavailable: true, followers: [{ ...decl.followers[0], status: "paused" }], patterns: [],
    }, {
      arm: () => {
        proxies.follower.loseAnswer(is("POST", "/orders-copy/_ccr/pause_follow"));
        proxies.follower.loseAnswer(is("PUT", "/_cluster/settings"));
        proxies.follower.loseAnswer(is("POST", "/audit-copy/_ccr/unfollow"));
        proxies.follower.loseAnswer(is("DELETE", "/events-copy"));
        proxies.follower.loseAnswer(is("DELETE", "/_ccr/auto_follow/logs"));
      },
    });
    expect(proxies.follower.since(m).filter((x) => x.lost).map((x) => `${x.method} ${path0(x.path)}`).sort()).toEqual([
      "DELETE /_ccr/auto_follow/logs", "DELETE /events-copy", "POST /audit-copy/_ccr/unfollow", "POST /orders-copy/_ccr/pause_follow", "PUT /_cluster/settings",
    ]);
    expect(r.code).toBe(0);
    // The kept follower is a regular index now, with its data; the deleted one is gone.
    expect((await on(follower, "GET", "/audit-copy/_count")).body.count).toBe(5);
    expect((await on(follower, "GET", "/events-copy")).status).toBe(404);
  }, CASE_MS);

  it("a lost answer to resume; timeouts, connection resets, 429 and 503 bursts and slow nodes", async () => {
    await writeDocs("orders", 2);
    await writeDocs("events", 4);
    const m = proxies.follower.mark();
    const r = await runCase("answer lost: resume; timeouts (a write, a read), resets, 429 burst, 503 bursts, slow nodes", {
      ...decl, followers: [{ ...decl.followers[0], status: "active" }, f("events-copy", "events", { deletePolicy: "delete" })],
      patterns: [{ name: "logs", leaderIndexPatterns: ["logs-*"] }],
    }, {
      arm: () => {
        const anyGet: Match = (method) => method === "GET";
        proxies.follower.loseAnswer(is("POST", "/orders-copy/_ccr/resume_follow"));
        proxies.follower.inject(anyGet, { kind: "status", status: 429 }, 3);
        proxies.follower.inject(is("PUT", "/events-copy/_ccr/follow"), { kind: "status", status: 503 }, 2);
        proxies.follower.inject((method, p) => method === "GET" && path0(p).endsWith("/_ccr/info"), { kind: "reset" }, 2);
        proxies.follower.inject((method, p) => method === "GET" && path0(p).endsWith("/_settings"), { kind: "hang" }, 1);
        proxies.follower.inject(is("PUT", "/_ccr/auto_follow/logs"), { kind: "hang" }, 1);
        proxies.leader.inject(anyGet, { kind: "status", status: 503 }, 2);
        proxies.follower.inject(() => true, { kind: "delay", ms: 300 }, 10_000);
        proxies.leader.inject(() => true, { kind: "delay", ms: 300 }, 10_000);
      },
    });
    const seen = proxies.follower.since(m);
    const faults = seen.map((x) => x.fault).filter(Boolean);
    for (const k of ["lose", "status", "reset", "hang", "delay"]) expect(faults, `${k} fired`).toContain(k);
    const hung = seen.filter((x) => x.fault === "hang").map((x) => `${x.method} ${path0(x.path)}`);
    expect(hung, "a read and a write timed out").toHaveLength(2);
    expect(hung).toContain("PUT /_ccr/auto_follow/logs");
    expect(r.code).toBe(0); // retried (reads, certainly-unapplied writes) or re-planned (the timed-out write, the lost resume)
  }, CASE_MS);

  it("the network between the clusters partitioned while a follower is created (the remote unreachable), then healed", async () => {
    let partitioned = false;
    const r = await runCase("network partition between the clusters during a create (remote unreachable); healed", {
      ...decl, followers: [...decl.followers, f("audit-copy2", "audit")],
    }, {
      arm: () => proxies.follower.inject(is("PUT", "/audit-copy2/_ccr/follow"), {
        kind: "hook", run: async () => {
          link.partition();
          // Forward the follow only once the follower node has seen its remote connection drop.
          await until(remoteConnected, (c) => !c, 20_000, "the follower node sees the remote disconnected");
          partitioned = true;
        },
      }),
      heal: async () => {
        // Nothing half-made on the follower while the leader was unreachable.
        expect(await followersOn(follower)).not.toContain("audit-copy2");
        expect((await on(follower, "GET", "/audit-copy2")).status).toBe(404);
        link.heal();
      },
    });
    expect(partitioned).toBe(true);
    expect(r.code).not.toBe(0);
    expect(r.errors.join("\n")).toMatch(/audit-copy2[\s\S]*not connected/);
  }, CASE_MS);

  it("the follower's node SIGKILLed mid-up right after it applied a follow, then restarted", async () => {
    await writeDocs("orders", 2);
    await runCase("follower node SIGKILLed mid-up (after applying follow); restarted", {
      ...decl, followers: [...decl.followers, f("orders-copy2", "orders")],
    }, {
      arm: () => proxies.follower.inject(is("PUT", "/orders-copy2/_ccr/follow"), {
        kind: "lose", after: async () => {
          proxies.follower.down();
          await follower.node.kill();
        },
      }),
      heal: async () => {
        await follower.node.restart();
        proxies.follower.up();
      },
    });
  }, CASE_MS);

  // Skipped in `npm test` (runs in the `faults` project): the partition case already covers an unreachable leader
  // there at a fraction of the time, while this one costs a JVM restart of the leader per version in CI's budget.
  it.skipIf(!FULL)("[full matrix only] the leader's node SIGKILLed mid-up (while a follower is created), then restarted", async () => {
    await writeDocs("events", 2);
    const r = await runCase("leader node SIGKILLed mid-up (during a create); restarted", {
      ...decl, followers: [...decl.followers, f("events-copy2", "events")],
    }, {
      arm: () => proxies.follower.inject(is("PUT", "/events-copy2/_ccr/follow"), { kind: "hook", run: () => leader.node.kill() }),
      heal: () => leader.node.restart(),
    });
    expect(r.code).not.toBe(0);
  }, CASE_MS);

  it("the leader index deleted mid-up: up fails naming it, leaves nothing behind, and converges once it is back", async () => {
    let deleted = false;
    const r = await runCase("leader index deleted mid-up (then restored)", {
      ...decl, followers: [...decl.followers, f("gone-copy", "gone")],
    }, {
      arm: () => proxies.follower.inject(is("PUT", "/gone-copy/_ccr/follow"), {
        kind: "hook", run: async () => {
          deleted = (await on(leader, "DELETE", "/gone")).status === 200;
        },
      }),
      heal: async () => {
        // Nothing half-made on the follower before the operator restores the leader index.
        expect(await followersOn(follower)).not.toContain("gone-copy");
        await leaderIndex("gone", 2);
      },
    });
    expect(deleted).toBe(true);
    expect(r.code).not.toBe(0);
    expect(r.errors.join("\n")).toMatch(/gone/);
  }, CASE_MS);

  let cli: ChildProcess | undefined;
  let signalled = false;
  // The hook first: the proxy applies the first armed fault that matches a request, and the delay matches them all.
  const withSignal = (signal: NodeJS.Signals, index: string) => () => {
    signalled = false;
    proxies.follower.inject(is("PUT", `/${index}/_ccr/follow`), {
      kind: "hook", run: () => {
        if (signal === "SIGKILL" && cli?.pid) orphans.push(...descendants(cli.pid));
        signalled = cli?.kill(signal) === true;
      },
    });
    proxies.follower.inject(() => true, { kind: "delay", ms: 400 }, 10_000);
  };
  const interrupted = (p: PulumiProject) => p.up({ allowFailure: true, skipPreview: true, onSpawn: (c) => (cli = c) });
  const refreshed = async (extraArgs: string[] = []) => {
    const r = await project(decl).refresh({ allowFailure: true, skipPreview: true, extraArgs });
    expect(r.code, r.stdout.slice(-2000)).toBe(0);
  };

  it("pulumi up interrupted (SIGINT) mid-up with work not started yet, then refresh and up", async () => {
    const a = await runCase("pulumi up SIGINT mid-up, then refresh and up", {
      // int-b waits for int-a: the interrupt comes while int-a is being created, so int-b is never started.
      ...decl, followers: [...decl.followers, f("int-a", "orders"), f("int-b", "events", { after: "int-a" })],
    }, {
      arm: withSignal("SIGINT", "int-a"), first: interrupted,
      heal: async () => {
        expect((await on(follower, "GET", "/int-b")).status).toBe(404);
        await refreshed();
      },
    });
    expect(signalled).toBe(true);
    expect(a.stdout).toMatch(/\^C received; cancelling/);
    expect(a.code).not.toBe(0);
  }, CASE_MS);

  it("pulumi up killed (SIGKILL) mid-up, then cancel, refresh and up", async () => {
    const k = await runCase("pulumi up SIGKILL mid-up, then refresh and up", {
      // The killed CLI never got the create's answer, so nothing in state says Pulumi made int-c: the next up adopts
      // it (provider/README.md, adoption), and a user who knows it was theirs declares adoptedOnDestroy: "destroy".
      ...decl, followers: [...decl.followers, f("int-c", "audit", { adoptedOnDestroy: "destroy" })],
    }, {
      arm: withSignal("SIGKILL", "int-c"), first: interrupted,
      // What a user does after a killed CLI: release the stack's lock if one is left, then refresh, dropping the
      // create the killed CLI left pending; the next up's create adopts what that create made on the cluster.
      heal: async () => {
        // The plugins the killed CLI started outlive it (they wait for an engine that is gone): end them, as the loss
        // of the machine running the CLI would.
        endOrphans();
        await project(decl).cli(["cancel", "--yes", "--stack", "faults"], { allowFailure: true });
        await refreshed(["--clear-pending-creates"]);
      },
    });
    expect(signalled).toBe(true);
    expect(k.code).not.toBe(0);
    const state = JSON.parse(await project(decl).exportState());
    const intC = (state.deployment.resources ?? []).find((x: { type: string; outputs?: { name?: string } }) => x.type !== "pulumi:pulumi:Stack" && x.outputs?.name === "int-c");
    expect(intC?.outputs?.adopted).toBe(true);
  }, CASE_MS);

  it("destroy with lost answers (pause, unfollow, delete index, delete pattern, cluster settings): nothing left, no leader data touched", async () => {
    const t0 = Date.now();
    await writeDocs("orders", 2);
    const kept = decl.followers.filter((x) => x.deletePolicy === "keep").map((x) => x.name).sort();
    const deleted = decl.followers.filter((x) => x.deletePolicy === "delete").map((x) => x.name);
    expect(deleted).toEqual(["events-copy"]);
    // Every kept follower caught up first: its data stays, and must be the leader's.
    const leaderDocs = Object.fromEntries(await Promise.all(decl.followers.map(async (x) => [x.name, await docsOf(leader, x.leader)] as const)));
    for (const x of decl.followers) await until(() => docsOf(follower, x.name), (got) => got === leaderDocs[x.name], 60_000, `${x.name} caught up`);
    const m = proxies.follower.mark();
    proxies.follower.loseAnswer(is("POST", "/int-a/_ccr/pause_follow"));
    proxies.follower.loseAnswer(is("POST", "/orders-copy/_ccr/unfollow"));
    proxies.follower.loseAnswer(is("DELETE", "/events-copy"));
    proxies.follower.loseAnswer(is("DELETE", "/_ccr/auto_follow/logs"));
    proxies.follower.loseAnswer(is("PUT", "/_cluster/settings"));
    const first = await project(decl).destroy({ allowFailure: true, skipPreview: true });
    proxies.follower.clearFaults();
    let destroys = 1;
    let last = first;
    if (first.code !== 0) {
      last = await project(decl).destroy({ allowFailure: true, skipPreview: true });
      destroys++;
    }
    destroyed = last.code === 0;
    const lostAnswers = proxies.follower.since(m).filter((x) => x.lost).map((x) => `${x.method} ${path0(x.path)}`).sort();
    const gaps: string[] = [];
    if ((await followersOn(follower)).length) gaps.push(`followers left: ${(await followersOn(follower)).join(",")}`);
    if (((await on(follower, "GET", "/_ccr/auto_follow")).body?.patterns ?? []).length) gaps.push("patterns left");
    if (Object.keys(await remotesOn(follower)).length) gaps.push(`remote settings left: ${JSON.stringify(await remotesOn(follower))}`);
    for (const n of deleted) if ((await on(follower, "GET", `/${n}`)).status !== 404) gaps.push(`${n} not deleted`);
    const state = JSON.parse(await project(decl).exportState());
    const left = (state.deployment.resources ?? []).filter((x: { type: string }) => x.type !== "pulumi:pulumi:Stack" && !x.type.startsWith("pulumi:providers:")).map((x: { urn: string }) => x.urn);
    if (left.length) gaps.push(`state: ${left.join(",")}`);
    const lost: string[] = [];
    for (const n of kept) {
      const got = await docsOf(follower, n);
      if (got !== leaderDocs[n]) lost.push(`${n}: ${got} != ${leaderDocs[n]}`);
    }
    // Destroy never touches the leader: every leader index is there with every document.
    for (const x of ["orders", "events", "audit", "gone"]) if ((await on(leader, "GET", `/${x}/_count`)).status !== 200) lost.push(`leader index ${x} gone`);
    rows.push({
      name: "destroy: answers lost to pause, unfollow, delete index, delete pattern, cluster settings (delete remote)", faultUp: brief(first), ups: destroys,
      refresh: `state: ${left.length} resources`, orphans: gaps.length ? gaps.join("; ") : "none", docs: lost.length ? lost.join("; ") : `none lost (${kept.length} kept as regular indexes)`,
      seconds: (Date.now() - t0) / 1000,
    });
    expect(lostAnswers).toEqual(["DELETE /_ccr/auto_follow/logs", "DELETE /events-copy", "POST /int-a/_ccr/pause_follow", "POST /orders-copy/_ccr/unfollow", "PUT /_cluster/settings"]);
    expect(last.code, last.errors.join("\n")).toBe(0);
    expect(first.code, first.errors.join("\n")).toBe(0); // each lost answer re-read and re-planned within the destroy
    expect(gaps).toEqual([]);
    expect(lost).toEqual([]);
  }, CASE_MS);
});
