/**
 * The dynamic provider behind a Topology: the declared leader as state, and the thin executor of the failover /
 * failback step list (plan.ts `planFailover`). It owns nothing on the clusters: the remote aliases and the links are
 * the component's other children, ordered around this resource by their dependencies (README.md, "How Pulumi's
 * ordering makes the step order").
 *
 * - check (preview and up): the declaration's check (check.ts), then — reads only — every cluster is observed and the
 *   step list planned against the leader recorded in state; its preview text becomes the `plan` input, so
 *   `pulumi preview --diff` shows the ordered steps, and a plan that must not run (unreachable new leader, version
 *   rule broken, an unreachable cluster not declared `unavailable`) fails the check with the reason.
 * - create/update: observe again, plan again (what the clusters show now), check versions before any write, and run
 *   phases 1–4 and 6. Phase 5 (install links) is the ReplicationLinks', which depend on this resource.
 * - read (refresh): versions, upgrade-order violations, reachability.
 * - delete: nothing on the clusters (destroy never deletes leader data; the links release their followers).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Cluster } from "../../client/cluster";
import type { ConnectionInputs } from "../../client/connection";
import { namedFollowerVersionProblem } from "../../core/version";
import { containsUnknown } from "../../core/unknown";
import type { CheckFailure } from "../../core/check";
import { stateError, waitUntil, WaitTimeout, wireSafe } from "../../resources/common";
import { followerIndexProvider } from "../../resources/follower-index/provider";
import { TUNING_KEYS } from "../../core/tuning";
import { checkTopology } from "./check";
import { lagOf } from "./observe";
import { catchUpProgress, planFailover, renderFailoverPlan, topologyLinks, upgradeOrder, upgradeViolations } from "./plan";
import { currentCheckpoints, observeCluster, topologyCluster } from "./reader";
import type { FailbackDeclaration, FailoverInput, FailoverPlan, FailoverStep, ObservedCluster, ReplicationEdge, TopologyDeclaration } from "./types";

export const TOPOLOGY_KIND = "TopologyLeader";

export interface TopologyStateInputs {
  topology: string;
  clusters: Array<{ name: string; connection: ConnectionInputs; seeds: string[]; version?: string }>;
  leader: string;
  indexPatterns: string[];
  exclusionPatterns?: string[];
  /** The application has stopped writing to the old leader (a planned switchover then blocks no writes itself). */
  writesStopped?: boolean;
  catchUpTimeoutSeconds?: number;
  failback?: FailbackDeclaration;
  /** Clusters declared down: the plan proceeds without them, and no link into them is declared. */
  unavailable?: string[];
  /** Tuning of the followers the executor re-creates (the links' own tuning). */
  tuning?: Record<string, unknown>;
  /** Set by check: the preview text of the steps `up` will perform. */
  plan?: string[];
  /** Set by check: whether the plan has steps this resource performs (phases 1–4, 6). */
  work?: boolean;
}

/** The last leader change a Topology performed (its `lastFailover` output). */
export interface FailoverRecord {
  /** "switchover": the old leader answered (planned); "failover": it did not (unplanned). */
  mode: "switchover" | "failover";
  /** The previous leader. */
  from: string;
  /** The new leader. */
  to: string;
  /** When the steps finished (ISO 8601). */
  at: string;
  /** Seconds the steps took (phases 1–4 and 6). */
  seconds: number;
  /** Seconds of the catch-up wait (switchover). */
  waitSeconds?: number;
  /** Unplanned failover: operations the new leader lacked at promotion (the possible loss); undefined = unknown. */
  possibleLossOps?: number;
  /** Unplanned failover: the lag at promotion per index (null = unknown). */
  lossByIndex?: Record<string, number | null>;
  /** Whether the declaration said the application had stopped writing (then no write block was set). */
  writesStopped: boolean;
  /** Number of steps performed. */
  steps: number;
}

export interface TopologyStateOutputs extends TopologyStateInputs {
  versions: Record<string, string | null>;
  /** Upgrade-order (version rule) violations observed on the links. */
  violations: string[];
  upgradeOrder: string[];
  unreachable: string[];
  lastFailover?: FailoverRecord;
}

const RESOURCE = (d: { topology?: string }) => `Topology "${d.topology ?? "?"}"`;

function declarationOf(d: TopologyStateInputs): TopologyDeclaration {
  return { clusters: d.clusters, leader: d.leader, indexPatterns: d.indexPatterns, exclusionPatterns: d.exclusionPatterns, failback: d.failback };
}

export function linksOf(d: TopologyStateInputs): ReplicationEdge[] {
  return topologyLinks(declarationOf(d));
}

async function observeAll(d: TopologyStateInputs): Promise<{ observed: Record<string, ObservedCluster & { error?: string }>; clusters: Record<string, Cluster> }> {
  const clusters: Record<string, Cluster> = {};
  const observed: Record<string, ObservedCluster & { error?: string }> = {};
  await Promise.all(d.clusters.map(async (c) => {
    const probe = topologyCluster(c.connection, `${RESOURCE(d)} cluster "${c.name}"`, { probe: true });
    try {
      observed[c.name] = await observeCluster(probe, d, RESOURCE(d));
    } catch (e) {
      observed[c.name] = { reachable: false, followers: [], indexes: [], patterns: [], error: (e as Error).message };
    } finally {
      probe.transport.close();
    }
    clusters[c.name] = topologyCluster(c.connection, `${RESOURCE(d)} cluster "${c.name}"`);
  }));
  return { observed, clusters };
}

function failoverInput(d: TopologyStateInputs, previousLeader: string, observed: Record<string, ObservedCluster>): FailoverInput {
  return {
    clusters: d.clusters.map((c) => c.name), previousLeader, newLeader: d.leader, links: linksOf(d), observed,
    writesStopped: d.writesStopped, catchUpTimeoutSeconds: d.catchUpTimeoutSeconds, failback: d.failback,
  };
}

/**
 * Why the plan must not run, before any write: the planner's errors, the version rule on every link whose two ends
 * answer (both clusters and versions named), and unreachable clusters the declaration does not say are down.
 */
export function refusals(d: TopologyStateInputs, previousLeader: string, observed: Record<string, ObservedCluster & { error?: string }>, plan: FailoverPlan): string[] {
  const out = [...plan.errors];
  for (const e of linksOf(d)) {
    const lv = observed[e.from]?.version;
    const fv = observed[e.to]?.version;
    const p = lv && fv ? namedFollowerVersionProblem(e.from, lv, e.to, fv) : undefined;
    if (p) out.push(`${p}; upgrade "${e.to}" first (followers first, the leader last), or declare another leader`);
  }
  for (const c of d.clusters) {
    const o = observed[c.name];
    if (o?.reachable || (d.unavailable ?? []).includes(c.name) || c.name === d.leader) continue;
    const old = c.name === previousLeader && previousLeader !== d.leader;
    out.push(`cluster "${c.name}" does not answer (${o?.error ?? "unreachable"}). ` +
      (old ? `To fail over without it (unplanned failover; what it did not replicate is reported as possible loss), declare it down: unavailable: ["${c.name}"] ` +
        `(stack config of the top-level program: pulumi config set unavailable ${c.name})`
        : `Declare it down (unavailable: ["${c.name}"]) to go on without it; its links are installed when it answers and is no longer declared down`));
  }
  return out;
}

const PERFORMED = (s: FailoverStep) => s.kind !== "installLink";

async function check(olds: Partial<TopologyStateInputs> | undefined, news: TopologyStateInputs): Promise<{ inputs: TopologyStateInputs; failures: CheckFailure[] }> {
  const { topology: _t, writesStopped: _w, catchUpTimeoutSeconds: _c, unavailable: _u, tuning: _tu, plan: _p, work: _wk, ...decl } = news;
  const failures = checkTopology(decl);
  const inputs: TopologyStateInputs = { ...news };
  delete inputs.plan;
  delete inputs.work;
  if (failures.length > 0 || containsUnknown(news)) return { inputs, failures };
  const previousLeader = olds?.leader ?? news.leader;
  const { observed, clusters } = await observeAll(news);
  for (const c of Object.values(clusters)) c.transport.close();
  const plan = planFailover(failoverInput(news, previousLeader, observed));
  const refused = refusals(news, previousLeader, observed, plan);
  inputs.plan = renderFailoverPlan({ ...plan, errors: refused }, { previousLeader, newLeader: news.leader }).split("\n");
  inputs.work = plan.steps.some(PERFORMED);
  return { inputs, failures: refused.map((reason) => ({ property: "leader", reason })) };
}

function diff(olds: TopologyStateOutputs, news: TopologyStateInputs): pulumi.dynamic.DiffResult {
  const changes: string[] = [];
  if (olds.leader !== news.leader) changes.push("leader");
  if (news.work) changes.push("plan");
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  for (const k of ["indexPatterns", "exclusionPatterns", "writesStopped", "catchUpTimeoutSeconds", "failback", "unavailable", "tuning", "clusters"] as const) {
    if (!same(olds[k], news[k])) changes.push(k);
  }
  return { changes: changes.length > 0, replaces: [], deleteBeforeReplace: false, stables: ["topology"] };
}

// ---------------------------------------------------------------------------------------------------------------
// The thin executor

interface Ctx {
  d: TopologyStateInputs;
  clusters: Record<string, Cluster>;
  conn: (name: string) => ConnectionInputs;
  record: { waitSeconds?: number; possibleLossOps?: number; lossByIndex?: Record<string, number | null> };
}

async function call(x: Ctx, cluster: string, action: string, req: Parameters<Cluster["call"]>[1], ignore: number[] = []) {
  return x.clusters[cluster].call({ resource: RESOURCE(x.d), action: `${action} on "${cluster}"` }, req, ignore);
}

const enc = encodeURIComponent;

async function count(x: Ctx, cluster: string, index: string): Promise<number | undefined> {
  const r = await call(x, cluster, `count ${index}`, { method: "GET", path: `/${enc(index)}/_count` }, [404]);
  return r.status === 200 ? Number((r.body as { count?: number }).count) : undefined;
}

async function follow(x: Ctx, cluster: string, index: string, leaderCluster: string, leaderIndex: string): Promise<void> {
  const tuning: Record<string, unknown> = {};
  for (const k of TUNING_KEYS) if (x.d.tuning?.[k] !== undefined) tuning[k] = x.d.tuning[k];
  // Through the FollowerIndex provider: its safe-write rules, the version check against the leader, the wait until active.
  await followerIndexProvider.create!({
    name: index, remoteCluster: leaderCluster, leaderIndex, status: "active", deletePolicy: "keep", ...tuning,
    connection: x.conn(cluster), leaderConnection: x.conn(leaderCluster),
  });
}

async function run(x: Ctx, s: FailoverStep, plan: FailoverPlan, oldLeader: string): Promise<void> {
  switch (s.kind) {
    case "pauseAutoFollow": {
      await call(x, s.cluster, `pause auto-follow pattern ${s.pattern}`, { method: "POST", path: `/_ccr/auto_follow/${enc(s.pattern)}/pause` }, [404]);
      return;
    }
    case "blockWrites":
      // index.blocks.write is not replicated (core/settings.ts): it stays on the old leader, never reaches a follower.
      await call(x, s.cluster, `block writes on ${s.indexes.join(", ")}`, { method: "PUT", path: `/${s.indexes.map(enc).join(",")}/_settings`, body: { index: { blocks: { write: true } } } });
      return;
    case "waitForCatchUp": {
      const t0 = Date.now();
      const leaderIdx = new Map(s.followers.map((f) => [f.index, f.index]));
      await waitUntil(async () => {
        // Caught up against the leader's checkpoints NOW (read from the leader), not the follower's last view of them.
        const now = await currentCheckpoints(x.clusters[s.from], [...leaderIdx.values()], RESOURCE(x.d));
        x.clusters[s.cluster].invalidate();
        const stats = await x.clusters[s.cluster].ccrStats.get();
        const obs: ObservedCluster = {
          reachable: true, patterns: [], indexes: [],
          followers: s.followers.map((f) => {
            const lag = lagOf(stats, f.index, now.get(leaderIdx.get(f.index)!));
            return { index: f.index, leaderCluster: s.from, leaderIndex: f.index, docs: 0, bytes: 0, ...(lag !== undefined ? { lagOps: lag } : {}) };
          }),
        };
        const p = catchUpProgress(s, obs);
        return p.done ? { done: true, value: undefined } : p;
      }, { timeoutMs: s.timeoutSeconds * 1000, intervalMs: 250 });
      x.record.waitSeconds = (Date.now() - t0) / 1000;
      return;
    }
    case "reportPossibleLoss":
      x.record.possibleLossOps = s.totalLagOps;
      x.record.lossByIndex = Object.fromEntries(s.followers.map((f) => [f.index, f.lagOps ?? null]));
      return;
    case "promote": {
      // pause → close → unfollow → open (Elasticsearch's order: unfollow needs a paused, closed follower).
      await call(x, s.cluster, `pause follower ${s.index}`, { method: "POST", path: `/${enc(s.index)}/_ccr/pause_follow` }, [400]);
      await call(x, s.cluster, `close ${s.index}`, { method: "POST", path: `/${enc(s.index)}/_close` });
      await call(x, s.cluster, `unfollow ${s.index}`, { method: "POST", path: `/${enc(s.index)}/_ccr/unfollow` });
      await call(x, s.cluster, `open ${s.index}`, { method: "POST", path: `/${enc(s.index)}/_open` });
      if (s.ops.includes("promoteDataStream") && s.dataStream) {
        await call(x, s.cluster, `promote data stream ${s.dataStream}`, { method: "POST", path: `/_data_stream/_promote/${enc(s.dataStream)}` });
      }
      return;
    }
    case "repoint": {
      if (s.wasCaughtUp && s.cluster === oldLeader && plan.mode === "switchover") {
        // The old leader's own index is about to be replaced: only when the new leader's copy holds the same documents.
        const [mine, theirs] = [await count(x, s.cluster, s.index), await count(x, s.newLeader, s.leaderIndex)];
        if (mine === undefined || theirs === undefined || mine !== theirs) {
          throw stateError({ resource: RESOURCE(x.d), action: `replace ${s.index} on "${s.cluster}"`, cluster: s.cluster },
            `"${s.cluster}" holds ${mine ?? "no"} documents in "${s.index}", the new leader "${s.newLeader}" ${theirs ?? "no"}: not replaced`,
            "nothing was deleted on the old leader; find out what differs, then run up again");
        }
      }
      await call(x, s.cluster, `delete ${s.index} (re-pointed to ${s.newLeader})`, { method: "DELETE", path: `/${enc(s.index)}` }, [404]);
      await follow(x, s.cluster, s.index, s.newLeader, s.leaderIndex);
      return;
    }
    case "failbackDiscard": {
      const now = await count(x, s.cluster, s.index);
      if (now !== s.docs) {
        throw stateError({ resource: RESOURCE(x.d), action: `discard ${s.index} on "${s.cluster}"`, cluster: s.cluster },
          `"${s.index}" on "${s.cluster}" holds ${now} documents, the plan ${s.docs}: not discarded`, "preview again and check failback.discard");
      }
      await call(x, s.cluster, `discard ${s.index} (failback)`, { method: "DELETE", path: `/${enc(s.index)}` });
      await follow(x, s.cluster, s.index, s.newLeader, s.index);
      return;
    }
    case "installLink":
      return; // the ReplicationLink of that edge, created after this resource
  }
}

function outputsOf(d: TopologyStateInputs, observed: Record<string, ObservedCluster>, lastFailover: FailoverRecord | undefined): TopologyStateOutputs {
  const versions = Object.fromEntries(d.clusters.map((c) => [c.name, observed[c.name]?.version ?? null]));
  const links = linksOf(d);
  return {
    ...d,
    versions,
    violations: upgradeViolations(links, Object.fromEntries(Object.entries(versions).map(([k, v]) => [k, v ?? undefined]))).map((v) => v.message),
    upgradeOrder: upgradeOrder(d.clusters.map((c) => c.name), links),
    unreachable: d.clusters.filter((c) => !observed[c.name]?.reachable).map((c) => c.name),
    ...(lastFailover ? { lastFailover } : {}),
  };
}

async function converge(d: TopologyStateInputs, olds: TopologyStateOutputs | undefined): Promise<TopologyStateOutputs> {
  const previousLeader = olds?.leader ?? d.leader;
  const { observed, clusters } = await observeAll(d);
  try {
    const plan = planFailover(failoverInput(d, previousLeader, observed));
    const refused = refusals(d, previousLeader, observed, plan);
    if (refused.length) {
      throw stateError({ resource: RESOURCE(d), action: "plan the leader change", cluster: d.leader }, refused.join("; "), "nothing was changed");
    }
    const byName = new Map(d.clusters.map((c) => [c.name, c.connection]));
    const x: Ctx = { d, clusters, conn: (n) => byName.get(n)!, record: {} };
    const t0 = Date.now();
    const steps = plan.steps.filter(PERFORMED);
    const blocked = steps.find((s): s is Extract<FailoverStep, { kind: "blockWrites" }> => s.kind === "blockWrites");
    for (const s of steps) {
      try {
        await run(x, s, plan, previousLeader);
      } catch (e) {
        // A switchover that could not catch up leaves the old leader as it was: lift the write block it set.
        if (blocked && (s.kind === "blockWrites" || s.kind === "waitForCatchUp")) {
          await call(x, blocked.cluster, "lift the write block", { method: "PUT", path: `/${blocked.indexes.map(enc).join(",")}/_settings`, body: { index: { blocks: { write: null } } } }).catch(() => undefined);
        }
        if (e instanceof WaitTimeout) {
          throw stateError({ resource: RESOURCE(d), action: "wait for the new leader to catch up", cluster: (s as { cluster: string }).cluster },
            `the followers did not catch up within ${(s as { timeoutSeconds: number }).timeoutSeconds} s (${e.last})`,
            "nothing was promoted and the write block was lifted; stop the application's writes (then declare writesStopped) or raise catchUpTimeoutSeconds, and run up again");
        }
        throw e;
      }
    }
    const record: FailoverRecord | undefined = plan.mode === "none" ? olds?.lastFailover : {
      mode: plan.mode, from: previousLeader, to: d.leader, at: new Date().toISOString(), seconds: (Date.now() - t0) / 1000,
      ...(x.record.waitSeconds !== undefined ? { waitSeconds: x.record.waitSeconds } : {}),
      ...(plan.mode === "failover" ? { possibleLossOps: x.record.possibleLossOps, lossByIndex: x.record.lossByIndex } : {}),
      writesStopped: d.writesStopped === true, steps: steps.length,
    };
    const { plan: _p, work: _w, ...rest } = d;
    return outputsOf({ ...rest, plan: renderFailoverPlan(plan, { previousLeader, newLeader: d.leader }).split("\n") }, observed, record);
  } finally {
    for (const c of Object.values(clusters)) c.transport.close();
  }
}

async function read(id: string, props: TopologyStateOutputs): Promise<pulumi.dynamic.ReadResult> {
  const { observed, clusters } = await observeAll(props);
  for (const c of Object.values(clusters)) c.transport.close();
  const outs = outputsOf(props, observed, props.lastFailover);
  const { versions: _v, violations: _vi, upgradeOrder: _u, unreachable: _un, lastFailover: _l, ...inputs } = outs;
  return { id, props: wireSafe(outs), inputs: wireSafe(inputs) };
}

/** All six methods explicitly (none may fall back to the shim's defaults). */
export const topologyProvider: pulumi.dynamic.ResourceProvider = {
  check: async (olds, news) => {
    const r = await check(olds && Object.keys(olds).length ? olds as TopologyStateInputs : undefined, news as TopologyStateInputs);
    return { inputs: wireSafe(r.inputs), failures: r.failures };
  },
  diff: async (_id, olds, news) => diff(olds as TopologyStateOutputs, news as TopologyStateInputs),
  create: async (inputs) => {
    const d = inputs as TopologyStateInputs;
    return { id: d.topology, outs: wireSafe(await converge(d, undefined)) };
  },
  update: async (_id, olds, news) => ({ outs: wireSafe(await converge(news as TopologyStateInputs, olds as TopologyStateOutputs)) }),
  read: async (id, props) => read(id, props as TopologyStateOutputs),
  delete: async () => undefined,
};
