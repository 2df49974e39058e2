import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";

export interface Jdk {
  home: string;
  feature: number;
}

function featureOfHome(home: string): number | undefined {
  // The `release` file is the cheapest reliable source; fall back to asking the binary.
  try {
    const rel = fs.readFileSync(path.join(home, "release"), "utf8");
    const m = /JAVA_VERSION="(\d+)/.exec(rel);
    if (m) return Number(m[1]);
  } catch { /* no release file */ }
  try {
    const out = execFileSync(path.join(home, "bin", "java"), ["-version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const m = /version "(\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  } catch (e) {
    const m = /version "(\d+)/.exec(String((e as { stderr?: string }).stderr ?? ""));
    return m ? Number(m[1]) : undefined;
  }
}

function candidates(): string[] {
  const homes: string[] = [];
  if (process.env.ES_JAVA_HOME) homes.push(process.env.ES_JAVA_HOME);
  if (process.env.JAVA_HOME) homes.push(process.env.JAVA_HOME);
  for (const root of ["/usr/lib/jvm", "/opt/java", "/opt"]) {
    try {
      for (const d of fs.readdirSync(root)) homes.push(path.join(root, d));
    } catch { /* not there */ }
  }
  try {
    const java = execFileSync("sh", ["-c", "command -v java"], { encoding: "utf8" }).trim();
    if (java) homes.push(path.dirname(path.dirname(fs.realpathSync(java))));
  } catch { /* no java on PATH */ }
  return [...new Set(homes)].filter((h) => fs.existsSync(path.join(h, "bin", "java")));
}

/**
 * Finds a JDK of at least `minimum`. ES_JAVA_HOME wins when it qualifies; otherwise the oldest qualifying JDK is
 * taken (the version Elasticsearch was tested with most), so 8.x runs on 17 and 9.x on 21+ when both exist.
 */
export function findJdk(minimum: number): Jdk {
  const found = candidates()
    .map((home) => ({ home, feature: featureOfHome(home) }))
    .filter((j): j is Jdk => j.feature !== undefined);
  const explicit = process.env.ES_JAVA_HOME;
  if (explicit) {
    const j = found.find((f) => f.home === explicit);
    if (j && j.feature >= minimum) return j;
    throw new Error(`ES_JAVA_HOME=${explicit} is Java ${j?.feature ?? "unknown"}, but this Elasticsearch needs Java ${minimum} or newer`);
  }
  const ok = found.filter((j) => j.feature >= minimum).sort((a, b) => a.feature - b.feature);
  if (ok.length === 0) {
    const seen = found.map((j) => `${j.home} (Java ${j.feature})`).join(", ") || "none";
    throw new Error(`no JDK ${minimum}+ found (looked at ES_JAVA_HOME, JAVA_HOME, /usr/lib/jvm/*, java on PATH; saw: ${seen}). Install a JDK ${minimum} or newer and set ES_JAVA_HOME.`);
  }
  return ok[0];
}
