import type { ConnectionInputs } from "../../client/connection";

/**
 * The declared shape of a topology: one single-node cluster per application replica, one leader, the index patterns
 * the application owns. Plain data (resolved inputs); the component that turns it into resources is a later step.
 */
export interface TopologyDeclaration {
  /** One entry per application replica. Names are unique; each is also the remote alias the others use for it. */
  clusters: TopologyCluster[];
  /** The cluster that takes the application's writes. Every other cluster follows it (directly or through a chain). */
  leader: string;
  /** Leader index patterns the application owns, e.g. ["issues", "pull-requests", "wikis-*"]. */
  indexPatterns: string[];
  exclusionPatterns?: string[];
  /** Follower name template; default "{{leader_index}}" (the same names on every replica, so any can take over). */
  followIndexPattern?: string;
  /** Default "existing". */
  backend?: TopologyBackend;
  /** Only for backend "docker". */
  docker?: DockerBackendInputs;
  /** Links besides the default leader → replica ones (e.g. a second pattern set). Checked for loops like the rest. */
  extraLinks?: LinkDeclaration[];
  /** Failback: regular indexes on a former leader that may be replaced by followers of the current leader. */
  failback?: FailbackDeclaration;
}

export type TopologyBackend = "existing" | "docker";

export interface TopologyCluster {
  name: string;
  /**
   * A chain: this cluster follows `follows` (another replica) instead of the leader. Default: the leader. The leader
   * itself follows nothing.
   */
  follows?: string;
  /** existing backend: how the provider reaches the cluster's HTTP API (mark credentials secret). */
  connection?: ConnectionInputs;
  /** existing backend: transport addresses ("host:port") the other clusters use as remote seeds. */
  seeds?: string[];
  /** Declared Elasticsearch version (docker backend: overrides docker.version for this replica). */
  version?: string;
}

export interface LinkDeclaration {
  from: string;
  to: string;
  indexPatterns: string[];
  exclusionPatterns?: string[];
  followIndexPattern?: string;
}

/** One replication link as the planners see it: `to` follows `from`'s indexes matching the patterns. */
export interface ReplicationEdge {
  from: string;
  to: string;
  indexPatterns: string[];
  exclusionPatterns: string[];
  followIndexPattern: string;
}

/** Failback after an unplanned failover: which regular indexes of a former leader may be discarded. */
export interface FailbackDeclaration {
  /**
   * Indexes to discard, by cluster. `docs`, when given, must equal the observed document count, so an index that
   * took writes after the declaration was written is not discarded by surprise.
   */
  discard: Array<{
    /** The former leader holding the index. */
    cluster: string;
    /** The regular index to replace by a follower of the leader. */
    index: string;
    /** The document count the preview showed; the index is discarded only while it still holds exactly that many. */
    docs?: number;
  }>;
}

/** The official image reads the `elastic` user's bootstrap password from this variable. */
export const PASSWORD_ENV = "ELASTIC_PASSWORD";

/** The Docker backend: one single-node Elasticsearch container per cluster, on one network. */
export interface DockerBackendInputs {
  /** Elasticsearch version of the image, e.g. "9.5.4". */
  version: string;
  /** Image reference; default Elastic's official image for `version`. */
  image?: string;
  /** JVM heap for -Xms/-Xmx, e.g. "512m" (default) or "1g". */
  heap?: string;
  /** First published HTTP port on the host; replica i gets httpPortBase + i. Default 9200. */
  httpPortBase?: number;
  /** Host address the HTTP ports are published on. Default 127.0.0.1 (development: not reachable from outside). */
  bindAddress?: string;
  /** Docker network the clusters share; default "<topology>-ccr". */
  networkName?: string;
  /** Self-generated license: "trial" (default; CCR needs platinum or trial) or "basic". */
  license?: "trial" | "basic";
  /** Pull the image through the Docker provider (default true). false: the image must already be on the engine. */
  pullImage?: boolean;
  /**
   * Environment entries merged over the defaults (Elasticsearch reads `setting.name=value` variables as settings);
   * null removes a default, e.g. the xpack.* entries for an image built without x-pack.
   */
  env?: Record<string, string | null>;
}

// ---------------------------------------------------------------------------------------------------------------
// Observations (what refresh reads) and the failover plan.

export interface ObservedFollower {
  index: string;
  /** The cluster the follower's remote alias resolves to. */
  leaderCluster: string;
  leaderIndex: string;
  /** Operations behind (leader global checkpoint − follower global checkpoint, max over shards); undefined = unknown. */
  lagOps?: number;
  docs: number;
  bytes: number;
  /** Set when the follower is a backing index of a replicated data stream. */
  dataStream?: string;
}

export interface ObservedIndex {
  /** A regular (non-follower) index matching the application's patterns. */
  index: string;
  docs: number;
  bytes: number;
  dataStream?: string;
}

export interface ObservedPattern {
  name: string;
  /** The cluster the pattern's remote alias resolves to. */
  leaderCluster: string;
  active: boolean;
}

export interface ObservedCluster {
  reachable: boolean;
  version?: string;
  followers: ObservedFollower[];
  indexes: ObservedIndex[];
  patterns: ObservedPattern[];
}

export interface FailoverInput {
  /** The clusters of the topology. */
  clusters: string[];
  /** The leader recorded in state (the last successful up). */
  previousLeader: string;
  /** The leader now declared. Equal to previousLeader when only failback or link repair is planned. */
  newLeader: string;
  /** Links of the new declaration (topologyLinks of it). */
  links: ReplicationEdge[];
  observed: Record<string, ObservedCluster>;
  /** The application has stopped writing to the old leader. Otherwise a planned switchover blocks writes itself. */
  writesStopped?: boolean;
  /** Bound of the catch-up wait of a planned switchover. Default 300 s. */
  catchUpTimeoutSeconds?: number;
  failback?: FailbackDeclaration;
}

export type FailoverStep =
  | { phase: 1; kind: "pauseAutoFollow"; cluster: string; pattern: string; leaderCluster: string }
  | { phase: 2; kind: "blockWrites"; cluster: string; indexes: string[] }
  | { phase: 2; kind: "waitForCatchUp"; cluster: string; from: string; timeoutSeconds: number; followers: Array<{ index: string; lagOps?: number }> }
  /** `lagOps` per index sums the lag of every hop from the old leader (`via` the clusters between); undefined = unknown. */
  | { phase: 2; kind: "reportPossibleLoss"; cluster: string; from: string; via: string[]; followers: Array<{ index: string; lagOps?: number }>; totalLagOps?: number }
  | { phase: 3; kind: "promote"; cluster: string; index: string; dataStream?: string; ops: PromoteOp[] }
  /** `oldLeader` is absent when the index was a leader index (the old leader's, replaced after it caught up). */
  | { phase: 4; kind: "repoint"; cluster: string; index: string; oldLeader?: string; newLeader: string; leaderIndex: string; docs: number; bytes: number; wasCaughtUp: boolean }
  | { phase: 5; kind: "installLink"; from: string; to: string; indexPatterns: string[]; replacesPatterns: string[] }
  | { phase: 6; kind: "failbackDiscard"; cluster: string; index: string; docs: number; bytes: number; newLeader: string };

export type PromoteOp = "pause" | "close" | "unfollow" | "open" | "promoteDataStream";

export interface FailoverPlan {
  steps: FailoverStep[];
  /** "switchover" (old leader reachable), "failover" (unreachable) or "none" (no leader change). */
  mode: "switchover" | "failover" | "none";
  /** What cannot be done now and why (unreachable clusters, undeclared failback, mismatched doc counts). */
  deferred: string[];
  /** Reasons the plan must not run at all (e.g. the new leader is unreachable). */
  errors: string[];
}
