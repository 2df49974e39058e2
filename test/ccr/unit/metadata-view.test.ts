import { describe, expect, it } from "vitest";
import {
  ccrCustomData, classifyMetadataRead, decorateMetadataRead, filterPathAllows, FollowerView, presentIndices, scopeRequest,
} from "../../../sandbox/ccr/metadata-view";

const q = (s = "") => new URLSearchParams(s);
const f: FollowerView = { uuid: "FU", remote_cluster: "leader", leader_index: "l", leader_uuid: "LU", leader_history_uuids: ["H0", "H1"] };
const followers = { f };
const CCR = { leader_index_shard_history_uuids: "H0,H1", leader_index_uuid: "LU", leader_index_name: "l", remote_cluster_name: "leader" };

describe("classifyMetadataRead", () => {
  it("recognises the metadata GETs and nothing else", () => {
    expect(classifyMetadataRead("GET", "/_cluster/state", q())).toEqual({ kind: "cluster_state" });
    expect(classifyMetadataRead("GET", "/_cluster/state/metadata", q())).toEqual({ kind: "cluster_state" });
    expect(classifyMetadataRead("GET", "/_cluster/state/routing_table,metadata/f,g", q())).toEqual({ kind: "cluster_state", indices: "f,g" });
    expect(classifyMetadataRead("GET", "/_cluster/state/_all/f", q())).toEqual({ kind: "cluster_state", indices: "f" });
    expect(classifyMetadataRead("GET", "/_cluster/state/routing_table", q())).toBeUndefined();
    expect(classifyMetadataRead("GET", "/_settings", q())).toEqual({ kind: "settings" });
    expect(classifyMetadataRead("GET", "/_settings/index.*", q())).toEqual({ kind: "settings", names: "index.*" });
    expect(classifyMetadataRead("GET", "/f/_settings", q())).toEqual({ kind: "settings", index: "f" });
    expect(classifyMetadataRead("GET", "/f,g/_settings/index.uuid", q())).toEqual({ kind: "settings", index: "f,g", names: "index.uuid" });
    expect(classifyMetadataRead("GET", "/f", q())).toEqual({ kind: "get_index", index: "f" });
    expect(classifyMetadataRead("GET", "/_all", q())).toEqual({ kind: "get_index", index: "_all" });
    expect(classifyMetadataRead("GET", "/f", q("features=aliases,mappings"))).toBeUndefined();
    expect(classifyMetadataRead("GET", "/f", q("features=settings"))).toEqual({ kind: "get_index", index: "f" });
    for (const [m, p] of [["PUT", "/f"], ["HEAD", "/f"], ["PUT", "/f/_settings"], ["GET", "/"], ["GET", "/_cat/indices"], ["GET", "/f/_mapping"], ["GET", "/f/_doc/1"], ["GET", "/_cluster/settings"]]) {
      expect(classifyMetadataRead(m, p, q())).toBeUndefined();
    }
  });
});

describe("filterPathAllows", () => {
  it("follows Elasticsearch's include/exclude rules", () => {
    const leaf = ["metadata", "indices", "f", "ccr", "leader_index_uuid"];
    expect(filterPathAllows(undefined, leaf)).toBe(true);
    expect(filterPathAllows("metadata.indices.*.ccr", leaf)).toBe(true);
    expect(filterPathAllows("metadata.indices.*.state,metadata.indices.*.settings", leaf)).toBe(false);
    expect(filterPathAllows("metadata.indices.f*.ccr.leader_index_uuid", leaf)).toBe(true);
    expect(filterPathAllows("**.leader_index_uuid", leaf)).toBe(true);
    expect(filterPathAllows("metadata.**", leaf)).toBe(true);
    expect(filterPathAllows("-metadata.indices.*.ccr", leaf)).toBe(false);
    expect(filterPathAllows("-metadata.indices.*.settings", leaf)).toBe(true);
    expect(filterPathAllows("metadata,-metadata.indices.f.ccr.leader_index_uuid", leaf)).toBe(false);
    // A flat settings key is one field name: dotted filters do not reach into it, wildcards do.
    expect(filterPathAllows("metadata.indices.*.settings.index.xpack", ["metadata", "indices", "f", "settings", "index.xpack.ccr.following_index"])).toBe(false);
    expect(filterPathAllows("metadata.indices.*.settings.index*", ["metadata", "indices", "f", "settings", "index.xpack.ccr.following_index"])).toBe(true);
  });
});

describe("decorateMetadataRead", () => {
  const state = (indices: Record<string, unknown>) => ({ cluster_name: "c", metadata: { cluster_uuid: "x", indices } });

  it("cluster state: adds the ccr custom data after mappings and the following_index setting", () => {
    const body = state({
      f: { version: 3, state: "open", settings: { index: { uuid: "FU", number_of_shards: "2" } }, mappings: {}, aliases: [] },
      g: { state: "open", settings: { index: { uuid: "GU" } }, mappings: {}, aliases: [] },
    });
    const out: any = decorateMetadataRead({ kind: "cluster_state" }, body, { flat: false, present: { f: "FU", g: "GU" }, followers });
    expect(out.metadata.indices.f.ccr).toEqual(CCR);
    expect(Object.keys(out.metadata.indices.f)).toEqual(["version", "state", "settings", "mappings", "ccr", "aliases"]);
    expect(out.metadata.indices.f.settings.index).toEqual({ uuid: "FU", number_of_shards: "2", xpack: { ccr: { following_index: "true" } } });
    expect(out.metadata.indices.g).toEqual(body.metadata.indices.g);
    expect((body.metadata.indices.f as any).ccr).toBeUndefined(); // input untouched
  });

  it("cluster state: flat_settings and the provider's filter_path", () => {
    const fp = "metadata.indices.*.state,metadata.indices.*.settings,metadata.indices.*.ccr";
    const body = { metadata: { indices: { f: { state: "open", settings: { "index.uuid": "FU" } } } } };
    const out: any = decorateMetadataRead({ kind: "cluster_state" }, body, { flat: true, filterPath: fp, present: { f: "FU" }, followers });
    expect(out).toEqual({ metadata: { indices: { f: { state: "open", settings: { "index.uuid": "FU", "index.xpack.ccr.following_index": "true" }, ccr: CCR } } } });
  });

  it("cluster state: filter_path selecting only the ccr data, from an empty node answer", () => {
    const out = decorateMetadataRead({ kind: "cluster_state" }, {}, { flat: true, filterPath: "metadata.indices.*.ccr.leader_index_uuid", present: { f: "FU" }, followers });
    expect(out).toEqual({ metadata: { indices: { f: { ccr: { leader_index_uuid: "LU" } } } } });
    const none = decorateMetadataRead({ kind: "cluster_state" }, {}, { flat: true, filterPath: "metadata.indices.*.state", present: { f: "FU" }, followers });
    expect(none).toEqual({});
  });

  it("skips followers outside the answer's scope or with another UUID (index recreated), and old states without history", () => {
    const body = state({ f: { settings: { index: { uuid: "OTHER" } } } });
    expect(decorateMetadataRead({ kind: "cluster_state" }, body, { flat: false, present: { f: "OTHER" }, followers })).toEqual(body);
    expect(decorateMetadataRead({ kind: "cluster_state" }, state({}), { flat: false, present: {}, followers })).toEqual(state({}));
    const { leader_history_uuids: _h, ...old } = f;
    expect(ccrCustomData(old)).toEqual({ leader_index_uuid: "LU", leader_index_name: "l", remote_cluster_name: "leader" });
  });

  it("GET _settings: nested and flat, setting-name filters", () => {
    const nested = { f: { settings: { index: { uuid: "FU" } } }, g: { settings: { index: { uuid: "GU" } } } };
    const out: any = decorateMetadataRead({ kind: "settings", index: "*" }, nested, { flat: false, present: { f: "FU", g: "GU" }, followers });
    expect(out.f.settings.index.xpack).toEqual({ ccr: { following_index: "true" } });
    expect(out.f.ccr).toBeUndefined();
    expect(out.g).toEqual(nested.g);
    const flat: any = decorateMetadataRead({ kind: "settings", index: "f" }, { f: { settings: { "index.uuid": "FU" } } }, { flat: true, present: { f: "FU" }, followers });
    expect(flat).toEqual({ f: { settings: { "index.uuid": "FU", "index.xpack.ccr.following_index": "true" } } });
    const named = decorateMetadataRead({ kind: "settings", index: "f", names: "index.uuid" }, { f: { settings: { index: { uuid: "FU" } } } }, { flat: false, present: { f: "FU" }, followers });
    expect(named).toEqual({ f: { settings: { index: { uuid: "FU" } } } });
    const xpack = decorateMetadataRead({ kind: "settings", index: "f", names: "index.xpack.*" }, {}, { flat: true, present: { f: "FU" }, followers });
    expect(xpack).toEqual({ f: { settings: { "index.xpack.ccr.following_index": "true" } } });
  });

  it("GET <index>: settings only, filter_path respected", () => {
    const body = { f: { aliases: {}, mappings: {}, settings: { index: { uuid: "FU" } } } };
    const out: any = decorateMetadataRead({ kind: "get_index", index: "f" }, body, { flat: false, present: { f: "FU" }, followers });
    expect(out).toEqual({ f: { aliases: {}, mappings: {}, settings: { index: { uuid: "FU", xpack: { ccr: { following_index: "true" } } } } } });
    const filtered = decorateMetadataRead({ kind: "get_index", index: "f" }, { f: { mappings: {} } }, { flat: false, filterPath: "*.mappings", present: { f: "FU" }, followers });
    expect(filtered).toEqual({ f: { mappings: {} } });
  });

  it("leaves non-object answers alone", () => {
    expect(decorateMetadataRead({ kind: "get_index", index: "f" }, "text", { flat: false, present: { f: "FU" }, followers })).toBe("text");
  });
});

describe("scope side request", () => {
  it("keeps the index expression and index options, replaces output parameters", () => {
    expect(scopeRequest({ kind: "cluster_state" }, q("flat_settings=true&expand_wildcards=all&filter_path=metadata.indices.*.ccr")))
      .toBe("/_cluster/state/metadata?expand_wildcards=all&filter_path=metadata.indices.*.settings.index.uuid");
    expect(scopeRequest({ kind: "cluster_state", indices: "f,g*" }, q("local=true"))).toBe("/_cluster/state/metadata/f,g*?local=true&filter_path=metadata.indices.*.settings.index.uuid");
    expect(scopeRequest({ kind: "settings", names: "index.*" }, q("pretty"))).toBe("/_settings/index.uuid?filter_path=*.settings.index.uuid");
    expect(scopeRequest({ kind: "settings", index: "f" }, q("ignore_unavailable=true"))).toBe("/f/_settings/index.uuid?ignore_unavailable=true&filter_path=*.settings.index.uuid");
    expect(scopeRequest({ kind: "get_index", index: "f*" }, q("features=settings"))).toBe("/f*?filter_path=*.settings.index.uuid");
  });
  it("reads the scope answer", () => {
    expect(presentIndices({ kind: "cluster_state" }, { metadata: { indices: { f: { settings: { index: { uuid: "FU" } } } } } })).toEqual({ f: "FU" });
    expect(presentIndices({ kind: "settings" }, { f: { settings: { index: { uuid: "FU" } } }, g: {} })).toEqual({ f: "FU" });
    expect(presentIndices({ kind: "get_index", index: "x" }, {})).toEqual({});
  });
});
