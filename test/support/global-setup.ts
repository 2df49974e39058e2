import { reapOrphans } from "../../sandbox/es/process-guard";
import { resolveEsVersion } from "../../sandbox/es/versions";

export default function setup(): void {
  // A previous run that was killed outright may have left nodes whose watchdog has not fired yet.
  reapOrphans((s) => console.log(`[global-setup] ${s}`));
  console.log(`[global-setup] Elasticsearch ${resolveEsVersion()} (CCR_ES_VERSION=${process.env.CCR_ES_VERSION ?? "8"})`);
}
