import type { Cluster } from "../../client/cluster";
import { clusterOf, label, resourceProvider, stateError, withReplans } from "../common";
import {
  checkPattern, diffPattern, normalizePatternInputs, patternFromWire, patternOutputs, PatternOp, planPattern, planPatternDelete,
} from "./plan";
import type { AutoFollowPatternInputs, AutoFollowPatternOutputs } from "./types";

const KIND = "AutoFollowPattern";

async function observe(cluster: Cluster, name: string): Promise<AutoFollowPatternInputs | undefined> {
  const p = (await cluster.autoFollowPatterns.get()).find((x) => x.name === name);
  return p ? patternFromWire(name, p.pattern) : undefined;
}

async function execute(cluster: Cluster, name: string, ops: PatternOp[]): Promise<void> {
  const resource = label(KIND, name);
  const path = `/_ccr/auto_follow/${encodeURIComponent(name)}`;
  for (const op of ops) {
    if (op.op === "put") await cluster.call({ resource, action: "write the auto-follow pattern" }, { method: "PUT", path, body: op.body });
    // pause/resume are idempotent on the server (pausing a paused pattern is acknowledged); delete of a missing
    // pattern is success.
    else if (op.op === "pause") await cluster.call({ resource, action: "pause the auto-follow pattern" }, { method: "POST", path: `${path}/pause` });
    else if (op.op === "resume") await cluster.call({ resource, action: "resume the auto-follow pattern" }, { method: "POST", path: `${path}/resume` });
    else await cluster.call({ resource, action: "delete the auto-follow pattern" }, { method: "DELETE", path }, [404]);
  }
  cluster.invalidate();
}

async function converge(d: AutoFollowPatternInputs): Promise<AutoFollowPatternOutputs> {
  const resource = label(KIND, d.name);
  const cluster = clusterOf(d, resource);
  cluster.invalidate();
  // After a lost answer (e.g. to the PUT, which re-activates the pattern) plan again from what is stored.
  await withReplans(cluster, async () => execute(cluster, d.name, planPattern(await observe(cluster, d.name), d)));
  const after = await observe(cluster, d.name);
  if (!after) throw stateError(cluster.ctx({ resource, action: "read back" }), "the pattern is missing right after it was written", "check whether something deletes it");
  return patternOutputs(d, after, await cluster.ccrStats.get());
}

export const autoFollowPatternProvider = resourceProvider<AutoFollowPatternInputs, AutoFollowPatternOutputs>({
  kind: KIND,
  check: checkPattern,
  diff: diffPattern,
  normalize: normalizePatternInputs,
  id: (d) => d.name,
  converge: (d) => converge(d),

  async read(id, p) {
    const name = p.name ?? id;
    const cluster = clusterOf(p, label(KIND, name));
    const observed = await observe(cluster, name);
    if (!observed) return { id: "", props: {} };
    const outs = patternOutputs({ ...p, name } as AutoFollowPatternInputs, observed, await cluster.ccrStats.get());
    const { recentErrors: _e, ...inputs } = outs;
    return { id, props: outs, inputs };
  },

  async remove(id, p) {
    const name = p.name ?? id;
    const cluster = clusterOf(p, label(KIND, name));
    cluster.invalidate();
    await withReplans(cluster, async () => execute(cluster, name, planPatternDelete(await observe(cluster, name))));
  },
});
