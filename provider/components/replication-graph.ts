/**
 * The program-wide view of declared replication links, for loop and follower-name-collision checks across
 * components (core/loops.ts decides; this file only gathers). Every ReplicationLink — the ones a program declares and
 * the ones a Topology declares — registers its ends and patterns here when it is constructed; once its own inputs are
 * known it waits one macrotask (a program that declares its links synchronously has declared them all by then), reads
 * every link registered so far, and gets the problems it takes part in. Those become an input of its resource, whose
 * check refuses them at preview, before any request.
 *
 * Scope: one program run (one Pulumi stack resource; an inline program run again in the same process starts afresh).
 * A link declared later (inside an apply, after an await) still sees every earlier one, so each loop is reported by at
 * least its last-declared link. Clusters are identified by their declared URL origins (connection, else stack config
 * `elasticsearch-ccr:urls`/`cloudId`): two connections sharing an origin are one cluster. A cluster reached through
 * URLs with nothing in common, an end whose connection is unknown during the preview (computed by another
 * resource), links made outside the program and FollowerIndex/AutoFollowPattern resources are not seen.
 */
import * as pulumi from "@pulumi/pulumi";
import { cloudIdUrl, CONFIG_NAMESPACE, type ConnectionInputs } from "../client/connection";
import type { CheckFailure } from "../core/check";
import {
  describeFollowerNameCollision, describeReplicationLoop, findFollowerNameCollisions, findReplicationLoops, type ReplicationEdge,
} from "../core/loops";

/** One declared link: who declared it, the URL origins of both ends, and what it follows under which names. */
export interface DeclaredLink {
  id: string;
  name: string;
  leaderOrigins: string[];
  followerOrigins: string[];
  leaderIndexPatterns: string[];
  exclusionPatterns: string[];
  followIndexPattern?: string;
}

interface Registry {
  links: Array<Promise<DeclaredLink | undefined>>;
}

const RUNS = new WeakMap<object, Registry>();
/** How long a link waits for another link's inputs (one computed from a resource that waits for this link would never come). */
const WAIT_MS = 20_000;

/** The URL origins a connection names (its own URLs or cloudId, else stack config's), lower-cased; [] if none is readable. */
export function connectionOrigins(c: ConnectionInputs | undefined, config: (key: string) => string | undefined): string[] {
  let urls: unknown = c?.urls;
  let cloudId: unknown = c?.cloudId;
  if (urls === undefined && cloudId === undefined) {
    const raw = config("urls");
    urls = raw === undefined ? undefined : raw.trim().startsWith("[") ? safeJson(raw) : raw.split(",").map((s) => s.trim()).filter(Boolean);
    cloudId = config("cloudId");
  }
  const list = Array.isArray(urls) ? urls : [];
  if (typeof cloudId === "string") list.push(cloudIdUrl(cloudId));
  const out = new Set<string>();
  for (const u of list) {
    if (typeof u !== "string") continue;
    try {
      out.add(new URL(u).origin.toLowerCase());
    } catch {
      // Not a URL: check reports it; nothing to identify the cluster by.
    }
  }
  return [...out].sort();
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/**
 * The value of an Output once it settles, or undefined when it is unknown (a preview) or fails. `apply`'s second
 * argument (runWithUnknowns, which the SDK's own output proxies use) makes the callback run for unknown values too;
 * without it (another SDK) an unknown value never calls back and the caller's timeout ends the wait.
 */
function settle<T>(o: pulumi.Output<T>): Promise<T | undefined> {
  return new Promise((resolve) => {
    const apply = o.apply as unknown as (this: pulumi.Output<T>, f: (v: T) => undefined, runWithUnknowns?: boolean) => pulumi.Output<undefined>;
    apply.call(o, (v: T) => {
      resolve(pulumi.containsUnknowns(v) ? undefined : v);
      return undefined;
    }, true);
  });
}

const timeout = <T>(p: Promise<T>, ms: number): Promise<T | undefined> =>
  Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);

/** Union-find over origins: a connection's origins are one cluster; the key is the smallest origin of its class. */
function clusterKeys(links: readonly DeclaredLink[]): { key: (origins: string[]) => string; label: (key: string) => string } {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    const p = parent.get(x) ?? x;
    if (p === x) return x;
    const r = find(p);
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  for (const l of links) for (const o of [l.leaderOrigins, l.followerOrigins]) o.forEach((x) => union(o[0], x));
  const members = new Map<string, string[]>();
  for (const x of new Set(links.flatMap((l) => [...l.leaderOrigins, ...l.followerOrigins]))) members.set(find(x), [...(members.get(find(x)) ?? []), x]);
  return { key: (origins) => find(origins[0]), label: (k) => `the cluster at ${(members.get(k) ?? [k]).sort().join(", ")}` };
}

/**
 * Registers a link (its description, once its inputs settle) and returns, once the program's links are known, the
 * loops and follower-name collisions it takes part in as check failures: loops on `leaderIndexPatterns`, collisions
 * on `followIndexPattern`.
 */
export function registerLink(link: pulumi.Output<DeclaredLink | undefined>, warn: (m: string) => void = () => undefined): Promise<CheckFailure[]> {
  const stack = pulumi.runtime.getStackResource();
  // Outside a stack (unit tests under mocks) there is no program run to scope the registry to.
  if (!stack) return Promise.resolve([]);
  const reg = RUNS.get(stack) ?? { links: [] };
  RUNS.set(stack, reg);
  const mine = settle(link);
  reg.links.push(mine);
  return (async () => {
    const me = await mine;
    if (!me || !me.leaderOrigins.length || !me.followerOrigins.length) return [];
    await new Promise((r) => setImmediate(r));
    const all = (await Promise.all(reg.links.map((p) => (p === mine ? p : timeout(p, WAIT_MS)))))
      .filter((l): l is DeclaredLink => l !== undefined && l.leaderOrigins.length > 0 && l.followerOrigins.length > 0);
    const ids = clusterKeys(all);
    const edges: ReplicationEdge[] = all.map((l) => ({
      id: l.id, name: l.name, leader: ids.key(l.leaderOrigins), follower: ids.key(l.followerOrigins),
      leaderIndexPatterns: l.leaderIndexPatterns, exclusionPatterns: l.exclusionPatterns,
      ...(l.followIndexPattern !== undefined ? { followIndexPattern: l.followIndexPattern } : {}),
    }));
    const self = edges[all.indexOf(me)];
    return [
      ...findReplicationLoops(edges).filter((l) => l.edges.includes(self)).map((l) => ({ property: "leaderIndexPatterns", reason: describeReplicationLoop(l, ids.label) })),
      ...findFollowerNameCollisions(edges).filter((c) => c.edges.includes(self)).map((c) => ({ property: "followIndexPattern", reason: describeFollowerNameCollision(c, ids.label) })),
    ];
  })().catch((e: unknown) => {
    // A fault of this check must not stop a program that declares nothing wrong: say so, and let the link go on.
    warn(`the replication-loop check could not run (${(e as Error).message}); loops through this link are not checked`);
    return [];
  });
}

/** Stack config of the package, as the program sees it (`urls`, `cloudId`: where a connection-less link points). */
export function packageConfig(key: string): string | undefined {
  return new pulumi.Config(CONFIG_NAMESPACE).get(key);
}
