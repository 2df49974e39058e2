// The bad-input project's program (test/bad-input/bad-input.test.ts copies it into a project directory): the group
// of bad inputs to declare comes from the environment (BAD_INPUT_GROUP), the proxy every connection points at from
// BAD_INPUT_PROXY. Plain JavaScript on purpose: no TypeScript compilation in each preview.
const { AutoFollowPattern, FollowerIndex, RemoteCluster, ReplicationLink, Topology } = require("pulumi-elasticsearch-ccr");

const proxy = process.env.BAD_INPUT_PROXY;
const c = { urls: [proxy] };
// Three more proxies, standing for three other clusters (the loop and version groups need distinct clusters).
const [a, b, d] = JSON.parse(process.env.BAD_INPUT_CLUSTERS || "[]").map((u) => ({ urls: [u] }));
const seeds = (i) => [`127.0.0.1:${9300 + i}`];
const group = process.env.BAD_INPUT_GROUP;
const fi = (args) => new FollowerIndex("f", { name: "orders-copy", remoteCluster: "leader", leaderIndex: "orders", connection: c, ...args });
const afp = (args) => new AutoFollowPattern("p", { name: "logs", remoteCluster: "leader", leaderIndexPatterns: ["logs-*"], connection: c, ...args });
const rc = (args) => new RemoteCluster("r", { alias: "leader", seeds: ["127.0.0.1:9300"], connection: c, ...args });
const link = (args) => new ReplicationLink("l", { remoteCluster: "leader", leaderIndexPatterns: ["logs-*"], connection: c, leaderConnection: c, ...args });

// Each group is one resource (the engine stops a preview at the first resource whose check fails, but prints every
// failure of that one), with one bad value per property.
const groups = {
  "follower-1": () => fi({
    name: "Orders", remoteCluster: "my.leader", leaderIndex: "orders,other", status: "stopped", deletePolicy: "purge",
    waitTimeoutSeconds: -1, maxReadRequestOperationCount: 0, maxReadRequestSize: "12 parsecs", maxRetryDelay: "10m",
    readPollTimeout: "-5s", maxOutstandingReadRequests: "ten", maxWriteBufferCount: 1.5, maxWriteBufferSize: "-1mb",
    settings: { "index.number_of_shards": 3 }, dataStreamName: "", adoptExisting: "maybe", adoptedOnDestroy: "explode",
    connection: { urls: ["http://elastic:changeme@127.0.0.1:9200"] },
    leaderConnection: { urls: ["ftp://leader:21"], username: "u", password: "p", apiKey: "abc" },
  }),
  "follower-2": () => fi({
    name: "", remoteCluster: "", leaderIndex: 42, settings: "fast", maxWriteRequestSize: true,
    connection: { urls: [] }, leaderConnection: { urls: [proxy], cloudId: "x:y", username: "u" },
  }),
  "follower-3": () => fi({
    name: "_orders", leaderIndex: "..", maxOutstandingWriteRequests: -3,
    connection: { urls: ["not a url"], caFingerprint: "abc", requestTimeoutSeconds: 0 },
    leaderConnection: { urls: [proxy], insecureSkipTlsVerify: true, caFingerprint: "a".repeat(64), apiKey: { id: "only-id" } },
  }),
  "follower-4": () => fi({ name: "a*b", leaderIndex: "x".repeat(256), connection: "http://127.0.0.1:9200", leaderConnection: { cloudId: "garbage" } }),
  // AutoFollowPattern.
  "pattern-1": () => afp({ name: "_logs", followIndexPattern: "*", active: "yes",
    settings: { "index.soft_deletes.enabled": false }, maxReadRequestSize: "5 furlongs" }),
  "pattern-2": () => afp({ name: "a,b", leaderIndexPatterns: [], followIndexPattern: "{{leader}}-copy", leaderIndexExclusionPatterns: [3] }),
  // No connection anywhere (no stack config on this stack either).
  "pattern-3": () => afp({ name: 42, leaderIndexPatterns: ["logs-*", "metrics-*"], followIndexPattern: "copy", connection: undefined }),
  // RemoteCluster.
  "remote-1": () => rc({ alias: "my.leader", seeds: ["leader"], proxyAddress: "p:9443", nodeConnections: -3,
    transportPingSchedule: "often", transportCompress: "gzip", skipUnavailable: "no" }),
  "remote-2": () => rc({ mode: "proxy", seeds: ["127.0.0.1:9300"], proxySocketConnections: 0, transportCompressionScheme: "zip" }),
  // On the stack whose config elasticsearch-ccr:urls carries user:password (set by the test).
  "remote-config": () => rc({ alias: "", mode: "tunnel", connection: undefined }),
  // ReplicationLink (its followers resource; the remote is referenced, so that resource is the only one).
  "link-1": () => link({ followIndexPattern: "*", onLeaderDeleted: "explode", onNoLongerMatching: "later", deletePolicy: "maybe",
    concurrency: 1000, includeHidden: "yes", leaderConnection: undefined, leaderIndexPatterns: "logs-*", patternName: "_l", remoteCluster: "a b" }),
  "link-remote": () => new ReplicationLink("l", { remote: { alias: "leader", seeds: ["nope"] }, leaderIndexPatterns: ["logs-*"], connection: c, leaderConnection: c }),
  "link-both": () => new ReplicationLink("l", { remote: { alias: "leader", seeds: ["127.0.0.1:9300"] }, remoteCluster: "leader", leaderIndexPatterns: ["logs-*"], connection: c, leaderConnection: c }),
  // Replication loops and follower-name collisions across components (each link of a loop reports it, so whichever
  // check the engine runs first shows the same failure). A → B and B → A, both renaming: an endless chain of copies.
  "loop-links": () => {
    new ReplicationLink("a-to-b", { remoteCluster: "a", leaderIndexPatterns: ["logs-*"], followIndexPattern: "{{leader_index}}-copy", connection: b, leaderConnection: a });
    new ReplicationLink("b-to-a", { remoteCluster: "b", leaderIndexPatterns: ["logs-*"], followIndexPattern: "{{leader_index}}-copy", connection: a, leaderConnection: b });
  },
  // Two leaders writing the same follower names on one cluster.
  "collision-links": () => {
    new ReplicationLink("a-to-d", { remoteCluster: "a", leaderIndexPatterns: ["logs-*"], connection: d, leaderConnection: a });
    new ReplicationLink("b-to-d", { remoteCluster: "b", leaderIndexPatterns: ["logs-*"], followIndexPattern: "{{leader_index}}-from-b", connection: d, leaderConnection: b });
  },
  // A Topology and a hand-made link from a replica back to the leader (the same names: they would follow each other).
  // The Topology's own declared versions are fine; its leader resource is held back by the links' failures.
  "loop-topology": () => {
    new Topology("app", { clusters: [{ name: "primary", connection: a, seeds: seeds(1) }, { name: "replica", connection: b, seeds: seeds(2) }], leader: "primary", indexPatterns: ["issues*"] });
    new ReplicationLink("back", { remoteCluster: "replica", leaderIndexPatterns: ["issues*"], connection: a, leaderConnection: b });
  },
  // A follower declared older than its leader (existing clusters with declared versions; the Docker backend's image
  // version with a per-replica override).
  "version-topology": () => new Topology("app", {
    clusters: [{ name: "primary", connection: a, seeds: seeds(1), version: "9.5.4" }, { name: "replica", connection: b, seeds: seeds(2), version: "9.5.3" }],
    leader: "primary", indexPatterns: ["issues*"],
  }),
  "version-docker": () => new Topology("app", {
    backend: "docker", docker: { version: "9.5.4" }, dockerPassword: "not-used",
    clusters: [{ name: "primary" }, { name: "replica", version: "8.19.21" }], leader: "primary", indexPatterns: ["issues*"],
  }),
};

if (!groups[group]) throw new Error(`unknown BAD_INPUT_GROUP ${group}`);
groups[group]();
