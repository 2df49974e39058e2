// Example (a): replication between two clusters that already exist and that Pulumi does not manage otherwise.
// Endpoints and credentials come from stack config as secrets; TLS is verified against a pinned CA fingerprint;
// both clusters are reached with API keys. The remote link, the followers and the auto-follow pattern are declared
// directly with the library's three resources. See README.md beside this file.
import * as pulumi from "@pulumi/pulumi";
import { AutoFollowPattern, ConnectionInputs, FollowerIndex, RemoteCluster } from "pulumi-elasticsearch-ccr";

const cfg = new pulumi.Config();

/** A connection from secret config: `<prefix>Url`, `<prefix>ApiKey`, and the CA fingerprint (not a secret). */
function connectionFromConfig(prefix: "follower" | "leader"): pulumi.Output<ConnectionInputs> {
  return pulumi.all([cfg.requireSecret(`${prefix}Url`), cfg.requireSecret(`${prefix}ApiKey`)]).apply(([url, apiKey]) => ({
    urls: [url],
    apiKey,
    caFingerprint: cfg.require(`${prefix}CaFingerprint`),
  }));
}

const follower = connectionFromConfig("follower");
// Read-only use on the leader (its version and index UUIDs): an API key with `monitor` and `view_index_metadata`.
const leader = connectionFromConfig("leader");

const alias = cfg.get("remoteAlias") ?? "leader";
/** Follower index name → leader index name, e.g. {"issues-copy": "issues"}. */
const followers = cfg.requireObject<Record<string, string>>("followers");
/** Tuning every follower shares; omitted parameters keep Elasticsearch's defaults. */
const maxReadRequestOperationCount = cfg.getNumber("maxReadRequestOperationCount");

const remote = new RemoteCluster("leader", {
  alias,
  mode: "sniff",
  seeds: cfg.requireObject<string[]>("leaderSeeds"),
  skipUnavailable: false,
  connection: follower,
});

const followerIndexes = Object.entries(followers).map(([name, leaderIndex]) =>
  new FollowerIndex(leaderIndex, {
    name,
    remoteCluster: remote.alias,
    leaderIndex,
    maxReadRequestOperationCount,
    connection: follower,
    leaderConnection: leader,
  }),
);

const pattern = new AutoFollowPattern("new-indexes", {
  name: cfg.get("patternName") ?? "new-indexes",
  remoteCluster: remote.alias,
  leaderIndexPatterns: cfg.requireObject<string[]>("leaderIndexPatterns"),
  followIndexPattern: "{{leader_index}}-copy",
  connection: follower,
  leaderConnection: leader,
});

export const remoteConnected = remote.connected;
export const followerStatus = pulumi.all(followerIndexes.map((f) => pulumi.all([f.name, f.status, f.lag]))).apply((rows) =>
  Object.fromEntries(rows.map(([name, status, lag]) => [name, { status, lag: lag ?? null }])),
);
export const patternActive = pattern.active;
export const patternErrors = pattern.recentErrors;
