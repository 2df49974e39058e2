import { containsUnknown } from "./unknown";

/** What `diff` tells the engine. `stables` is omitted: the shim drops it. */
export interface DiffOutcome {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** Deep equality of JSON values, order-insensitive for object keys. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined).sort();
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined).sort();
  return jsonEqual(ka, kb) && ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** A desired value that is unknown during preview may change anything, so it counts as a change. */
export function differs(old: unknown, desired: unknown): boolean {
  return containsUnknown(desired) || !jsonEqual(old, desired);
}

/** Collects changed properties, split into in-place updates and replacements. */
export class DiffBuilder {
  readonly updates: string[] = [];
  readonly replaces: string[] = [];

  update(property: string, old: unknown, desired: unknown): this {
    if (differs(old, desired)) this.updates.push(property);
    return this;
  }

  replace(property: string, old: unknown, desired: unknown): this {
    if (differs(old, desired)) this.replaces.push(property);
    return this;
  }

  /** `deleteBeforeReplace` when the physical name stays the same: two objects with one name cannot coexist. */
  build(deleteBeforeReplace: boolean): DiffOutcome {
    return {
      changes: this.updates.length + this.replaces.length > 0,
      replaces: [...this.replaces],
      deleteBeforeReplace: this.replaces.length > 0 && deleteBeforeReplace,
    };
  }
}
