/**
 * Releasing followers that back a data stream on the follower cluster. Elasticsearch refuses to close or delete a
 * data stream's write index (MetadataIndexStateService, MetadataDeleteIndexService), so the write index follower can
 * neither be unfollowed nor deleted by itself: the plan deletes the whole stream when all of it is released with
 * "delete", and refuses with the reason otherwise.
 */
import { describe, expect, it } from "vitest";
import { planStreamReleases } from "../../provider/components/replication-link/plan";

const g = (n: number, ds = "events") => `.ds-${ds}-2026.12.01-00000${n}`;
const streams = [{ name: "events", backingIndices: [g(1), g(2)] }, { name: "other", backingIndices: [g(1, "other"), g(2, "other")] }];

describe("planStreamReleases", () => {
  it("plain followers and non-write backing indexes are released one by one", () => {
    expect(planStreamReleases(["logs-a", g(1)], streams, "delete")).toEqual({ single: ["logs-a", g(1)], deleteStreams: [], refused: [] });
    expect(planStreamReleases(["logs-a", g(1)], streams, "keep")).toEqual({ single: ["logs-a", g(1)], deleteStreams: [], refused: [] });
  });

  it("delete: a stream released whole goes with DELETE _data_stream after its other backing indexes", () => {
    expect(planStreamReleases([g(1), g(2), "logs-a"], streams, "delete")).toEqual({ single: [g(1), "logs-a"], deleteStreams: [{ stream: "events", writeIndex: g(2) }], refused: [] });
  });

  it("delete: a write index whose stream also holds indexes not being released is refused, not deleted with them", () => {
    const p = planStreamReleases([g(2)], streams, "delete");
    expect(p.single).toEqual([]);
    expect(p.deleteStreams).toEqual([]);
    expect(p.refused).toEqual([{ follower: g(2), why: expect.stringMatching(/^\.ds-events-2026\.12\.01-000002 is the write index of data stream "events".*\.ds-events-2026\.12\.01-000001 is not released with it/) }]);
  });

  it("keep: the write index cannot be unfollowed (Elasticsearch will not close it), so it is refused with what to do", () => {
    const p = planStreamReleases([g(1), g(2)], streams, "keep");
    expect(p.single).toEqual([g(1)]);
    expect(p.refused).toEqual([{ follower: g(2), why: expect.stringMatching(/refuses to close a data stream's write index.*deletePolicy "delete".*promote/) }]);
  });
});
