import * as pulumi from "@pulumi/pulumi";
import type { ConnectionInputs } from "../../client/connection";
import type { TuningInputs } from "../../core/tuning";
import { MODULE, secretConnection } from "../../resources/args";
import { RemoteCluster } from "../../resources/remote-cluster/resource";
import { CcrDynamicResource } from "../../resources/stub";
import { ReplicationLink } from "../replication-link/component";
import type { LinkHealth } from "../replication-link/types";
import { checkTopology } from "./check";
import { declareDockerTopology, dockerEndpoints, dockerTopologySpec } from "./docker";
import type { FailoverRecord } from "./executor";
import { TOPOLOGY_KIND } from "./executor";
import { findLoops, formatLoop, renderUpgradeProcedure, topologyLinks, upgradeOrder } from "./plan";
import type { DockerBackendInputs, FailbackDeclaration, TopologyDeclaration } from "./types";

/** One cluster of a Topology (backend "existing"): how to reach it, and the transport address the others use. */
export interface TopologyClusterArgs {
  /** Unique; also the remote alias every other cluster uses for it. */
  name: string;
  /** How the provider reaches the cluster's HTTP API (credentials are kept secret). Backend "docker": derived. */
  connection?: pulumi.Input<ConnectionInputs>;
  /** Transport addresses (`host:port`) the other clusters connect to. Backend "docker": derived. */
  seeds?: string[];
  /** Declared version (checked against the others at preview; the observed versions are checked before any write). */
  version?: string;
}

/** How a cluster of a Docker-backed Topology is reached (`Topology.endpoints`). */
export interface TopologyEndpoint {
  /** The HTTP URL the container publishes on the host (what the provider connects to). */
  urls: string[];
  /** The user the provider connects as (`elastic`; its password is the Topology's `dockerPassword`). */
  username: string;
  /** The transport address(es) the other clusters' remote aliases use, on the Docker network. */
  seeds: string[];
}

/** Inputs of a Topology: the clusters, which one leads, the application's index patterns, and the failover flags. */
export interface TopologyArgs {
  /** One cluster per application replica (at least two). The shape (names, leader, patterns) must be plain values. */
  clusters: TopologyClusterArgs[];
  /** The cluster that takes the application's writes. Changing it is a switchover (or failover); see the README. */
  leader: string;
  /** Leader index patterns the application owns, e.g. ["issues", "pull-requests", "wikis-*"]. */
  indexPatterns: string[];
  /** Leader index patterns never replicated, even when they match `indexPatterns`. */
  exclusionPatterns?: string[];
  /**
   * The application has stopped writing to the old leader. Without it a planned switchover blocks writes on the old
   * leader's indexes itself (index.blocks.write) before it waits for the followers to catch up.
   */
  writesStopped?: boolean;
  /** Bound of the catch-up wait of a planned switchover (default 300 s). */
  catchUpTimeoutSeconds?: number;
  /** Clusters known to be down: an unplanned failover proceeds without them; no link into them is declared. */
  unavailable?: string[];
  /** Regular indexes on a former leader that may be replaced by followers of the leader (their documents are discarded). */
  failback?: FailbackDeclaration;
  /** "existing" (default: `connection` and `seeds` per cluster) or "docker" (one container per cluster, @pulumi/docker). */
  backend?: "existing" | "docker";
  /** Backend "docker": version, image, heap, ports, network of the containers. */
  docker?: DockerBackendInputs;
  /** Backend "docker": the `elastic` user's password (a secret). */
  dockerPassword?: pulumi.Input<string>;
  /** Tuning of every follower (the links' and the re-created ones). */
  linkTuning?: TuningInputs;
  /** Remote cluster connection mode (default "sniff"). */
  remoteMode?: "sniff" | "proxy";
}

/** The dynamic resource holding the declared leader; its provider plans and executes leader changes (executor.ts). */
class TopologyLeader extends CcrDynamicResource {
  declare readonly leader: pulumi.Output<string>;
  declare readonly plan: pulumi.Output<string[]>;
  declare readonly versions: pulumi.Output<Record<string, string | null>>;
  declare readonly violations: pulumi.Output<string[]>;
  declare readonly unreachable: pulumi.Output<string[]>;
  declare readonly lastFailover: pulumi.Output<FailoverRecord | undefined>;

  constructor(name: string, args: Record<string, unknown>, opts: pulumi.CustomResourceOptions) {
    super(TOPOLOGY_KIND, name, {
      ...args, plan: undefined, work: undefined, versions: undefined, violations: undefined, unreachable: undefined, lastFailover: undefined,
    }, { ...opts, additionalSecretOutputs: ["clusters"] }, MODULE, TOPOLOGY_KIND);
  }
}

/**
 * One single-node cluster per application replica, one leader, the application's index patterns (README.md).
 * Children, in the order Pulumi creates them:
 *  1. a RemoteCluster on every cluster for every other cluster (alias = the other's name), so any cluster can lead
 *     without a new alias: a leader change never waits for a remote connection;
 *  2. the TopologyLeader (depends on 1): the declared leader; on a leader change its update runs the ordered steps
 *     (pause, catch-up wait or loss report, promote, re-point) before anything below is touched;
 *  3. a ReplicationLink `<name>-<leader>-<cluster>` from the leader to every other cluster (depends on 2), which
 *     installs the links (phase 5). A leader change makes these new resources; the old leader's links are deleted
 *     after everything else (Pulumi deletes removed resources last) and find nothing left to release.
 */
export class Topology extends pulumi.ComponentResource {
  /** The declared leader. */
  readonly leader: string;
  /** The ReplicationLinks from the leader to every other (available) cluster. */
  readonly links: ReplicationLink[];
  /** Health per link, "<leader> → <cluster>": one line each. */
  readonly health: pulumi.Output<Record<string, string>>;
  /** Full health per link. */
  readonly linkHealth: pulumi.Output<Record<string, LinkHealth>>;
  /** The safe upgrade order: followers first, the leader last. */
  readonly upgradeOrder: string[];
  /** The upgrade procedure, one numbered line per cluster. */
  readonly upgradeProcedure: string[];
  /** Version-rule violations observed on the links (e.g. a leader upgraded before its followers), as of the last up or refresh. */
  readonly violations: pulumi.Output<string[]>;
  /** Observed version per cluster (null: did not answer). */
  readonly versions: pulumi.Output<Record<string, string | null>>;
  /** The steps the last up planned and performed, as the preview showed them. */
  readonly plan: pulumi.Output<string[]>;
  /** The last switchover or failover: mode, duration, catch-up wait, possible loss. */
  readonly lastFailover: pulumi.Output<FailoverRecord | undefined>;
  /**
   * Backend "docker": per cluster, the HTTP URL its container publishes on the host, the user the provider connects
   * as, and its transport seeds on the Docker network. Undefined for backend "existing" (the program gave them).
   */
  readonly endpoints: Record<string, TopologyEndpoint> | undefined;

  constructor(name: string, args: TopologyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("elasticsearch-ccr:index:Topology", name, {}, opts);
    const backend = args.backend ?? "existing";
    const unavailable = args.unavailable ?? [];
    let clusters = args.clusters;
    let dependsOn: pulumi.Resource[] = [];
    let endpoints: Topology["endpoints"];
    if (backend === "docker") {
      const shape = checkTopology({ ...args, dockerPassword: undefined, linkTuning: undefined, clusters: args.clusters.map(({ connection: _c, ...c }) => c) });
      if (shape.length) throw new Error(`Topology "${name}": ${shape.map((f) => f.reason).join("; ")}`);
      const spec = dockerTopologySpec(name, { clusters: args.clusters.map(({ connection: _c, ...c }) => c), docker: args.docker });
      if (!args.dockerPassword) throw new Error(`Topology "${name}": dockerPassword is required for backend "docker" (the elastic user's password, a secret)`);
      const res = declareDockerTopology(name, spec, args.dockerPassword, { parent: this });
      const eps = dockerEndpoints(spec);
      endpoints = eps;
      const password = pulumi.secret(args.dockerPassword);
      clusters = args.clusters.map((c) => ({ ...c, seeds: eps[c.name].seeds, connection: password.apply((p) => ({ urls: eps[c.name].urls, username: eps[c.name].username, password: p })) }));
      dependsOn = Object.values(res.containers);
    }
    const decl: TopologyDeclaration = { clusters: clusters.map((c) => ({ name: c.name, seeds: c.seeds, version: c.version ?? args.docker?.version })), leader: args.leader, indexPatterns: args.indexPatterns, exclusionPatterns: args.exclusionPatterns };
    const names = clusters.map((c) => c.name);
    if (!names.includes(args.leader)) throw new Error(`Topology "${name}": leader "${args.leader}" is not one of the clusters (${names.join(", ")}); set it to one of them`);
    if (unavailable.includes(args.leader)) throw new Error(`Topology "${name}": the leader "${args.leader}" is declared unavailable; declare another leader (a failover) or remove it from unavailable`);
    const edges = topologyLinks(decl);
    const loops = findLoops(edges);
    if (loops.length) throw new Error(`Topology "${name}": replication loop ${formatLoop(loops[0])}: clusters would follow each other's indexes (multi-leader)`);
    this.leader = args.leader;
    this.endpoints = endpoints;
    this.upgradeOrder = upgradeOrder(names, edges);
    this.upgradeProcedure = renderUpgradeProcedure(names, edges, args.leader);

    const conn = new Map(clusters.map((c) => [c.name, c.connection]));
    const remotes: RemoteCluster[] = [];
    for (const on of clusters) {
      for (const other of clusters) {
        if (other.name === on.name) continue;
        remotes.push(new RemoteCluster(`${name}-${on.name}-${other.name}`, {
          alias: other.name, mode: args.remoteMode ?? "sniff", seeds: other.seeds ?? [], skipUnavailable: false, connection: on.connection!,
        }, { parent: this, dependsOn }));
      }
    }
    const state = new TopologyLeader(name, {
      topology: name, leader: args.leader, indexPatterns: args.indexPatterns, exclusionPatterns: args.exclusionPatterns ?? [],
      clusters: pulumi.secret(pulumi.all(clusters.map((c) => pulumi.all([c.connection!]).apply(([cn]) => ({ name: c.name, connection: cn, seeds: c.seeds ?? [], ...(c.version ? { version: c.version } : {}) }))))),
      writesStopped: args.writesStopped ?? false, ...(args.catchUpTimeoutSeconds ? { catchUpTimeoutSeconds: args.catchUpTimeoutSeconds } : {}),
      ...(args.failback ? { failback: args.failback } : {}), unavailable, ...(args.linkTuning ? { tuning: args.linkTuning } : {}),
    }, { parent: this, dependsOn: remotes });

    const live = edges.filter((e) => !unavailable.includes(e.to));
    this.links = live.map((e) => new ReplicationLink(`${name}-${e.from}-${e.to}`, {
      remoteCluster: e.from,
      connection: secretConnection(conn.get(e.to)!)!, leaderConnection: secretConnection(conn.get(e.from)!)!,
      leaderIndexPatterns: e.indexPatterns, leaderIndexExclusionPatterns: e.exclusionPatterns,
      deletePolicy: "keep",
      // The link's own preview plan would refuse the indexes the TopologyLeader is about to promote or re-point (it
      // runs before them); the Topology's plan (its `plan` input) is the preview of a leader change, and the link
      // plans again when up creates it.
      planInProgram: false,
      ...(args.linkTuning ?? {}),
    }, { parent: this, dependsOn: [state] }));
    const key = (i: number) => `${live[i].from} → ${live[i].to}`;
    this.linkHealth = pulumi.all(this.links.map((l) => l.health)).apply((hs) => Object.fromEntries(hs.map((h, i) => [key(i), h])));
    this.health = pulumi.all(this.links.map((l) => l.summary)).apply((ss) => Object.fromEntries(ss.map((s, i) => [key(i), s])));
    this.violations = state.violations;
    this.versions = state.versions;
    this.plan = state.plan;
    this.lastFailover = state.lastFailover;
    this.registerOutputs({ health: this.health, violations: this.violations, versions: this.versions, plan: this.plan, lastFailover: this.lastFailover, upgradeOrder: this.upgradeOrder });
  }
}
