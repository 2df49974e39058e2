/**
 * Runtime entry point, loaded by name ("pulumi-elasticsearch-ccr/dynamic") inside the dynamic-provider process at
 * call time. The serialized provider stored in state holds only a resource kind and a `require` of this module, so a
 * refresh or destroy with old state runs the installed implementation, and no client or secret is ever serialized.
 */
import type * as pulumi from "@pulumi/pulumi";
import { connectionFromConfig } from "../client/connection";
import { setStackConnection } from "../resources/common";
import { autoFollowPatternProvider } from "../resources/auto-follow-pattern/provider";
import { followerIndexProvider } from "../resources/follower-index/provider";
import { remoteClusterProvider } from "../resources/remote-cluster/provider";
import { LINK_KIND, replicationLinkProvider } from "../components/replication-link/provider";
import { TOPOLOGY_KIND, topologyProvider } from "../components/topology/executor";

export type ResourceKind = "RemoteCluster" | "FollowerIndex" | "AutoFollowPattern" | typeof LINK_KIND | typeof TOPOLOGY_KIND;

const PROVIDERS: Record<ResourceKind, pulumi.dynamic.ResourceProvider> = {
  RemoteCluster: remoteClusterProvider,
  FollowerIndex: followerIndexProvider,
  AutoFollowPattern: autoFollowPatternProvider,
  [LINK_KIND]: replicationLinkProvider,
  [TOPOLOGY_KIND]: topologyProvider,
};

export function provider(kind: string): pulumi.dynamic.ResourceProvider {
  const p = PROVIDERS[kind as ResourceKind];
  if (!p) throw new Error(`pulumi-elasticsearch-ccr: unknown resource kind "${kind}" in stored state; upgrade the package`);
  return p;
}

/** Called by the shim once per serialized provider with the stack's full, namespaced config. */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  setStackConnection(connectionFromConfig((k) => req.config.get(k)));
}
