/**
 * The bad inputs of test/bad-input/bad-input.test.ts, per group of program.js (one preview each): what was declared,
 * which property the failure must name, and what the message must tell the user. This list is the catalogue the
 * README points at.
 */
export const PROGRAM_ERROR = "(program)";

export interface BadInput {
  /** What the program declares, in words. */
  input: string;
  /** The property the engine reports (the check failure's property path), or PROGRAM_ERROR. */
  property: string;
  /** What the message must say (the advice). */
  says: RegExp;
  /** For PROGRAM_ERROR: the property the message must name. */
  names?: string;
}

const b = (input: string, property: string, says: RegExp, names?: string): BadInput => ({ input, property, says, ...(names ? { names } : {}) });

export const BAD_INPUTS: Record<string, BadInput[]> = {
  "follower-1": [
    b('FollowerIndex name "Orders" (upper case)', "name", /must be lower case/),
    b('FollowerIndex remoteCluster "my.leader" (dot)', "remoteCluster", /may only contain letters, digits/),
    b('FollowerIndex leaderIndex "orders,other" (a list, not one index)', "leaderIndex", /must not contain ','/),
    b('FollowerIndex status "stopped"', "status", /must be one of "active", "paused", "promoted"/),
    b('FollowerIndex deletePolicy "purge"', "deletePolicy", /must be one of "keep", "delete"/),
    b("FollowerIndex waitTimeoutSeconds -1", "waitTimeoutSeconds", /must be a number of seconds ≥ 0/),
    b("FollowerIndex maxReadRequestOperationCount 0", "maxReadRequestOperationCount", /must be a whole number between 1 and/),
    b('FollowerIndex maxReadRequestSize "12 parsecs" (unknown unit)', "maxReadRequestSize", /must be a positive byte size such as "32mb"/),
    b('FollowerIndex maxRetryDelay "10m" (above Elasticsearch\'s 5m)', "maxRetryDelay", /at most "5m"/),
    b('FollowerIndex readPollTimeout "-5s"', "readPollTimeout", /must be a duration such as "500ms"/),
    b('FollowerIndex maxOutstandingReadRequests "ten" (wrong type)', "maxOutstandingReadRequests", /must be a whole number/),
    b("FollowerIndex maxWriteBufferCount 1.5 (not whole)", "maxWriteBufferCount", /must be a whole number/),
    b('FollowerIndex maxWriteBufferSize "-1mb"', "maxWriteBufferSize", /must be a positive byte size/),
    b("FollowerIndex settings index.number_of_shards (replicated from the leader)", "settings.index.number_of_shards", /replicated from the leader index .* set it on the leader instead/),
    b('FollowerIndex dataStreamName ""', "dataStreamName", /must not be empty; omit it/),
    b('FollowerIndex adoptExisting "maybe"', "adoptExisting", /must be one of "match", "overwrite"/),
    b('FollowerIndex adoptedOnDestroy "explode"', "adoptedOnDestroy", /must be one of/),
    b("connection.urls with user:password in the URL", "connection.urls[0]", /must not contain credentials; use connection.username\/password or apiKey/),
    b('leaderConnection.urls "ftp://leader:21"', "leaderConnection.urls[0]", /must use http: or https:/),
    b("leaderConnection with apiKey and username/password (conflicting)", "leaderConnection", /set only one of apiKey, username\/password or bearerToken/),
  ],
  "follower-2": [
    b('FollowerIndex name ""', "name", /name is required: the follower index name/),
    b('FollowerIndex remoteCluster ""', "remoteCluster", /remoteCluster is required: the alias of the leader cluster/),
    b("FollowerIndex leaderIndex 42 (a number)", "leaderIndex", /must be a string/),
    b('FollowerIndex settings "fast" (not an object)', "settings", /must be an object of index settings/),
    b("FollowerIndex maxWriteRequestSize true (wrong type)", "maxWriteRequestSize", /must be a positive byte size/),
    b("connection.urls [] (empty)", "connection.urls", /must be a non-empty list of node URLs/),
    b("leaderConnection.username without password", "leaderConnection.password", /password is required when username is set/),
    b("leaderConnection with both urls and cloudId (conflicting)", "leaderConnection.cloudId", /set either urls or cloudId, not both/),
  ],
  "follower-3": [
    b('FollowerIndex name "_orders" (leading _)', "name", /must not start with '-', '_' or '\+'/),
    b('FollowerIndex leaderIndex ".."', "leaderIndex", /must not be '\.' or '\.\.'/),
    b("FollowerIndex maxOutstandingWriteRequests -3", "maxOutstandingWriteRequests", /must be a whole number between 1 and/),
    b('connection.urls "not a url"', "connection.urls[0]", /is not a URL; use e\.g\./),
    b('connection.caFingerprint "abc"', "connection.caFingerprint", /must be a SHA-256 fingerprint/),
    b("connection.requestTimeoutSeconds 0", "connection.requestTimeoutSeconds", /must be a positive number of seconds/),
    b("leaderConnection insecureSkipTlsVerify with caFingerprint (conflicting)", "leaderConnection.insecureSkipTlsVerify", /cannot be combined with caCert\/caFingerprint; remove one/),
    b("leaderConnection.apiKey { id } without api_key", "leaderConnection.apiKey", /must be the encoded key .* or \{ id: "…", api_key: "…" \}/),
  ],
  "follower-4": [
    b('FollowerIndex name "a*b" (wildcard)', "name", /must not contain '\*'/),
    b("FollowerIndex leaderIndex of 256 bytes", "leaderIndex", /at most 255 bytes/),
    b('connection "http://127.0.0.1:9200" (a string, not an object)', "connection", /must be an object such as \{ urls:/),
    b('leaderConnection.cloudId "garbage"', "leaderConnection.cloudId", /is not an Elastic Cloud ID; copy it from the deployment page/),
  ],
  "pattern-1": [
    b('AutoFollowPattern name "_logs" (leading _)', "name", /must not start with '_'/),
    b('AutoFollowPattern followIndexPattern "*"', "followIndexPattern", /must not contain '\*'/),
    b('AutoFollowPattern active "yes" (not a boolean)', "active", /must be true or false/),
    b("AutoFollowPattern settings index.soft_deletes.enabled (replicated)", "settings.index.soft_deletes.enabled", /replicated from the leader index/),
    b('AutoFollowPattern maxReadRequestSize "5 furlongs"', "maxReadRequestSize", /must be a positive byte size/),
  ],
  "pattern-2": [
    b('AutoFollowPattern name "a,b"', "name", /must not contain ','/),
    b("AutoFollowPattern leaderIndexPatterns []", "leaderIndexPatterns", /must not be empty: leader index name patterns such as/),
    b('AutoFollowPattern followIndexPattern "{{leader}}-copy" (unknown placeholder)', "followIndexPattern", /the only placeholder Elasticsearch knows is \{\{leader_index\}\}/),
    b("AutoFollowPattern leaderIndexExclusionPatterns [3]", "leaderIndexExclusionPatterns", /must be a list of strings/),
  ],
  "pattern-3": [
    b("AutoFollowPattern name 42 (a number)", "name", /must be a string/),
    b('AutoFollowPattern followIndexPattern "copy" for two leader patterns', "followIndexPattern", /must contain \{\{leader_index\}\} because several leader indexes can match/),
    b("no connection and no stack config elasticsearch-ccr:urls", "connection", /set connection\.urls .* or stack config elasticsearch-ccr:urls/),
  ],
  "remote-1": [
    b('RemoteCluster alias "my.leader"', "alias", /may only contain letters, digits, '_' and '-'/),
    b('RemoteCluster seeds ["leader"] (no port)', "seeds[0]", /must be host:port of a transport endpoint/),
    b("RemoteCluster proxyAddress in sniff mode (conflicting)", "proxyAddress", /only applies to mode "proxy"; remove it or set mode: "proxy"/),
    b("RemoteCluster nodeConnections -3", "nodeConnections", /must be a whole number between 1 and/),
    b('RemoteCluster transportPingSchedule "often"', "transportPingSchedule", /must be a duration such as "30s"/),
    b('RemoteCluster transportCompress "gzip"', "transportCompress", /must be one of "true", "false", "indexing_data"/),
    b('RemoteCluster skipUnavailable "no"', "skipUnavailable", /must be true or false/),
  ],
  "remote-2": [
    b("RemoteCluster mode proxy without proxyAddress", "proxyAddress", /proxyAddress is required: host:port of the proxy/),
    b("RemoteCluster seeds in proxy mode (conflicting)", "seeds", /only applies to mode "sniff"; remove it or set mode: "sniff"/),
    b("RemoteCluster proxySocketConnections 0", "proxySocketConnections", /must be a whole number between 1 and/),
    b('RemoteCluster transportCompressionScheme "zip"', "transportCompressionScheme", /must be one of "deflate", "lz4"/),
  ],
  "remote-config": [
    b("stack config elasticsearch-ccr:urls with user:password in the URL", "connection", /elasticsearch-ccr:urls.*must not contain credentials/),
    b('RemoteCluster mode "tunnel"', "mode", /must be one of "sniff", "proxy"/),
    b('RemoteCluster alias ""', "alias", /alias is required: the name followers and patterns use/),
  ],
  "link-1": [
    b('ReplicationLink followIndexPattern "*"', "followIndexPattern", /must not contain '\*'/),
    b('ReplicationLink onLeaderDeleted "explode"', "onLeaderDeleted", /must be one of/),
    b('ReplicationLink onNoLongerMatching "later"', "onNoLongerMatching", /must be one of/),
    b('ReplicationLink deletePolicy "maybe"', "deletePolicy", /must be one of "keep", "delete"/),
    b("ReplicationLink concurrency 1000", "concurrency", /must be a whole number between 1 and 64/),
    b('ReplicationLink includeHidden "yes"', "includeHidden", /must be true or false/),
    b("ReplicationLink without leaderConnection", "leaderConnection", /leaderConnection is required: the link lists the leader's indexes/),
    b('ReplicationLink leaderIndexPatterns "logs-*" (a string, not a list)', "leaderIndexPatterns", /must be a list of strings/),
    b('ReplicationLink patternName "_l"', "patternName", /must not start with '_'/),
    b('ReplicationLink remoteCluster "a b"', "remoteCluster", /may only contain letters, digits/),
  ],
  "link-remote": [
    b('ReplicationLink remote.seeds ["nope"] (the owned RemoteCluster)', "seeds[0]", /must be host:port of a transport endpoint/),
  ],
  "link-both": [
    b("ReplicationLink with both remote and remoteCluster (conflicting)", PROGRAM_ERROR, /set exactly one of remote .* or remoteCluster/, "remoteCluster"),
  ],
  "loop-links": [
    b('two ReplicationLinks A → B and B → A, both logs-* renamed "{{leader_index}}-copy" (an endless chain of copies)', "leaderIndexPatterns",
      /replication loop: "logs-x" on the cluster at .* → ReplicationLink "(a-to-b|b-to-a)" writes "logs-x-copy" on .* → ReplicationLink "(a-to-b|b-to-a)" writes "logs-x-copy-copy" .*a new copy every round without end.* leaderIndexExclusionPatterns \["\*-copy"\]/),
  ],
  "collision-links": [
    b('two ReplicationLinks into one cluster whose follower names overlap ("logs-*" and "{{leader_index}}-from-b")', "followIndexPattern",
      /ReplicationLink "a-to-d" .* and ReplicationLink "b-to-d" .* both write follower indexes on the cluster at .*, e\.g\. "logs-.*-from-b": one follower name with two leaders.* give ReplicationLink "(a-to-d|b-to-d)" a followIndexPattern no name of the other can take, e\.g\. "[a-z-]+-\{\{leader_index\}\}"/),
  ],
  "loop-topology": [
    b("a Topology primary → replica and a hand-made ReplicationLink replica → primary over the same names", "leaderIndexPatterns",
      /replication loop: "issues.*" on the cluster at .* → ReplicationLink "(app-primary-replica|back)" writes .* → ReplicationLink "(app-primary-replica|back)" writes .*the copy comes back under a name that already exists there .* so the follow fails for ever/),
  ],
  "version-topology": [
    b('Topology replica declared 9.5.3 following primary 9.5.4 (a follower older than its leader)', "clusters[1].version",
      /"replica" \(9\.5\.3\) cannot follow "primary" \(9\.5\.4\): CCR needs the follower cluster on the same or a newer version .*upgrade "replica" first/),
  ],
  "version-docker": [
    b("Docker-backend Topology: replica image 8.19.21 following primary's 9.5.4", PROGRAM_ERROR,
      /"replica" \(8\.19\.21\) cannot follow "primary" \(9\.5\.4\).* upgrade "replica" first/, "version"),
  ],
};
