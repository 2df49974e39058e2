import * as pulumi from "@pulumi/pulumi";
import { Args, MODULE, secretConnection, withSecretConnection } from "../args";
import { stubProvider } from "../stub";
import type { RemoteClusterInputs, RemoteMode } from "./types";

/** Arguments of {@link RemoteCluster}: the properties of {@link RemoteClusterInputs}, each a Pulumi input. */
export type RemoteClusterArgs = Args<RemoteClusterInputs>;

const provider = stubProvider("RemoteCluster");

/**
 * A remote cluster alias on the follower cluster (persistent `cluster.remote.<alias>.*` settings). Only this alias's
 * keys are written; destroy removes them all in one request and refuses while followers or auto-follow patterns still
 * use the alias (unless `force`).
 *
 * Existing objects: declare them and run `pulumi up`; create adopts what already matches (the `import` option
 * does not work for dynamic resources with the pinned Pulumi versions; see provider/README.md).
 */
export class RemoteCluster extends pulumi.dynamic.Resource {
  /** The alias on the follower cluster. */
  declare readonly alias: pulumi.Output<string>;
  /** The connection mode in effect. */
  declare readonly mode: pulumi.Output<RemoteMode>;
  /** Whether `_remote/info` reports the alias connected. */
  declare readonly connected: pulumi.Output<boolean>;
  /** sniff: nodes connected; proxy: proxy sockets connected. */
  declare readonly nodesConnected: pulumi.Output<number>;

  constructor(name: string, args: RemoteClusterArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, {
      ...args,
      connection: secretConnection(args.connection),
      // Declared outputs need a key here even when the input is optional: the SDK only creates Outputs for the
      // keys it is given, and `link.mode` would otherwise be undefined in the program.
      mode: args.mode,
      connected: undefined, nodesConnected: undefined,
    }, withSecretConnection(opts), MODULE, "RemoteCluster");
  }
}
