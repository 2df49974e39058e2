/**
 * Replication loops and follower-name collisions among declared links (pure).
 *
 * Elasticsearch does not stop a loop. Its auto-follower (AutoFollowCoordinator.getLeaderIndicesToFollow, 8.19 and
 * 9.x) follows every open remote index whose name matches the pattern's leader patterns and none of its exclusions
 * and that is not a system index; whether that index is itself a follower is never asked, and a follower can lead
 * (chains A → B → C are legal and documented). So when links form a cycle of clusters and an index name can travel
 * all the way round (each hop's leader patterns match the name the previous hop wrote), Elasticsearch:
 * - writes a new copy every round without end when the name that comes back is picked up again (a rename such as
 *   `{{leader_index}}-copy` and a pattern `logs-*` on both sides: logs-x → logs-x-copy → logs-x-copy-copy → …);
 * - fails for ever when it comes back under its own name (no rename): the follow finds the leader itself in the way
 *   (leaderIndexAlreadyFollowed is false for a regular index, so the attempt fails and is retried every cycle);
 * - otherwise copies the cluster's own data back to it, and both clusters then lead each other (multi-leader: the
 *   version rule binds both ways, so neither can ever be upgraded first).
 * Elastic's bi-directional set-up breaks the cycle with a distinct `follow_index_pattern` per direction and
 * `leader_index_exclusion_patterns` for the copies coming back; this detector accepts exactly such declarations.
 *
 * A link is an edge between two cluster keys (whoever builds the edges decides what makes two connections one
 * cluster). The follower names an edge writes are its template applied to the names its patterns match; a template
 * without the placeholder writes one fixed name; one with it several times is over-approximated (see `image`).
 * Same-cluster links (leader = follower) are loops only when they pick up their own copies or their own names.
 */
import {
  acceptsName, alphabetOf, globSet, image, intersect, NameAutomaton, quotient, witness,
} from "./names-automata";
import { LEADER_INDEX_PLACEHOLDER } from "./names";

/** One declared replication link, as the detector sees it. */
export interface ReplicationEdge {
  /** Who declared it, as the user will recognise it, e.g. `ReplicationLink "a-to-b"`. */
  id: string;
  /** A short name for examples in advice (e.g. the component's name). */
  name?: string;
  /** Cluster keys: equal keys are the same cluster. */
  leader: string;
  follower: string;
  leaderIndexPatterns: readonly string[];
  /** Everything the installed pattern excludes (the link's own ".*" included). */
  exclusionPatterns: readonly string[];
  /** Follower name template; undefined: the leader's name (`{{leader_index}}`). */
  followIndexPattern?: string;
}

export type LoopKind = "endless" | "conflict" | "roundTrip";

export interface ReplicationLoop {
  /** The links in the order an index travels, starting on the cluster it came from. */
  edges: ReplicationEdge[];
  /** An example: names[0] on edges[0].leader, names[i + 1] is what edges[i] writes; the last is back on the first cluster. */
  names: string[];
  kind: LoopKind;
  /** A template holding the placeholder more than once was over-approximated: the example may not be reachable. */
  approximate: boolean;
}

const templateParts = (e: ReplicationEdge) => (e.followIndexPattern ?? LEADER_INDEX_PLACEHOLDER).split(LEADER_INDEX_PLACEHOLDER);
const matcher = (e: ReplicationEdge) => globSet(e.leaderIndexPatterns, e.exclusionPatterns);
const textsOf = (edges: readonly ReplicationEdge[]) => edges.flatMap((e) => [...e.leaderIndexPatterns, ...e.exclusionPatterns, ...templateParts(e)]);

/** What a template writes for a name: fixed text, or prefix·w·suffix of a free name w of one segment. */
type Name = { fixed: string } | { seg: number; prefix: string; suffix: string };

/** The template applied to a name, with `newSeg` to start a fresh variable where a template repeats the placeholder. */
function applyTemplate(e: ReplicationEdge, n: Name, newSeg: () => number): { name: Name; approximate: boolean } {
  const parts = templateParts(e);
  if (parts.length === 1) return { name: { fixed: parts[0] }, approximate: false };
  if ("fixed" in n) return { name: { fixed: parts.join(n.fixed) }, approximate: false };
  if (parts.length === 2) return { name: { seg: n.seg, prefix: parts[0] + n.prefix, suffix: n.suffix + parts[1] }, approximate: false };
  // prefix·w·mid·w·suffix ⊆ prefix·Σ*·suffix: a fresh free name in between (a superset, so no loop is missed).
  return { name: { seg: newSeg(), prefix: parts[0] + n.prefix, suffix: n.suffix + parts[parts.length - 1] }, approximate: true };
}

/**
 * Whether a name can travel along `edges` (each edge's leader is the previous one's follower) and, if so, an
 * example: the names on each cluster, the first being any leader index on the first cluster.
 */
export function travel(edges: readonly ReplicationEdge[]): { names: string[]; approximate: boolean } | undefined {
  let segs = 1;
  const constraints: NameAutomaton[][] = [[]];
  const newSeg = () => { constraints.push([]); return segs++; };
  const names: Name[] = [{ seg: 0, prefix: "", suffix: "" }];
  let approximate = false;
  for (const e of edges) {
    const n = names[names.length - 1];
    if ("fixed" in n) {
      if (!acceptsName(matcher(e), n.fixed)) return undefined;
    } else {
      constraints[n.seg].push(quotient(matcher(e), n.prefix, n.suffix));
    }
    const next = applyTemplate(e, n, newSeg);
    approximate ||= next.approximate;
    names.push(next.name);
  }
  const alphabet = alphabetOf(textsOf(edges));
  const values: string[] = [];
  for (const c of constraints) {
    // A free name nothing constrains is any index name; the stand-in letter shows it.
    const w = c.length ? witness(intersect(c), alphabet) : { found: true as const, name: alphabet[0] };
    // Undecided (too many states) counts as possible: a missed loop costs more than a question.
    if (!w.found && !w.undecided) return undefined;
    values.push(w.found ? w.name : alphabet[0]);
  }
  return { names: names.map((n) => ("fixed" in n ? n.fixed : n.prefix + values[n.seg] + n.suffix)), approximate };
}

/** Every simple cycle of the link graph as edge lists, each once (starting at its smallest cluster key). */
export function simpleCycles(edges: readonly ReplicationEdge[], max = 1000): ReplicationEdge[][] {
  const nodes = [...new Set(edges.flatMap((e) => [e.leader, e.follower]))].sort();
  const rank = new Map(nodes.map((n, i) => [n, i]));
  const out: ReplicationEdge[][] = [];
  for (const start of nodes) {
    const onPath = new Set<string>([start]);
    const path: ReplicationEdge[] = [];
    const visit = (at: string): void => {
      for (const e of edges) {
        if (out.length >= max) return;
        if (e.leader !== at) continue;
        if (e.follower === start) out.push([...path, e]);
        else if (rank.get(e.follower)! > rank.get(start)! && !onPath.has(e.follower)) {
          onPath.add(e.follower);
          path.push(e);
          visit(e.follower);
          path.pop();
          onPath.delete(e.follower);
        }
      }
    };
    visit(start);
  }
  return out;
}

/**
 * The replication loops among the links: for each cycle of clusters, the starting point (rotation) from which an
 * index name travels all the way round with the worst outcome (endless before conflict before round trip), with an
 * example and what Elasticsearch would do.
 */
export function findReplicationLoops(edges: readonly ReplicationEdge[]): ReplicationLoop[] {
  const loops: ReplicationLoop[] = [];
  // Equal kinds: the rotation whose example shows it in the first round (the name itself comes back).
  const severity = (l: ReplicationLoop) => ({ endless: 3, conflict: 2, roundTrip: 1 })[l.kind] + (l.names[l.names.length - 1] === l.names[0] ? 0.5 : 0);
  for (const cycle of simpleCycles(edges)) {
    let worst: ReplicationLoop | undefined;
    for (let r = 0; r < cycle.length; r++) {
      const loop = loopFrom([...cycle.slice(r), ...cycle.slice(0, r)]);
      // A same-cluster link that writes names it does not pick up again makes a copy, not a loop.
      if (!loop || (cycle.length === 1 && loop.kind === "roundTrip")) continue;
      if (!worst || severity(loop) > severity(worst)) worst = loop;
    }
    if (worst) loops.push(worst);
  }
  return loops;
}

/** The loop an index starting on the first link's leader makes, if any name travels the whole cycle from there. */
function loopFrom(rotated: ReplicationEdge[]): ReplicationLoop | undefined {
  const once = travel(rotated);
  if (!once) return undefined;
  const k = rotated.length;
  if (once.names[k] === once.names[0]) return { edges: rotated, names: once.names, kind: "conflict", approximate: once.approximate };
  // Picked up again: a name that travels the cycle twice (its first round is the example). When the second round
  // writes the names of the first again (fixed names), it ends in a follow that finds its index already there.
  const twice = travel([...rotated, ...rotated]);
  if (!twice) return { edges: rotated, names: once.names, kind: "roundTrip", approximate: once.approximate };
  const kind: LoopKind = twice.names[2 * k] === twice.names[k] ? "conflict" : "endless";
  return { edges: rotated, names: twice.names.slice(0, k + 1), kind, approximate: twice.approximate };
}

export interface FollowerNameCollision {
  /** The follower cluster both links write to. */
  cluster: string;
  edges: [ReplicationEdge, ReplicationEdge];
  /** A follower name both links may write. */
  example: string;
}

/**
 * Pairs of links into one cluster whose follower names can coincide: two leaders for one follower index. With two
 * patterns on one remote alias Elasticsearch refuses the index ("matches with other patterns") every cycle; with two
 * aliases (or a link plus another) whichever follows first wins and the other fails for ever. Exclusions count.
 */
export function findFollowerNameCollisions(edges: readonly ReplicationEdge[]): FollowerNameCollision[] {
  const out: FollowerNameCollision[] = [];
  const written = (e: ReplicationEdge) => {
    const parts = templateParts(e);
    if (parts.length === 1) return fixedName(e, parts[0]);
    return image(matcher(e), parts[0], parts[parts.length - 1], parts.length > 2);
  };
  for (let i = 0; i < edges.length; i++) {
    for (let j = i + 1; j < edges.length; j++) {
      const [a, b] = [edges[i], edges[j]];
      if (a.follower !== b.follower) continue;
      const w = witness(intersect([written(a), written(b)]), alphabetOf(textsOf([a, b])));
      if (w.found || w.undecided) out.push({ cluster: a.follower, edges: [a, b], example: w.found ? w.name : "?" });
    }
  }
  return out;
}

/** A template without the placeholder writes exactly one name, when the link matches anything at all. */
function fixedName(e: ReplicationEdge, name: string): NameAutomaton {
  const any = witness(matcher(e), alphabetOf(textsOf([e]))).found;
  return globSet(any ? [name.replace(/\*/g, "")] : []);
}

// ---------------------------------------------------------------------------------------------------------------
// Messages

const CONSEQUENCE: Record<LoopKind, string> = {
  endless: "that copy matches again, so Elasticsearch's auto-follow writes a new copy every round without end (it never skips a leader index that is itself a follower)",
  conflict: "the copy comes back under a name that already exists there (the leader index's own, or an earlier copy's), so the follow fails for ever",
  roundTrip: "each cluster's own data comes back to it, and the clusters lead each other (multi-leader: the version rule then binds both ways and neither can be upgraded first)",
};

/**
 * Exclusions that break the loop: on the hop after each renaming hop, the names that rename marks (Elastic's
 * bi-directional recipe), if adding all of them leaves no loop among these links.
 */
function suggestedExclusions(loop: ReplicationLoop): Array<{ edge: ReplicationEdge; pattern: string }> | undefined {
  const k = loop.edges.length;
  const out: Array<{ edge: ReplicationEdge; pattern: string }> = [];
  loop.edges.forEach((e, i) => {
    const parts = templateParts(e);
    if (parts.length === 2 && (parts[0] !== "" || parts[1] !== "")) out.push({ edge: loop.edges[(i + 1) % k], pattern: `${parts[0]}*${parts[1]}` });
  });
  if (out.length === 0) return undefined;
  const patched = loop.edges.map((e) => ({ ...e, exclusionPatterns: [...e.exclusionPatterns, ...out.filter((x) => x.edge === e).map((x) => x.pattern)] }));
  return findReplicationLoops(patched).length === 0 ? out : undefined;
}

/** The loop as the user reads it, with `label` naming a cluster key (e.g. by its URL origins). */
export function describeReplicationLoop(loop: ReplicationLoop, label: (cluster: string) => string): string {
  const hops = loop.edges.map((e, i) => `${e.id} writes "${loop.names[i + 1]}" on ${label(e.follower)}`);
  const fix = suggestedExclusions(loop);
  const advice = fix
    ? `exclude the copies each renaming link marks on the way back: ${fix.map((x) => `leaderIndexExclusionPatterns ["${x.pattern}"] on ${x.edge.id}`).join(", ")}; or narrow leaderIndexPatterns`
    : `give one direction a followIndexPattern that marks its copies (e.g. "${LEADER_INDEX_PLACEHOLDER}-replicated") and exclude the marked names ` +
      `on the way back (leaderIndexExclusionPatterns ["*-replicated"]), or narrow leaderIndexPatterns so that no link picks up what another writes`;
  return `replication loop: "${loop.names[0]}" on ${label(loop.edges[0].leader)} → ${hops.join(" → ")}: ${CONSEQUENCE[loop.kind]}` +
    `${loop.approximate ? " (a followIndexPattern with the placeholder twice is analysed approximately)" : ""}. To break it, ${advice}`;
}

export function describeFollowerNameCollision(c: FollowerNameCollision, label: (cluster: string) => string): string {
  const [a, b] = c.edges;
  const fix = collisionFix(c);
  return `${a.id} (${label(a.leader)} → ${label(a.follower)}, leaderIndexPatterns ${JSON.stringify(a.leaderIndexPatterns)}) and ` +
    `${b.id} (${label(b.leader)} → ${label(b.follower)}, leaderIndexPatterns ${JSON.stringify(b.leaderIndexPatterns)}) both write follower indexes on ` +
    `${label(c.cluster)}, e.g. "${c.example}": one follower name with two leaders, so one of the follows fails for ever; ` +
    (fix ? `give ${fix.edge.id} a followIndexPattern no name of the other can take, e.g. "${fix.template}", ` : "give one of them a followIndexPattern no name of the other can take, ") +
    `or leader patterns and exclusions that do not overlap`;
}

/** A marking template for one of the two links (a prefix first: a suffix is often not enough) that ends the collision. */
function collisionFix(c: FollowerNameCollision): { edge: ReplicationEdge; template: string } | undefined {
  for (const e of [c.edges[1], c.edges[0]]) {
    const other = e === c.edges[0] ? c.edges[1] : c.edges[0];
    const mark = (e.name ?? "copy").toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^[-_]+/, "") || "copy";
    for (const template of [`${mark}-${LEADER_INDEX_PLACEHOLDER}`, `from-${mark}-${LEADER_INDEX_PLACEHOLDER}`, `${LEADER_INDEX_PLACEHOLDER}-${mark}`]) {
      if (findFollowerNameCollisions([other, { ...e, followIndexPattern: template }]).length === 0) return { edge: e, template };
    }
  }
  return undefined;
}
