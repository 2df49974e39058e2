// Entry point of the top-level project (Pulumi.yaml): `pulumi up` in the repository root runs this file with the
// Node.js language host, and so does the main job (`npm run main`, scripts/main.ts), after starting the local clusters.
import { topologyProgram } from "./program";

const outputs = topologyProgram();
/** The cluster that takes the application's writes. */
export const leader = outputs.leader;
/** One line of health per link ("primary → replica1": remote, pattern, followers, max lag). */
export const health = outputs.health;
/** Safe upgrade order: followers first, the leader last. */
export const upgradeOrder = outputs.upgradeOrder;
export const upgradeProcedure = outputs.upgradeProcedure;
/** Version-rule violations on the links (a leader upgraded before its followers), as of the last up or refresh. */
export const violations = outputs.violations;
export const versions = outputs.versions;
/** The failover/failback steps of the last up, as its preview showed them. */
export const plan = outputs.plan;
/** The last switchover or failover: duration, catch-up wait, possible loss. */
export const lastFailover = outputs.lastFailover;
