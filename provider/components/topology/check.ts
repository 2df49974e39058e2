/**
 * Check-time (preview-time) validation of a topology declaration. Pure: every failure names the property and what to
 * do, and unknown values (inputs computed from other resources during a preview) are skipped, never reported.
 */
import { checkConnection } from "../../client/connection";
import { Failures, type CheckFailure } from "../../core/check";
import { followIndexPatternProblem, indexNameProblem, LEADER_INDEX_PLACEHOLDER, remoteAliasProblem } from "../../core/names";
import { containsUnknown, isUnknown } from "../../core/unknown";
import { namedFollowerVersionProblem, parseVersion } from "../../core/version";
import { describeCollision, findLoops, findNameCollisions, formatLoop, topologyLinks } from "./plan";
import { PASSWORD_ENV, type TopologyDeclaration } from "./types";


const HEAP = /^\d+[kmg]$/i;
/** Failures that leave the link graph unreadable (the loop, collision and version checks then wait for a fix). */
const STRUCTURAL = /^(clusters(\[\d+\](\.(name|follows|version))?)?|leader|indexPatterns(\[\d+\])?|followIndexPattern|extraLinks.*|docker(\.version)?)$/;
const SEED = /^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export function checkTopology(inputs: unknown): CheckFailure[] {
  const f = new Failures();
  if (!isObj(inputs)) {
    f.add("", "the topology must be an object with clusters, leader and indexPatterns");
    return f.list;
  }
  const backend = inputs.backend ?? "existing";
  f.oneOf("backend", inputs.backend, ["existing", "docker"] as const);

  // Clusters and their names (each name is also the remote alias the other clusters use for it). While a name is
  // unknown (preview), nothing can be said about membership, so `known(n)` answers true for every name.
  const names: string[] = [];
  const clusters = inputs.clusters;
  const namesKnown = Array.isArray(clusters) && clusters.every((c) => isObj(c) && typeof c.name === "string" && !isUnknown(c.name));
  const known = (n: string): boolean => !namesKnown || names.includes(n);
  if (!isUnknown(clusters)) {
    if (!Array.isArray(clusters) || clusters.length < 2) {
      f.add("clusters", "clusters must list at least two clusters: the leader and one replica per other application replica, e.g. [{ name: \"primary\", … }, { name: \"replica-1\", … }]");
    } else {
      clusters.forEach((c, i) => {
        const p = `clusters[${i}]`;
        if (isUnknown(c)) return;
        if (!isObj(c)) {
          f.add(p, `${p} must be an object such as { name: "replica-1", connection: { urls: [...] }, seeds: ["host:9300"] }`);
          return;
        }
        const name = f.requireString(`${p}.name`, c.name, "a unique cluster name, used as its remote alias and container name");
        if (name !== undefined) {
          const bad = remoteAliasProblem(name);
          if (bad) f.add(`${p}.name`, `${p}.name "${name}" ${bad}`);
          if (names.includes(name)) f.add(`${p}.name`, `${p}.name "${name}" is used twice; cluster names must be unique`);
          names.push(name);
        }
        checkBackendOfCluster(f, p, c, backend);
      });
    }
  }

  const leader = f.requireString("leader", inputs.leader, "the name of the cluster that takes the application's writes");
  if (leader !== undefined && namesKnown && !known(leader)) {
    f.add("leader", `leader "${leader}" is not one of the clusters (${names.join(", ")}); set it to one of them`);
  }

  const patterns = f.stringList("indexPatterns", inputs.indexPatterns, { nonEmpty: true, hint: "the leader index patterns the application owns, e.g. [\"issues\", \"wikis-*\"]" });
  patterns?.forEach((p, i) => {
    if (p.trim() === "" || /[\s,]/.test(p)) f.add(`indexPatterns[${i}]`, `indexPatterns[${i}] ${JSON.stringify(p)} must be a non-empty index name or wildcard pattern without spaces or commas`);
  });
  f.stringList("exclusionPatterns", inputs.exclusionPatterns, { nonEmpty: false, hint: "leader index patterns to leave out" });
  if (inputs.followIndexPattern !== undefined && !isUnknown(inputs.followIndexPattern) && inputs.followIndexPattern !== LEADER_INDEX_PLACEHOLDER) {
    // Any replica may become the leader, and the application must find its indexes there under the same names.
    f.add("followIndexPattern", `followIndexPattern must be "${LEADER_INDEX_PLACEHOLDER}" (the default) in a topology: every replica holds the leader's indexes ` +
      `under the same names so any of them can take over; use extraLinks for renamed copies`);
  }

  if (backend === "docker") {
    checkDocker(f, inputs.docker);
    const base = isObj(inputs.docker) ? inputs.docker.httpPortBase : undefined;
    if (typeof base === "number" && Array.isArray(clusters) && base + clusters.length - 1 > 65535) {
      f.add("docker.httpPortBase", `docker.httpPortBase ${base} leaves no port for all ${clusters.length} clusters (replica i publishes httpPortBase + i ≤ 65535); lower it`);
    }
  }
  else if (inputs.docker !== undefined) f.add("docker", `docker only applies to backend "docker"; remove it or set backend: "docker"`);

  // Chains.
  if (Array.isArray(clusters)) {
    clusters.forEach((c, i) => {
      if (!isObj(c) || c.follows === undefined || isUnknown(c.follows)) return;
      const p = `clusters[${i}].follows`;
      if (typeof c.follows !== "string" || !known(c.follows)) f.add(p, `${p} must name another cluster of the topology (${names.join(", ")})`);
      // (A leader with `follows` always closes a loop, since everyone else ends at the leader: the loop check shows it.)
      else if (c.follows === c.name) f.add(p, `${p}: a cluster cannot follow itself (${c.name} → ${c.name}); remove follows`);
    });
  }

  checkExtraLinks(f, inputs.extraLinks, names, known);
  checkFailback(f, inputs.failback, names, known, leader);

  // Loops, name collisions and versions need a well-formed, known graph (names, leader, follows, links, patterns,
  // versions); an unknown credential or an unrelated failure does not hold them back, a preview unknown in the graph does.
  const graph = Array.isArray(clusters) ? {
    clusters: clusters.map((c) => (isObj(c) ? { name: c.name, follows: c.follows, version: c.version } : c)),
    leader: inputs.leader, indexPatterns: inputs.indexPatterns, followIndexPattern: inputs.followIndexPattern,
    extraLinks: inputs.extraLinks, version: isObj(inputs.docker) ? inputs.docker.version : undefined,
  } : undefined;
  const malformed = f.list.some((x) => STRUCTURAL.test(x.property));
  if (graph && !malformed && !containsUnknown(graph)) {
    const decl = inputs as unknown as TopologyDeclaration;
    const edges = topologyLinks(decl);
    for (const loop of findLoops(edges)) {
      const idx = decl.clusters.findIndex((c) => loop.includes(c.name) && c.follows !== undefined);
      const property = idx >= 0 ? `clusters[${idx}].follows` : "extraLinks";
      f.add(property, `replication loop ${formatLoop(loop)}: clusters would follow each other's indexes (multi-leader); ` +
        `every cluster but the leader "${decl.leader}" follows exactly one upstream and the leader follows none`);
    }
    for (const c of findNameCollisions(edges)) f.add("extraLinks", describeCollision(c));
    decl.clusters.forEach((c, i) => {
      const version = (x: { version?: string }) => x.version ?? decl.docker?.version;
      const v = version(c);
      const e = edges.find((x) => x.to === c.name);
      const up = e && decl.clusters.find((x) => x.name === e.from);
      const uv = up && version(up);
      const problem = v && uv ? namedFollowerVersionProblem(up!.name, uv, c.name, v) : undefined;
      if (problem) f.add(`clusters[${i}].version`, `${problem}; upgrade "${c.name}" first (followers first, the leader last)`);
    });
  }
  return f.list;
}

function checkBackendOfCluster(f: Failures, p: string, c: Obj, backend: unknown): void {
  if (backend === "docker") {
    if (c.connection !== undefined) f.add(`${p}.connection`, `${p}.connection is derived from the docker backend (published port, elastic user); remove it`);
    if (c.seeds !== undefined) f.add(`${p}.seeds`, `${p}.seeds are derived from the docker backend (container name:9300); remove them`);
  } else {
    if (c.connection === undefined) {
      f.add(`${p}.connection`, `${p}.connection is required for backend "existing": { urls: ["https://host:9200"], apiKey | username/password | bearerToken } (credentials as secrets)`);
    } else if (!isUnknown(c.connection)) {
      checkConnection(f, c.connection, `${p}.connection`);
      if (isObj(c.connection) && c.connection.urls === undefined) f.add(`${p}.connection.urls`, `${p}.connection.urls is required: the cluster's HTTP endpoint(s), e.g. ["https://host:9200"]`);
    }
    const seeds = f.stringList(`${p}.seeds`, c.seeds, { nonEmpty: true, hint: "the cluster's transport address(es) the other clusters connect to, e.g. [\"host:9300\"] (any cluster may become the leader)" });
    seeds?.forEach((s, k) => {
      if (!SEED.test(s)) f.add(`${p}.seeds[${k}]`, `${p}.seeds[${k}] "${s}" must be host:port of the transport layer, e.g. "es1.example:9300"`);
    });
  }
  if (c.version !== undefined && !isUnknown(c.version) && (typeof c.version !== "string" || !parseVersion(c.version))) {
    f.add(`${p}.version`, `${p}.version must be an Elasticsearch version such as "9.5.4"`);
  }
}

function checkDocker(f: Failures, d: unknown): void {
  if (isUnknown(d)) return;
  if (!isObj(d)) {
    f.add("docker", `docker is required for backend "docker": { version: "9.5.4", heap?: "512m", httpPortBase?: 9200, image?: "…" }`);
    return;
  }
  const v = f.requireString("docker.version", d.version, "the Elasticsearch version of the image, e.g. \"9.5.4\"");
  if (v !== undefined && !parseVersion(v)) f.add("docker.version", `docker.version "${v}" must be major.minor.patch, e.g. "9.5.4"`);
  f.optionalString("docker.image", d.image);
  if (d.heap !== undefined && !isUnknown(d.heap) && (typeof d.heap !== "string" || !HEAP.test(d.heap))) {
    f.add("docker.heap", `docker.heap must be a JVM size such as "512m" or "1g" (used for -Xms and -Xmx)`);
  }
  f.positiveInt("docker.httpPortBase", d.httpPortBase, 65535);
  f.optionalString("docker.bindAddress", d.bindAddress);
  const net = f.optionalString("docker.networkName", d.networkName);
  if (net !== undefined && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(net)) f.add("docker.networkName", `docker.networkName "${net}" may only contain letters, digits, '_', '.' and '-'`);
  f.oneOf("docker.license", d.license, ["trial", "basic"] as const);
  if (d.license === "basic") f.add("docker.license", `docker.license "basic" has no CCR; use "trial" for development (or an existing cluster with a platinum/enterprise license)`);
  f.optionalBoolean("docker.pullImage", d.pullImage);
  if (d.env !== undefined && !isUnknown(d.env)) {
    if (!isObj(d.env)) f.add("docker.env", `docker.env must be an object of NAME: "value" (or null to drop a default)`);
    else {
      for (const [k, val] of Object.entries(d.env)) {
        if (val !== null && typeof val !== "string" && !isUnknown(val)) f.add(`docker.env.${k}`, `docker.env.${k} must be a string, or null to drop the default`);
        if (k === PASSWORD_ENV) f.add(`docker.env.${k}`, `docker.env.${k}: the password is the component's secret password input; remove it from env (it would be stored in plain text)`);
      }
    }
  }
}

function checkExtraLinks(f: Failures, v: unknown, names: string[], known: (n: string) => boolean): void {
  if (v === undefined || isUnknown(v)) return;
  if (!Array.isArray(v)) {
    f.add("extraLinks", `extraLinks must be a list of { from, to, indexPatterns, followIndexPattern? }`);
    return;
  }
  v.forEach((l, i) => {
    const p = `extraLinks[${i}]`;
    if (isUnknown(l)) return;
    if (!isObj(l)) {
      f.add(p, `${p} must be an object { from, to, indexPatterns, followIndexPattern? }`);
      return;
    }
    for (const end of ["from", "to"] as const) {
      const n = f.requireString(`${p}.${end}`, l[end], "the name of a cluster of the topology");
      if (n !== undefined && !known(n)) f.add(`${p}.${end}`, `${p}.${end} "${n}" is not one of the clusters (${names.join(", ")})`);
    }
    const leaders = f.stringList(`${p}.indexPatterns`, l.indexPatterns, { nonEmpty: true, hint: "leader index patterns of this link" });
    if (l.followIndexPattern !== undefined && !isUnknown(l.followIndexPattern)) {
      const fp = String(l.followIndexPattern);
      const bad = followIndexPatternProblem(fp, leaders);
      if (bad) f.add(`${p}.followIndexPattern`, `${p}.followIndexPattern "${fp}" ${bad}`);
    }
  });
}

function checkFailback(f: Failures, v: unknown, names: string[], known: (n: string) => boolean, leader: string | undefined): void {
  if (v === undefined || isUnknown(v)) return;
  if (!isObj(v) || !Array.isArray(v.discard)) {
    f.add("failback", `failback must be { discard: [{ cluster, index, docs? }] }`);
    return;
  }
  v.discard.forEach((d, i) => {
    const p = `failback.discard[${i}]`;
    if (isUnknown(d)) return;
    if (!isObj(d)) {
      f.add(p, `${p} must be { cluster, index, docs? }`);
      return;
    }
    const c = f.requireString(`${p}.cluster`, d.cluster, "the former leader whose index is discarded");
    if (c !== undefined && !known(c)) f.add(`${p}.cluster`, `${p}.cluster "${c}" is not one of the clusters (${names.join(", ")})`);
    if (c !== undefined && c === leader) f.add(`${p}.cluster`, `${p}.cluster "${c}" is the leader: the leader's indexes are never discarded; name a former leader`);
    const idx = f.requireString(`${p}.index`, d.index, "the name of the regular index to replace by a follower");
    const bad = idx === undefined ? undefined : indexNameProblem(idx);
    if (bad) f.add(`${p}.index`, `${p}.index "${idx}" ${bad}`);
    if (d.docs !== undefined && !isUnknown(d.docs) && (typeof d.docs !== "number" || !Number.isInteger(d.docs) || d.docs < 0)) {
      f.add(`${p}.docs`, `${p}.docs must be the whole number of documents the preview showed for that index`);
    }
  });
}
