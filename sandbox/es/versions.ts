/**
 * Elasticsearch versions the sandbox runs. The pins are the newest integ-test-zip builds found on Maven Central
 * (see README, "What is real"). CCR_ES_VERSION picks one: a major ("8", "9") or an exact version ("8.19.21").
 */
export const PINNED_VERSIONS: Record<string, string> = {
  "8": "8.19.21",
  "9": "9.5.4",
};

export function resolveEsVersion(spec: string | undefined = process.env.CCR_ES_VERSION): string {
  const s = (spec ?? "8").trim();
  if (/^\d+$/.test(s)) {
    const v = PINNED_VERSIONS[s];
    if (!v) throw new Error(`CCR_ES_VERSION=${s}: no pinned version for major ${s}; use one of ${Object.keys(PINNED_VERSIONS).join(", ")} or an exact x.y.z`);
    return v;
  }
  if (!/^\d+\.\d+\.\d+$/.test(s)) throw new Error(`CCR_ES_VERSION=${s}: expected a major ("8", "9") or an exact version like 8.19.21`);
  return s;
}

export function majorOf(version: string): number {
  return Number(version.split(".")[0]);
}

/** The lowest Java feature release each major needs (8.x: 17, 9.x: 21). */
export function minimumJava(version: string): number {
  return majorOf(version) >= 9 ? 21 : 17;
}
