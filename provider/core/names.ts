import { Failures } from "./check";

/**
 * Offline name rules. Elasticsearch accepts some invalid names at configuration time and only fails later (an
 * auto-follow pattern with an illegal follow_index_pattern fails every follow in the background), so these are checked
 * up front.
 */

const INDEX_FORBIDDEN = /[\\/*?"<>| ,#:]/;

/** Why `name` is not a legal index name, or undefined if it is. */
export function indexNameProblem(name: string): string | undefined {
  if (name.length === 0) return "must not be empty";
  if (name !== name.toLowerCase()) return "must be lower case";
  if (/^[-_+]/.test(name)) return "must not start with '-', '_' or '+'";
  if (name === "." || name === "..") return "must not be '.' or '..'";
  const bad = INDEX_FORBIDDEN.exec(name);
  if (bad) return `must not contain '${bad[0]}' (forbidden: \\ / * ? " < > | space , # :)`;
  if (Buffer.byteLength(name, "utf8") > 255) return "must be at most 255 bytes long";
  return undefined;
}

export const LEADER_INDEX_PLACEHOLDER = "{{leader_index}}";

/**
 * Problems of an auto-follow `follow_index_pattern`. The placeholder is substituted with a legal stand-in before the
 * index-name rules run. Without the placeholder every matched leader maps to the same follower name, which only works
 * for a single concrete leader pattern.
 */
export function followIndexPatternProblem(pattern: string, leaderPatterns: string[] | undefined): string | undefined {
  const substituted = pattern.split(LEADER_INDEX_PLACEHOLDER).join("x");
  if (/\{\{|\}\}/.test(substituted)) return `the only placeholder Elasticsearch knows is ${LEADER_INDEX_PLACEHOLDER}`;
  const p = indexNameProblem(substituted);
  if (p) return `the resulting index name ${p}`;
  const many = leaderPatterns && (leaderPatterns.length > 1 || leaderPatterns.some((l) => l.includes("*")));
  if (many && !pattern.includes(LEADER_INDEX_PLACEHOLDER)) {
    return `must contain ${LEADER_INDEX_PLACEHOLDER} because several leader indexes can match; otherwise they all map to one follower name`;
  }
  return undefined;
}

/** Auto-follow pattern names: no comma, not starting with '_', ≤ 255 bytes (PutAutoFollowPatternAction.validate). */
export function patternNameProblem(name: string): string | undefined {
  if (name.length === 0) return "must not be empty";
  if (name.includes(",")) return "must not contain ','";
  if (name.startsWith("_")) return "must not start with '_'";
  if (Buffer.byteLength(name, "utf8") > 255) return "must be at most 255 bytes long";
  return undefined;
}

/** Remote cluster aliases become a settings key segment (`cluster.remote.<alias>.mode`), so dots would nest it. */
export function remoteAliasProblem(alias: string): string | undefined {
  if (alias.length === 0) return "must not be empty";
  if (!/^[A-Za-z0-9_-]+$/.test(alias)) return "may only contain letters, digits, '_' and '-' (it becomes part of the settings key cluster.remote.<alias>.*)";
  return undefined;
}

/** A remote cluster alias input: required and well-formed. */
export function checkAlias(f: Failures, property: string, v: unknown, hint: string): void {
  const alias = f.requireString(property, v, hint);
  const p = alias === undefined ? undefined : remoteAliasProblem(alias);
  if (p) f.add(property, `${property} "${alias}" ${p}`);
}
