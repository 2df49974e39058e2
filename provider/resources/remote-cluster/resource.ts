import * as pulumi from "@pulumi/pulumi";
import { Args, MODULE, secretConnection, withSecretConnection } from "../args";
import { CcrDynamicResource } from "../stub";
import type { RemoteClusterInputs, RemoteConfiguredIn, RemoteMode, RemoteSecurityModel } from "./types";

/** Arguments of {@link RemoteCluster}: the properties of {@link RemoteClusterInputs}, each a Pulumi input. */
export type RemoteClusterArgs = Args<RemoteClusterInputs>;

/**
 * A remote cluster alias on the follower cluster (persistent `cluster.remote.<alias>.*` settings). Only this alias's
 * keys are written; destroy removes them all in one request and refuses while followers or auto-follow patterns still
 * use the alias (unless `force`).
 *
 * Existing objects: declare them and run `pulumi up`; create adopts an alias that points where declared (`adopted`
 * output; `adoptExisting: "overwrite"` rewrites one that points elsewhere), and destroy releases what was adopted
 * unless `adoptedOnDestroy: "destroy"` (see provider/README.md).
 */
export class RemoteCluster extends CcrDynamicResource {
  /** The alias on the follower cluster. */
  declare readonly alias: pulumi.Output<string>;
  /** The connection mode in effect. */
  declare readonly mode: pulumi.Output<RemoteMode>;
  /** Whether `_remote/info` reports the alias connected. */
  declare readonly connected: pulumi.Output<boolean>;
  /** sniff: nodes connected; proxy: proxy sockets connected. */
  declare readonly nodesConnected: pulumi.Output<number>;
  /** Where the alias's effective configuration comes from: `persistent` (managed here), `transient` or `node` (elasticsearch.yml). */
  declare readonly configuredIn: pulumi.Output<RemoteConfiguredIn | undefined>;
  /** `api_key` when the alias has a keystore credential (`cluster_credentials` in `_remote/info`), else `certificate`. */
  declare readonly securityModel: pulumi.Output<RemoteSecurityModel | undefined>;
  /** Why the alias is not connected and the likely fix, when it is not. */
  declare readonly statusMessage: pulumi.Output<string | undefined>;
  /** True when create found this alias already configured (adopted); destroy then releases it (see adoptedOnDestroy). */
  declare readonly adopted: pulumi.Output<boolean>;
  /** UUID of the cluster holding the alias, recorded on create: a connection that later reaches another cluster is refused. */
  declare readonly clusterUuid: pulumi.Output<string | undefined>;

  constructor(name: string, args: RemoteClusterArgs, opts?: pulumi.CustomResourceOptions) {
    super("RemoteCluster", name, {
      ...args,
      connection: secretConnection(args.connection),
      // Declared outputs need a key here even when the input is optional: the SDK only creates Outputs for the
      // keys it is given, and `link.mode` would otherwise be undefined in the program.
      mode: args.mode,
      connected: undefined, nodesConnected: undefined, configuredIn: undefined, securityModel: undefined, statusMessage: undefined,
      adopted: undefined, clusterUuid: undefined,
    }, withSecretConnection(opts), MODULE, "RemoteCluster");
  }
}
