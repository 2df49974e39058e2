// Entry point for `pulumi up` with the Node.js language host (see Pulumi.yaml). The sandbox's main job
// (`npm run main`) runs the same program as an Automation API inline program.
import { replicationProgram } from "./program";

const outputs = replicationProgram();
export const remoteConnected = outputs.remoteConnected;
export const followers = outputs.followers;
export const autoFollowErrors = outputs.autoFollowErrors;
