import type * as pulumi from "@pulumi/pulumi";
import type { CheckFailure } from "../core/check";
import type { DiffOutcome } from "../core/diff";
import { clusterMovedProblem, CLUSTER_MOVED_FIX } from "../core/identity";
import { EsVersion, followerVersionProblem, unsupportedVersionProblem } from "../core/version";
import { nextProbeDelay } from "../core/waits";
import { clusterFor, Cluster, SHARED_READ } from "../client/cluster";
import { checkEffectiveConnection, ConnectionInputs, mergeConnection, resolveConnection } from "../client/connection";
import { Failures } from "../core/check";
import { CcrError, errorBody, ErrorContext, OutcomeUnknown, responseError, stateError } from "../client/errors";
import { HttpRequest, HttpResponse } from "../client/http";
import { realSleep, Sleep } from "../client/retry";

/** Connection defaults from stack config, set by the dynamic provider's `configure` in the provider process. */
let stackConnection: ConnectionInputs = {};

export function setStackConnection(c: ConnectionInputs): void {
  stackConnection = c;
}

export function clusterOf(inputs: { connection?: ConnectionInputs }, resource: string): Cluster {
  return clusterFor(resolveConnection(mergeConnection(inputs.connection, stackConnection), resource));
}

/**
 * The cluster a resource's operation runs on, bound to the cluster it lives on. The version and cluster UUID are
 * detected once per cluster per process (one request, shared by every resource on it); a version the provider does
 * not support is refused, and so is a connection that now reaches another cluster than the one recorded on create
 * (`recordedUuid`): diff is pure and cannot see it, so update, read and delete check it before their first request.
 * A rotated credential or a new URL of the same cluster passes.
 */
export async function boundCluster(
  inputs: { connection?: ConnectionInputs }, resource: string, recordedUuid: string | undefined, action: string,
): Promise<{ cluster: Cluster; uuid?: string; version: EsVersion }> {
  const cluster = clusterOf(inputs, resource);
  const id = await cluster.identity().catch((e) => relabel(e, resource));
  const ctx = cluster.ctx({ resource, action });
  const unsupported = unsupportedVersionProblem(id.version);
  if (unsupported) throw stateError(ctx, `the cluster cannot be managed: ${unsupported}`, "upgrade the cluster, or use another tool for 7.x");
  const moved = clusterMovedProblem(recordedUuid, id.uuid);
  if (moved) throw stateError(ctx, moved, CLUSTER_MOVED_FIX);
  return { cluster, uuid: id.uuid ?? recordedUuid, version: id.version };
}

/**
 * Read (refresh) binds lazily, to keep a refresh wave at its request count: it checks the recorded UUID when this
 * process already knows the cluster's identity (free), and `confirmGone` checks it before reporting the object gone,
 * which is where a connection to another cluster would do harm (the engine would drop the resource from state and
 * orphan the real object). A found object read through such a connection is caught by the next update or delete.
 */
export function readCluster(inputs: { connection?: ConnectionInputs }, resource: string, recordedUuid: string | undefined): {
  cluster: Cluster; uuid?: string; confirmGone: () => Promise<void>;
} {
  const cluster = clusterOf(inputs, resource);
  const known = cluster.knownIdentity();
  const moved = known && clusterMovedProblem(recordedUuid, known.uuid);
  if (moved) throw stateError(cluster.ctx({ resource, action: "read" }), moved, CLUSTER_MOVED_FIX);
  return {
    cluster,
    uuid: known?.uuid ?? recordedUuid,
    confirmGone: async () => void await boundCluster(inputs, resource, recordedUuid, "read"),
  };
}

/**
 * Refuses a follow (PUT follow, or an auto-follow pattern that will follow) when the leader connection is declared and
 * the pair breaks CCR's version rule. Without a leader connection the leader's version cannot be known here.
 */
export async function checkLeaderVersion(
  leaderConnection: ConnectionInputs | undefined, follower: { cluster: Cluster; version: EsVersion }, resource: string, action: string,
): Promise<void> {
  if (!leaderConnection) return;
  const leader = clusterFor(resolveConnection(leaderConnection, `${resource} (leaderConnection)`));
  const { version } = await leader.identity().catch((e) => relabel(e, resource));
  const problem = followerVersionProblem(version, follower.version);
  if (problem) throw stateError(follower.cluster.ctx({ resource, action }), problem, "upgrade as the message says; nothing was changed");
}

/** Sends a request; a failure for which `tolerated(status, error)` holds counts as success (idempotent retries). */
export async function callTolerating(
  cluster: Cluster, ctx: { resource: string; action: string }, req: HttpRequest,
  tolerated: (status: number, type: string, reason: string) => boolean,
): Promise<HttpResponse> {
  const res = await cluster.call(ctx, req, [400, 404, 409]);
  if (res.status < 400) return res;
  const err = errorBody(res.body);
  if (tolerated(res.status, err?.type ?? "", `${err?.reason ?? ""} ${err?.caused_by?.reason ?? ""}`)) return res;
  throw responseError(cluster.ctx(ctx), res.status, res.body);
}

/** How many times an executor reads the cluster again and re-plans after writes whose outcome is unknown. */
export const MAX_REPLANS = 3;

/**
 * Runs `attempt` (observe → plan → execute). When a write's outcome is unknown (sent, no answer: Cluster.call never
 * resends it), the shared reads are dropped and `attempt` runs again with that error, so it plans from what the
 * cluster now shows: a write that was applied is not repeated, one that was not is planned again. Bounded.
 */
export async function withReplans<T>(cluster: Cluster, attempt: (after: OutcomeUnknown | undefined) => Promise<T>, trace?: WriteTrace): Promise<T> {
  let after: OutcomeUnknown | undefined;
  for (let replans = 0; ; replans++) {
    try {
      return await attempt(after);
    } catch (e) {
      if (e instanceof OutcomeUnknown && trace) trace.wrote = true;
      if (!(e instanceof OutcomeUnknown) || replans >= MAX_REPLANS) throw e;
      after = e;
      cluster.invalidate();
    }
  }
}

/** At most `n` tasks at once (a counting semaphore); waiters are served in order. */
export class Slots {
  private free: number;
  private waiting: Array<() => void> = [];

  constructor(n: number) {
    this.free = Math.max(1, n);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /**
   * Sleep until the next multiple of `intervalMs` on the clock instead of a full interval, so concurrent waits in one
   * process probe in the same turn and their batched reads go out as one request.
   */
  aligned?: boolean;
  /**
   * The first probe waits for the first interval (the grid's next instant when aligned) instead of checking at once:
   * for a state that cannot hold yet (a follower right after its PUT follow is still being restored), whose
   * immediate check would be one request per waiter, outside the shared waves.
   */
  notAtOnce?: boolean;
  sleep?: Sleep;
  now?: () => number;
}

/**
 * Polls `probe` until it returns a value, checking immediately (unless `notAtOnce`) and then every `intervalMs`, and
 * gives up after `timeoutMs` with the last observation, so the error can say what state things were stuck in.
 */
export async function waitUntil<T>(probe: () => Promise<{ done: true; value: T } | { done: false; last: string }>, o: WaitOptions): Promise<T> {
  const sleep = o.sleep ?? realSleep;
  const now = o.now ?? Date.now;
  const deadline = now() + o.timeoutMs;
  const timing = { intervalMs: o.intervalMs ?? 1000, aligned: o.aligned };
  if (o.notAtOnce) await sleep(nextProbeDelay(now(), deadline, timing));
  for (;;) {
    const r = await probe();
    if (r.done) return r.value;
    if (now() >= deadline) throw new WaitTimeout(r.last);
    await sleep(nextProbeDelay(now(), deadline, timing));
  }
}

export class WaitTimeout extends Error {
  constructor(readonly last: string) {
    super(`timed out; last observed: ${last}`);
  }
}

export function label(kind: string, name: unknown): string {
  return `${kind} "${typeof name === "string" ? name : "?"}"`;
}

/**
 * Whether a create's writes may have changed the cluster: one was answered, or one's answer was lost (it may have
 * been applied). Set by the executors and by `withReplans`; read when the create fails.
 */
export interface WriteTrace { wrote: boolean }

/**
 * A create that failed after something was made on the cluster is reported with its id, so the engine records the
 * resource (partial failure) and the next `up` converges it instead of trying to create it again.
 */
export function partialFailure(e: unknown, id: string, properties: Record<string, unknown>): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  Object.assign(err, { id, properties: wireSafe(properties), reasons: [err.message] });
  return err;
}

export { CcrError, OutcomeUnknown, stateError };
export type { ErrorContext };

/** The parts that differ per resource; `resourceProvider` wires them into the dynamic-provider contract. */
export interface ProviderSpec<I, O> {
  /** Resource kind, for error messages. */
  kind: string;
  /** `olds` are the previous inputs on an update (empty on create): some changes are only invalid relative to them. */
  check(news: object, olds?: object): { inputs: I; failures: CheckFailure[] };
  diff(olds: O, news: object): DiffOutcome;
  normalize(news: object): I;
  id(desired: I): string;
  /** Create and update both converge the cluster to `desired` from what is observed; `olds` is undefined on create. */
  converge(desired: I, olds: O | undefined): Promise<O>;
  read(id: string, props: Partial<O>): Promise<pulumi.dynamic.ReadResult>;
  remove(id: string, props: O): Promise<void>;
}

/**
 * The shim turns results into protobuf Structs with `Struct.fromJavaScript`, which throws "Unexpected struct type"
 * on an `undefined` anywhere (an optional output that is not known yet, e.g. `lag` right after create). Absent
 * is the right wire form for those, so undefined properties are dropped, recursively.
 */
export function wireSafe<T>(v: T): T {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(wireSafe) as T;
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = wireSafe(x);
    return out as T;
  }
  return v;
}

function wireSafeRead(r: pulumi.dynamic.ReadResult): pulumi.dynamic.ReadResult {
  return { ...r, props: r.props && wireSafe(r.props), ...(r.inputs ? { inputs: wireSafe(r.inputs) } : {}) };
}

/** Names the resource in an error raised by a shared (per-cluster) read on its behalf. */
export function relabel(e: unknown, resource: string): never {
  if (e instanceof CcrError && e.message.startsWith(`${SHARED_READ}: `)) {
    const message = `${resource}: ${e.message.slice(SHARED_READ.length + 2)}`;
    e.message = message;
    const withReasons = e as CcrError & { reasons?: string[] };
    if (withReasons.reasons) withReasons.reasons = [message];
  }
  throw e;
}

/** All six methods explicitly: none may fall back to the shim's defaults (which wipe outputs or echo inputs). */
export function resourceProvider<I, O>(s: ProviderSpec<I, O>): pulumi.dynamic.ResourceProvider {
  const named = (name: unknown) => label(s.kind, name);
  return {
    check: async (olds, news) => {
      const r = s.check(news, olds && Object.keys(olds).length > 0 ? olds : undefined);
      // The connection it will use includes the stack config, which only the provider process knows (configure).
      const f = new Failures();
      checkEffectiveConnection(f, (news as { connection?: unknown }).connection, stackConnection, s.kind);
      return { ...r, failures: [...r.failures, ...f.list], inputs: wireSafe(r.inputs) };
    },
    diff: async (_id, olds, news) => s.diff(olds as O, news),
    create: async (inputs) => {
      const d = s.normalize(inputs);
      const id = s.id(d);
      return { id, outs: wireSafe(await s.converge(d, undefined).catch((e) => relabel(e, named(id)))) };
    },
    update: async (id, olds, news) => ({ outs: wireSafe(await s.converge(s.normalize(news), olds as O).catch((e) => relabel(e, named(id)))) }),
    read: async (id, props) => wireSafeRead(await s.read(id, (props ?? {}) as Partial<O>).catch((e) => relabel(e, named(id)))),
    delete: async (id, props) => s.remove(id, props as O).catch((e) => relabel(e, named(id))),
  };
}

/**
 * A create that fails after one of its writes may have been applied is recorded (partial failure) with `properties`,
 * so the object stays Pulumi's own: the next `up` updates it (the engine updates a resource with init errors) and
 * destroy removes it. Not recorded, the next `up`'s create would find the object there and adopt it, and destroy
 * would then release it, leaving it on the cluster. A create that wrote nothing is not recorded.
 */
export function failedCreate(e: unknown, trace: WriteTrace, id: string, properties: () => Record<string, unknown>): Error {
  return trace.wrote ? partialFailure(e, id, properties()) : e instanceof Error ? e : new Error(String(e));
}
