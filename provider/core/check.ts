import { isUnknown } from "./unknown";

/** A `check` failure as the dynamic-provider shim forwards it: the property path and what to do about it. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/**
 * Collects failures while validating one resource's inputs. Every rule skips unknown values, because during a preview
 * an input computed from another resource is not known yet and must not fail the plan.
 */
export class Failures {
  readonly list: CheckFailure[] = [];

  add(property: string, reason: string): void {
    this.list.push({ property, reason });
  }

  /** Required, non-empty string. Returns the value when it is a known string. */
  requireString(property: string, v: unknown, hint: string): string | undefined {
    if (isUnknown(v)) return undefined;
    if (v !== undefined && v !== null && typeof v !== "string") {
      // A value of the wrong type was given: "is required" would send the user looking for a missing property.
      this.add(property, `${property} must be a string, got ${Array.isArray(v) ? "a list" : typeof v} ${JSON.stringify(v)}: ${hint}`);
      return undefined;
    }
    if (typeof v !== "string" || v.trim() === "") {
      this.add(property, `${property} is required: ${hint}`);
      return undefined;
    }
    return v;
  }

  optionalString(property: string, v: unknown): string | undefined {
    if (v === undefined || v === null || isUnknown(v)) return undefined;
    if (typeof v !== "string") {
      this.add(property, `${property} must be a string, got ${typeof v}`);
      return undefined;
    }
    return v;
  }

  optionalBoolean(property: string, v: unknown): void {
    if (v === undefined || v === null || isUnknown(v)) return;
    if (typeof v !== "boolean") this.add(property, `${property} must be true or false, got ${JSON.stringify(v)}`);
  }

  oneOf<T extends string>(property: string, v: unknown, allowed: readonly T[]): void {
    if (v === undefined || v === null || isUnknown(v)) return;
    if (!allowed.includes(v as T)) {
      this.add(property, `${property} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${JSON.stringify(v)}`);
    }
  }

  positiveInt(property: string, v: unknown, max = 2147483647): void {
    if (v === undefined || v === null || isUnknown(v)) return;
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0 || v > max) {
      this.add(property, `${property} must be a whole number between 1 and ${max}, got ${JSON.stringify(v)}`);
    }
  }

  stringList(property: string, v: unknown, opts: { nonEmpty: boolean; hint: string }): string[] | undefined {
    if (v === undefined || v === null) {
      if (opts.nonEmpty) this.add(property, `${property} is required: ${opts.hint}`);
      return undefined;
    }
    if (isUnknown(v)) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string" && !isUnknown(x))) {
      this.add(property, `${property} must be a list of strings: ${opts.hint}`);
      return undefined;
    }
    if (opts.nonEmpty && v.length === 0) this.add(property, `${property} must not be empty: ${opts.hint}`);
    return v.filter((x): x is string => !isUnknown(x));
  }
}
