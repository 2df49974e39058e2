// Entry point of the top-level project (Pulumi.yaml): `pulumi up` in the repository root runs this file with the
// Node.js language host, and so does the main job (`npm run main`, scripts/main.ts), after starting the local clusters.
import { replicationProgram } from "./program";

const outputs = replicationProgram();
/** One line of health: remote connected and its security model, pattern, follower counts, max lag. */
export const summary = outputs.summary;
export const followers = outputs.followers;
export const autoFollowErrors = outputs.autoFollowErrors;
