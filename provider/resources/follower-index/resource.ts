import * as pulumi from "@pulumi/pulumi";
import { Args, MODULE, secretConnection, withSecretConnection } from "../args";
import { CcrDynamicResource } from "../stub";
import type { FollowerIndexInputs, ObservedFollowerStatus } from "./types";

/** Arguments of {@link FollowerIndex}: the properties of {@link FollowerIndexInputs}, each a Pulumi input. */
export type FollowerIndexArgs = Args<FollowerIndexInputs>;

/**
 * A follower index on the follower cluster, replicating `leaderIndex` from the remote cluster `remoteCluster`.
 * Changing the name, remote, leader or data stream name replaces it (delete first: the name is the identity);
 * tuning parameters and status change in place. Destroy keeps the data as a regular index unless
 * `deletePolicy: "delete"`; the leader index is never touched.
 *
 * Existing objects: declare them and run `pulumi up`; create adopts a follower of the declared leader (`adopted`
 * output), refuses anything else, and destroy releases what was adopted unless `adoptedOnDestroy: "destroy"` (the
 * `import` option does not work for dynamic resources with the pinned Pulumi versions; see provider/README.md).
 */
export class FollowerIndex extends CcrDynamicResource {
  /** Follower index name on the follower cluster. */
  declare readonly name: pulumi.Output<string>;
  /** Alias of the leader cluster it follows through. */
  declare readonly remoteCluster: pulumi.Output<string>;
  /** Leader index name. */
  declare readonly leaderIndex: pulumi.Output<string>;
  /** Replication state as observed on the cluster (`failed`: a shard task stopped with a fatal error). */
  declare readonly status: pulumi.Output<ObservedFollowerStatus>;
  /** UUID of the leader index being followed (from the follower's CCR metadata). */
  declare readonly leaderIndexUuid: pulumi.Output<string | undefined>;
  /** UUID of the follower index itself (a changed UUID means the index was recreated). */
  declare readonly indexUuid: pulumi.Output<string | undefined>;
  /** Sum over shards of leader minus follower global checkpoint (operations behind). */
  declare readonly lag: pulumi.Output<number | undefined>;
  /** Number of shards of the follower index. */
  declare readonly shardCount: pulumi.Output<number | undefined>;
  /** Per shard "shard N: type: reason" for shards whose task stopped with a fatal error. */
  declare readonly fatalErrors: pulumi.Output<string[]>;
  /** Per shard summaries of batches being retried. */
  declare readonly readExceptions: pulumi.Output<string[]>;
  /** Why the observed state differs from what was declared, when it does. */
  declare readonly statusMessage: pulumi.Output<string | undefined>;
  /** True when create found this follower already there (adopted); destroy then releases it (see adoptedOnDestroy). */
  declare readonly adopted: pulumi.Output<boolean>;
  /** UUID of the follower cluster, recorded on create: a connection that later reaches another cluster is refused. */
  declare readonly clusterUuid: pulumi.Output<string | undefined>;

  constructor(name: string, args: FollowerIndexArgs, opts?: pulumi.CustomResourceOptions) {
    super("FollowerIndex", name, {
      ...args,
      connection: secretConnection(args.connection),
      leaderConnection: secretConnection(args.leaderConnection),
      // Optional inputs that are also outputs need their key (see RemoteCluster).
      status: args.status,
      leaderIndexUuid: undefined, indexUuid: undefined, lag: undefined, shardCount: undefined,
      fatalErrors: undefined, readExceptions: undefined, statusMessage: undefined, adopted: undefined, clusterUuid: undefined,
    }, withSecretConnection(opts, ["leaderConnection"]), MODULE, "FollowerIndex");
  }
}
