// Example (b): one single-node Elasticsearch cluster per application replica, each a Docker container with its own
// data volume on one Docker network; every replica follows the leader's application indexes with a remote link and
// an auto-follow pattern. The containers come from the library's Docker backend declarations
// (provider/components/topology/docker.ts); until the Topology component exports them with its own links (topology
// issue), this example imports them from the repository checkout, and declares the links itself.
import * as pulumi from "@pulumi/pulumi";
import { AutoFollowPattern, RemoteCluster } from "pulumi-elasticsearch-ccr";
import { declareDockerTopology, dockerEndpoints, dockerTopologySpec, ELASTIC_USER } from "../../provider/components/topology/docker";

export interface DockerReplicasOutputs {
  endpoints: Record<string, { urls: string[]; seeds: string[] }>;
  linked: pulumi.Output<Record<string, boolean>>;
}

export function dockerReplicas(): DockerReplicasOutputs {
  const cfg = new pulumi.Config();
  const topology = cfg.get("topology") ?? "ghes";
  const clusters = cfg.getObject<string[]>("clusters") ?? ["primary", "replica-1", "replica-2"];
  const leader = cfg.get("leader") ?? clusters[0];
  const password = cfg.requireSecret("elasticPassword");
  const spec = dockerTopologySpec(topology, {
    clusters: clusters.map((name) => ({ name })),
    docker: {
      version: cfg.get("version") ?? "9.5.4",
      httpPortBase: cfg.getNumber("httpPortBase") ?? 9200,
      heap: cfg.get("heap") ?? "512m",
      pullImage: cfg.getBoolean("pullImage") ?? true,
    },
  });
  const docker = declareDockerTopology(topology, spec, password);
  const endpoints = dockerEndpoints(spec);

  const linked: Record<string, pulumi.Output<boolean>> = {};
  for (const replica of clusters.filter((c) => c !== leader)) {
    const connection = password.apply((pw) => ({ urls: endpoints[replica].urls, username: ELASTIC_USER, password: pw }));
    // The link waits for the replica's container (its HTTP API) and the leader's (its transport port).
    const after = { dependsOn: [docker.containers[replica], docker.containers[leader]] };
    const remote = new RemoteCluster(`${replica}-to-${leader}`, {
      alias: leader,
      mode: "sniff",
      seeds: endpoints[leader].seeds,
      skipUnavailable: false,
      connection,
    }, after);
    new AutoFollowPattern(`${replica}-app-indexes`, {
      name: "app-indexes",
      remoteCluster: remote.alias,
      leaderIndexPatterns: cfg.getObject<string[]>("indexPatterns") ?? ["issues", "pull-requests", "wikis-*"],
      connection,
    }, after);
    linked[replica] = remote.connected;
  }
  return {
    endpoints: Object.fromEntries(Object.entries(endpoints).map(([k, v]) => [k, { urls: v.urls, seeds: v.seeds }])),
    linked: pulumi.all(linked),
  };
}
