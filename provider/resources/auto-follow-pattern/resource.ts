import * as pulumi from "@pulumi/pulumi";
import { Args, MODULE, secretConnection, withSecretConnection } from "../args";
import { stubProvider } from "../stub";
import type { AutoFollowPatternInputs } from "./types";

export type AutoFollowPatternArgs = Args<AutoFollowPatternInputs>;

const provider = stubProvider("AutoFollowPattern");

/**
 * An auto-follow pattern on the follower cluster: new leader indexes matching `leaderIndexPatterns` are followed
 * automatically. `name` and `remoteCluster` replace (a new pattern only follows leader indexes created from then on);
 * every other field updates in place, and a declared `active: false` is re-applied after each write because
 * Elasticsearch re-activates a pattern on every PUT.
 *
 * Existing objects: declare them and run `pulumi up`; create adopts what already matches (the `import` option
 * does not work for dynamic resources with the pinned Pulumi versions; see provider/README.md).
 */
export class AutoFollowPattern extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly active: pulumi.Output<boolean>;
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
