/** The emulated layer's replicated data streams and data-stream-aware auto-follow matching/naming (pure). */
import { describe, expect, it } from "vitest";
import { decorateResolve, expandDataStreamNames, EmulatedDataStream, followRefusal, updateLocalDataStream, writeIndexOf } from "../../../sandbox/ccr/data-streams";
import { followerDataStreamName, followerIndexName, matchesIndexOrDataStream } from "../../../sandbox/ccr/patterns";

const remote = { name: "logs-app", generation: 3, timestamp_field: "@timestamp", hidden: false, system: false, allow_custom_routing: false };
const ix = (n: number, prefix = "") => ({ index_name: `${prefix}.ds-logs-app-2026.12.01-00000${n}`, index_uuid: `u${n}` });

describe("updateLocalDataStream (TransportPutFollowAction)", () => {
  it("creates a replicated copy named by data_stream_name or the leader's name, with the follower as its only index", () => {
    const d = updateLocalDataStream(ix(2), undefined, "logs-app", remote);
    expect(d).toMatchObject({ name: "logs-app", indices: [ix(2)], generation: 3, replicated: true });
    expect(updateLocalDataStream(ix(2), undefined, "logs-copy", remote).name).toBe("logs-copy");
  });

  it("adds later followers so that the newest generation is the write index, whatever the follow order", () => {
    let d: EmulatedDataStream | undefined;
    for (const n of [3, 1, 2]) d = updateLocalDataStream(ix(n), d, "logs-app", remote);
    expect(d!.indices.map((i) => i.index_uuid)).toEqual(["u1", "u2", "u3"]);
    expect(writeIndexOf(d!)).toBe(ix(3).index_name);
    // Prefixed (shrunk, restored) indexes go first, never the write index.
    d = updateLocalDataStream(ix(0, "shrink-"), d, "logs-app", remote);
    expect(d.indices[0].index_name).toBe("shrink-.ds-logs-app-2026.12.01-000000");
    expect(writeIndexOf(d)).toBe(ix(3).index_name);
  });

  it("refuses to add to a promoted (no longer replicated) data stream", () => {
    const d = { ...updateLocalDataStream(ix(1), undefined, "logs-app", remote), replicated: false };
    expect(followRefusal(d, ix(2).index_name)).toBe("cannot follow backing index [.ds-logs-app-2026.12.01-000002], because local data stream [logs-app] is no longer marked as replicated");
    expect(() => updateLocalDataStream(ix(2), d, "logs-app", remote)).toThrow(/no longer marked as replicated/);
  });

  it("resolves the data stream's name to its backing indexes (its write index for writes) and shows it in _resolve/index", () => {
    let d = updateLocalDataStream(ix(1), undefined, "logs-app", remote);
    d = updateLocalDataStream(ix(2), d, "logs-app", remote);
    const streams = { "logs-app": d };
    expect(expandDataStreamNames(streams, "logs-app,other", false)).toBe(`${ix(1).index_name},${ix(2).index_name},other`);
    expect(expandDataStreamNames(streams, "logs-app", true)).toBe(ix(2).index_name);
    expect(expandDataStreamNames(streams, "other", false)).toBeUndefined();
    const r = decorateResolve(streams, "*", { indices: [{ name: ix(1).index_name, attributes: ["hidden", "open"] }, { name: "x" }], aliases: [], data_streams: [] });
    expect(r.indices).toEqual([{ name: ix(1).index_name, attributes: ["hidden", "open"], data_stream: "logs-app" }, { name: "x" }]);
    expect(r.data_streams).toEqual([{ name: "logs-app", backing_indices: [ix(1).index_name, ix(2).index_name], timestamp_field: "@timestamp" }]);
  });
});

describe("auto-follow of backing indexes (AutoFollowPattern.match, AutoFollower.getFollowerIndexName)", () => {
  const p = { leader_index_patterns: ["logs-*"], leader_index_exclusion_patterns: [".*"] };
  it("matches a backing index through its data stream, not a system one", () => {
    expect(matchesIndexOrDataStream(p, ".ds-logs-app-2026.12.01-000001", { name: "logs-app", system: false })).toBe(true);
    expect(matchesIndexOrDataStream(p, ".ds-logs-app-2026.12.01-000001", { name: "logs-app", system: true })).toBe(false);
    expect(matchesIndexOrDataStream(p, ".ds-logs-app-2026.12.01-000001")).toBe(false);
    expect(matchesIndexOrDataStream({ ...p, leader_index_exclusion_patterns: ["logs-app"] }, ".ds-logs-app-2026.12.01-000001", { name: "logs-app", system: false })).toBe(false);
  });
  it("renames the data stream part of a backing index and names the local data stream alike", () => {
    const q = { leader_index_patterns: ["logs-*"], follow_index_pattern: "{{leader_index}}-copy" };
    expect(followerIndexName(q, ".ds-logs-app-2026.12.01-000002")).toBe(".ds-logs-app-copy-2026.12.01-000002");
    expect(followerIndexName(q, "logs-plain")).toBe("logs-plain-copy");
    expect(followerDataStreamName(q, "logs-app")).toBe("logs-app-copy");
    expect(followerDataStreamName({ leader_index_patterns: ["*"] }, "logs-app")).toBeUndefined();
  });
});
