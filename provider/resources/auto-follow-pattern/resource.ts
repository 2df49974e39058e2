import * as pulumi from "@pulumi/pulumi";
import { Args, MODULE, secretConnection, withSecretConnection } from "../args";
import { stubProvider } from "../stub";
import type { AutoFollowPatternInputs } from "./types";

/** Arguments of {@link AutoFollowPattern}: the properties of {@link AutoFollowPatternInputs}, each a Pulumi input. */
export type AutoFollowPatternArgs = Args<AutoFollowPatternInputs>;

const provider = stubProvider("AutoFollowPattern");

/**
 * An auto-follow pattern on the follower cluster: new leader indexes matching `leaderIndexPatterns` are followed
 * automatically. Every field updates in place; a declared `active: false` is re-applied after each write because
 * Elasticsearch re-activates a pattern on every PUT.
 *
 * Existing objects: declare them and run `pulumi up`; create adopts what already matches (the `import` option
 * does not work for dynamic resources with the pinned Pulumi versions; see provider/README.md).
 */
export class AutoFollowPattern extends pulumi.dynamic.Resource {
  /** Pattern name on the follower cluster. */
  declare readonly name: pulumi.Output<string>;
  /** Whether the pattern is active, as observed on the cluster. */
  declare readonly active: pulumi.Output<boolean>;
  /** Recent auto-follow failures for this pattern: "<leader index>: <type>: <reason>". */
  declare readonly recentErrors: pulumi.Output<string[]>;

  constructor(name: string, args: AutoFollowPatternArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, {
      ...args,
      connection: secretConnection(args.connection),
      // Optional inputs that are also outputs need their key (see RemoteCluster).
      active: args.active,
      recentErrors: undefined,
    }, withSecretConnection(opts), MODULE, "AutoFollowPattern");
  }
}
