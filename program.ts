import * as pulumi from "@pulumi/pulumi";
import { AutoFollowPattern, FollowerIndex, RemoteCluster } from "pulumi-elasticsearch-ccr";

/**
 * The local clusters this program expects when `npm run main` runs it (scripts/main.ts starts one single-node cluster
 * per name and sets `<name>Url` and `<name>Seeds` in the stack config). Against your own clusters, set those keys
 * yourself.
 */
export const LOCAL_CLUSTERS = ["leader", "follower"] as const;

/**
 * The top-level program: one leader cluster replicated to one follower cluster.
 *  - a remote cluster link on the follower pointing at the leader's transport address;
 *  - a follower for every leader index that already exists (auto-follow only catches indexes created later);
 *  - an auto-follow pattern for the indexes created from now on.
 *
 * Config (namespace of this project, `pulumi config set ...`):
 *   followerUrl                   HTTP URL of the follower cluster (the program only talks to the follower;
 *                                 the follower reaches the leader through leaderSeeds)
 *   leaderSeeds                   leader transport address(es), comma-separated host:port
 *   existingIndexes               comma-separated leader indexes to bootstrap followers for
 *   autoFollowPatterns            comma-separated leader index patterns for new indexes (default "*")
 */
export function replicationProgram(): Record<string, pulumi.Output<unknown>> {
  const cfg = new pulumi.Config();
  const list = (key: string, dflt = "") => (cfg.get(key) ?? dflt).split(",").map((s) => s.trim()).filter(Boolean);
  const follower = { urls: [cfg.require("followerUrl")] };
  const alias = cfg.get("remoteAlias") ?? "leader";

  const link = new RemoteCluster("leader-link", {
    alias,
    mode: "sniff",
    seeds: list("leaderSeeds"),
    skipUnavailable: false,
    connection: follower,
  });

  const followers = list("existingIndexes").map(
    (index) =>
      new FollowerIndex(`follow-${index}`, {
        name: index,
        remoteCluster: link.alias,
        leaderIndex: index,
        connection: follower,
      }),
  );

  const autoFollow = new AutoFollowPattern("new-indexes", {
    name: "new-indexes",
    remoteCluster: link.alias,
    leaderIndexPatterns: list("autoFollowPatterns", "*"),
    // Indexes that exist today are followed by the resources above; auto-follow never touches them anyway, but
    // excluding them keeps the pattern's intent readable.
    leaderIndexExclusionPatterns: list("existingIndexes"),
    connection: follower,
  });

  return {
    remoteConnected: link.connected,
    followers: pulumi.all(followers.map((f) => pulumi.all([f.name, f.status, f.lag]))).apply((rows) =>
      Object.fromEntries(rows.map(([name, status, lag]) => [name, { status, lag }])),
    ),
    autoFollowErrors: autoFollow.recentErrors,
  };
}
