import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../client/cluster";
import { CONFIG_NAMESPACE, ConnectionInputs, connectionFromConfig, mergeConnection, resolveConnection } from "../../client/connection";
import { nodeTransport } from "../../client/http";
import type { TuningInputs } from "../../core/tuning";
import { Args, MODULE, secretConnection } from "../../resources/args";
import { checkRemote } from "../../resources/remote-cluster/plan";
import { RemoteCluster, RemoteClusterArgs } from "../../resources/remote-cluster/resource";
import { CcrDynamicResource } from "../../resources/stub";
import { changeLines, checkLink, declarationOf, normalizeLinkInputs } from "./inputs";
import { patternExclusions, planLines, planLink, versionRefusal } from "./plan";
import { connectionOrigins, packageConfig, registerLink } from "../replication-graph";
import { followerVersionProblem } from "../../core/version";
import { LINK_KIND } from "./provider";
import { listLeader, observeFollowerSide } from "./reader";
import type { FollowerHealth, LinkedFollower, LinkFollowersInputs, LinkHealth, ReleasePolicy } from "./types";

export interface ReplicationLinkArgs extends Args<TuningInputs> {
  /** The follower cluster (default: stack config `elasticsearch-ccr:*`). */
  connection?: pulumi.Input<ConnectionInputs>;
  /** The leader cluster: listed read-only (also during preview) and used for forget_follower. */
  leaderConnection: pulumi.Input<ConnectionInputs>;
  /** The link creates and owns this remote cluster alias on the follower cluster… */
  remote?: Omit<RemoteClusterArgs, "connection">;
  /** …or uses an existing alias (declare the RemoteCluster elsewhere and pass it in `dependsOn`). */
  remoteCluster?: pulumi.Input<string>;
  /** Leader index patterns to follow (wildcards), e.g. ["issues-*"]; existing matches are bootstrapped, new ones auto-followed. */
  leaderIndexPatterns: pulumi.Input<pulumi.Input<string>[]>;
  /** Leader index patterns never to follow, even when they match `leaderIndexPatterns`. */
  leaderIndexExclusionPatterns?: pulumi.Input<pulumi.Input<string>[]>;
  /** `{{leader_index}}` template for follower names (default: the leader's name). */
  followIndexPattern?: pulumi.Input<string>;
  /** Bootstrap hidden leader indexes too (default false; system indexes are never followed). */
  includeHidden?: pulumi.Input<boolean>;
  /** Bootstrap dot-prefixed leader indexes too (default false). */
  includeDotPrefixed?: pulumi.Input<boolean>;
  /** Leader index deleted: "delete" the follower, "promote" it to a regular index, or "leave" it and report (default). */
  onLeaderDeleted?: pulumi.Input<ReleasePolicy>;
  /** Leader no longer matches the declaration: same choices (default "leave"). */
  onNoLongerMatching?: pulumi.Input<ReleasePolicy>;
  /** Non-replicated settings for every follower. */
  settings?: pulumi.Input<Record<string, unknown>>;
  /** Destroy keeps every follower's data as a regular index ("keep", default) or deletes it. Never the leader's. */
  deletePolicy?: pulumi.Input<"keep" | "delete">;
  /** Auto-follow pattern name (default: the component's name). */
  patternName?: pulumi.Input<string>;
  /** Follow calls in flight at once (default 8). */
  concurrency?: pulumi.Input<number>;
  /** Plan in the program, so the preview lists what `up` will do (read-only; default true). */
  planInProgram?: boolean;
}

/** The dynamic resource holding the link's pattern and followers (see README.md for why one resource). */
class ReplicationLinkFollowers extends CcrDynamicResource {
  /** Every follower the link made or took over (bootstrapped, adopted, auto-followed, recreated). */
  declare readonly followers: pulumi.Output<LinkedFollower[]>;
  declare readonly pending: pulumi.Output<string[]>;
  /** The link's health from the last up or refresh (remote, pattern, follower counts, lag). */
  declare readonly health: pulumi.Output<LinkHealth>;
  /** Per-follower health from the last up or refresh. */
  declare readonly followerHealth: pulumi.Output<FollowerHealth[]>;

  constructor(name: string, args: Record<string, unknown>, opts: pulumi.CustomResourceOptions) {
    super(LINK_KIND, name, {
      ...args,
      connection: secretConnection(args.connection as pulumi.Input<ConnectionInputs> | undefined),
      leaderConnection: secretConnection(args.leaderConnection as pulumi.Input<ConnectionInputs>),
      followers: undefined, pending: undefined, health: undefined, followerHealth: undefined,
    }, { ...opts, additionalSecretOutputs: ["connection", "leaderConnection"] }, MODULE, LINK_KIND);
  }
}

/** Read-only plan against both clusters, for the preview. Never throws: an unreachable cluster gives no plan. */
async function planInProgram(inputs: LinkFollowersInputs, log: (m: string) => void): Promise<string[]> {
  const open: Cluster[] = [];
  const cluster = (c: ConnectionInputs | undefined, what: string) => {
    const conn = resolveConnection(mergeConnection(c, connectionFromConfig((k) => new pulumi.Config(CONFIG_NAMESPACE).get(k.slice(CONFIG_NAMESPACE.length + 1)))), what);
    const x = new Cluster(conn, nodeTransport(conn), { readCacheMs: 0 });
    open.push(x);
    return x;
  };
  try {
    const leader = cluster(inputs.leaderConnection, "ReplicationLink leader");
    const follower = cluster(inputs.connection, "ReplicationLink follower");
    // The version rule first: a pair CCR does not support is the one thing to say (check fails on it).
    const problem = followerVersionProblem(await leader.version(), await follower.version());
    if (problem) return [versionRefusal(problem)];
    const plan = planLink(declarationOf(inputs), { leaders: await listLeader(leader, "ReplicationLink"), ...(await observeFollowerSide(follower)), recorded: [] });
    return planLines(plan);
  } catch (e) {
    log(`could not plan at preview (${(e as Error).message}); up plans against the clusters as it finds them`);
    return [];
  } finally {
    for (const c of open) c.transport.close();
  }
}

/**
 * Replication from a leader cluster to a follower cluster as one declarative unit: the remote cluster alias (owned
 * or referenced), explicit followers for every matching leader index that exists ("bootstrap"), the auto-follow
 * pattern for those created later, and the index lifecycle CCR leaves to the application (leader deleted or
 * recreated, follower removed without unfollow). Race-free: an index created on the leader at any moment during
 * `up` is followed exactly once (see provider.ts for the ordering). Destroy removes the pattern, every follower it or
 * the link made (per deletePolicy) and the owned remote; it never writes to the leader.
 */
export class ReplicationLink extends pulumi.ComponentResource {
  /** The owned remote cluster, when `remote` was given. */
  readonly remote?: RemoteCluster;
  /** What `up` will do (computed in the program, read-only; "keep" lines left out). */
  readonly plan: pulumi.Output<string[]>;
  /** Every follower the link made or took over (bootstrapped, adopted, auto-followed, recreated). */
  readonly followers: pulumi.Output<LinkedFollower[]>;
  /** Reports the link does not act on: refusals, closed leaders, followers left by policy, failed follows. */
  readonly pending: pulumi.Output<string[]>;
  /** The link's health from the last up or refresh (remote, pattern, follower counts, lag). */
  readonly health: pulumi.Output<LinkHealth>;
  /** Per-follower health from the last up or refresh. */
  readonly followerHealth: pulumi.Output<FollowerHealth[]>;
  /** One line: remote, pattern, follower counts, max lag, auto-follow errors. */
  readonly summary: pulumi.Output<string>;

  constructor(name: string, args: ReplicationLinkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("elasticsearch-ccr:index:ReplicationLink", name, {}, opts);
    if (!args.remote === !args.remoteCluster) throw new Error(`ReplicationLink "${name}": set exactly one of remote (the link owns the alias) or remoteCluster (an existing alias)`);
    if (args.remote) this.remote = new RemoteCluster(`${name}-remote`, { ...args.remote, connection: args.connection } as RemoteClusterArgs, { parent: this });
    // The declared alias, not the RemoteCluster's output: an output is unknown in the first preview, which could then
    // not plan. The ordering dependency on the RemoteCluster is the dependsOn below.
    const alias = pulumi.output(args.remote ? args.remote.alias : args.remoteCluster!);
    const { remote: _r, remoteCluster: _a, planInProgram: doPlan, ...rest } = args;
    const resolved = pulumi.all({ ...rest, remoteCluster: alias, patternName: args.patternName ?? name })
      .apply((a) => normalizeLinkInputs(a) as LinkFollowersInputs);
    // Loops and follower-name collisions with the program's other links (replication-graph.ts): refused by check.
    // Malformed patterns are check's to report; such a link takes no part.
    const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
    const crossLink = pulumi.output(registerLink(resolved.apply((i) => (
      strings(i.leaderIndexPatterns) && strings(i.leaderIndexExclusionPatterns) && (i.followIndexPattern === undefined || typeof i.followIndexPattern === "string") ? {
        id: `ReplicationLink "${name}"`, name,
        leaderOrigins: connectionOrigins(i.leaderConnection, () => undefined), followerOrigins: connectionOrigins(i.connection, packageConfig),
        leaderIndexPatterns: i.leaderIndexPatterns, exclusionPatterns: patternExclusions(declarationOf(i)),
        ...(i.followIndexPattern !== undefined ? { followIndexPattern: i.followIndexPattern } : {}),
      } : undefined)), (m) => pulumi.log.warn(m, this)));
    // Inputs a check will refuse (the link's or its owned remote's): no plan, and so no request to either cluster.
    const refused = pulumi.all([resolved, args.remote ? pulumi.output({ ...args.remote, connection: args.connection }) : undefined, crossLink])
      .apply(([inputs, remote, problems]) => problems.length > 0 || checkLink(inputs).failures.length > 0 || (remote !== undefined && checkRemote(remote).failures.length > 0));
    this.plan = doPlan === false ? pulumi.output([]) : pulumi.all([resolved, refused]).apply(async ([inputs, isRefused]) => {
      if (isRefused) return [];
      const lines = await planInProgram(inputs, (m) => pulumi.log.warn(m, this));
      const changes = changeLines(lines);
      const reports = lines.filter((l) => !changes.includes(l));
      if (changes.length) pulumi.log.info(`up will: ${changes.join("; ")}`, this);
      if (reports.length) pulumi.log.warn(`reported, not acted on: ${reports.join("; ")}`, this);
      return lines;
    });
    const res = new ReplicationLinkFollowers(name, {
      ...rest, remoteCluster: alias, patternName: args.patternName ?? name,
      // The resource gets the lines that change something; refusals make its check fail with the reason.
      plan: this.plan.apply((l) => [...changeLines(l), ...l.filter((x) => x.startsWith("refuse "))]),
      crossLinkProblems: crossLink.apply((p) => (p.length ? p : undefined)),
    }, { parent: this, dependsOn: this.remote ? [this.remote] : [] });
    this.followers = res.followers;
    this.pending = res.pending;
    this.health = res.health;
    this.followerHealth = res.followerHealth;
    this.summary = res.health.apply((h) => h?.summary ?? "");
    this.registerOutputs({ plan: this.plan, followers: this.followers, pending: this.pending, health: this.health, followerHealth: this.followerHealth, summary: this.summary });
  }
}
