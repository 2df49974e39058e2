import type { ConnectionInputs } from "../../client/connection";
import type { TuningInputs } from "../../core/tuning";

export interface AutoFollowPatternInputs extends TuningInputs {
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
}

export interface AutoFollowPatternOutputs extends AutoFollowPatternInputs {
  /** Recent auto-follow failures for this pattern: "<leader index>: <type>: <reason>". */
  recentErrors: string[];
}
