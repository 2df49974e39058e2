// Example (c): a failover drill. Three clusters that already exist (one single-node cluster per application replica)
// joined by CCR with one Topology; which of them leads comes from stack config, so a planned switchover, an
// unplanned failover and the failback are config changes followed by `pulumi preview` and `pulumi up`. See README.md
// beside this file for the drill step by step.
import * as pulumi from "@pulumi/pulumi";
import { Topology } from "pulumi-elasticsearch-ccr";
import type { ConnectionInputs, FailbackDeclaration } from "pulumi-elasticsearch-ccr";

/** One cluster of `clusters` in stack config: its HTTP URL and the transport address(es) the others connect to. */
interface ClusterConfig {
  url: string;
  seeds: string[];
  /** Basic auth (optional); the password is the secret `<name>Password`. */
  username?: string;
}

const cfg = new pulumi.Config();
/** `pulumi config set --path 'clusters.primary.url' http://…` (and `.seeds[0]`), one entry per cluster. */
const clusters = cfg.requireObject<Record<string, ClusterConfig>>("clusters");
/** Comma-separated or a JSON list: `pulumi config set unavailable primary`. */
const list = (key: string): string[] => {
  const raw = cfg.get(key)?.trim() ?? "";
  return raw.startsWith("[") ? (JSON.parse(raw) as string[]) : raw.split(",").map((s) => s.trim()).filter(Boolean);
};
const patterns = list("indexPatterns");
const discard = cfg.getObject<FailbackDeclaration["discard"]>("failbackDiscard");
const batch = cfg.getNumber("maxReadRequestOperationCount");
const catchUp = cfg.getNumber("catchUpTimeoutSeconds");

const topology = new Topology("drill", {
  clusters: Object.entries(clusters).map(([name, c]) => ({
    name,
    seeds: c.seeds,
    connection: c.username
      ? cfg.requireSecret(`${name}Password`).apply((password): ConnectionInputs => ({ urls: [c.url], username: c.username, password }))
      : { urls: [c.url] },
  })),
  // The drill's one knob: `pulumi config set leader replica1`, preview, up.
  leader: cfg.require("leader"),
  indexPatterns: patterns.length ? patterns : ["issues*", "pull-requests*"],
  // The application has stopped writing to the old leader: the switchover then sets no write block of its own.
  writesStopped: cfg.getBoolean("writesStopped") ?? false,
  // Clusters that are down (an unplanned failover). Remove the entry once the cluster answers again.
  unavailable: list("unavailable"),
  // After an unplanned failover: the returned old leader's indexes that may be replaced by followers of the leader,
  // e.g. [{"cluster": "primary", "index": "issues", "docs": 1540}] (the preview lists each with its document count).
  ...(discard ? { failback: { discard } } : {}),
  ...(catchUp ? { catchUpTimeoutSeconds: catchUp } : {}),
  ...(batch ? { linkTuning: { maxReadRequestOperationCount: batch } } : {}),
});

/** The cluster that takes the application's writes. */
export const leader = topology.leader;
/** One line per link, "<leader> → <cluster>": remote connected, pattern, followers, max lag. */
export const health = topology.health;
/** Followers first, the leader last. */
export const upgradeOrder = topology.upgradeOrder;
/** The steps of the last up, as its preview showed them. */
export const plan = topology.plan;
/** The last switchover or failover: mode, duration, catch-up wait, possible loss per index. */
export const lastFailover = topology.lastFailover;
/** Observed version per cluster (null: did not answer), and version-rule violations. */
export const versions = topology.versions;
export const violations = topology.violations;
