import * as pulumi from "@pulumi/pulumi";
import { ReplicationLink } from "pulumi-elasticsearch-ccr";

/**
 * The local clusters this program expects when `npm run main` runs it (scripts/main.ts starts one single-node cluster
 * per name and sets `<name>Url` and `<name>Seeds` in the stack config). Against your own clusters, set those keys
 * yourself.
 */
export const LOCAL_CLUSTERS = ["leader", "follower"] as const;

/**
 * The top-level program: one leader cluster replicated to one follower cluster by a ReplicationLink, which
 *  - owns the remote cluster link on the follower (pointing at the leader's transport address);
 *  - follows every leader index that already exists and matches (auto-follow alone never picks those up), then
 *    installs the auto-follow pattern for the indexes created from now on, in the race-free order;
 *  - owns what its pattern creates, so destroy removes those followers too (keeping their data) and never touches
 *    the leader.
 *
 * Config (namespace of this project, `pulumi config set ...`):
 *   followerUrl     HTTP URL of the follower cluster
 *   leaderUrl       HTTP URL of the leader cluster (read only: listing its indexes, also during preview)
 *   leaderSeeds     leader transport address(es), comma-separated host:port
 *   indexPatterns   comma-separated leader index patterns the application owns (default "*")
 */
export function replicationProgram(): Record<string, pulumi.Output<unknown>> {
  const cfg = new pulumi.Config();
  const list = (key: string, dflt = "") => (cfg.get(key) ?? dflt).split(",").map((s) => s.trim()).filter(Boolean);
  const follower = { urls: [cfg.require("followerUrl")] };
  const leader = { urls: [cfg.require("leaderUrl")] };

  const link = new ReplicationLink("app", {
    remote: { alias: cfg.get("remoteAlias") ?? "leader", mode: "sniff", seeds: list("leaderSeeds"), skipUnavailable: false },
    connection: follower,
    leaderConnection: leader,
    leaderIndexPatterns: list("indexPatterns", "*"),
    deletePolicy: "keep",
  });

  return {
    summary: link.summary,
    followers: link.followerHealth.apply((rows) => Object.fromEntries(rows.map((f) => [f.name, { status: f.status, lag: f.lag }]))),
    autoFollowErrors: link.health.apply((h) => h.autoFollowErrors),
  };
}
