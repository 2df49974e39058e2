// The fault-matrix project's program (test/faults/fault-matrix.test.ts copies it into a project directory): what to
// declare comes from FAULT_DECL (JSON), so every step of the matrix is the same program on the same stack.
// Plain JavaScript on purpose: no TypeScript compilation in each `up`.
const { AutoFollowPattern, FollowerIndex, RemoteCluster } = require("pulumi-elasticsearch-ccr");

const d = JSON.parse(process.env.FAULT_DECL);
const connection = { urls: [d.followerUrl], requestTimeoutSeconds: d.requestTimeoutSeconds };
const leaderConnection = { urls: [d.leaderUrl], requestTimeoutSeconds: d.requestTimeoutSeconds };
const remote = new RemoteCluster("remote", {
  alias: "leader", seeds: [d.seeds], skipUnavailable: d.skipUnavailable, waitTimeoutSeconds: 20, connection,
});
for (const f of d.followers) {
  new FollowerIndex(f.name, {
    name: f.name, remoteCluster: remote.alias, leaderIndex: f.leader, status: f.status, deletePolicy: f.deletePolicy,
    waitTimeoutSeconds: 60, connection, leaderConnection,
  });
}
for (const p of d.patterns) {
  new AutoFollowPattern(p.name, {
    name: p.name, remoteCluster: remote.alias, leaderIndexPatterns: p.leaderIndexPatterns,
    followIndexPattern: "{{leader_index}}-copy", connection,
  });
}
