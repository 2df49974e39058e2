import type { Cluster } from "../../client/cluster";
import { adoptionRefusal, OwnershipOutputs, releasedOnDestroy } from "../../core/adoption";
import { overridesRejectedBy } from "../../core/settings";
import { boundCluster, checkLeaderVersion, failedCreate, label, readCluster, resourceProvider, stateError, withReplans, WriteTrace } from "../common";
import {
  checkPattern, diffPattern, normalizePatternInputs, patternAdoptionDifferences, patternFromWire, patternOutputs, PatternOp, planPattern,
  planPatternDelete,
} from "./plan";
import type { AutoFollowPatternInputs, AutoFollowPatternOutputs } from "./types";

const KIND = "AutoFollowPattern";

async function observe(cluster: Cluster, name: string): Promise<AutoFollowPatternInputs | undefined> {
  const p = (await cluster.autoFollowPatterns.get()).find((x) => x.name === name);
  return p ? patternFromWire(name, p.pattern) : undefined;
}

async function execute(cluster: Cluster, name: string, ops: PatternOp[], trace?: WriteTrace): Promise<void> {
  const resource = label(KIND, name);
  const path = `/_ccr/auto_follow/${encodeURIComponent(name)}`;
  for (const op of ops) {
    if (op.op === "put") await cluster.call({ resource, action: "write the auto-follow pattern" }, { method: "PUT", path, body: op.body });
    // pause/resume are idempotent on the server (pausing a paused pattern is acknowledged); delete of a missing
    // pattern is success.
    else if (op.op === "pause") await cluster.call({ resource, action: "pause the auto-follow pattern" }, { method: "POST", path: `${path}/pause` });
    else if (op.op === "resume") await cluster.call({ resource, action: "resume the auto-follow pattern" }, { method: "POST", path: `${path}/resume` });
    else await cluster.call({ resource, action: "delete the auto-follow pattern" }, { method: "DELETE", path }, [404]);
    if (trace) trace.wrote = true;
  }
  cluster.invalidate();
}

async function converge(d: AutoFollowPatternInputs, olds: AutoFollowPatternOutputs | undefined): Promise<AutoFollowPatternOutputs> {
  const resource = label(KIND, d.name);
  const bound = await boundCluster(d, resource, olds?.clusterUuid, olds ? "update" : "create");
  const { cluster } = bound;
  cluster.invalidate();
  let own: OwnershipOutputs = { adopted: false, clusterUuid: bound.uuid };
  const trace: WriteTrace = { wrote: false };
  // After a lost answer (e.g. to the PUT, which re-activates the pattern) plan again from what is stored.
  await withReplans(cluster, async (lost) => {
    const observed = await observe(cluster, d.name);
    // A re-plan after a lost answer sees our own write: that is not an adoption.
    if (!lost) {
      if (!olds && observed) {
        // Adoption: a pattern with this name exists. Refuse one that follows something else unless adoptExisting: "overwrite".
        const refusal = adoptionRefusal(`auto-follow pattern "${d.name}"`, patternAdoptionDifferences(observed, d), d.adoptExisting);
        if (refusal) throw stateError(cluster.ctx({ resource, action: "adopt" }), refusal.what, refusal.fix);
      }
      own = { adopted: observed !== undefined && (olds ? olds.adopted === true : true), clusterUuid: bound.uuid };
    }
    const ops = planPattern(observed, d);
    if (ops.some((o) => o.op === "put")) {
      // The pattern follows leader indexes from now on: the same checks as before a PUT follow.
      const rejected = overridesRejectedBy(bound.version.major, d.settings);
      if (rejected.length) {
        throw stateError(cluster.ctx({ resource, action: "write the auto-follow pattern" }),
          `settings ${rejected.join(", ")} cannot be overridden on a follower in Elasticsearch ${bound.version.major}.x`, "remove them from settings");
      }
      await checkLeaderVersion(d.leaderConnection, bound, resource, "write the auto-follow pattern");
    }
    await execute(cluster, d.name, ops, trace);
  }, trace).catch((e) => {
    // A lost PUT, then a cluster that cannot be read: the pattern stays Pulumi's own (common.ts failedCreate).
    throw olds ? e : failedCreate(e, trace, d.name, () => patternOutputs(d, d, {}, own) as unknown as Record<string, unknown>);
  });
  const after = await observe(cluster, d.name);
  if (!after) throw stateError(cluster.ctx({ resource, action: "read back" }), "the pattern is missing right after it was written", "check whether something deletes it");
  return patternOutputs(d, after, await cluster.ccrStats.get(), own);
}

export const autoFollowPatternProvider = resourceProvider<AutoFollowPatternInputs, AutoFollowPatternOutputs>({
  kind: KIND,
  check: checkPattern,
  diff: diffPattern,
  normalize: normalizePatternInputs,
  id: (d) => d.name,
  converge: (d, olds) => converge(d, olds),

  async read(id, p) {
    const name = p.name ?? id;
    const { cluster, uuid, confirmGone } = readCluster(p, label(KIND, name), p.clusterUuid);
    const observed = await observe(cluster, name);
    if (!observed) return confirmGone().then(() => ({ id: "", props: {} }));
    const outs = patternOutputs({ ...p, name } as AutoFollowPatternInputs, observed, await cluster.ccrStats.get(), { adopted: p.adopted === true, clusterUuid: uuid });
    const { recentErrors: _e, adopted: _a, clusterUuid: _u, ...inputs } = outs;
    return { id, props: outs, inputs };
  },

  async remove(id, p) {
    const name = p.name ?? id;
    // An adopted pattern is released: it stays and keeps following new leader indexes; only Pulumi forgets it.
    if (releasedOnDestroy(p)) return;
    const { cluster } = await boundCluster(p, label(KIND, name), p.clusterUuid, "delete");
    cluster.invalidate();
    await withReplans(cluster, async () => execute(cluster, name, planPatternDelete(await observe(cluster, name))));
  },
});
