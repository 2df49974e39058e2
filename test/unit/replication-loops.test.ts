import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { simpleMatch } from "../../provider/components/replication-link/plan";
import {
  describeFollowerNameCollision, describeReplicationLoop, findFollowerNameCollisions, findReplicationLoops, ReplicationEdge, simpleCycles,
} from "../../provider/core/loops";
import { acceptsName, alphabetOf, globSet, image, intersect, quotient, witness } from "../../provider/core/names-automata";

const edge = (id: string, leader: string, follower: string, patterns: string[], followIndexPattern?: string, exclusions: string[] = []): ReplicationEdge => ({
  id: `ReplicationLink "${id}"`, name: id, leader, follower, leaderIndexPatterns: patterns, exclusionPatterns: exclusions,
  ...(followIndexPattern !== undefined ? { followIndexPattern } : {}),
});
const label = (c: string) => `cluster ${c}`;

/** Names over a small alphabet, and wildcard patterns over it: the space where a brute force can check the automata. */
const ALPHA = ["a", "b", "-"];
const name = fc.array(fc.constantFrom(...ALPHA), { maxLength: 6 }).map((a) => a.join(""));
const glob = fc.array(fc.constantFrom(...ALPHA, "*"), { maxLength: 5 }).map((a) => a.join(""));
const template = fc.tuple(fc.array(fc.constantFrom(...ALPHA), { maxLength: 2 }), fc.array(fc.constantFrom(...ALPHA), { maxLength: 2 }), fc.boolean())
  .map(([p, s, placeholder]) => (placeholder ? `${p.join("")}{{leader_index}}${s.join("")}` : `${p.join("")}b${s.join("")}`));
const matches = (e: ReplicationEdge, n: string) => e.leaderIndexPatterns.some((p) => simpleMatch(p, n)) && !e.exclusionPatterns.some((p) => simpleMatch(p, n));
const write = (e: ReplicationEdge, n: string) => (e.followIndexPattern ?? "{{leader_index}}").split("{{leader_index}}").join(n);

describe("index-name automata", () => {
  it("globSet accepts exactly what Regex.simpleMatch matches, minus the exclusions", () => {
    fc.assert(fc.property(fc.array(glob, { minLength: 1, maxLength: 3 }), fc.array(glob, { maxLength: 2 }), name, (ps, xs, n) => {
      const want = ps.some((p) => simpleMatch(p, n)) && !xs.some((x) => simpleMatch(x, n));
      expect(acceptsName(globSet(ps, xs), n)).toBe(want);
    }), { numRuns: 500 });
  });

  it("quotient and image put a template's fixed parts around a name", () => {
    fc.assert(fc.property(glob, name, name, name, (p, pre, suf, w) => {
      const L = globSet([p]);
      expect(acceptsName(quotient(L, pre, suf), w)).toBe(simpleMatch(p, pre + w + suf));
      for (const n of [pre + w + suf, w]) expect(acceptsName(image(L, pre, suf), n)).toBe(anySplit(p, pre, suf, n));
    }), { numRuns: 300 });
  });

  it("witness finds a name both patterns match exactly when a brute force over short names does", () => {
    const short: string[] = [""];
    for (let len = 1; len <= 5; len++) for (const s of short.filter((x) => x.length === len - 1)) for (const c of [...ALPHA, "x"]) short.push(s + c);
    fc.assert(fc.property(glob, glob, (p, q) => {
      const w = witness(intersect([globSet([p]), globSet([q])]), alphabetOf([p, q]));
      const brute = short.find((n) => simpleMatch(p, n) && simpleMatch(q, n));
      if (w.found) expect(simpleMatch(p, w.name) && simpleMatch(q, w.name)).toBe(true);
      // Complete on short names: whatever the brute force finds, the search finds too.
      if (brute !== undefined) expect(w.found).toBe(true);
    }), { numRuns: 300 });
  }, 60_000);
});

/** Does some split of `n` as pre·w·suf have w matching p? (image's definition, for the property above.) */
function anySplit(p: string, pre: string, suf: string, n: string): boolean {
  return n.startsWith(pre) && n.endsWith(suf) && n.length >= pre.length + suf.length && simpleMatch(p, n.slice(pre.length, n.length - suf.length));
}

describe("replication loops", () => {
  it("two links that follow each other's copies under a rename: an endless chain of copies", () => {
    const loops = findReplicationLoops([edge("ab", "A", "B", ["logs-*"], "{{leader_index}}-copy"), edge("ba", "B", "A", ["logs-*"], "{{leader_index}}-copy")]);
    expect(loops).toHaveLength(1);
    expect(loops[0].kind).toBe("endless");
    expect(loops[0].names).toEqual(["logs-x", "logs-x-copy", "logs-x-copy-copy"]);
    const text = describeReplicationLoop(loops[0], label);
    expect(text).toContain(`"logs-x" on cluster A → ReplicationLink "ab" writes "logs-x-copy" on cluster B → ReplicationLink "ba" writes "logs-x-copy-copy" on cluster A`);
    expect(text).toMatch(/a new copy every round without end/);
    expect(text).toMatch(/leaderIndexExclusionPatterns \["\*-copy"\] on ReplicationLink "ba", leaderIndexExclusionPatterns \["\*-copy"\] on ReplicationLink "ab"; or narrow leaderIndexPatterns/);
    // That advice works.
    expect(findReplicationLoops([edge("ab", "A", "B", ["logs-*"], "{{leader_index}}-copy", ["*-copy"]), edge("ba", "B", "A", ["logs-*"], "{{leader_index}}-copy", ["*-copy"])])).toEqual([]);
  });

  it("two links without a rename: the copy comes back under the leader's own name", () => {
    const [loop] = findReplicationLoops([edge("ab", "A", "B", ["logs-*"]), edge("ba", "B", "A", ["logs-*"])]);
    expect(loop.kind).toBe("conflict");
    expect(loop.names).toEqual(["logs-x", "logs-x", "logs-x"]);
    expect(describeReplicationLoop(loop, label)).toMatch(/fails for ever. To break it, give one direction a followIndexPattern that marks its copies .* narrow leaderIndexPatterns/);
  });

  it("through a chain of three clusters, and back renamed once: a round trip", () => {
    expect(findReplicationLoops([edge("ab", "A", "B", ["*"]), edge("bc", "B", "C", ["*"]), edge("ca", "C", "A", ["*"])])[0].kind).toBe("conflict");
    const [loop] = findReplicationLoops([edge("ab", "A", "B", ["logs-*"], "copy-{{leader_index}}"), edge("ba", "B", "A", ["copy-*"], "back-{{leader_index}}")]);
    expect(loop).toMatchObject({ kind: "roundTrip", names: ["logs-x", "copy-logs-x", "back-copy-logs-x"] });
  });

  it("accepts Elastic's bi-directional set-up (a marking rename each way, the marked copies excluded on the way back)", () => {
    const ab = edge("ab", "A", "B", ["logs-*"], "{{leader_index}}-replicated_from_clustera", ["*-replicated_from_clusterb"]);
    const ba = edge("ba", "B", "A", ["logs-*"], "{{leader_index}}-replicated_from_clusterb", ["*-replicated_from_clustera"]);
    expect(findReplicationLoops([ab, ba])).toEqual([]);
    // Without either exclusion it loops.
    expect(findReplicationLoops([{ ...ab, exclusionPatterns: [] }, ba])).toHaveLength(1);
  });

  it("accepts chains, trees and two directions over disjoint names", () => {
    expect(findReplicationLoops([edge("ab", "A", "B", ["*"]), edge("bc", "B", "C", ["*"]), edge("ac", "A", "D", ["*"])])).toEqual([]);
    expect(findReplicationLoops([edge("ab", "A", "B", ["a-*"]), edge("ba", "B", "A", ["b-*"])])).toEqual([]);
    // The link's own ".*" exclusion keeps A's dot-renamed copies from going back, but B's own indexes still come back to it.
    const dot = findReplicationLoops([edge("ab", "A", "B", ["*"], ".{{leader_index}}", [".*"]), edge("ba", "B", "A", ["*"], "{{leader_index}}", [".*"])]);
    expect(dot).toMatchObject([{ kind: "roundTrip", names: ["x", "x", ".x"] }]);
    expect(dot[0].edges[0].name).toBe("ba");
  });

  it("a same-cluster link loops only when it picks up its own copies", () => {
    expect(findReplicationLoops([edge("aa", "A", "A", ["logs-*"], "{{leader_index}}-copy")])[0].kind).toBe("endless");
    expect(findReplicationLoops([edge("aa", "A", "A", ["logs-*"])])[0].kind).toBe("conflict");
    expect(findReplicationLoops([edge("aa", "A", "A", ["logs-*"], "copy-{{leader_index}}")])).toEqual([]);
    // Some names are copied once ("a" → "aa"), others again and again ("b" → "ba" → "baa" …).
    expect(findReplicationLoops([edge("aa", "A", "A", ["a", "b*"], "{{leader_index}}a")])).toMatchObject([{ kind: "endless", names: ["b-x", "b-xa"] }]);
  });

  it("a fixed follower name (no placeholder) travels as that name", () => {
    expect(findReplicationLoops([edge("ab", "A", "B", ["orders"], "orders-copy"), edge("ba", "B", "A", ["orders-*"], "orders")])[0].kind).toBe("conflict");
    expect(findReplicationLoops([edge("ab", "A", "B", ["orders"], "orders-copy"), edge("ba", "B", "A", ["logs-*"])])).toEqual([]);
  });

  it("each simple cycle is found once", () => {
    const edges = [edge("ab", "A", "B", ["*"]), edge("ba", "B", "A", ["*"]), edge("bc", "B", "C", ["*"]), edge("ca", "C", "A", ["*"]), edge("ab2", "A", "B", ["x"])];
    expect(simpleCycles(edges).map((c) => c.map((e) => e.name).join(" ")).sort()).toEqual(["ab ba", "ab bc ca", "ab2 ba", "ab2 bc ca"]);
  });

  it("property: every loop's example really travels round, and every name that travels a cycle is reported", () => {
    const clusters = ["A", "B", "C"];
    const edgeArb = fc.record({
      leader: fc.constantFrom(...clusters), follower: fc.constantFrom(...clusters),
      patterns: fc.array(glob.filter((g) => g !== ""), { minLength: 1, maxLength: 2 }), exclusions: fc.array(glob.filter((g) => g !== ""), { maxLength: 1 }), template,
    });
    const short: string[] = [""];
    for (let len = 1; len <= 4; len++) for (const s of short.filter((x) => x.length === len - 1)) for (const c of ALPHA) short.push(s + c);
    fc.assert(fc.property(fc.array(edgeArb, { minLength: 1, maxLength: 3 }), (raw) => {
      const edges = raw.map((r, i) => edge(`e${i}`, r.leader, r.follower, r.patterns, r.template, r.exclusions));
      const loops = findReplicationLoops(edges);
      for (const l of loops) {
        l.edges.forEach((e, i) => {
          expect(matches(e, l.names[i])).toBe(true);
          expect(l.names[i + 1]).toBe(write(e, l.names[i]));
        });
        expect(l.edges[l.edges.length - 1].follower).toBe(l.edges[0].leader);
      }
      // Completeness on short names: a name that travels a whole cycle (other than a same-cluster copy) is a loop of that cycle.
      for (const cycle of simpleCycles(edges)) {
        for (let r = 0; r < cycle.length; r++) {
          const rot = [...cycle.slice(r), ...cycle.slice(0, r)];
          const travels = (n: string) => {
            const names = [n];
            for (const e of rot) {
              if (!matches(e, names[names.length - 1])) return undefined;
              names.push(write(e, names[names.length - 1]));
            }
            return names;
          };
          const hit = short.map(travels).find((ns) => ns && !(cycle.length === 1 && ns[1] !== ns[0] && !travels(ns[1])));
          if (hit) expect(loops.some((l) => l.edges.length === cycle.length && cycle.every((e) => l.edges.includes(e)))).toBe(true);
        }
      }
    }), { numRuns: 300 });
  }, 60_000);
});

describe("follower-name collisions", () => {
  it("two links writing the same names on one cluster", () => {
    const [c] = findFollowerNameCollisions([edge("ac", "A", "C", ["logs-*"]), edge("bc", "B", "C", ["logs-*"])]);
    expect(c).toMatchObject({ cluster: "C", example: "logs-x" });
    expect(describeFollowerNameCollision(c, label)).toMatch(/both write follower indexes on cluster C, e\.g\. "logs-x".* give ReplicationLink "bc" a followIndexPattern no name of the other can take, e\.g\. "bc-\{\{leader_index\}\}"/);
  });

  it("kept apart by a rename, exclusions or other clusters", () => {
    expect(findFollowerNameCollisions([edge("ac", "A", "C", ["logs-*"]), edge("bc", "B", "C", ["logs-*"], "from-b-{{leader_index}}")])).toEqual([]);
    expect(findFollowerNameCollisions([edge("ac", "A", "C", ["*"], undefined, ["b-*"]), edge("bc", "B", "C", ["b-*"])])).toEqual([]);
    expect(findFollowerNameCollisions([edge("ac", "A", "C", ["*"]), edge("bd", "B", "D", ["*"])])).toEqual([]);
    // A suffix is not always enough: "logs-*" also matches "logs-x-from-b".
    expect(findFollowerNameCollisions([edge("ac", "A", "C", ["logs-*"]), edge("bc", "B", "C", ["logs-*"], "{{leader_index}}-from-b")])[0].example).toMatch(/^logs-.*-from-b$/);
  });

  it("property: an example is a name both links may write", () => {
    fc.assert(fc.property(glob, glob, template, template, (p, q, t, u) => {
      const a = edge("a", "A", "C", [p], t);
      const b = edge("b", "B", "C", [q], u);
      for (const c of findFollowerNameCollisions([a, b])) {
        const writes = (e: ReplicationEdge, n: string) => {
          const parts = (e.followIndexPattern ?? "{{leader_index}}").split("{{leader_index}}");
          if (parts.length === 1) return n === parts[0];
          return anySplit(e.leaderIndexPatterns[0], parts[0], parts[1], n);
        };
        expect(writes(a, c.example) && writes(b, c.example)).toBe(true);
      }
    }), { numRuns: 300 });
  });
});
