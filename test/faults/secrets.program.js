// The secrets project's program (test/faults/secrets.test.ts): the follower connection comes from stack config
// (elasticsearch-ccr:urls, username and the secret password); the pattern's leaderConnection carries the secret
// bearer token. Plain JavaScript: no TypeScript compilation.
const pulumi = require("@pulumi/pulumi");
const { AutoFollowPattern, RemoteCluster } = require("pulumi-elasticsearch-ccr");

const cfg = new pulumi.Config();
const ccr = new pulumi.Config("elasticsearch-ccr");
const remote = new RemoteCluster("self", { alias: "self", seeds: [process.env.SECRETS_SEEDS], skipUnavailable: false, waitTimeoutSeconds: 30 });
new AutoFollowPattern("pattern", {
  name: "secret-pattern", remoteCluster: remote.alias, leaderIndexPatterns: ["never-*"], followIndexPattern: "{{leader_index}}-copy",
  leaderConnection: cfg.requireSecret("token").apply((bearerToken) => ({ urls: [ccr.require("urls")], bearerToken })),
});
// A second remote created from stack config, for the up that fails on a wrong password (an existing resource keeps
// the connection it was created with until an update, so only a create uses the changed stack config at once).
// Likewise a second pattern for the up that fails on a wrong token (its create reads the leader with it).
if (process.env.SECRETS_EXTRA) {
  new RemoteCluster("self2", { alias: "self2", seeds: [process.env.SECRETS_SEEDS], skipUnavailable: false, waitTimeoutSeconds: 5 });
  new AutoFollowPattern("pattern2", {
    name: "secret-pattern-2", remoteCluster: remote.alias, leaderIndexPatterns: ["never2-*"], followIndexPattern: "{{leader_index}}-copy",
    leaderConnection: cfg.requireSecret("token").apply((bearerToken) => ({ urls: [ccr.require("urls")], bearerToken })),
  });
}
exports.connected = remote.connected;
