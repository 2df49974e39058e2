import * as pulumi from "@pulumi/pulumi";
import { Topology } from "pulumi-elasticsearch-ccr";

/**
 * The local clusters this program expects when `npm run main` runs it (scripts/main.ts starts one single-node cluster
 * per name and sets `<name>Url` and `<name>Seeds` in the stack config). Against your own clusters, set those keys
 * yourself (and `clusters` if yours have other names).
 */
export const LOCAL_CLUSTERS = ["primary", "replica1", "replica2"] as const;

/**
 * The top-level program: a GitHub-Enterprise-Server-like topology. One independent single-node cluster per
 * application replica (a primary and two replicas), the primary leading, a Topology that
 *  - gives every cluster a remote-cluster alias for every other one (any of them can take over);
 *  - links the leader to every other cluster with a ReplicationLink: existing leader indexes are followed, new ones
 *    auto-followed, race-free; destroy keeps every follower's data and never touches the leader's;
 *  - reports health per link, the safe upgrade order (followers first, the leader last) and version violations;
 *  - makes a switchover one config change: `pulumi config set leader replica1` then `pulumi up` (README).
 *
 * Config (namespace of this project, `pulumi config set ...`):
 *   clusters         comma-separated cluster names (default primary,replica1,replica2)
 *   <name>Url        HTTP URL of each cluster;  <name>Seeds  its transport address(es), comma-separated host:port
 *   <name>Username / <name>Password   optional basic-auth credentials (set the password with --secret)
 *   leader           the cluster that takes the application's writes (default primary)
 *   indexPatterns    comma-separated index patterns the application owns (default issues*,pull-requests*,wikis*)
 *   writesStopped    true when the application has stopped writing to the old leader before a switchover
 *   unavailable      comma-separated clusters known to be down (an unplanned failover: `unavailable primary`)
 *   catchUpTimeoutSeconds, failbackDiscard (JSON [{cluster, index, docs}]), maxReadRequestOperationCount
 */
export function topologyProgram(): Record<string, pulumi.Output<unknown> | unknown> {
  const cfg = new pulumi.Config();
  const list = (key: string, dflt = "") => (cfg.get(key) ?? dflt).split(",").map((s) => s.trim()).filter(Boolean);
  const names = list("clusters", LOCAL_CLUSTERS.join(","));
  const batch = cfg.getNumber("maxReadRequestOperationCount");

  const topology = new Topology("app", {
    clusters: names.map((name) => {
      const username = cfg.get(`${name}Username`);
      return {
        name,
        seeds: list(`${name}Seeds`),
        connection: username
          ? pulumi.all([cfg.requireSecret(`${name}Password`)]).apply(([password]) => ({ urls: [cfg.require(`${name}Url`)], username, password }))
          : { urls: [cfg.require(`${name}Url`)] },
      };
    }),
    leader: cfg.get("leader") ?? "primary",
    indexPatterns: list("indexPatterns", "issues*,pull-requests*,wikis*"),
    writesStopped: cfg.getBoolean("writesStopped") ?? false,
    unavailable: list("unavailable"),
    ...(cfg.getNumber("catchUpTimeoutSeconds") ? { catchUpTimeoutSeconds: cfg.getNumber("catchUpTimeoutSeconds") } : {}),
    ...(cfg.get("failbackDiscard") ? { failback: { discard: cfg.requireObject<Array<{ cluster: string; index: string; docs?: number }>>("failbackDiscard") } } : {}),
    ...(batch ? { linkTuning: { maxReadRequestOperationCount: batch } } : {}),
  });

  return {
    leader: topology.leader,
    health: topology.health,
    upgradeOrder: topology.upgradeOrder,
    upgradeProcedure: topology.upgradeProcedure,
    violations: topology.violations,
    versions: topology.versions,
    plan: topology.plan,
    lastFailover: topology.lastFailover,
  };
}
