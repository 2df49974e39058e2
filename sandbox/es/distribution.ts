import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { cacheRoot } from "../paths";

export const INTEG_TEST_ZIP_GROUP = "org.elasticsearch.distribution.integ-test-zip";

export function coordinate(version: string): string {
  return `${INTEG_TEST_ZIP_GROUP}:elasticsearch:${version}:zip`;
}

function m2Repo(): string {
  return process.env.MAVEN_REPO_LOCAL ?? path.join(os.homedir(), ".m2", "repository");
}

function zipPath(version: string): string {
  return path.join(m2Repo(), ...INTEG_TEST_ZIP_GROUP.split("."), "elasticsearch", version, `elasticsearch-${version}.zip`);
}

function requireTool(cmd: string, hint: string): void {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`'${cmd}' is not on PATH: ${hint}`);
}

/** Downloads the integ-test-zip into the local Maven repository (a no-op when it is already there). */
export function fetchIntegTestZip(version: string, log: (s: string) => void = () => {}): string {
  const zip = zipPath(version);
  if (fs.existsSync(zip)) return zip;
  requireTool("mvn", "install Apache Maven (3.6+); the sandbox obtains Elasticsearch from Maven Central with `mvn dependency:get`");
  log(`downloading ${coordinate(version)} with mvn dependency:get`);
  const r = spawnSync("mvn", ["-q", "-B", "dependency:get", "-Dtransitive=false", `-Dartifact=${coordinate(version)}`], {
    encoding: "utf8",
  });
  if (r.status !== 0 || !fs.existsSync(zip)) {
    const tail = `${r.stdout ?? ""}${r.stderr ?? ""}`.split("\n").filter((l) => /ERROR|Could not|not found/i.test(l)).slice(0, 4).join("\n");
    throw new Error(`could not download ${coordinate(version)} with mvn dependency:get (exit ${r.status}).\n${tail}`);
  }
  return zip;
}

/**
 * Returns the home directory of an unpacked Elasticsearch of `version`, downloading the official integ-test-zip
 * from Maven Central first when needed. The unpacked tree is cached outside the repository and shared read-only by
 * all nodes (each node gets its own config, data and logs directories). Safe when several processes do it at once:
 * each unpacks into its own temporary directory and renames it into place; the losers use the winner's tree.
 */
export function ensureDistribution(version: string, log: (s: string) => void = () => {}): string {
  const root = path.join(cacheRoot(), "es");
  const home = path.join(root, `elasticsearch-${version}`);
  if (fs.existsSync(path.join(home, "bin", "elasticsearch"))) return home;
  const zip = fetchIntegTestZip(version, log);
  requireTool("unzip", "install unzip (Debian: apt-get install unzip)");
  fs.mkdirSync(root, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(root, `.unpack-${version}-`));
  try {
    log(`unpacking ${path.basename(zip)}`);
    const r = spawnSync("unzip", ["-q", zip, "-d", tmp], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`unzip of ${zip} failed: ${r.stderr}`);
    const inner = path.join(tmp, `elasticsearch-${version}`);
    if (!fs.existsSync(path.join(inner, "bin", "elasticsearch"))) throw new Error(`${zip} does not contain elasticsearch-${version}/bin/elasticsearch`);
    try {
      fs.renameSync(inner, home);
    } catch (e) {
      // Another process unpacked the same version meanwhile (each unpacks into its own temporary directory and
      // renames it into place, so a tree at `home` is complete): renaming onto it fails with ENOTEMPTY/EEXIST.
      // Use the winner's tree; anything else, or a tree that is not complete, is a real error.
      const code = (e as NodeJS.ErrnoException).code;
      if ((code !== "ENOTEMPTY" && code !== "EEXIST") || !fs.existsSync(path.join(home, "bin", "elasticsearch"))) {
        throw new Error(`cannot move the unpacked Elasticsearch ${version} to ${home}: ${(e as Error).message}` +
          (code === "ENOTEMPTY" || code === "EEXIST" ? ` (${home} exists but is incomplete: remove it and retry)` : ""));
      }
      log(`Elasticsearch ${version} was unpacked by another process at the same time; using its tree`);
    }
    return home;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
