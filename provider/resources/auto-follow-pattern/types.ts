import type { ConnectionInputs } from "../../client/connection";
import type { AdoptionInputs, OwnershipOutputs } from "../../core/adoption";
import type { TuningInputs } from "../../core/tuning";

export interface AutoFollowPatternInputs extends TuningInputs, AdoptionInputs {
  name: string;
  remoteCluster: string;
  /** Wildcard patterns matched against leader index names (or their data stream names). */
  leaderIndexPatterns: string[];
  leaderIndexExclusionPatterns?: string[];
  /** Follower name template, e.g. "{{leader_index}}-copy". Default: the leader's name. */
  followIndexPattern?: string;
  /** Non-replicated settings applied to every follower the pattern creates. */
  settings?: Record<string, unknown>;
  /** Default true. A paused pattern ignores new leader indexes until resumed. */
  active?: boolean;
  connection?: ConnectionInputs;
  /** Optional connection to the leader cluster (read only: its version, checked against the follower's on write). */
  leaderConnection?: ConnectionInputs;
}

export interface AutoFollowPatternOutputs extends AutoFollowPatternInputs, OwnershipOutputs {
  /** Recent auto-follow failures for this pattern: "<leader index>: <type>: <reason>". */
  recentErrors: string[];
}
