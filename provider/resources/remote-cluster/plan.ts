import { CheckFailure, Failures } from "../../core/check";
import { DiffBuilder, DiffOutcome } from "../../core/diff";
import { checkAlias } from "../../core/names";
import { normalizeDuration, parseDuration } from "../../core/units";
import { isUnknown } from "../../core/unknown";
import { checkAdoption, Difference, OwnershipOutputs } from "../../core/adoption";
import { checkConnection, connectionFingerprint } from "../../client/connection";
import type { FollowInfoEntry } from "../../client/cluster";
import { checkWaitSeconds } from "../follow-spec";
import type { RemoteClusterInputs, RemoteClusterOutputs, RemoteConfiguredIn, RemoteMode, RemoteSecurityModel } from "./types";

export const DEFAULT_WAIT_SECONDS = 60;

/** Input property ↔ key under `cluster.remote.<alias>.` */
const KEYS: ReadonlyArray<[keyof RemoteClusterInputs, string, "string" | "list" | "int" | "bool" | "duration"]> = [
  ["mode", "mode", "string"],
  ["seeds", "seeds", "list"],
  ["nodeConnections", "node_connections", "int"],
  ["proxyAddress", "proxy_address", "string"],
  ["serverName", "server_name", "string"],
  ["proxySocketConnections", "proxy_socket_connections", "int"],
  ["skipUnavailable", "skip_unavailable", "bool"],
  ["transportCompress", "transport.compress", "string"],
  ["transportCompressionScheme", "transport.compression_scheme", "string"],
  ["transportPingSchedule", "transport.ping_schedule", "duration"],
];

const SNIFF_ONLY: (keyof RemoteClusterInputs)[] = ["seeds", "nodeConnections"];
const PROXY_ONLY: (keyof RemoteClusterInputs)[] = ["proxyAddress", "serverName", "proxySocketConnections"];

export const prefixOf = (alias: string) => `cluster.remote.${alias}.`;

export function checkRemote(newsIn: object): { inputs: RemoteClusterInputs; failures: CheckFailure[] } {
  const news = newsIn as Record<string, unknown>;
  const f = new Failures();
  checkAlias(f, "alias", news.alias, "the name followers and patterns use for the leader cluster");
  f.oneOf("mode", news.mode, ["sniff", "proxy"] as const);
  const mode = isUnknown(news.mode) ? undefined : ((news.mode as RemoteMode | undefined) ?? "sniff");
  if (mode === "sniff") {
    const seeds = f.stringList("seeds", news.seeds, { nonEmpty: true, hint: 'transport addresses of the leader, e.g. ["leader-host:9300"]' });
    seeds?.forEach((s, i) => {
      if (!/^[^\s:]+:\d+$|^\[[0-9a-f:]+\]:\d+$/i.test(s)) f.add(`seeds[${i}]`, `seeds[${i}] "${s}" must be host:port of a transport endpoint (usually port 9300)`);
    });
    for (const k of PROXY_ONLY) if (news[k] !== undefined && news[k] !== null) f.add(k, `${k} only applies to mode "proxy"; remove it or set mode: "proxy"`);
  } else if (mode === "proxy") {
    const addr = f.requireString("proxyAddress", news.proxyAddress, 'host:port of the proxy in front of the leader, e.g. "leader.example.com:9443"');
    if (addr && !/^[^\s]+:\d+$/.test(addr)) f.add("proxyAddress", `proxyAddress "${addr}" must be host:port`);
    for (const k of SNIFF_ONLY) if (news[k] !== undefined && news[k] !== null) f.add(k, `${k} only applies to mode "sniff"; remove it or set mode: "sniff"`);
  }
  f.positiveInt("nodeConnections", news.nodeConnections);
  f.positiveInt("proxySocketConnections", news.proxySocketConnections);
  f.optionalBoolean("skipUnavailable", news.skipUnavailable);
  f.optionalBoolean("force", news.force);
  f.oneOf("transportCompress", typeof news.transportCompress === "boolean" ? String(news.transportCompress) : news.transportCompress, ["true", "false", "indexing_data"] as const);
  f.oneOf("transportCompressionScheme", news.transportCompressionScheme, ["deflate", "lz4"] as const);
  if (news.transportPingSchedule !== undefined && !isUnknown(news.transportPingSchedule) && parseDuration(news.transportPingSchedule) === undefined) {
    f.add("transportPingSchedule", `transportPingSchedule must be a duration such as "30s" or "-1" (disabled)`);
  }
  checkWaitSeconds(f, news.waitTimeoutSeconds, "0 = do not wait for the connection");
  checkConnection(f, news.connection);
  checkAdoption(f, news);
  return { inputs: normalizeRemoteInputs(news), failures: f.list };
}

export function normalizeRemoteInputs(newsIn: object): RemoteClusterInputs {
  const news = newsIn as Record<string, unknown>;
  const out: Record<string, unknown> = { ...news };
  out.mode = news.mode ?? "sniff";
  out.skipUnavailable = news.skipUnavailable ?? true;
  if (typeof news.transportCompress === "boolean") out.transportCompress = String(news.transportCompress);
  if (news.transportPingSchedule !== undefined && !isUnknown(news.transportPingSchedule)) out.transportPingSchedule = normalizeDuration(news.transportPingSchedule);
  return out as unknown as RemoteClusterInputs;
}

export function diffRemote(olds: RemoteClusterOutputs, newsRaw: object): DiffOutcome {
  const news = normalizeRemoteInputs(newsRaw);
  const d = new DiffBuilder();
  d.replace("alias", olds.alias, news.alias);
  for (const [prop] of KEYS) d.update(prop, (olds as unknown as Record<string, unknown>)[prop], (news as unknown as Record<string, unknown>)[prop]);
  d.update("force", olds.force, news.force);
  d.update("waitTimeoutSeconds", olds.waitTimeoutSeconds, news.waitTimeoutSeconds);
  d.update("adoptExisting", olds.adoptExisting ?? "match", news.adoptExisting ?? "match");
  d.update("adoptedOnDestroy", olds.adoptedOnDestroy ?? "release", news.adoptedOnDestroy ?? "release");
  // No request: update checks the recorded cluster UUID before anything else (a connection to another cluster is refused).
  if (isUnknown(news.connection) || connectionFingerprint(olds.connection) !== connectionFingerprint(news.connection)) d.updates.push("connection");
  // A new alias is a different settings key: create the new one first, then remove the old.
  return d.build(false);
}

/** The alias's keys as `GET _cluster/settings?flat_settings=true` shows them (strings and string lists). */
export type AliasSettings = Record<string, string | string[]>;

export function desiredSettings(d: RemoteClusterInputs): AliasSettings {
  const out: AliasSettings = {};
  for (const [prop, key, kind] of KEYS) {
    const v = (d as unknown as Record<string, unknown>)[prop];
    if (v === undefined || v === null) continue;
    out[key] = kind === "list" ? (v as unknown[]).map(String) : String(v);
  }
  return out;
}

export function observedSettings(alias: string, flat: Record<string, unknown>): AliasSettings {
  const prefix = prefixOf(alias);
  const out: AliasSettings = {};
  for (const [k, v] of Object.entries(flat)) {
    if (!k.startsWith(prefix)) continue;
    out[k.slice(prefix.length)] = Array.isArray(v) ? v.map(String) : String(v);
  }
  return out;
}

/** The alias exists when something makes it enabled: seeds or a proxy address. */
export function aliasExists(s: AliasSettings): boolean {
  return s.seeds !== undefined || s.proxy_address !== undefined || s.mode !== undefined;
}

/**
 * One `PUT _cluster/settings` body that makes the alias's persistent keys exactly the desired ones: desired values
 * plus `null` for every other key of this alias (switching sniff ↔ proxy must null the other mode's keys in the same
 * request, or the mode validator rejects it). Undefined when nothing changes. Keys of other aliases are never sent.
 */
export function planRemoteWrite(alias: string, observed: AliasSettings, desired: AliasSettings): Record<string, unknown> | undefined {
  const prefix = prefixOf(alias);
  const persistent: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(desired)) if (JSON.stringify(observed[k]) !== JSON.stringify(v)) persistent[prefix + k] = v;
  for (const k of Object.keys(observed)) if (!(k in desired)) persistent[prefix + k] = null;
  return Object.keys(persistent).length ? { persistent } : undefined;
}

/**
 * Removal nulls every key of the alias in one request: leaving any per-alias key while removing seeds fails with
 * "Cannot configure setting [...] if remote cluster is not enabled".
 */
export function planRemoteDelete(alias: string, persistent: AliasSettings, transient: AliasSettings): Record<string, unknown> | undefined {
  const prefix = prefixOf(alias);
  const body: Record<string, Record<string, null>> = {};
  for (const [scope, s] of [["persistent", persistent], ["transient", transient]] as const) {
    const keys = Object.keys(s);
    if (keys.length) body[scope] = Object.fromEntries(keys.map((k) => [prefix + k, null]));
  }
  return Object.keys(body).length ? body : undefined;
}

/** Followers and auto-follow patterns that still use the alias; removing it under them breaks their cleanup. */
export function aliasUsers(alias: string, followers: FollowInfoEntry[], patterns: Array<{ name: string; pattern: Record<string, unknown> }>): string[] {
  return [
    ...followers.filter((f) => f.remote_cluster === alias).map((f) => `follower index "${f.follower_index}"`),
    ...patterns.filter((p) => p.pattern.remote_cluster === alias).map((p) => `auto-follow pattern "${p.name}"`),
  ];
}

export function inputsFromSettings(declared: RemoteClusterInputs, s: AliasSettings): RemoteClusterInputs {
  const out: Record<string, unknown> = { ...declared };
  for (const [prop, key, kind] of KEYS) {
    const v = s[key];
    if (v === undefined) {
      delete out[prop];
      continue;
    }
    out[prop] = kind === "int" ? Number(v) : kind === "bool" ? v === "true" : kind === "list" ? (Array.isArray(v) ? v : [v])
      : kind === "duration" ? normalizeDuration(v) : v;
  }
  // Written by older tooling without mode: the server treats it as sniff.
  out.mode ??= "sniff";
  return out as unknown as RemoteClusterInputs;
}

/** What the follower cluster says about one alias, in all three places it can be configured. */
export interface RemoteObserved {
  persistent: AliasSettings;
  transient: AliasSettings;
  /** The alias's `_remote/info` entry: the effective configuration, whatever its source. */
  info?: Record<string, unknown>;
}

/** Transient settings win over persistent ones, which win over elasticsearch.yml (per key). */
export function configuredIn(o: RemoteObserved): RemoteConfiguredIn | undefined {
  if (Object.keys(o.transient).length) return "transient";
  if (aliasExists(o.persistent)) return "persistent";
  return o.info ? "node" : undefined;
}

export function effectiveSettings(o: RemoteObserved): AliasSettings {
  return { ...o.persistent, ...o.transient };
}

/**
 * Refuses to write persistent keys under transient ones: transient settings win, so the write would not take
 * effect (and the transient keys vanish on a full cluster restart, silently changing the connection then). The
 * message lists the keys and how to remove them; this resource does not take over transient settings.
 */
export function transientConflict(alias: string, o: RemoteObserved): { what: string; fix: string } | undefined {
  const keys = Object.keys(o.transient).map((k) => prefixOf(alias) + k);
  if (!keys.length) return undefined;
  return {
    what: `remote cluster alias "${alias}" is configured in TRANSIENT cluster settings (${keys.join(", ")}), which take precedence over ` +
      `the persistent settings this resource manages, so writing those would not take effect`,
    fix: `remove the transient keys (PUT _cluster/settings {"transient": {${keys.map((k) => `"${k}": null`).join(", ")}}}), then run pulumi up again`,
  };
}

/** Inputs from `_remote/info` for an alias configured only in elasticsearch.yml (no cluster settings to read). */
export function inputsFromInfo(declared: RemoteClusterInputs, info: Record<string, unknown>): RemoteClusterInputs {
  const out: Record<string, unknown> = { ...declared };
  const mode = info.mode === "proxy" ? "proxy" : "sniff";
  out.mode = mode;
  if (typeof info.skip_unavailable === "boolean") out.skipUnavailable = info.skip_unavailable;
  if (mode === "sniff") {
    if (Array.isArray(info.seeds)) out.seeds = info.seeds.map(String);
    if (typeof info.max_connections_per_cluster === "number") out.nodeConnections = info.max_connections_per_cluster;
    for (const k of PROXY_ONLY) delete out[k];
  } else {
    if (typeof info.proxy_address === "string") out.proxyAddress = info.proxy_address;
    if (typeof info.server_name === "string" && info.server_name) out.serverName = info.server_name;
    if (typeof info.max_proxy_socket_connections === "number") out.proxySocketConnections = info.max_proxy_socket_connections;
    for (const k of SNIFF_ONLY) delete out[k];
  }
  return out as unknown as RemoteClusterInputs;
}

/** The API-key model is in use when the alias has a keystore credential, which `_remote/info` shows redacted. */
export function securityModel(info: Record<string, unknown> | undefined): RemoteSecurityModel | undefined {
  if (!info) return undefined;
  return info.cluster_credentials !== undefined ? "api_key" : "certificate";
}

/** Why an alias is not connected and what most likely fixes it, by security model. */
export function notConnectedHint(alias: string, model: RemoteSecurityModel | undefined): string {
  const key = `cluster.remote.${alias}.credentials`;
  return model === "api_key"
    ? `the alias uses the API-key security model: the likely cause is the keystore entry ${key} (not a valid cross-cluster API key of the ` +
      `remote cluster, not on every node, or not reloaded: POST _nodes/reload_secure_settings), or seeds/proxyAddress not pointing at the ` +
      `remote's remote-cluster port (default 9443)`
    : `if the remote cluster uses the API-key security model (remote-cluster port, default 9443), the keystore entry ${key} is missing ` +
      `on this cluster's nodes (without it the connection uses the certificate model); otherwise check that the address is the remote's ` +
      `transport endpoint and that TLS trust matches on both sides`;
}

export function remoteOutputs(
  inputs: RemoteClusterInputs, info: Record<string, unknown> | undefined, where?: RemoteConfiguredIn, own: OwnershipOutputs = { adopted: false },
): RemoteClusterOutputs {
  const mode = inputs.mode ?? (info?.mode as RemoteMode | undefined) ?? "sniff";
  const nodes = mode === "proxy" ? info?.num_proxy_sockets_connected : info?.num_nodes_connected;
  const connected = info?.connected === true;
  const model = securityModel(info);
  const statusMessage = connected ? undefined
    : !info ? `alias "${inputs.alias}" is not listed in GET _remote/info`
    : `alias "${inputs.alias}" is not connected; ${notConnectedHint(inputs.alias, model)}`;
  return { ...inputs, mode, connected, nodesConnected: typeof nodes === "number" ? nodes : 0, configuredIn: where, securityModel: model, statusMessage, ...own };
}

/** The inputs a read returns: the outputs without what only observation knows. */
export function remoteInputsFromOutputs(o: RemoteClusterOutputs): RemoteClusterInputs {
  const { connected: _c, nodesConnected: _n, configuredIn: _w, securityModel: _s, statusMessage: _m, adopted: _a, clusterUuid: _u, ...inputs } = o;
  return inputs;
}

/** Where an alias points (mode and address): what adoption on create must find as declared. */
const DEFINING_KEYS: ReadonlyArray<[string, string]> = [["mode", "mode"], ["seeds", "seeds"], ["proxy_address", "proxyAddress"], ["server_name", "serverName"]];

export function remoteAdoptionDifferences(observed: AliasSettings, desired: AliasSettings): Difference[] {
  const have: AliasSettings = { mode: "sniff", ...observed };
  return DEFINING_KEYS.filter(([key]) => JSON.stringify(have[key] ?? null) !== JSON.stringify(desired[key] ?? null))
    .map(([key, property]) => ({ property, existing: have[key], declared: desired[key] }));
}
