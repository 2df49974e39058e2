import * as os from "node:os";
import * as path from "node:path";

/** Root of everything the sandbox caches or runs outside the repository (distributions, node dirs, the CLI build). */
export function cacheRoot(): string {
  if (process.env.CCR_CACHE_DIR) return process.env.CCR_CACHE_DIR;
  // Elasticsearch refuses to run as root, so as root the nodes run as an unprivileged user (see es/run-as.ts),
  // which must be able to read the distribution and write its node directory: /root is not traversable for it.
  if (process.getuid?.() === 0) return "/var/cache/es-ccr";
  return path.join(os.homedir(), ".cache", "es-ccr");
}

/** Directory the running nodes live in; one sub-directory per node, removed when the node stops. */
export function runRoot(): string {
  return path.join(cacheRoot(), "run");
}

/** Repository root (works from sources run by tsx/vitest and from the compiled dist/ tree). */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (require("node:fs").existsSync(path.join(dir, "package.json"))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find package.json above ${__dirname}`);
}
