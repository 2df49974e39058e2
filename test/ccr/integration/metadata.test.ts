/**
 * Conformance of the EMULATED follower metadata view on two real nodes of CCR_ES_VERSION: while an index is a
 * follower, `GET _cluster/state/metadata` shows the `ccr` custom data (CcrRepository: leader_index_uuid,
 * leader_index_name, remote_cluster_name, leader_index_shard_history_uuids) and the settings show
 * `index.xpack.ccr.following_index: "true"`; TransportUnfollowAction removes both.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, Pair, startPair, stopPair, until } from "../helpers";

let p: Pair;
beforeAll(async () => { p = await startPair(); });
afterAll(async () => { await stopPair(p); });

const PROVIDER_QUERY = "flat_settings=true&expand_wildcards=all&filter_path=metadata.indices.*.state,metadata.indices.*.settings,metadata.indices.*.ccr";

describe("follower index metadata", () => {
  it("shows the ccr custom data and following_index while following, and neither after unfollow", async () => {
    expect((await call(p.leader, "PUT", "/m-l", { settings: { number_of_shards: 2, number_of_replicas: 0 } })).status).toBe(200);
    await call(p.leader, "PUT", "/m-l/_doc/1?refresh=true", { n: 1 });
    expect((await call(p.follower, "PUT", "/m-plain", { settings: { number_of_replicas: 0 } })).status).toBe(200);
    const leaderUuid = (await p.leaderNode.request("GET", "/m-l/_settings")).body["m-l"].settings.index.uuid as string;
    const stats = (await p.leaderNode.request("GET", "/m-l/_stats?level=shards")).body.indices["m-l"].shards;
    const history = [0, 1].map((i) => stats[String(i)].find((c: any) => c.routing.primary).commit.user_data.history_uuid).join(",");

    const r = await call(p.follower, "PUT", "/m-f/_ccr/follow?wait_for_active_shards=1", { remote_cluster: "leader", leader_index: "m-l", settings: { "index.number_of_replicas": 0 } });
    expect(r.status).toBe(200);
    const ccr = { leader_index_shard_history_uuids: history, leader_index_uuid: leaderUuid, leader_index_name: "m-l", remote_cluster_name: "leader" };

    // The provider's read.
    const prov = (await call(p.follower, "GET", `/_cluster/state/metadata?${PROVIDER_QUERY}`)).body.metadata.indices;
    expect(prov["m-f"].ccr).toEqual(ccr);
    expect(prov["m-f"].settings["index.xpack.ccr.following_index"]).toBe("true");
    expect(prov["m-plain"].ccr).toBeUndefined();
    expect(prov["m-plain"].settings["index.xpack.ccr.following_index"]).toBeUndefined();

    // Unfiltered, per-index and the other metric forms: custom data right after mappings, nested settings.
    for (const path of ["/_cluster/state/metadata/m-f", "/_cluster/state", "/_cluster/state/_all/m-f,m-plain"]) {
      const m = (await call(p.follower, "GET", path)).body.metadata.indices["m-f"];
      expect(m.ccr).toEqual(ccr);
      const keys = Object.keys(m);
      expect(keys.indexOf("ccr")).toBe(keys.indexOf("mappings") + 1);
      expect(m.settings.index.xpack).toEqual({ ccr: { following_index: "true" } });
    }
    const only = await call(p.follower, "GET", "/_cluster/state/metadata?filter_path=metadata.indices.*.ccr.leader_index_uuid");
    expect(only.body).toEqual({ metadata: { indices: { "m-f": { ccr: { leader_index_uuid: leaderUuid } } } } });
    expect((await call(p.follower, "GET", "/_cluster/state/routing_table")).body.metadata).toBeUndefined();

    // Settings and get-index (no custom data there on Elasticsearch).
    expect((await call(p.follower, "GET", "/m-f/_settings")).body["m-f"].settings.index.xpack).toEqual({ ccr: { following_index: "true" } });
    expect((await call(p.follower, "GET", "/m-f/_settings?flat_settings=true")).body["m-f"].settings["index.xpack.ccr.following_index"]).toBe("true");
    expect((await call(p.follower, "GET", "/m-f/_settings/index.xpack.*?flat_settings=true")).body).toEqual({ "m-f": { settings: { "index.xpack.ccr.following_index": "true" } } });
    expect((await call(p.follower, "GET", "/m-f/_settings/index.number_of_shards")).body).toEqual({ "m-f": { settings: { index: { number_of_shards: "2" } } } });
    const gi = (await call(p.follower, "GET", "/m-f")).body["m-f"];
    expect(gi.settings.index.xpack).toEqual({ ccr: { following_index: "true" } });
    expect(gi.ccr).toBeUndefined();
    expect((await call(p.follower, "GET", "/m-plain/_settings")).body["m-plain"].settings.index.xpack).toBeUndefined();
    expect((await call(p.leader, "GET", "/m-l/_settings")).body["m-l"].settings.index.xpack).toBeUndefined();
    expect((await call(p.follower, "GET", "/missing/_settings")).status).toBe(404);

    // pause + close: still a follower.
    expect((await call(p.follower, "POST", "/m-f/_ccr/pause_follow")).status).toBe(200);
    expect((await call(p.follower, "POST", "/m-f/_close")).status).toBe(200);
    const closed = (await call(p.follower, "GET", `/_cluster/state/metadata?${PROVIDER_QUERY}`)).body.metadata.indices["m-f"];
    expect(closed.state).toBe("close");
    expect(closed.ccr).toEqual(ccr);

    // unfollow: both gone.
    expect((await call(p.follower, "POST", "/m-f/_ccr/unfollow")).status).toBe(200);
    const after = (await call(p.follower, "GET", `/_cluster/state/metadata?${PROVIDER_QUERY}`)).body.metadata.indices["m-f"];
    expect(after.ccr).toBeUndefined();
    expect(after.settings["index.xpack.ccr.following_index"]).toBeUndefined();
    expect((await call(p.follower, "GET", "/m-f/_settings?expand_wildcards=all")).body["m-f"].settings.index.xpack).toBeUndefined();
    expect((await call(p.follower, "GET", "/m-f/_settings/index.xpack.*")).body).toEqual({});
    await call(p.follower, "POST", "/m-f/_open");
    const reopened = await until(() => call(p.follower, "GET", "/m-f"), (x) => x.status === 200);
    expect(reopened.body["m-f"].settings.index.xpack).toBeUndefined();
  });
});
