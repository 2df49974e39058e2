/**
 * pulumi-elasticsearch-ccr: Elasticsearch cross-cluster replication as Pulumi dynamic resources.
 *
 * Layout:
 *   core/        pure rules: units, settings, tuning parameters, names, diff helpers, versions (no I/O)
 *   client/      connection, HTTP transport, retries, error mapping, per-cluster coalesced reads
 *   resources/   one folder per resource: types, plan (pure check/diff/plan/mapping), provider (executor), resource
 *   dynamic/     the entry the serialized provider loads at call time
 */
import { assertSingleSdk } from "./sdk-check";

// Before anything else: a second copy of @pulumi/pulumi would make every resource fail with an unrelated-looking
// serialization error; say what is wrong and how to fix it instead.
assertSingleSdk();

export { RemoteCluster, RemoteClusterArgs } from "./resources/remote-cluster/resource";
export { FollowerIndex, FollowerIndexArgs } from "./resources/follower-index/resource";
export { AutoFollowPattern, AutoFollowPatternArgs } from "./resources/auto-follow-pattern/resource";
export type { RemoteClusterInputs, RemoteClusterOutputs, RemoteMode, TransportCompress, RemoteConfiguredIn, RemoteSecurityModel } from "./resources/remote-cluster/types";
export type { FollowerIndexInputs, FollowerIndexOutputs, FollowerStatus, ObservedFollowerStatus, DeletePolicy } from "./resources/follower-index/types";
export type { AutoFollowPatternInputs, AutoFollowPatternOutputs } from "./resources/auto-follow-pattern/types";
export type { ApiKeyPair, ConnectionInputs } from "./client/connection";
export type { Args } from "./resources/args";
export type { TuningInputs } from "./core/tuning";
export type { AdoptMode, AdoptedOnDestroy } from "./core/adoption";
export { CONFIG_NAMESPACE } from "./client/connection";
export { ccrVersionProblem } from "./version-rule";
export { ReplicationLink, ReplicationLinkArgs } from "./components/replication-link/component";
export type { LinkedFollower, LinkHealth, FollowerHealth, ShardHealth, ReleasePolicy } from "./components/replication-link/types";
export { Topology, TopologyArgs, TopologyClusterArgs, TopologyEndpoint } from "./components/topology/component";
export type { FailoverRecord } from "./components/topology/executor";
export type { FailbackDeclaration, DockerBackendInputs } from "./components/topology/types";
