/** EMULATED CCR layer: remote-cluster resolution through the follower node's real `cluster.remote.*` settings. */
import { esRequest, HttpResult } from "../es/http";
import type { EsNode } from "../es/node";
import { errors } from "./errors";
import { lookup, RegistryEntry } from "./registry";

export interface Remote {
  alias: string;
  entry: RegistryEntry;
  req<T = any>(method: string, path: string, body?: unknown): Promise<HttpResult<T>>;
}

const CCR_LICENSES = new Set(["trial", "platinum", "enterprise"]);

export function licenseAllowsCcr(lic: { type?: string; status?: string } | undefined): boolean {
  return !!lic && CCR_LICENSES.has(String(lic.type)) && lic.status === "active";
}

/** Addresses configured for an alias (transient wins over persistent, as in ES); undefined = alias not configured. */
export function remoteAddresses(flat: { persistent?: Record<string, unknown>; transient?: Record<string, unknown> }, alias: string): string[] | undefined {
  const get = (k: string) => flat.transient?.[k] ?? flat.persistent?.[k];
  const seeds = get(`cluster.remote.${alias}.seeds`);
  const proxy = get(`cluster.remote.${alias}.proxy_address`);
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === "string" && v ? v.split(",").map((s) => s.trim()) : []);
  const all = [...list(seeds), ...list(proxy)];
  return all.length ? all : undefined;
}

/**
 * Resolves an alias to the leader's node (through the registry of fronts). Errors, in ES's order: 404 no such remote,
 * 400 remote unreachable / license undeterminable, 400 remote not licensed.
 */
export async function resolveRemote(node: EsNode, alias: string, leaderIndex: string | undefined): Promise<Remote> {
  const settings = await node.request("GET", "/_cluster/settings?flat_settings=true");
  const addrs = remoteAddresses(settings.body ?? {}, alias);
  if (!addrs) throw errors.noSuchRemote(alias);
  let info = (await node.request("GET", "/_remote/info")).body?.[alias];
  if (!info) throw errors.noSuchRemote(alias);
  if (!info.connected) {
    // `_remote/info` only reports open connections; it never reconnects. CCR's actions reach the remote through a
    // remote cluster client with DisconnectedStrategy.RECONNECT_IF_DISCONNECTED (RemoteClusterService.ensureConnected
    // re-runs the sniff/proxy connection strategy), so a leader that was down and is back is reconnected by the next
    // follow, resume or shard-follow read. The node does the same for `GET _resolve/cluster/<alias>:*` (verified on
    // 8.19.21: still `connected: false` 14 s after the leader's restart, `true` right after this call).
    await node.request("GET", `/_resolve/cluster/${encodeURIComponent(alias)}:*`).catch(() => undefined);
    info = (await node.request("GET", "/_remote/info")).body?.[alias] ?? info;
  }
  for (let i = 0; i < 15 && !info.connected; i++) {
    await new Promise((r) => setTimeout(r, 200));
    info = (await node.request("GET", "/_remote/info")).body?.[alias];
  }
  if (!info?.connected) throw errors.remoteUnreachable(alias, leaderIndex, `[${addrs.join(",")}] connect_exception: remote cluster [${alias}] is not connected`);
  const entry = addrs.map((a) => lookup(a)).find((e) => e !== undefined);
  if (!entry) throw errors.remoteUnreachable(alias, leaderIndex, `no EMULATED CCR front registered for [${addrs.join(",")}]`);
  const req = <T = any>(method: string, path: string, body?: unknown) => esRequest<T>(entry.nodeUrl, method, path, body, { auth: entry.auth });
  let lic: HttpResult;
  try {
    lic = await req("GET", "/_license");
  } catch (e) {
    throw errors.remoteUnreachable(alias, leaderIndex, (e as Error).message);
  }
  if (lic.status !== 200) throw errors.remoteUnreachable(alias, leaderIndex, `HTTP ${lic.status}`);
  if (!licenseAllowsCcr(lic.body?.license)) throw errors.remoteNotLicensed(alias, leaderIndex, String(lic.body?.license?.type ?? "missing"));
  return { alias, entry, req };
}
