import type { ConnectionInputs } from "../../client/connection";
import type { TuningInputs } from "../../core/tuning";

/** What the link does with a follower it no longer needs (its leader is gone, or no longer matches). */
export type ReleasePolicy = "delete" | "promote" | "leave";
export const RELEASE_POLICIES: readonly ReleasePolicy[] = ["delete", "promote", "leave"];

/** One index of the leader cluster, as the link's leader listing sees it. */
export interface LeaderIndexInfo {
  name: string;
  uuid: string;
  open: boolean;
  hidden: boolean;
  system: boolean;
  /** The data stream this index backs, if any. */
  dataStream?: string;
  /** The parent data stream is a system data stream. */
  dataStreamSystem?: boolean;
}

/** One follower index on the follower cluster (of any remote alias). */
export interface FollowerInfo {
  name: string;
  /** The follower index's own UUID (needed by forget_follower). */
  uuid?: string;
  remoteCluster: string;
  leaderIndex: string;
  /** From the follower's CCR metadata (`leader_index_uuid`). */
  leaderUuid?: string;
  /** "failed": the shard-follow tasks stopped with a fatal error although `_ccr/info` says active. */
  status: "active" | "paused" | "failed";
  fatalErrors: string[];
  /**
   * Paused only because its restore from the leader is still running (an active CCR snapshot recovery): PUT follow
   * starts the shard-follow tasks when the restore ends, so it must not be resumed as if paused out of band.
   */
  restoring?: boolean;
  /** The parameters an active follower runs with (`_ccr/info`), normalised. */
  tuning?: TuningInputs;
}

/** The link's declaration, resolved (defaults filled). */
export interface LinkDeclaration {
  remoteCluster: string;
  leaderIndexPatterns: string[];
  leaderIndexExclusionPatterns: string[];
  /** `{{leader_index}}` template for follower names; default: the leader's name. */
  followIndexPattern?: string;
  /** Follow leader indexes with `index.hidden: true` (data stream backing indexes are followed with their stream). */
  includeHidden: boolean;
  /** Follow dot-prefixed leader indexes. System indexes are never followed. */
  includeDotPrefixed: boolean;
  /** Leader deleted: delete the follower, keep it as a regular index (promote), or leave it and report. */
  onLeaderDeleted: ReleasePolicy;
  /** The leader still exists but no longer matches the declaration (patterns narrowed, exclusion added). */
  onNoLongerMatching: ReleasePolicy;
  /** The declared tuning (unset: Elasticsearch's defaults); followers running otherwise are retuned. */
  tuning?: TuningInputs;
}

/** A follower the link has made or taken over, as recorded in its state. */
export interface LinkedFollower {
  /** Follower index name on the follower cluster. */
  name: string;
  /** The follower index's own UUID. */
  uuid?: string;
  /** Leader index it follows. */
  leaderIndex: string;
  /** UUID of that leader index (a recreated leader has another one). */
  leaderUuid: string;
  /** Data stream the follower's backing index belongs to, when it follows a data stream. */
  dataStreamName?: string;
  /** How it came to the link: bootstrapped by an explicit follow, adopted, auto-followed by the pattern, or recreated. */
  origin: "bootstrap" | "adopted" | "auto" | "recreated";
}

/** Inputs of the dynamic resource behind a ReplicationLink (resolved). */
export interface LinkFollowersInputs extends TuningInputs, LinkDeclaration {
  /** Auto-follow pattern name on the follower cluster. */
  patternName: string;
  /** Non-replicated settings for every follower (explicit ones and the pattern's). */
  settings?: Record<string, unknown>;
  /** Destroy: "keep" leaves every follower as a regular index, "delete" deletes them. The leader is never touched. */
  deletePolicy: "keep" | "delete";
  /** The plan computed by the program at preview time (informational; `up` plans again, race-free). */
  plan: string[];
  /** Follow calls in flight at once (default 8). */
  concurrency?: number;
  connection?: ConnectionInputs;
  leaderConnection: ConnectionInputs;
}

/** One shard of a follower. */
export interface ShardHealth {
  /** Shard number. */
  shard: number;
  /** Leader global checkpoint − follower global checkpoint. */
  lag: number;
}

/** Health of one follower of a link. */
export interface FollowerHealth {
  /** Follower index name. */
  name: string;
  /** Leader index it follows. */
  leaderIndex: string;
  /** `failed`: a shard task stopped with a fatal error; `missing`: recorded by the link but not on the cluster. */
  status: "active" | "paused" | "failed" | "missing";
  /** Maximum over shards of the operations lag. */
  lag: number;
  /** Per shard lag. */
  shards: ShardHealth[];
  /**
   * Largest time since the last successful read over shards, in whole minutes rounded down to a multiple of 5 (0: read
   * within the last 5 minutes). Exact milliseconds would change on every read and make every refresh an update; an
   * active follower reads at least once per read_poll_timeout (default 1m).
   */
  minutesSinceLastRead?: number;
  /** "shard N: type: reason" per shard whose task stopped with a fatal error. */
  fatalErrors: string[];
  /** Read exceptions being retried, per shard. */
  readErrors: string[];
}

/** Health of a link as a whole, from the same coalesced reads as its followers. */
export interface LinkHealth {
  /** Whether the remote alias is connected (`_remote/info`). */
  remoteConnected: boolean;
  /** "api_key" when `_remote/info` shows cluster_credentials, "certificate" otherwise, "unknown" without the alias. */
  securityModel: "api_key" | "certificate" | "unknown";
  /** Whether the link's auto-follow pattern is active (not paused). */
  patternActive: boolean;
  /** Whether the link's auto-follow pattern exists on the follower cluster (false: deleted out of band). */
  patternPresent: boolean;
  /** Number of followers the link owns. */
  followers: number;
  /** Followers failed or missing. */
  failed: number;
  /** Followers paused. */
  paused: number;
  /** Largest operations lag over all followers and shards. */
  maxLag: number;
  /** Recent auto-follow errors for the link's pattern: "<leader index>: <type>: <reason>". */
  autoFollowErrors: string[];
  /** One human-readable line: remote, pattern, follower counts, max lag, auto-follow errors. */
  summary: string;
}

export interface LinkFollowersOutputs extends LinkFollowersInputs {
  followers: LinkedFollower[];
  /** Plan lines still pending after the last operation (reports such as "leave" or refusals). */
  pending: string[];
  health: LinkHealth;
  followerHealth: FollowerHealth[];
}
