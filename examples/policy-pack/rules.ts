// The two rules as pure functions of resource properties, so they are unit-tested without the policy engine
// (test/unit/policy-rules.test.ts) and run by index.ts under `pulumi preview --policy-pack`.
import { ccrVersionProblem } from "pulumi-elasticsearch-ccr";

/** Resource types of the library's dynamic resources, as the engine names them. */
export const AUTO_FOLLOW_PATTERN = "pulumi-nodejs:dynamic/elasticsearch-ccr:AutoFollowPattern";
export const FOLLOWER_INDEX = "pulumi-nodejs:dynamic/elasticsearch-ccr:FollowerIndex";
export const DOCKER_CONTAINER = "docker:index/container:Container";

/**
 * Rule 1: no `*` in what an auto-follow pattern follows or how it names followers. A leader pattern that is `*`
 * alone follows every index the leader ever gets (other applications', monitoring's) into the follower cluster; a
 * `*` in `followIndexPattern` is a leader pattern pasted into the name template (only `{{leader_index}}` is
 * substituted there; the provider's check also refuses it, as Elasticsearch would).
 */
export function wildcardProblem(props: { name?: string; leaderIndexPatterns?: unknown; followIndexPattern?: unknown }): string | undefined {
  const problems: string[] = [];
  const leaders = Array.isArray(props.leaderIndexPatterns) ? props.leaderIndexPatterns : [];
  if (leaders.some((p) => p === "*")) {
    problems.push(`leaderIndexPatterns has "*", which follows every index of the leader: list the application's index patterns, e.g. ["issues", "wikis-*"]`);
  }
  const f = props.followIndexPattern;
  if (typeof f === "string" && f.includes("*")) {
    problems.push(`followIndexPattern "${f}" contains "*"; it is a name template, not a pattern: use "{{leader_index}}" with a prefix or suffix, e.g. "{{leader_index}}-copy"`);
  }
  return problems.length ? `auto-follow pattern ${props.name ?? "?"}: ${problems.join("; ")}` : undefined;
}

/** A container of a topology declared by the library's Docker backend (provider/components/topology/docker.ts). */
export interface TopologyContainer {
  topology: string;
  cluster: string;
  version: string;
}

/** The topology containers among the stack's resources: their labels name topology and cluster, the image the version. */
export function topologyContainers(resources: Array<{ type: string; props: Record<string, unknown> }>): TopologyContainer[] {
  const out: TopologyContainer[] = [];
  for (const r of resources) {
    if (r.type !== DOCKER_CONTAINER) continue;
    const labels = (r.props.labels as Array<{ label: string; value: string }> | undefined) ?? [];
    const label = (k: string) => labels.find((l) => l.label === k)?.value;
    const topology = label("es-ccr.topology");
    const cluster = label("es-ccr.cluster");
    const version = /:(\d+\.\d+\.\d+)$/.exec(String(r.props.image ?? ""))?.[1];
    if (topology && cluster && version) out.push({ topology, cluster, version });
  }
  return out;
}

/**
 * Rule 2: every follower cluster runs the same or a newer version than its leader (the library's own rule,
 * `ccrVersionProblem`: patch level included, and the cross-major pairs Elastic allows). `leaders` names each
 * topology's leader cluster (policy config); without it any cluster may lead after a failover, so every pair must
 * be allowed both ways.
 */
export function versionProblems(containers: TopologyContainer[], leaders: Record<string, string>): string[] {
  const problems: string[] = [];
  const byTopology = new Map<string, TopologyContainer[]>();
  for (const c of containers) byTopology.set(c.topology, [...(byTopology.get(c.topology) ?? []), c]);
  for (const [topology, cs] of byTopology) {
    const leader = leaders[topology];
    const pairs = leader
      ? cs.filter((c) => c.cluster !== leader).map((f) => [cs.find((c) => c.cluster === leader), f] as const)
      : cs.flatMap((a) => cs.filter((b) => b !== a).map((b) => [a, b] as const));
    for (const [l, f] of pairs) {
      if (!l) {
        problems.push(`topology ${topology}: the configured leader ${leader} is not among its clusters (${cs.map((c) => c.cluster).join(", ")})`);
        break;
      }
      const p = ccrVersionProblem(l.version, f.version);
      if (p) problems.push(`topology ${topology}: ${l.cluster} → ${f.cluster}: ${p}${leader ? "" : ` (no leader configured for ${topology}: any cluster may lead after a failover)`}`);
    }
  }
  return problems;
}

/** Rule 2 where the versions are not in the program: the provider checks them at `up` only with `leaderConnection`. */
export function uncheckedVersion(type: string, props: { name?: string; leaderConnection?: unknown }): string | undefined {
  if ((type !== FOLLOWER_INDEX && type !== AUTO_FOLLOW_PATTERN) || props.leaderConnection !== undefined) return undefined;
  const what = type === FOLLOWER_INDEX ? "follower index" : "auto-follow pattern";
  return `${what} ${props.name ?? "?"}: no leaderConnection, so the provider cannot check that the follower cluster's version ` +
    "is at least the leader's before it follows; declare a read-only leaderConnection (monitor, view_index_metadata)";
}
