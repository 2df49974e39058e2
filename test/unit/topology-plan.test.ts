import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseVersion } from "../../provider/core/version";
import {
  findLoops, findNameCollisions, followerNameGlobs, formatLoop, globOverlap, renderUpgradeProcedure, topologyLinks, upgradeOrder,
  upgradeViolations,
} from "../../provider/components/topology/plan";
import type { ReplicationEdge, TopologyDeclaration } from "../../provider/components/topology/types";
import { followerVersionProblem as ccrPairProblem, namedFollowerVersionProblem as versionPairProblem } from "../../provider/core/version";

const edge = (from: string, to: string, indexPatterns = ["app-*"], followIndexPattern = "{{leader_index}}"): ReplicationEdge =>
  ({ from, to, indexPatterns, exclusionPatterns: [], followIndexPattern });

/** Elasticsearch's simple wildcard match, written independently of globOverlap: a regex per glob. */
const matches = (glob: string, name: string): boolean =>
  new RegExp(`^${glob.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(name);

describe("topology links", () => {
  const decl: TopologyDeclaration = {
    clusters: [{ name: "a" }, { name: "b" }, { name: "c", follows: "b" }],
    leader: "a",
    indexPatterns: ["issues", "wikis-*"],
  };

  it("every replica follows the leader, a chain member its upstream", () => {
    expect(topologyLinks(decl).map((e) => `${e.from}>${e.to}`)).toEqual(["a>b", "b>c"]);
    expect(topologyLinks(decl)[0]).toMatchObject({ indexPatterns: ["issues", "wikis-*"], exclusionPatterns: [], followIndexPattern: "{{leader_index}}" });
  });

  it("adds the extra links", () => {
    const extra = topologyLinks({ ...decl, extraLinks: [{ from: "a", to: "c", indexPatterns: ["audit"], followIndexPattern: "{{leader_index}}-a" }] });
    expect(extra.at(-1)).toEqual({ from: "a", to: "c", indexPatterns: ["audit"], exclusionPatterns: [], followIndexPattern: "{{leader_index}}-a" });
  });
});

describe("loop detection", () => {
  it.each([
    [[edge("a", "b"), edge("b", "a")], ["a → b → a"]],
    [[edge("a", "a")], ["a → a"]],
    [[edge("leader", "x"), edge("x", "y"), edge("y", "z"), edge("z", "x")], ["x → y → z → x"]],
    [[edge("c", "a"), edge("a", "b"), edge("b", "c")], ["a → b → c → a"]],
    [[edge("a", "b"), edge("a", "c"), edge("b", "d")], []],
  ])("%j → %j", (edges, loops) => {
    expect(findLoops(edges).map(formatLoop)).toEqual(loops);
  });

  it("finds two loops through one cluster", () => {
    expect(findLoops([edge("a", "b"), edge("b", "a"), edge("a", "c"), edge("c", "a")]).map(formatLoop).sort()).toEqual(["a → b → a", "a → c → a"]);
  });

  it("property: a graph has a loop exactly when no topological order exists", () => {
    const names = ["a", "b", "c", "d", "e"];
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(...names), fc.constantFrom(...names)), { maxLength: 8 }), (pairs) => {
      const edges = pairs.map(([f, t]) => edge(f, t));
      // Kahn's algorithm as the independent oracle.
      const indeg = new Map(names.map((n) => [n, 0]));
      for (const e of edges) indeg.set(e.to, indeg.get(e.to)! + 1);
      const queue = names.filter((n) => indeg.get(n) === 0);
      let seen = 0;
      while (queue.length) {
        const n = queue.shift()!;
        seen++;
        for (const e of edges) if (e.from === n) { indeg.set(e.to, indeg.get(e.to)! - 1); if (indeg.get(e.to) === 0) queue.push(e.to); }
      }
      const loops = findLoops(edges);
      expect(loops.length > 0).toBe(seen < names.length);
      // Every reported loop is made of real edges and closes on itself.
      for (const l of loops) {
        expect(l[0]).toBe(l.at(-1));
        for (let i = 0; i + 1 < l.length; i++) expect(edges.some((e) => e.from === l[i] && e.to === l[i + 1])).toBe(true);
      }
    }));
  });
});

describe("follower name collisions", () => {
  it("globOverlap finds a name both match, or none", () => {
    expect(globOverlap("app-*", "*-logs")).toBe("app-logs");
    expect(globOverlap("app-*", "app-*")).toBe("app-x");
    expect(globOverlap("issues", "issues")).toBe("issues");
    expect(globOverlap("app-*", "web-*")).toBeUndefined();
    expect(globOverlap("a*-copy", "a*-from-b")).toBeUndefined();
  });

  it("property: globOverlap agrees with a brute-force search over short names", () => {
    const glob = fc.stringMatching(/^[ab*]{0,4}$/);
    const names = ["", "a", "b", "x"];
    for (let k = 0; k < 3; k++) for (const n of [...names]) for (const c of ["a", "b", "x"]) names.push(n + c);
    const all = [...new Set(names)].filter((n) => n.length <= 5);
    fc.assert(fc.property(glob, glob, (p, q) => {
      const w = globOverlap(p, q);
      if (w !== undefined) {
        expect(matches(p, w)).toBe(true);
        expect(matches(q, w)).toBe(true);
      } else {
        expect(all.some((n) => matches(p, n) && matches(q, n))).toBe(false);
      }
    }));
  });

  it("two links into one cluster with overlapping follower names collide, with an example name", () => {
    const found = findNameCollisions([edge("a", "c", ["logs-*"]), edge("b", "c", ["*-2026"])]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ cluster: "c", example: "logs-2026" });
  });

  it("distinct follow templates keep them apart; other target clusters never collide", () => {
    expect(findNameCollisions([edge("a", "c", ["logs-*"]), edge("b", "c", ["logs-*"], "from-b-{{leader_index}}")])).toEqual([]);
    // A suffix is not enough when the first link's wildcard also matches suffixed leader names.
    expect(findNameCollisions([edge("a", "c", ["logs-*"]), edge("b", "c", ["logs-*"], "{{leader_index}}-from-b")])[0].example).toBe("logs--from-b");
    expect(findNameCollisions([edge("a", "b", ["logs-*"]), edge("a", "c", ["logs-*"])])).toEqual([]);
  });

  it("a template without the placeholder writes one name for every leader", () => {
    expect(followerNameGlobs(edge("a", "c", ["x", "y"], "all"))).toEqual(["all", "all"]);
  });
});

describe("upgrade order", () => {
  it("followers first, the leader last, a chain from its far end back", () => {
    expect(upgradeOrder(["a", "b", "c"], [edge("a", "b"), edge("a", "c")])).toEqual(["b", "c", "a"]);
    expect(upgradeOrder(["a", "b", "c", "d"], [edge("a", "b"), edge("b", "c"), edge("c", "d")])).toEqual(["d", "c", "b", "a"]);
    expect(upgradeOrder(["l", "x", "y", "z"], [edge("l", "x"), edge("x", "y"), edge("l", "z")])).toEqual(["y", "z", "x", "l"]);
  });

  it("refuses a loop", () => {
    expect(() => upgradeOrder(["a", "b"], [edge("a", "b"), edge("b", "a")])).toThrow(/a → b → a/);
  });

  it("renders the procedure for an output", () => {
    expect(renderUpgradeProcedure(["primary", "r1", "r2"], [edge("primary", "r1"), edge("r1", "r2")], "primary")).toEqual([
      `1. upgrade "r2" (follows r1); wait until it is green and its followers are active again before the next`,
      `2. upgrade "r1" (follows primary); wait until it is green and its followers are active again before the next`,
      `3. upgrade "primary" (the leader, last)`,
    ]);
  });

  it("property: for any tree of links, every cluster comes after every cluster that follows it", () => {
    const tree = fc.integer({ min: 1, max: 7 }).chain((n) =>
      fc.tuple(...Array.from({ length: n }, (_, i) => fc.integer({ min: 0, max: i }))).map((ups) => ups.map((u, i) => edge(`c${u}`, `c${i + 1}`))));
    fc.assert(fc.property(tree, (edges) => {
      const clusters = [...new Set(edges.flatMap((e) => [e.from, e.to]))];
      const order = upgradeOrder(clusters, edges);
      expect([...order].sort()).toEqual([...clusters].sort());
      for (const e of edges) expect(order.indexOf(e.to)).toBeLessThan(order.indexOf(e.from));
      expect(order.at(-1)).toBe("c0");
    }));
  });
});

describe("version rule (follower ≥ leader including patch, within the matrix)", () => {
  const v = (s: string) => parseVersion(s)!;
  it.each([
    ["9.4.3", "9.4.3", undefined],
    ["9.4.3", "9.4.4", undefined],
    ["9.4.3", "9.5.0", undefined],
    ["9.4.3", "9.4.1", /same or a newer version.*including the patch level \(9\.4\.1 < 9\.4\.3\)/],
    ["9.0.0", "8.19.21", /same or a newer/],
    ["8.19.21", "9.5.4", undefined],
    ["8.18.2", "9.0.1", undefined],
    ["8.18.2", "9.1.0", /only connects to 8\.19 nodes/],
    ["8.17.0", "9.0.0", /9\.0 also to 8\.18/],
    ["7.17.20", "8.15.0", undefined],
    ["7.16.3", "8.0.0", /only a 7\.17 leader/],
    ["7.17.20", "9.0.0", /does not span two majors/],
    ["9.5.4", "10.0.0", /not covered by Elastic's CCR compatibility matrix/],
  ])("leader %s, follower %s", (l, f, want) => {
    const p = ccrPairProblem(v(l), v(f));
    if (want === undefined) expect(p).toBeUndefined();
    else expect(p).toMatch(want);
  });

  it("names both clusters and versions", () => {
    expect(versionPairProblem("primary", "9.4.3", "replica-1", "9.4.1")).toMatch(/^"replica-1" \(9\.4\.1\) cannot follow "primary" \(9\.4\.3\)/);
    expect(versionPairProblem("primary", "nine", "replica-1", "9.4.1")).toMatch(/"primary" has an unreadable version "nine"/);
  });

  it("property: within one major, the rule is exactly follower ≥ leader", () => {
    const ver = fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 30 }));
    fc.assert(fc.property(fc.constantFrom(8, 9), ver, ver, (major, [lm, lp], [fm, fp]) => {
      const l = v(`${major}.${lm}.${lp}`);
      const f = v(`${major}.${fm}.${fp}`);
      const newerOrSame = fm > lm || (fm === lm && fp >= lp);
      expect(ccrPairProblem(l, f) === undefined).toBe(newerOrSame);
    }));
  });
});

describe("upgrade violations on refresh", () => {
  const edges = [edge("primary", "r1"), edge("primary", "r2"), edge("r2", "r3")];
  it("a leader upgraded before its followers is shown as a violation", () => {
    const out = upgradeViolations(edges, { primary: "9.5.4", r1: "9.5.4", r2: "9.5.3", r3: "9.5.3" });
    expect(out).toEqual([{
      leader: "primary", follower: "r2",
      message: expect.stringMatching(/^leader upgraded before its followers: "r2" \(9\.5\.3\) cannot follow "primary" \(9\.5\.4\).*upgrade "r2" to 9\.5\.4 or later/),
    }]);
  });

  it("followers ahead of their leader are fine (the safe order mid-way); unknown versions are skipped", () => {
    expect(upgradeViolations(edges, { primary: "9.5.3", r1: "9.5.4", r2: "9.5.3", r3: "9.5.4" })).toEqual([]);
    expect(upgradeViolations(edges, { primary: "9.5.4", r1: undefined, r2: "9.5.4" })).toEqual([]);
  });

  it("matrix problems that are not an ordering mistake are reported as they are", () => {
    const [v] = upgradeViolations([edge("old", "new")], { old: "8.17.0", new: "9.1.0" });
    expect(v.message).toMatch(/only connects to 8\.19 nodes/);
    expect(v.message).not.toMatch(/upgraded before/);
  });
});
