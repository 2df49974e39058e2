// Entry point (Pulumi.yaml `main`): the program is in program.ts, so that a test can run it with Pulumi's mocks.
import { dockerReplicas } from "./program";

const out = dockerReplicas();
/** Per cluster: its published HTTP URL and the transport seeds the other clusters use. */
export const endpoints = out.endpoints;
/** One line per link from the leader: remote connected, pattern, followers, max lag. */
export const health = out.health;
/** The safe upgrade order: followers first, the leader last. */
export const upgradeOrder = out.upgradeOrder;
