/**
 * Pure planners of the topology: its replication links, loop and name-collision detection, the safe upgrade order
 * and its violations, and the ordered failover/failback step list with its human-readable preview. No I/O: the
 * observations come in as data, the decisions go out as data.
 */
import { LEADER_INDEX_PLACEHOLDER } from "../../core/names";
import { namedFollowerVersionProblem } from "../../core/version";
import type {
  FailoverInput, FailoverPlan, FailoverStep, ObservedCluster, ObservedFollower, PromoteOp, ReplicationEdge,
  TopologyDeclaration,
} from "./types";


export const DEFAULT_FOLLOW_INDEX_PATTERN = LEADER_INDEX_PLACEHOLDER;
export const DEFAULT_CATCH_UP_TIMEOUT_SECONDS = 300;

// ---------------------------------------------------------------------------------------------------------------
// Links

/** The links a declaration makes: every non-leader cluster follows the leader (or its `follows`), plus extraLinks. */
export function topologyLinks(decl: TopologyDeclaration): ReplicationEdge[] {
  const edges: ReplicationEdge[] = [];
  for (const c of decl.clusters) {
    if (c.name === decl.leader && c.follows === undefined) continue;
    edges.push({
      from: c.follows ?? decl.leader,
      to: c.name,
      indexPatterns: [...decl.indexPatterns],
      exclusionPatterns: [...(decl.exclusionPatterns ?? [])],
      followIndexPattern: decl.followIndexPattern ?? DEFAULT_FOLLOW_INDEX_PATTERN,
    });
  }
  for (const l of decl.extraLinks ?? []) {
    edges.push({
      from: l.from, to: l.to, indexPatterns: [...l.indexPatterns], exclusionPatterns: [...(l.exclusionPatterns ?? [])],
      followIndexPattern: l.followIndexPattern ?? DEFAULT_FOLLOW_INDEX_PATTERN,
    });
  }
  return edges;
}

// ---------------------------------------------------------------------------------------------------------------
// Loops and follower-name collisions (§4: no multi-leader)

/**
 * Every replication loop among the links, each shown as "a → b → a" (a self-link as "a → a"). A topology has one
 * leader, so a cluster that is (transitively) both upstream and downstream of another would follow its own indexes
 * back, or lead indexes the others also lead: both are multi-leader and refused, whatever the index patterns say.
 * Each loop is reported once, rotated to start at its smallest cluster name.
 */
export function findLoops(edges: readonly ReplicationEdge[]): string[][] {
  const out = new Map<string, string[]>();
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();
  // A DFS from every node, with the current path as the stack; a step to a node on the path closes a loop. Topologies
  // are small (one cluster per application replica), so the repeated DFS costs nothing.
  for (const start of nodes) {
    const path: string[] = [];
    const onPath = new Set<string>();
    const done = new Set<string>();
    const visit = (n: string): void => {
      path.push(n);
      onPath.add(n);
      for (const m of next.get(n) ?? []) {
        if (onPath.has(m)) {
          const loop = path.slice(path.indexOf(m));
          const k = loop.indexOf([...loop].sort()[0]);
          const rotated = [...loop.slice(k), ...loop.slice(0, k)];
          const key = rotated.join("\u0000");
          if (!out.has(key)) out.set(key, [...rotated, rotated[0]]);
        } else if (!done.has(m)) {
          visit(m);
        }
      }
      path.pop();
      onPath.delete(n);
      done.add(n);
    };
    visit(start);
  }
  return [...out.values()];
}

export function formatLoop(loop: readonly string[]): string {
  return loop.join(" → ");
}

/**
 * A name both `*`-globs can match (Elasticsearch's simple wildcard match: `*` is any run of characters), or
 * undefined when they are disjoint. Breadth-first over the product of the two patterns' positions, building the
 * witness as it goes; where a `*` meets a `*` it prefers one stand-in letter over the empty run, so the witness reads
 * like an index name.
 */
export function globOverlap(p: string, q: string): string | undefined {
  const seen = new Set<string>();
  const queue: Array<[number, number, string]> = [[0, 0, ""]];
  while (queue.length > 0) {
    const [i, j, w] = queue.shift()!;
    const key = `${i},${j}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === p.length && j === q.length) return w;
    const a = p[i];
    const b = q[j];
    if (a === "*" && b === "*") queue.push([i + 1, j + 1, `${w}x`]);
    if (a !== undefined && b !== undefined) {
      if (a === "*" && b !== "*") queue.push([i, j + 1, w + b]);
      else if (b === "*" && a !== "*") queue.push([i + 1, j, w + a]);
      else if (a === b && a !== "*") queue.push([i + 1, j + 1, w + a]);
    }
    if (a === "*") queue.push([i + 1, j, w]);
    if (b === "*") queue.push([i, j + 1, w]);
  }
  return undefined;
}

/** The follower names a link may write, as globs: the template with the leader placeholder replaced by each pattern. */
export function followerNameGlobs(e: ReplicationEdge): string[] {
  return e.indexPatterns.map((p) => e.followIndexPattern.split(LEADER_INDEX_PLACEHOLDER).join(p));
}

export interface NameCollision {
  cluster: string;
  links: [ReplicationEdge, ReplicationEdge];
  /** A follower name both links would write. */
  example: string;
}

/**
 * Two links into the same cluster whose follower names can coincide: both would write one index (two leaders for
 * one follower name, whichever follows first wins and the other fails for ever). Exclusion patterns are not taken
 * into account, so a pair kept apart only by exclusions is refused too. A suffix template is often not enough
 * ("logs-*" also matches "logs-x-from-b"); the check finds such names.
 */
export function findNameCollisions(edges: readonly ReplicationEdge[]): NameCollision[] {
  const out: NameCollision[] = [];
  for (let i = 0; i < edges.length; i++) {
    for (let j = i + 1; j < edges.length; j++) {
      const a = edges[i];
      const b = edges[j];
      if (a.to !== b.to) continue;
      let example: string | undefined;
      for (const ga of followerNameGlobs(a)) {
        for (const gb of followerNameGlobs(b)) example ??= globOverlap(ga, gb);
      }
      if (example !== undefined) out.push({ cluster: a.to, links: [a, b], example });
    }
  }
  return out;
}

export function describeCollision(c: NameCollision): string {
  const [a, b] = c.links;
  return `links ${a.from} → ${a.to} (${a.indexPatterns.join(", ")}) and ${b.from} → ${b.to} (${b.indexPatterns.join(", ")}) ` +
    `both write follower indexes on "${c.cluster}", e.g. "${c.example}"; give one of them a followIndexPattern no name of ` +
    `the other can take (e.g. the prefix "from-${b.from}-${LEADER_INDEX_PLACEHOLDER}"), or leader patterns that do not overlap`;
}

// ---------------------------------------------------------------------------------------------------------------
// Upgrade order and violations (§3)

/**
 * The safe upgrade order: every cluster after all the clusters that follow it, directly or through a chain, because
 * a follower must never run an older version than its leader. So followers first, the leader last, a chain from its
 * far end back. Clusters are ordered by their height (the longest chain of followers below them), then by name.
 * Throws on a loop (check rejects those first).
 */
export function upgradeOrder(clusters: readonly string[], edges: readonly ReplicationEdge[]): string[] {
  const loops = findLoops(edges);
  if (loops.length > 0) throw new Error(`no upgrade order exists for a replication loop: ${formatLoop(loops[0])}`);
  const below = new Map<string, string[]>();
  for (const e of edges) below.set(e.from, [...(below.get(e.from) ?? []), e.to]);
  const height = new Map<string, number>();
  const h = (c: string): number => {
    const known = height.get(c);
    if (known !== undefined) return known;
    const v = Math.max(-1, ...(below.get(c) ?? []).map(h)) + 1;
    height.set(c, v);
    return v;
  };
  return [...clusters].sort((a, b) => h(a) - h(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The upgrade procedure as numbered lines, for a stack output and the preview: the order of `upgradeOrder`, each
 * cluster with what it follows, and the condition to wait for before the next one.
 */
export function renderUpgradeProcedure(clusters: readonly string[], edges: readonly ReplicationEdge[], leader: string): string[] {
  const order = upgradeOrder(clusters, edges);
  return order.map((c, i) => {
    const ups = [...new Set(edges.filter((e) => e.to === c).map((e) => e.from))];
    const role = c === leader ? "the leader, last" : ups.length ? `follows ${ups.join(", ")}` : "follows nothing";
    const then = i + 1 < order.length ? "; wait until it is green and its followers are active again before the next" : "";
    return `${i + 1}. upgrade "${c}" (${role})${then}`;
  });
}

export interface UpgradeViolation {
  leader: string;
  follower: string;
  message: string;
}

/**
 * Links whose observed versions break the CCR rule. A follower older than its leader is the signature of "the leader
 * was upgraded before its followers", so that case says so; other matrix problems are reported as they are.
 * Clusters with an unknown version (unreachable) are skipped.
 */
export function upgradeViolations(edges: readonly ReplicationEdge[], versions: Readonly<Record<string, string | undefined>>): UpgradeViolation[] {
  const out: UpgradeViolation[] = [];
  const seen = new Set<string>();
  for (const e of edges) {
    const lv = versions[e.from];
    const fv = versions[e.to];
    if (lv === undefined || fv === undefined || seen.has(`${e.from}\u0000${e.to}`)) continue;
    seen.add(`${e.from}\u0000${e.to}`);
    const p = namedFollowerVersionProblem(e.from, lv, e.to, fv);
    if (p === undefined) continue;
    const older = /^\d+\.\d+\.\d+/.test(lv) && /^\d+\.\d+\.\d+/.test(fv) && p.includes("same or a newer version");
    out.push({
      leader: e.from, follower: e.to,
      message: older ? `leader upgraded before its followers: ${p}; upgrade "${e.to}" to ${lv} or later (upgrade order: followers first, the leader last)` : p,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Failover and failback (§2)

const NOT_OBSERVED: ObservedCluster = { reachable: false, followers: [], indexes: [], patterns: [] };

/** The clusters a step writes to (waits and loss reports only read). Used to prove no step targets an unreachable one. */
export function stepWrites(s: FailoverStep): string[] {
  switch (s.kind) {
    case "waitForCatchUp":
    case "reportPossibleLoss":
      return [];
    case "installLink":
      return [s.to];
    default:
      return [s.cluster];
  }
}

/**
 * The ordered steps of a leader change (and of a failback), from the observed state:
 *
 * 1. pause the auto-follow patterns that follow the old leader (and any on the new leader, which stops following);
 * 2. planned switchover (old leader reachable): block writes on the old leader unless the application says it has
 *    stopped them, then wait, bounded, until the new leader's followers (and every cluster between it and the old
 *    leader in a chain) have lag 0; unplanned failover (old leader unreachable): no wait, the lag at promotion is
 *    reported as the possible loss;
 * 3. promote each follower on the new leader: pause → close → unfollow → open, then promote its data stream;
 * 4. re-point every other replica: a follower cannot change its leader, so each follower whose leader changes (or
 *    whose leader index is itself recreated) is deleted and recreated from its new leader, with the data to copy;
 *    in a planned switchover the old leader's caught-up indexes are replaced the same way;
 * 5. install the links of the new declaration that are missing (remote alias, followers, auto-follow pattern);
 * 6. failback: a regular index on a former leader (it may hold writes the others never saw) is replaced by a
 *    follower of the leader only when declared in `failback.discard`; otherwise it is kept and reported.
 *
 * No step writes to an unreachable cluster: such work is listed in `deferred` and picked up by a later `up`.
 */
export function planFailover(input: FailoverInput): FailoverPlan {
  const old = input.previousLeader;
  const nu = input.newLeader;
  const obs = (c: string): ObservedCluster => input.observed[c] ?? NOT_OBSERVED;
  const reachable = (c: string): boolean => obs(c).reachable;
  const changed = old !== nu;
  const mode: FailoverPlan["mode"] = !changed ? "none" : reachable(old) ? "switchover" : "failover";
  const steps: FailoverStep[] = [];
  const deferred: string[] = [];
  const errors: string[] = [];

  if (!input.clusters.includes(nu)) errors.push(`the new leader "${nu}" is not one of the topology's clusters (${input.clusters.join(", ")})`);
  if (changed && !reachable(nu)) {
    errors.push(`the new leader "${nu}" is unreachable: its followers cannot be promoted; declare a reachable cluster as leader or retry when "${nu}" answers`);
  }
  if (errors.length > 0) return { steps, mode, deferred, errors };

  // The new leader's copy of each index must be a follower (of the old leader, or of a cluster between them): a
  // regular index of that name is a leftover of an earlier failover that was never failed back, and promoting it
  // would make stale data the leader's. In a planned switchover the old leader's index would then be replaced by it,
  // so refuse; in an unplanned one there is no better copy, so proceed and say so.
  if (changed) {
    const nuObs = obs(nu);
    if (mode === "switchover") {
      for (const i of obs(old).indexes) {
        if (nuObs.followers.some((f) => f.index === i.index)) continue;
        const stale = nuObs.indexes.find((x) => x.index === i.index);
        errors.push(stale
          ? `"${nu}" holds "${i.index}" as a regular index (${stale.docs} documents), not as a follower of "${old}" (${i.docs} documents): ` +
            `switching would replace "${old}"'s index by it. Fail "${nu}" back first (leader "${old}", failback.discard: ` +
            `[{ cluster: "${nu}", index: "${i.index}" }]), then switch`
          : `"${nu}" has no copy of "${old}"'s index "${i.index}" (${i.docs} documents): the link has not followed it (yet). ` +
            `Run up with leader "${old}" until "${nu}" follows it, then switch`);
      }
      if (errors.length > 0) return { steps, mode, deferred, errors };
    } else {
      for (const x of nuObs.indexes) {
        deferred.push(`"${nu}" holds "${x.index}" as a regular index (${x.docs} documents), not as a follower of "${old}": it becomes the ` +
          `leader's "${x.index}" as it is; what "${old}" took after it stopped following is not in it`);
      }
    }
  }

  const upstreamOf = (c: string): string | undefined => input.links.find((e) => e.to === c)?.from;
  // Indexes recreated in this plan (cluster \0 index): followers of them lose their leader (new UUID) and are re-pointed too.
  const recreated = new Set<string>();
  const key = (c: string, i: string): string => `${c}\u0000${i}`;
  const sizeOn = (c: string, index: string, fallback: { docs: number; bytes: number }): { docs: number; bytes: number } => {
    const o = obs(c);
    const hit = o.followers.find((f) => f.index === index) ?? o.indexes.find((i) => i.index === index);
    return hit ? { docs: hit.docs, bytes: hit.bytes } : { docs: fallback.docs, bytes: fallback.bytes };
  };

  if (changed) {
    // 1. Pause first, so no pattern creates a follower of the old leader while the others are being promoted.
    for (const c of input.clusters) {
      if (c === old) continue;
      for (const p of obs(c).patterns) {
        if (!p.active || (p.leaderCluster !== old && c !== nu)) continue;
        if (!reachable(c)) {
          deferred.push(`"${c}" is unreachable: its auto-follow pattern "${p.name}" (follows ${p.leaderCluster}) is paused on a later up`);
          continue;
        }
        steps.push({ phase: 1, kind: "pauseAutoFollow", cluster: c, pattern: p.name, leaderCluster: p.leaderCluster });
      }
    }

    // 2. The followers on the new leader, and in a chain the clusters between the old leader and it, must catch up.
    // The chain is what is observed now: from the new leader up its followers' leaders to the old leader, so
    // `chain` ends with the new leader and `reachesOld` says whether the walk got there.
    const toPromote = obs(nu).followers;
    const lagList = (fs: readonly ObservedFollower[]) => fs.map((f) => ({ index: f.index, lagOps: f.lagOps }));
    const chain: string[] = [];
    let top: string | undefined = nu;
    while (top !== undefined && top !== old && !chain.includes(top)) {
      chain.unshift(top);
      top = obs(top).followers[0]?.leaderCluster;
    }
    const reachesOld = top === old;
    if (mode === "switchover") {
      const oldIndexes = obs(old).indexes.map((i) => i.index);
      // index.blocks.* is a non-replicated setting (core/settings.ts), so the block stays on the old leader and never
      // reaches the followers about to be promoted; it goes away with the index when step 4 replaces it.
      if (!input.writesStopped && oldIndexes.length > 0) steps.push({ phase: 2, kind: "blockWrites", cluster: old, indexes: oldIndexes });
      for (const c of chain) {
        const from = obs(c).followers[0]?.leaderCluster ?? old;
        steps.push({
          phase: 2, kind: "waitForCatchUp", cluster: c, from,
          timeoutSeconds: input.catchUpTimeoutSeconds ?? DEFAULT_CATCH_UP_TIMEOUT_SECONDS, followers: lagList(obs(c).followers),
        });
      }
    } else {
      // What the new leader lacks of the old leader's operations is its own lag plus the lag of every hop above it.
      const lagOf = (index: string): number | undefined => {
        if (!reachesOld) return undefined;
        let sum = 0;
        for (const c of chain) {
          const lag = obs(c).followers.find((f) => f.index === index)?.lagOps;
          if (lag === undefined) return undefined;
          sum += lag;
        }
        return sum;
      };
      const followers = toPromote.map((f) => ({ index: f.index, lagOps: lagOf(f.index) }));
      steps.push({
        phase: 2, kind: "reportPossibleLoss", cluster: nu, from: old, via: chain.slice(0, -1), followers,
        totalLagOps: followers.every((f) => f.lagOps !== undefined) ? followers.reduce((s, f) => s + f.lagOps!, 0) : undefined,
      });
    }

    // 3. Promote. A data stream is promoted once, after the last of its backing indexes is a regular index.
    const lastOfStream = new Map<string, string>();
    for (const f of toPromote) if (f.dataStream) lastOfStream.set(f.dataStream, f.index);
    for (const f of toPromote) {
      const ops: PromoteOp[] = ["pause", "close", "unfollow", "open"];
      if (f.dataStream && lastOfStream.get(f.dataStream) === f.index) ops.push("promoteDataStream");
      // Promotion keeps the index and its UUID, so clusters that already follow the new leader's copy keep their followers.
      steps.push({ phase: 3, kind: "promote", cluster: nu, index: f.index, ...(f.dataStream ? { dataStream: f.dataStream } : {}), ops });
    }

    // 4. Re-point, walking the new links from the leader down so a recreated upstream index is known before its followers.
    for (const c of walkFrom(nu, input.links, input.clusters)) {
      if (c === nu) continue;
      const up = upstreamOf(c);
      if (!reachable(c)) {
        deferred.push(c === old
          ? `the old leader "${old}" is unreachable: nothing is done on it; when it answers again, its indexes are kept until declared in failback.discard`
          : `"${c}" is unreachable: its followers are re-pointed to ${up ?? nu} on a later up`);
        continue;
      }
      if (up === undefined) continue;
      if (c === old && mode === "switchover") {
        for (const i of obs(c).indexes) {
          const size = sizeOn(up, i.index, i);
          steps.push({ phase: 4, kind: "repoint", cluster: c, index: i.index, newLeader: up, leaderIndex: i.index, docs: size.docs, bytes: size.bytes, wasCaughtUp: true });
          recreated.add(key(c, i.index));
        }
      }
      for (const f of obs(c).followers) {
        if (f.leaderCluster === up && !recreated.has(key(up, f.leaderIndex))) continue;
        const size = sizeOn(up, f.leaderIndex, f);
        steps.push({ phase: 4, kind: "repoint", cluster: c, index: f.index, oldLeader: f.leaderCluster, newLeader: up, leaderIndex: f.leaderIndex, docs: size.docs, bytes: size.bytes, wasCaughtUp: false });
        recreated.add(key(c, f.index));
      }
    }
  }

  // 5. Links of the new declaration that are missing or were paused above.
  const pausedNow = new Set(steps.filter((s) => s.kind === "pauseAutoFollow").map((s) => key(s.cluster, (s as { pattern: string }).pattern)));
  const installed = new Set<string>();
  for (const e of input.links) {
    if (installed.has(key(e.from, e.to))) continue;
    installed.add(key(e.from, e.to));
    const patterns = obs(e.to).patterns;
    const live = patterns.some((p) => p.leaderCluster === e.from && p.active && !pausedNow.has(key(e.to, p.name)));
    if (live) continue;
    if (!reachable(e.to)) {
      deferred.push(`"${e.to}" is unreachable: the link ${e.from} → ${e.to} is installed on a later up`);
      continue;
    }
    if (!reachable(e.from)) {
      deferred.push(`"${e.from}" is unreachable: the link ${e.from} → ${e.to} needs its leader and is installed on a later up`);
      continue;
    }
    const replaces = patterns.filter((p) => p.leaderCluster !== e.from || pausedNow.has(key(e.to, p.name))).map((p) => p.name);
    steps.push({ phase: 5, kind: "installLink", from: e.from, to: e.to, indexPatterns: [...e.indexPatterns], replacesPatterns: replaces });
  }

  // 6. Failback, only what is declared; everything else on a former leader is kept and reported.
  const handled = new Set(steps.filter((s) => s.kind === "repoint").map((s) => key((s as { cluster: string }).cluster, (s as { index: string }).index)));
  const declared = input.failback?.discard ?? [];
  const used = new Set<number>();
  for (const c of input.clusters) {
    if (c === nu) continue;
    const up = upstreamOf(c) ?? nu;
    for (const i of obs(c).indexes) {
      if (handled.has(key(c, i.index))) continue;
      const d = declared.findIndex((x) => x.cluster === c && x.index === i.index);
      if (d >= 0) used.add(d);
      if (!reachable(c)) continue; // reported above (old leader) or nothing observed
      if (d < 0) {
        deferred.push(`"${c}" holds the regular index "${i.index}" (${i.docs} documents) that ${up} cannot replicate into; ` +
          `it is kept. To replace it by a follower of ${up} (discarding those documents), declare ` +
          `failback.discard: [{ cluster: "${c}", index: "${i.index}", docs: ${i.docs} }]`);
        continue;
      }
      const want = declared[d].docs;
      if (want !== undefined && want !== i.docs) {
        deferred.push(`failback.discard of "${i.index}" on "${c}" declares ${want} documents but it holds ${i.docs}: not discarded; ` +
          `check what was written there and update the declaration`);
        continue;
      }
      steps.push({ phase: 6, kind: "failbackDiscard", cluster: c, index: i.index, docs: i.docs, bytes: i.bytes, newLeader: up });
    }
  }
  declared.forEach((d, n) => {
    if (used.has(n)) return;
    if (d.cluster !== nu && !reachable(d.cluster)) deferred.push(`failback.discard of "${d.index}" on "${d.cluster}": the cluster is unreachable; nothing is discarded now`);
    else deferred.push(`failback.discard of "${d.index}" on "${d.cluster}": no such regular index there; nothing to discard`);
  });

  // The steps were built phase by phase above, so their order is the order of execution (property-tested).
  return { steps, mode, deferred, errors };
}

/**
 * The decision of one poll of a `waitForCatchUp` step (the executor polls with `waitUntil`, bounded by the step's
 * timeout): done when every listed follower on the cluster is observed with lag 0; otherwise what is still behind,
 * for the timeout message. A follower that is gone or whose lag cannot be read is not caught up.
 */
export function catchUpProgress(
  step: Extract<FailoverStep, { kind: "waitForCatchUp" }>, now: ObservedCluster,
): { done: true } | { done: false; last: string } {
  if (!now.reachable) return { done: false, last: `"${step.cluster}" is unreachable` };
  const behind: string[] = [];
  for (const want of step.followers) {
    const f = now.followers.find((x) => x.index === want.index);
    if (!f) behind.push(`${want.index}: no longer a follower`);
    else if (f.lagOps === undefined) behind.push(`${want.index}: lag unknown`);
    else if (f.lagOps > 0) behind.push(`${want.index}: ${f.lagOps} operations behind`);
  }
  return behind.length === 0 ? { done: true } : { done: false, last: `on "${step.cluster}" (following ${step.from}): ${behind.join(", ")}` };
}

/** Clusters from `root` down the links (breadth first), then any the links do not reach, in declaration order. */
function walkFrom(root: string, edges: readonly ReplicationEdge[], clusters: readonly string[]): string[] {
  const order = [root];
  for (let k = 0; k < order.length; k++) {
    for (const e of edges) if (e.from === order[k] && !order.includes(e.to)) order.push(e.to);
  }
  for (const c of clusters) if (!order.includes(c)) order.push(c);
  return order;
}

// ---------------------------------------------------------------------------------------------------------------
// Preview text

export function humanBytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

const PHASE_TITLES: Record<number, string> = {
  1: "Pause auto-follow patterns that follow the old leader",
  2: "Make sure nothing acknowledged is left behind",
  3: "Promote the followers on the new leader (pause → close → unfollow → open)",
  4: "Re-point the other replicas (a follower cannot change its leader: recreated from the new leader)",
  5: "Install links from the leader",
  6: "Failback: replace declared indexes by followers of the leader (their documents are DISCARDED)",
};

function describeStep(s: FailoverStep): string {
  switch (s.kind) {
    case "pauseAutoFollow":
      return `on "${s.cluster}": pause auto-follow pattern "${s.pattern}" (follows ${s.leaderCluster})`;
    case "blockWrites":
      return `on "${s.cluster}": block writes (index.blocks.write=true) on ${s.indexes.map((i) => `"${i}"`).join(", ")} so nothing is acknowledged after the catch-up`;
    case "waitForCatchUp": {
      const lags = s.followers.map((f) => `${f.index} (lag ${f.lagOps ?? "unknown"})`).join(", ");
      return `on "${s.cluster}": wait up to ${s.timeoutSeconds} s until every follower of ${s.from} has lag 0: ${lags || "no followers"}`;
    }
    case "reportPossibleLoss": {
      const lags = s.followers.map((f) => `${f.index}: ${f.lagOps ?? "unknown"} operations`).join(", ");
      const total = s.totalLagOps === undefined ? "unknown (some lags were not observed)" : `${s.totalLagOps} operations`;
      const via = s.via.length ? ` (through ${s.via.join(" → ")})` : "";
      return `"${s.from}" is unreachable (unplanned failover): no wait. Possible loss, the lag on "${s.cluster}" at promotion${via}: ${total}${lags ? ` (${lags})` : ""}`;
    }
    case "promote":
      return `on "${s.cluster}": promote "${s.index}": ${s.ops.filter((o) => o !== "promoteDataStream").join(" → ")}` +
        (s.ops.includes("promoteDataStream") ? `, then promote data stream "${s.dataStream}"` : "");
    case "repoint":
      return `on "${s.cluster}": ${s.wasCaughtUp ? `replace the caught-up index "${s.index}" (it was the leader's)` : `delete follower "${s.index}" (of ${s.oldLeader})`} ` +
        `and follow "${s.leaderIndex}" on ${s.newLeader}: copies ${s.docs} documents, ${humanBytes(s.bytes)}`;
    case "installLink":
      return `link ${s.from} → ${s.to} for ${s.indexPatterns.join(", ")}: remote alias "${s.from}" on "${s.to}", follow existing indexes, then auto-follow` +
        (s.replacesPatterns.length ? ` (replaces pattern${s.replacesPatterns.length > 1 ? "s" : ""} ${s.replacesPatterns.map((p) => `"${p}"`).join(", ")})` : "");
    case "failbackDiscard":
      return `on "${s.cluster}": DISCARD "${s.index}" (${s.docs} documents, ${humanBytes(s.bytes)}) and follow it from ${s.newLeader}`;
  }
}

/** The preview of a plan: what `pulumi preview` shows and `pulumi up` performs, in order. */
export function renderFailoverPlan(plan: FailoverPlan, input: Pick<FailoverInput, "previousLeader" | "newLeader">): string {
  const lines: string[] = [];
  const head = plan.mode === "switchover" ? `planned switchover ${input.previousLeader} → ${input.newLeader} (old leader reachable)`
    : plan.mode === "failover" ? `unplanned failover ${input.previousLeader} → ${input.newLeader} (old leader unreachable)`
    : `leader stays ${input.newLeader}`;
  lines.push(`Topology: ${head}`);
  for (const e of plan.errors) lines.push(`  ERROR: ${e}`);
  let phase = 0;
  let n = 0;
  for (const s of plan.steps) {
    if (s.phase !== phase) {
      phase = s.phase;
      lines.push(`${phase}. ${PHASE_TITLES[phase]}`);
    }
    lines.push(`   ${++n}) ${describeStep(s)}`);
  }
  if (plan.steps.length === 0 && plan.errors.length === 0) lines.push("  no steps");
  for (const d of plan.deferred) lines.push(`  not now: ${d}`);
  return lines.join("\n");
}
