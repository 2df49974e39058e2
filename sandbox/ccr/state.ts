/** EMULATED CCR layer: the persisted state (followers, patterns, followed leader UUIDs, checkpoints). */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EmulatedDataStream } from "./data-streams";
import type { FollowParams } from "./params";

export interface FollowerState {
  index: string;
  uuid: string;
  remote_cluster: string;
  leader_index: string;
  leader_uuid: string;
  /** The leader's per-shard history UUIDs at follow time (ccr custom metadata `leader_index_shard_history_uuids`). */
  leader_history_uuids?: string[];
  shards: number;
  /** Explicit parameters of the last follow/resume request (effective = these + defaults). */
  params: FollowParams;
  /** True while shard-follow "tasks" exist (ES: info status active). */
  active: boolean;
  /** Last leader sequence number applied, per shard (-1 = nothing yet). */
  checkpoints: number[];
  leader_mapping_version?: number;
  follower_mapping_version: number;
  follower_settings_version: number;
  follower_aliases_version: number;
  auto_followed_by?: string;
  created_at: number;
}

export interface PatternState {
  name: string;
  remote_cluster: string;
  leader_index_patterns: string[];
  leader_index_exclusion_patterns: string[];
  follow_index_pattern?: string;
  settings?: Record<string, string>;
  params: FollowParams;
  active: boolean;
  /** Leader index UUIDs already followed (or deliberately not followed). */
  followed_uuids: string[];
}

export interface CcrState {
  version: 1;
  followers: Record<string, FollowerState>;
  patterns: Record<string, PatternState>;
  /**
   * On a LEADER: the CCR retention leases its indexes hold, per leader index UUID (lease ids as
   * CcrRetentionLeases.retentionLeaseId builds them). Added by a follower's restore, removed by its unfollow or by
   * forget_follower; a follower deleted without unfollow leaves its lease behind (in ES until it expires).
   */
  leases?: Record<string, string[]>;
  /** On a FOLLOWER: the replicated data streams its followers of leader backing indexes made (data-streams.ts). */
  data_streams?: Record<string, EmulatedDataStream>;
}

export function emptyState(): CcrState {
  return { version: 1, followers: {}, patterns: {}, leases: {} };
}

export function loadState(dir: string): CcrState {
  const file = path.join(dir, "ccr-state.json");
  try {
    const s = JSON.parse(fs.readFileSync(file, "utf8")) as CcrState;
    return { ...emptyState(), ...s };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return emptyState();
    throw new Error(`cannot read CCR state ${file}: ${(e as Error).message}`);
  }
}

/** Atomic write: temp file in the same directory, fsync, rename. */
export function saveState(dir: string, state: CcrState): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "ccr-state.json");
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeSync(fd, JSON.stringify(state, null, 1));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
