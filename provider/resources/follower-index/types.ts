import type { ConnectionInputs } from "../../client/connection";
import type { AdoptionInputs, OwnershipOutputs } from "../../core/adoption";
import type { TuningInputs } from "../../core/tuning";

/** `active` follows; `paused` keeps the follower but stops replication; `promoted` makes it a managed regular index. */
export type FollowerStatus = "active" | "paused" | "promoted";
export const FOLLOWER_STATUSES: readonly FollowerStatus[] = ["active", "paused", "promoted"];

/**
 * What is observed: a declared status, or `failed` — a follower whose shard-follow task stopped with a fatal error.
 * `_ccr/info` still says "active" for it (the task exists), so `failed` comes from `fatal_exception` in `_ccr/stats`.
 */
export type ObservedFollowerStatus = FollowerStatus | "failed";

/** What happens to the follower's data on destroy. The leader index is never touched. */
export type DeletePolicy = "keep" | "delete";
export const DELETE_POLICIES: readonly DeletePolicy[] = ["keep", "delete"];

/** Resolved inputs of a FollowerIndex (after check: defaults filled, settings flat, tuning normalised). */
export interface FollowerIndexInputs extends TuningInputs, AdoptionInputs {
  /** Follower index name on the follower cluster (the resource's identity). */
  name: string;
  /** Alias of the leader cluster as configured on the follower cluster (a RemoteCluster). */
  remoteCluster: string;
  /** Leader index name on the leader cluster. */
  leaderIndex: string;
  /** Overrides of non-replicated index settings, flat or nested. */
  settings?: Record<string, unknown>;
  /** Local data stream name when following a backing index (Elasticsearch ≥ 8.4). Applied at creation only. */
  dataStreamName?: string;
  /** Declared replication state (default "active"). */
  status?: FollowerStatus;
  /** What destroy does with the follower's data (default "keep"). */
  deletePolicy?: DeletePolicy;
  /** Bound on waiting for the follower to become active (default 120). */
  waitTimeoutSeconds?: number;
  /** How to reach the follower cluster; stack config under `elasticsearch-ccr:` fills what is not given here. */
  connection?: ConnectionInputs;
  /**
   * Optional connection to the leader cluster (read only: its version and the leader index's UUID). With it, follow is
   * refused when the pair breaks CCR's version rule, and adoption checks that the leader was not recreated.
   */
  leaderConnection?: ConnectionInputs;
}

/** What a FollowerIndex reports after create, update and refresh. */
export interface FollowerIndexOutputs extends Omit<FollowerIndexInputs, "status">, OwnershipOutputs {
  /** Replication state as observed on the cluster (`failed`: a shard task stopped with a fatal error). */
  status: ObservedFollowerStatus;
  /** The leader index UUID recorded in the follower's CCR metadata (the leader it can ever resume from). */
  leaderIndexUuid?: string;
  /** The follower index's own UUID; a new value means the index was recreated. */
  indexUuid?: string;
  /** Sum over shards of leader minus follower global checkpoint. */
  lag?: number;
  /** Number of shards of the follower index. */
  shardCount?: number;
  /** Per shard "shard N: type: reason" for shards whose task stopped with a fatal error. */
  fatalErrors: string[];
  /** Per shard summaries of batches being retried. */
  readExceptions: string[];
  /** Why the observed state differs from what was declared, when it does. */
  statusMessage?: string;
}
