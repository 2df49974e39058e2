/**
 * Index-name languages as lazy deterministic automata, for reasoning about which names replication links can read
 * and write without listing any cluster: Elasticsearch's simple wildcard patterns (`Regex.simpleMatch`: `*` is any
 * run of characters, everything else literal) with exclusions, a `{{leader_index}}` template applied to a language,
 * fixed prefixes/suffixes taken off (quotients), and intersections. Emptiness is decided by a breadth-first search
 * over the reachable states, which also gives a witness name. Pure; the languages involved are tiny (a few patterns
 * of a few dozen characters), so the state spaces are too.
 */

/** A deterministic automaton built on the fly. States are plain values compared by `key`. */
export interface NameAutomaton<S = unknown> {
  start: S;
  step(s: S, ch: string): S;
  accepts(s: S): boolean;
  /** No extension of a string in this state is accepted (prunes the search). */
  dead(s: S): boolean;
  key(s: S): string;
}

type Positions = number[];

/** The positions of a glob after `*` closure: a `*` at i can match the empty run, so i+1 is reached too. */
function closure(p: string, set: Iterable<number>): Positions {
  const out = new Set<number>();
  for (let i of set) {
    out.add(i);
    while (p[i] === "*") out.add(++i);
  }
  return [...out].sort((a, b) => a - b);
}

function globStep(p: string, set: Positions, ch: string): Positions {
  const next: number[] = [];
  for (const i of set) {
    if (i >= p.length) continue;
    if (p[i] === "*") next.push(i);
    else if (p[i] === ch) next.push(i + 1);
  }
  return closure(p, next);
}

/**
 * Names matching one of `patterns` and none of `exclusions` (AutoFollowPattern.match on names; system indexes, which
 * Elasticsearch never follows, are not modelled).
 */
export function globSet(patterns: readonly string[], exclusions: readonly string[] = []): NameAutomaton<Positions[]> {
  const all = [...patterns, ...exclusions];
  const n = patterns.length;
  return {
    start: all.map((p) => closure(p, [0])),
    step: (s, ch) => s.map((set, i) => globStep(all[i], set, ch)),
    accepts: (s) => s.slice(0, n).some((set, i) => set.includes(all[i].length)) && !s.slice(n).some((set, i) => set.includes(all[n + i].length)),
    dead: (s) => s.slice(0, n).every((set) => set.length === 0),
    key: (s) => JSON.stringify(s),
  };
}

export function run<S>(a: NameAutomaton<S>, s: S, text: string): S {
  for (const ch of text) s = a.step(s, ch);
  return s;
}

export function acceptsName<S>(a: NameAutomaton<S>, name: string): boolean {
  return a.accepts(run(a, a.start, name));
}

/** { w : prefix·w·suffix ∈ L }: the names that land in L once a template's fixed parts are put around them. */
export function quotient<S>(a: NameAutomaton<S>, prefix: string, suffix: string): NameAutomaton<S> {
  return {
    start: run(a, a.start, prefix),
    step: a.step,
    accepts: (s) => a.accepts(run(a, s, suffix)),
    dead: a.dead,
    key: a.key,
  };
}

/** The intersection of the languages (a name all of them accept). */
export function intersect(parts: readonly NameAutomaton[]): NameAutomaton<unknown[]> {
  return {
    start: parts.map((p) => p.start),
    step: (s, ch) => s.map((x, i) => parts[i].step(x, ch)),
    accepts: (s) => s.every((x, i) => parts[i].accepts(x)),
    dead: (s) => s.some((x, i) => parts[i].dead(x)),
    key: (s) => JSON.stringify(s.map((x, i) => parts[i].key(x))),
  };
}

type ImageNode = ["p", number] | ["m", unknown] | ["any"] | ["s", number];

/**
 * The names a template writes for the names of L: { prefix·w·suffix : w ∈ L }. With `anyMiddle` the part between w
 * and the suffix is any text: the over-approximation used for a template that holds the placeholder more than once
 * (prefix·w·mid·w·suffix is not a regular language in general; its superset prefix·L·Σ*·suffix is).
 * Deterministic by the subset construction over (phase, position) nodes.
 */
export function image<S>(a: NameAutomaton<S>, prefix: string, suffix: string, anyMiddle = false): NameAutomaton<ImageNode[]> {
  const key = (n: ImageNode) => (n[0] === "m" ? `m${a.key(n[1] as S)}` : `${n[0]}${n[1] ?? ""}`);
  const close = (nodes: ImageNode[]): ImageNode[] => {
    const out = new Map<string, ImageNode>();
    const todo = [...nodes];
    while (todo.length) {
      const n = todo.pop()!;
      if (n[0] === "m" && a.dead(n[1] as S)) continue;
      const k = key(n);
      if (out.has(k)) continue;
      out.set(k, n);
      if (n[0] === "p" && n[1] === prefix.length) todo.push(["m", a.start]);
      if (n[0] === "m" && a.accepts(n[1] as S)) todo.push(anyMiddle ? ["any"] : ["s", 0]);
      if (n[0] === "any") todo.push(["s", 0]);
    }
    return [...out.keys()].sort().map((k) => out.get(k)!);
  };
  return {
    start: close([["p", 0]]),
    step: (set, ch) => close(set.flatMap((n): ImageNode[] => {
      if (n[0] === "p") return n[1] < prefix.length && prefix[n[1]] === ch ? [["p", n[1] + 1]] : [];
      if (n[0] === "m") return [["m", a.step(n[1] as S, ch)]];
      if (n[0] === "any") return [["any"]];
      return n[1] < suffix.length && suffix[n[1]] === ch ? [["s", n[1] + 1]] : [];
    })),
    accepts: (set) => set.some((n) => n[0] === "s" && n[1] === suffix.length),
    dead: (set) => set.length === 0,
    key: (set) => set.map(key).join("|"),
  };
}

/** A character that occurs in none of the texts: the stand-in for "any other character" of every `*`. */
export function freshChar(texts: readonly string[]): string {
  const used = new Set(texts.join(""));
  for (const c of "xyzqkjw0123456789abcdefghilmnoprstuv") if (!used.has(c)) return c;
  return "\u00e9";
}

/** Every character the texts use, plus one they do not: enough to explore any wildcard language over them. */
export function alphabetOf(texts: readonly string[]): string[] {
  return [freshChar(texts), ...[...new Set(texts.join(""))].filter((c) => c !== "*").sort()];
}

export type Witness = { found: true; name: string } | { found: false; undecided: boolean };

/**
 * A name the automaton accepts (the shortest, then made to read like an index name by putting the stand-in letter
 * where a wildcard allows it), or none. Gives up as `undecided` after `maxStates` states.
 */
export function witness<S>(a: NameAutomaton<S>, alphabet: readonly string[], maxStates = 20000): Witness {
  const seen = new Set<string>([a.key(a.start)]);
  let frontier: Array<[S, string]> = [[a.start, ""]];
  while (frontier.length) {
    const next: Array<[S, string]> = [];
    for (const [s, w] of frontier) {
      if (a.accepts(s)) return { found: true, name: readable(a, w, alphabet[0]) };
      for (const ch of alphabet) {
        const t = a.step(s, ch);
        if (a.dead(t)) continue;
        const k = a.key(t);
        if (seen.has(k)) continue;
        if (seen.size >= maxStates) return { found: false, undecided: true };
        seen.add(k);
        next.push([t, w + ch]);
      }
    }
    frontier = next;
  }
  return { found: false, undecided: false };
}

/**
 * "logs-" reads worse than "logs-x", and "issuesx" worse than "issues-x": insert the stand-in letter (after a "-"
 * unless one is there already) where the language still accepts the result, as late in the name as possible.
 */
function readable<S>(a: NameAutomaton<S>, w: string, stand: string): string {
  for (let i = w.length; i >= 0; i--) {
    const sep = i === 0 || /[-_.]/.test(w[i - 1]) ? [stand] : [`-${stand}`, stand];
    for (const ins of sep) {
      const v = w.slice(0, i) + ins + w.slice(i);
      if (acceptsName(a, v)) return v;
    }
  }
  return w;
}
