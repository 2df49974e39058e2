// The fault-matrix project's program (test/faults/fault-matrix.test.ts copies it into a project directory): what to
// declare comes from FAULT_DECL (JSON), so every step of the matrix is the same program on the same stack.
// Plain JavaScript on purpose: no TypeScript compilation in each `up`.
const { AutoFollowPattern, FollowerIndex, RemoteCluster } = require("pulumi-elasticsearch-ccr");

const d = JSON.parse(process.env.FAULT_DECL);
const connection = { urls: [d.followerUrl], requestTimeoutSeconds: d.requestTimeoutSeconds };
const leaderConnection = { urls: [d.leaderUrl], requestTimeoutSeconds: d.requestTimeoutSeconds };
// Proxy mode: every connection of the follower node to the leader goes through one address (the test's TCP
// forwarder), so the test can cut the network between the clusters.
const remote = new RemoteCluster("remote", {
  alias: "leader", mode: "proxy", proxyAddress: d.proxyAddress, skipUnavailable: d.skipUnavailable, waitTimeoutSeconds: 20, connection,
});
const made = {};
for (const f of d.followers) {
  // `after`: created only once that follower is (an explicit order, so an interrupted `up` has work not yet started).
  made[f.name] = new FollowerIndex(f.name, {
    name: f.name, remoteCluster: remote.alias, leaderIndex: f.leader, status: f.status, deletePolicy: f.deletePolicy,
    waitTimeoutSeconds: 60, connection, leaderConnection, ...(f.adoptedOnDestroy ? { adoptedOnDestroy: f.adoptedOnDestroy } : {}),
  }, f.after ? { dependsOn: [made[f.after]] } : {});
}
for (const p of d.patterns) {
  new AutoFollowPattern(p.name, {
    name: p.name, remoteCluster: remote.alias, leaderIndexPatterns: p.leaderIndexPatterns,
    followIndexPattern: "{{leader_index}}-copy", connection,
  });
}
