/**
 * pulumi-elasticsearch-ccr: Elasticsearch cross-cluster replication as Pulumi dynamic resources.
 *
 * Layout:
 *   core/        pure rules: units, settings, tuning parameters, names, diff helpers, versions (no I/O)
 *   client/      connection, HTTP transport, retries, error mapping, per-cluster coalesced reads
 *   resources/   one folder per resource: types, plan (pure check/diff/plan/mapping), provider (executor), resource
 *   dynamic/     the entry the serialized provider loads at call time
 */
export { RemoteCluster, RemoteClusterArgs } from "./resources/remote-cluster/resource";
export { FollowerIndex, FollowerIndexArgs } from "./resources/follower-index/resource";
export { AutoFollowPattern, AutoFollowPatternArgs } from "./resources/auto-follow-pattern/resource";
export type { RemoteClusterInputs, RemoteClusterOutputs, RemoteMode } from "./resources/remote-cluster/types";
export type { FollowerIndexInputs, FollowerIndexOutputs, FollowerStatus, DeletePolicy } from "./resources/follower-index/types";
export type { AutoFollowPatternInputs, AutoFollowPatternOutputs } from "./resources/auto-follow-pattern/types";
export type { ConnectionInputs } from "./client/connection";
export type { TuningInputs } from "./core/tuning";
export { CONFIG_NAMESPACE } from "./client/connection";
export { ReplicationLink, ReplicationLinkArgs } from "./components/replication-link/component";
export type { LinkedFollower, LinkHealth, FollowerHealth, ReleasePolicy } from "./components/replication-link/types";
