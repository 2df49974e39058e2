import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../provider/core/unknown";
import {
  aliasExists, aliasUsers, checkRemote, desiredSettings, diffRemote, inputsFromSettings, normalizeRemoteInputs, observedSettings,
  planRemoteDelete, planRemoteWrite, remoteOutputs,
} from "../../provider/resources/remote-cluster/plan";
import type { RemoteClusterOutputs } from "../../provider/resources/remote-cluster/types";

const sniff = normalizeRemoteInputs({ alias: "leader", seeds: ["127.0.0.1:9300"] });

describe("RemoteCluster check", () => {
  it.each([
    [{ alias: "leader", seeds: ["h:9300"] }, []],
    [{ alias: "leader", mode: "proxy", proxyAddress: "h:9443", serverName: "h" }, []],
  ])("accepts %o", (inputs, failures) => expect(checkRemote(inputs).failures).toEqual(failures));

  it.each([
    [{ alias: "leader" }, "seeds", /seeds is required/],
    [{ alias: "leader", seeds: ["nohostport"] }, "seeds[0]", /host:port/],
    [{ alias: "leader", seeds: ["h:9300"], proxyAddress: "p:1" }, "proxyAddress", /only applies to mode "proxy"/],
    [{ alias: "leader", mode: "proxy" }, "proxyAddress", /proxyAddress is required/],
    [{ alias: "leader", mode: "proxy", proxyAddress: "p:1", seeds: ["h:1"] }, "seeds", /only applies to mode "sniff"/],
    [{ alias: "le.ader", seeds: ["h:1"] }, "alias", /may only contain/],
    [{ alias: "leader", seeds: ["h:1"], mode: "direct" }, "mode", /one of "sniff", "proxy"/],
    [{ alias: "leader", seeds: ["h:1"], transportCompress: "gzip" }, "transportCompress", /one of/],
    [{ alias: "leader", seeds: ["h:1"], nodeConnections: 0 }, "nodeConnections", /whole number/],
    [{ alias: "leader", seeds: ["h:1"], transportPingSchedule: "often" }, "transportPingSchedule", /duration/],
  ])("reports %o", (inputs, property, reason) => {
    expect(checkRemote(inputs).failures).toContainEqual({ property, reason: expect.stringMatching(reason) });
  });

  it("tolerates unknowns during preview", () => {
    expect(checkRemote({ alias: UNKNOWN, seeds: UNKNOWN }).failures).toEqual([]);
    expect(checkRemote({ alias: "a", mode: UNKNOWN, proxyAddress: UNKNOWN }).failures).toEqual([]);
  });

  it("writes skip_unavailable explicitly (its default changed in 8.15)", () => {
    expect(desiredSettings(sniff)).toEqual({ mode: "sniff", seeds: ["127.0.0.1:9300"], skip_unavailable: "true" });
  });
});

describe("RemoteCluster settings plans", () => {
  it("create writes only this alias's keys", () => {
    expect(planRemoteWrite("leader", {}, desiredSettings(sniff))).toEqual({
      persistent: { "cluster.remote.leader.mode": "sniff", "cluster.remote.leader.seeds": ["127.0.0.1:9300"], "cluster.remote.leader.skip_unavailable": "true" },
    });
  });

  it("no request when nothing differs (retried create adopts)", () => {
    expect(planRemoteWrite("leader", desiredSettings(sniff), desiredSettings(sniff))).toBeUndefined();
  });

  it("switching sniff → proxy nulls the other mode's keys in the same request", () => {
    const proxy = normalizeRemoteInputs({ alias: "leader", mode: "proxy", proxyAddress: "p:9443" });
    expect(planRemoteWrite("leader", { ...desiredSettings(sniff), node_connections: "3" }, desiredSettings(proxy))).toEqual({
      persistent: {
        "cluster.remote.leader.mode": "proxy", "cluster.remote.leader.proxy_address": "p:9443",
        "cluster.remote.leader.seeds": null, "cluster.remote.leader.node_connections": null,
      },
    });
  });

  it("delete nulls every key in one request, persistent and transient", () => {
    expect(planRemoteDelete("leader", { mode: "sniff", seeds: ["a:1"] }, { "transport.compress": "true" })).toEqual({
      persistent: { "cluster.remote.leader.mode": null, "cluster.remote.leader.seeds": null },
      transient: { "cluster.remote.leader.transport.compress": null },
    });
    expect(planRemoteDelete("leader", {}, {})).toBeUndefined();
  });

  it("reads only its own alias from flat settings", () => {
    const flat = { "cluster.remote.leader.seeds": ["a:1"], "cluster.remote.leader2.seeds": ["b:1"], "cluster.remote.leader.skip_unavailable": "false" };
    const s = observedSettings("leader", flat);
    expect(s).toEqual({ seeds: ["a:1"], skip_unavailable: "false" });
    expect(aliasExists(s)).toBe(true);
    expect(aliasExists(observedSettings("gone", flat))).toBe(false);
  });

  it("refresh after create shows no drift; out-of-band change is drift", () => {
    const read = inputsFromSettings(sniff, desiredSettings(sniff));
    const outs: RemoteClusterOutputs = remoteOutputs(read, { connected: true, mode: "sniff", num_nodes_connected: 1 });
    expect(outs).toMatchObject({ connected: true, nodesConnected: 1, mode: "sniff" });
    expect(diffRemote(outs, sniff).changes).toBe(false);
    const drifted = inputsFromSettings(sniff, { ...desiredSettings(sniff), skip_unavailable: "false" });
    expect(diffRemote(remoteOutputs(drifted, undefined), sniff)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("a new alias is a replace (create first, then remove the old)", () => {
    const outs = remoteOutputs(sniff, undefined);
    expect(diffRemote(outs, { ...sniff, alias: "leader2" })).toEqual({ changes: true, replaces: ["alias"], deleteBeforeReplace: false });
  });

  it("finds followers and patterns that still use the alias", () => {
    expect(aliasUsers("leader",
      [{ follower_index: "f", remote_cluster: "leader", leader_index: "l", status: "active" }, { follower_index: "g", remote_cluster: "x", leader_index: "l", status: "paused" }],
      [{ name: "p", pattern: { remote_cluster: "leader" } }])).toEqual(['follower index "f"', 'auto-follow pattern "p"']);
  });
});

describe("RemoteCluster observation (pure)", () => {
  it("transient wins over persistent, which wins over elasticsearch.yml", async () => {
    const { configuredIn, effectiveSettings } = await import("../../provider/resources/remote-cluster/plan");
    const info = { connected: true, mode: "sniff", seeds: ["h:9300"] };
    expect(configuredIn({ persistent: {}, transient: {}, info: undefined })).toBeUndefined();
    expect(configuredIn({ persistent: {}, transient: {}, info })).toBe("node");
    expect(configuredIn({ persistent: { seeds: ["a:1"] }, transient: {}, info })).toBe("persistent");
    expect(configuredIn({ persistent: { seeds: ["a:1"] }, transient: { skip_unavailable: "false" }, info })).toBe("transient");
    expect(effectiveSettings({ persistent: { seeds: ["a:1"], skip_unavailable: "true" }, transient: { skip_unavailable: "false" } }))
      .toEqual({ seeds: ["a:1"], skip_unavailable: "false" });
  });

  it("inputs of an elasticsearch.yml alias come from _remote/info; the model from cluster_credentials", async () => {
    const { inputsFromInfo, securityModel } = await import("../../provider/resources/remote-cluster/plan");
    expect(inputsFromInfo({ alias: "x" }, { mode: "proxy", proxy_address: "p:9443", server_name: "p", max_proxy_socket_connections: 18, skip_unavailable: false }))
      .toEqual({ alias: "x", mode: "proxy", proxyAddress: "p:9443", serverName: "p", proxySocketConnections: 18, skipUnavailable: false });
    expect(securityModel({ connected: true, cluster_credentials: "::es_redacted::" })).toBe("api_key");
    expect(securityModel({ connected: true })).toBe("certificate");
    expect(securityModel(undefined)).toBeUndefined();
  });
});
