// Entry point (Pulumi.yaml `main`): the program is in program.ts, so that a test can run it with Pulumi's mocks.
import { dockerReplicas } from "./program";

const out = dockerReplicas();
/** Per cluster: its published HTTP URL and the transport seeds the other clusters use. */
export const endpoints = out.endpoints;
/** Per replica: whether its remote link to the leader is connected. */
export const linked = out.linked;
