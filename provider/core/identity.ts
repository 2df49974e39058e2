/**
 * Which cluster a resource lives on. Elasticsearch gives every cluster a UUID (`cluster_uuid` in `GET /`) when it first
 * forms; it survives restarts, node replacement and new URLs or credentials, and differs for any other cluster, even
 * one restored from the same snapshot. Before the cluster has elected its first master the server reports "_na_".
 */
export const UNKNOWN_CLUSTER_UUID = "_na_";

export function knownUuid(uuid: unknown): string | undefined {
  return typeof uuid === "string" && uuid !== "" && uuid !== UNKNOWN_CLUSTER_UUID ? uuid : undefined;
}

/**
 * Why the connection must not be used for a resource recorded on `recorded`, now that it reaches `current`, or
 * undefined when it is the same cluster (or either is unknown: state written before UUIDs were recorded).
 */
export function clusterMovedProblem(recorded: string | undefined, current: string | undefined): string | undefined {
  const r = knownUuid(recorded);
  const c = knownUuid(current);
  if (!r || !c || r === c) return undefined;
  return `the connection now reaches cluster ${c}, but this resource lives on cluster ${r} (cluster UUIDs); ` +
    "a changed URL or credentials must still point at the same cluster";
}

/** What to do about it, for errors (update, read, delete). */
export const CLUSTER_MOVED_FIX =
  "point the connection (or stack config elasticsearch-ccr:urls) back at the cluster the resource lives on. To move it " +
  "to the other cluster on purpose, replace it: `pulumi up --replace <urn>` creates it on the new cluster and destroys " +
  "the old one through the connection stored in state; if the old cluster no longer exists, `pulumi state delete <urn>` " +
  "and declare it again (create adopts what already exists)";
