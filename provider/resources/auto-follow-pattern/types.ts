import type { ConnectionInputs } from "../../client/connection";
import type { AdoptionInputs, OwnershipOutputs } from "../../core/adoption";
import type { TuningInputs } from "../../core/tuning";

/** An auto-follow pattern on the follower cluster; the tuning parameters apply to every follower it creates. */
export interface AutoFollowPatternInputs extends TuningInputs, AdoptionInputs {
  /** Pattern name on the follower cluster (the resource's identity). */
  name: string;
  /** Alias of the leader cluster as configured on the follower cluster (a RemoteCluster). */
  remoteCluster: string;
  /** Wildcard patterns matched against leader index names (or their data stream names). */
  leaderIndexPatterns: string[];
  /** Leader indexes matching these are never followed, even when they match `leaderIndexPatterns`. */
  leaderIndexExclusionPatterns?: string[];
  /** Follower name template, e.g. "{{leader_index}}-copy". Default: the leader's name. */
  followIndexPattern?: string;
  /** Non-replicated settings applied to every follower the pattern creates. */
  settings?: Record<string, unknown>;
  /** Default true. A paused pattern ignores new leader indexes until resumed. */
  active?: boolean;
  /** How to reach the follower cluster; stack config under `elasticsearch-ccr:` fills what is not given here. */
  connection?: ConnectionInputs;
  /** Optional connection to the leader cluster (read only: its version, checked against the follower's on write). */
  leaderConnection?: ConnectionInputs;
}

/** What an AutoFollowPattern reports after create, update and refresh. */
export interface AutoFollowPatternOutputs extends AutoFollowPatternInputs, OwnershipOutputs {
  /** Recent auto-follow failures for this pattern: "<leader index>: <type>: <reason>". */
  recentErrors: string[];
}
