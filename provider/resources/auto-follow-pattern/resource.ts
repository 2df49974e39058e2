import * as pulumi from "@pulumi/pulumi";
import { Args, MODULE, secretConnection, withSecretConnection } from "../args";
import { CcrDynamicResource } from "../stub";
import type { AutoFollowPatternInputs } from "./types";

/** Arguments of {@link AutoFollowPattern}: the properties of {@link AutoFollowPatternInputs}, each a Pulumi input. */
export type AutoFollowPatternArgs = Args<AutoFollowPatternInputs>;

/**
 * An auto-follow pattern on the follower cluster: new leader indexes matching `leaderIndexPatterns` are followed
 * automatically. `name` and `remoteCluster` replace (a new pattern only follows leader indexes created from then on);
 * every other field updates in place, and a declared `active: false` is re-applied after each write because
 * Elasticsearch re-activates a pattern on every PUT.
 *
 * Existing objects: declare them and run `pulumi up`; create adopts a pattern with the declared definition
 * (`adopted` output; `adoptExisting: "overwrite"` rewrites one that differs, except its remote), and destroy releases
 * what was adopted unless `adoptedOnDestroy: "destroy"` (see provider/README.md).
 */
export class AutoFollowPattern extends CcrDynamicResource {
  /** Pattern name on the follower cluster. */
  declare readonly name: pulumi.Output<string>;
  /** Whether the pattern is active, as observed on the cluster. */
  declare readonly active: pulumi.Output<boolean>;
  /** Recent auto-follow failures for this pattern: "<leader index>: <type>: <reason>". */
  declare readonly recentErrors: pulumi.Output<string[]>;
  /** True when create found this pattern already there (adopted); destroy then releases it (see adoptedOnDestroy). */
  declare readonly adopted: pulumi.Output<boolean>;
  /** UUID of the follower cluster, recorded on create: a connection that later reaches another cluster is refused. */
  declare readonly clusterUuid: pulumi.Output<string | undefined>;

  constructor(name: string, args: AutoFollowPatternArgs, opts?: pulumi.CustomResourceOptions) {
    super("AutoFollowPattern", name, {
      ...args,
      connection: secretConnection(args.connection),
      leaderConnection: secretConnection(args.leaderConnection),
      // Optional inputs that are also outputs need their key (see RemoteCluster).
      active: args.active,
      recentErrors: undefined, adopted: undefined, clusterUuid: undefined,
    }, withSecretConnection(opts, ["leaderConnection"]), MODULE, "AutoFollowPattern");
  }
}
