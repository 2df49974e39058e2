// Example (b): one single-node Elasticsearch cluster per application replica, each a Docker container with its own
// data volume on one Docker network, declared as one Topology with the Docker backend: the containers, the remote
// aliases between all clusters, and a ReplicationLink from the leader to every other cluster (existing indexes
// followed, new ones auto-followed). A switchover is `pulumi config set leader replica1` and `pulumi up`, as in
// examples/failover-drill.
import * as pulumi from "@pulumi/pulumi";
import { Topology } from "pulumi-elasticsearch-ccr";

export interface DockerReplicasOutputs {
  /** Per cluster: the HTTP URL its container publishes on the host, and the seeds the others use on the network. */
  endpoints: Record<string, { urls: string[]; seeds: string[] }>;
  /** One line per link, "<leader> → <cluster>": remote connected, pattern, followers, max lag. */
  health: pulumi.Output<Record<string, string>>;
  /** Followers first, the leader last. */
  upgradeOrder: string[];
}

export function dockerReplicas(): DockerReplicasOutputs {
  const cfg = new pulumi.Config();
  const clusters = cfg.getObject<string[]>("clusters") ?? ["primary", "replica1", "replica2"];
  const topology = new Topology(cfg.get("topology") ?? "ghes", {
    backend: "docker",
    clusters: clusters.map((name) => ({ name })),
    leader: cfg.get("leader") ?? clusters[0],
    indexPatterns: cfg.getObject<string[]>("indexPatterns") ?? ["issues", "pull-requests", "wikis-*"],
    docker: {
      version: cfg.get("version") ?? "9.5.4",
      httpPortBase: cfg.getNumber("httpPortBase") ?? 9200,
      heap: cfg.get("heap") ?? "512m",
      pullImage: cfg.getBoolean("pullImage") ?? true,
      ...(cfg.get("image") ? { image: cfg.get("image") } : {}),
    },
    // The `elastic` user's password on every cluster: only inside secrets (container environment, connections).
    dockerPassword: cfg.requireSecret("elasticPassword"),
    writesStopped: cfg.getBoolean("writesStopped") ?? false,
  });
  return {
    endpoints: Object.fromEntries(Object.entries(topology.endpoints ?? {}).map(([k, v]) => [k, { urls: v.urls, seeds: v.seeds }])),
    health: topology.health,
    upgradeOrder: topology.upgradeOrder,
  };
}
