/**
 * Documents and followers on a set of named clusters, for the multi-cluster CLI tests (the Topology's, the failover
 * drill's): write numbered documents and remember which were acknowledged, read an index's contents back, list the
 * followers of a cluster, and assert that every live cluster holds exactly what was acknowledged. One copy, so the
 * tests judge "nothing lost" the same way.
 */
import { expect } from "vitest";
import { esRequest, HttpResult } from "../../sandbox/es/http";
import { until } from "./until";

export interface Documents<N extends string> {
  /** Document ids acknowledged per index (whoever led when they were written). */
  readonly acked: Record<string, Set<number>>;
  /** A request to cluster `n` (its `_ccr` front), as the tests send them. */
  on(n: N, method: string, path: string, body?: unknown): Promise<HttpResult>;
  /** Bulk-writes documents `from … from+count-1` (`{ n, by: <cluster> }`) to `index` on `n`; they count as acknowledged. */
  bulk(n: N, index: string, from: number, count: number): Promise<void>;
  /** Every document of the index on `n`, sorted by `n`: `[n, by]` pairs. */
  contents(n: N, index: string): Promise<Array<[number, string]>>;
  /** Follower index → the remote alias it follows, from the index settings (hidden and paused followers included). */
  followersOn(n: N): Promise<Record<string, string>>;
  /** Every live cluster holds exactly the acknowledged documents of every index, with the same contents (bounded wait). */
  sameEverywhere(live?: readonly N[]): Promise<void>;
}

/**
 * `url(n)` is read at each call (clusters are started in `beforeAll`, and a restarted node may move), so the helpers
 * can be made at module level.
 */
export function documents<N extends string>(o: { names: readonly N[]; indexes: readonly string[]; url: (n: N) => string; timeoutMs?: number }): Documents<N> {
  const acked: Record<string, Set<number>> = Object.fromEntries(o.indexes.map((i) => [i, new Set<number>()]));
  const on = (n: N, method: string, p: string, body?: unknown) => esRequest(o.url(n), method, p, body);

  async function bulk(n: N, index: string, from: number, count: number): Promise<void> {
    const lines = Array.from({ length: count }, (_, i) => `{"index":{"_id":"${from + i}"}}\n{"n":${from + i},"by":"${n}"}\n`).join("");
    const r = await esRequest(o.url(n), "POST", `/${index}/_bulk?refresh=true`, lines, { ndjson: true });
    expect(r.status === 200 && !r.body.errors, JSON.stringify(r.body).slice(0, 300)).toBe(true);
    for (let i = 0; i < count; i++) (acked[index] ??= new Set()).add(from + i);
  }

  async function contents(n: N, index: string): Promise<Array<[number, string]>> {
    await on(n, "POST", `/${index}/_refresh`);
    const r = await on(n, "GET", `/${index}/_search?size=10000&sort=n:asc`);
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
    return (r.body.hits.hits as Array<{ _source: { n: number; by: string } }>).map((h) => [h._source.n, h._source.by]);
  }

  async function followersOn(n: N): Promise<Record<string, string>> {
    // The settings, not `_all/_ccr/info`: `_all` leaves hidden indexes out.
    const r = await on(n, "GET", "/_all/_settings?flat_settings=true&expand_wildcards=all");
    const out: Record<string, string> = {};
    for (const [index, v] of Object.entries(r.body as Record<string, { settings: Record<string, string> }>)) {
      if (v.settings["index.xpack.ccr.following_index"] === "true") out[index] = (await on(n, "GET", `/${index}/_ccr/info`)).body.follower_indices[0].remote_cluster;
    }
    return out;
  }

  async function sameEverywhere(live: readonly N[] = o.names): Promise<void> {
    for (const index of o.indexes) {
      const want = [...acked[index]].sort((a, b) => a - b);
      const got = await until(() => Promise.all(live.map((n) => contents(n, index))),
        (all) => all.every((docs) => docs.length === want.length), o.timeoutMs ?? 90_000, `${index} complete on ${live.join(", ")}`);
      for (const docs of got) expect(docs.map(([x]) => x)).toEqual(want);
      for (const docs of got.slice(1)) expect(docs).toEqual(got[0]);
    }
  }

  return { acked, on, bulk, contents, followersOn, sameEverywhere };
}
