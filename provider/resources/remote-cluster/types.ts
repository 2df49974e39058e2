import type { ConnectionInputs } from "../../client/connection";
import type { AdoptionInputs, OwnershipOutputs } from "../../core/adoption";

/** sniff: seed nodes, then gateway nodes of the leader; proxy: every connection through one address. */
export type RemoteMode = "sniff" | "proxy";
/** Values of `cluster.remote.<alias>.transport.compress`. */
export type TransportCompress = "true" | "false" | "indexing_data";

/** A remote cluster alias configured on the follower cluster through persistent `cluster.remote.<alias>.*` settings. */
export interface RemoteClusterInputs extends AdoptionInputs {
  /** The alias on the follower cluster (the resource's identity); followers and patterns name it as `remoteCluster`. */
  alias: string;
  /** Default "sniff". */
  mode?: RemoteMode;
  /** sniff: transport addresses (host:port) of seed nodes of the leader cluster. */
  seeds?: string[];
  /** sniff: number of gateway nodes to connect to (server default 3). */
  nodeConnections?: number;
  /** proxy: a single host:port. */
  proxyAddress?: string;
  /** proxy: TLS server name (SNI). */
  serverName?: string;
  /** proxy: number of sockets (server default 18). */
  proxySocketConnections?: number;
  /**
   * Always written explicitly because the server default changed from false to true in 8.15 (an unset value would
   * change meaning on upgrade). Default here: true.
   */
  skipUnavailable?: boolean;
  /** `cluster.remote.<alias>.transport.compress` (server default: the node's `transport.compress`). */
  transportCompress?: TransportCompress;
  /** `cluster.remote.<alias>.transport.compression_scheme`. */
  transportCompressionScheme?: "deflate" | "lz4";
  /** `cluster.remote.<alias>.transport.ping_schedule`, e.g. "30s". */
  transportPingSchedule?: string;
  /** Remove the alias on destroy even while followers or auto-follow patterns still use it. */
  force?: boolean;
  /** Bound on waiting for `_remote/info` to report connected after create/update (default 60; 0 = do not wait). */
  waitTimeoutSeconds?: number;
  /** How to reach the follower cluster; stack config under `elasticsearch-ccr:` fills what is not given here. */
  connection?: ConnectionInputs;
}

/**
 * Where the alias's effective configuration comes from: transient cluster settings (which win over persistent ones),
 * persistent cluster settings (what this resource writes), or the nodes' elasticsearch.yml (visible only in
 * `_remote/info`).
 */
export type RemoteConfiguredIn = "persistent" | "transient" | "node";

/** `api_key` when `_remote/info` shows `cluster_credentials` (a keystore credential for the alias), else `certificate`. */
export type RemoteSecurityModel = "api_key" | "certificate";

/** What a RemoteCluster reports after create, update and refresh. */
export interface RemoteClusterOutputs extends RemoteClusterInputs, OwnershipOutputs {
  /** Whether `_remote/info` reports the alias connected. */
  connected: boolean;
  /** sniff: nodes connected; proxy: proxy sockets connected. */
  nodesConnected: number;
  /** The connection mode in effect. */
  mode: RemoteMode;
  /** Where the alias's effective configuration comes from (see {@link RemoteConfiguredIn}). */
  configuredIn?: RemoteConfiguredIn;
  /** Which remote-cluster security model the alias uses (see {@link RemoteSecurityModel}). */
  securityModel?: RemoteSecurityModel;
  /** Why the alias is not connected, and the likely cause, when it is not. */
  statusMessage?: string;
}
