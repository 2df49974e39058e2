import { Failures } from "./check";

/**
 * Adoption: the engine cannot import dynamic resources (provider/README.md), so declaring an object that already
 * exists and running `up` is how it comes under management. Create then finds it and, instead of failing, adopts it.
 *
 * - `adoptExisting: "match"` (default): adopt only when what defines the object (where a remote alias points, what a
 *   follower follows, what a pattern matches) already is what is declared; the rest (tuning, settings, status, …) is
 *   then converged like any update. Anything else is refused with a message naming each difference.
 * - `adoptExisting: "overwrite"`: also rewrite those defining properties where Elasticsearch can (a remote alias's
 *   address, a pattern's definition). A follower can never be re-pointed, so for a FollowerIndex it changes nothing.
 * - `adoptedOnDestroy: "release"` (default): destroying an adopted object only removes it from the stack; the
 *   cluster keeps it exactly as it is. `"destroy"` treats it like an object Pulumi created.
 */
/** How create treats an object that already exists under the declared name (see above). */
export type AdoptMode = "match" | "overwrite";
export const ADOPT_MODES: readonly AdoptMode[] = ["match", "overwrite"];
/** What destroy does with an object that create adopted (see above). */
export type AdoptedOnDestroy = "release" | "destroy";
export const ADOPTED_ON_DESTROY: readonly AdoptedOnDestroy[] = ["release", "destroy"];

/** The inputs every resource shares for adoption. */
export interface AdoptionInputs {
  /**
   * When create finds the object already there: `"match"` (default) adopts it only if what defines it matches the
   * declaration and otherwise refuses, listing the differences; `"overwrite"` also rewrites what Elasticsearch lets
   * change (never a follower's leader or a pattern's remote).
   */
  adoptExisting?: AdoptMode;
  /**
   * What destroy does with an adopted object: `"release"` (default) leaves it exactly as it is and only removes it
   * from the stack; `"destroy"` deletes it like an object Pulumi created.
   */
  adoptedOnDestroy?: AdoptedOnDestroy;
}

/** The outputs every resource shares for identity and ownership. */
export interface OwnershipOutputs {
  /** True when create found the object already there and took it over (see adoptedOnDestroy). */
  adopted: boolean;
  /** The UUID of the cluster the object lives on, recorded on create. */
  clusterUuid?: string;
}

export function checkAdoption(f: Failures, news: Record<string, unknown>): void {
  f.oneOf("adoptExisting", news.adoptExisting, ADOPT_MODES);
  f.oneOf("adoptedOnDestroy", news.adoptedOnDestroy, ADOPTED_ON_DESTROY);
}

/** One property in which the existing object differs from the declaration. */
export interface Difference {
  property: string;
  existing: unknown;
  declared: unknown;
  /** Elasticsearch cannot change it on the existing object (a follower's leader), or must not in place (a pattern's remote). */
  immutable?: boolean;
}

export function describeDifferences(diffs: readonly Difference[]): string {
  return diffs.map((d) => `${d.property}: existing ${JSON.stringify(d.existing ?? null)}, declared ${JSON.stringify(d.declared ?? null)}`).join("; ");
}

/**
 * Whether create may adopt an existing object that differs from the declaration in `diffs` (its defining
 * properties): a refusal `{ what, fix }`, or undefined.
 */
export function adoptionRefusal(what: string, diffs: readonly Difference[], mode: AdoptMode | undefined): { what: string; fix: string } | undefined {
  if (diffs.length === 0) return undefined;
  const overwritable = diffs.every((d) => !d.immutable);
  if (overwritable && mode === "overwrite") return undefined;
  const text = `${what} already exists and differs from the declaration (${describeDifferences(diffs)}), so it is not adopted`;
  return overwritable
    ? { what: text, fix: "declare what exists to adopt it as it is, set adoptExisting: \"overwrite\" to adopt it and rewrite it as declared, or choose another name" }
    : { what: text, fix: "it cannot be changed into what is declared: choose another name, or remove the existing object yourself (Pulumi does not delete what it did not create)" };
}

/** Destroy leaves an adopted object alone unless the user opted in. */
export function releasedOnDestroy(o: { adopted?: boolean; adoptedOnDestroy?: AdoptedOnDestroy }): boolean {
  return o.adopted === true && (o.adoptedOnDestroy ?? "release") === "release";
}

/**
 * A replace that deletes first under the same name would, for a released adopted object, leave it in place and then
 * fail to create the new one over it. Diff has no other way to stop a preview than an error, so it throws this.
 */
export function adoptedReplaceProblem(kind: string, name: string, o: { adopted?: boolean; adoptedOnDestroy?: AdoptedOnDestroy }, replaces: readonly string[]): string | undefined {
  if (!releasedOnDestroy(o) || replaces.length === 0) return undefined;
  return `${kind} "${name}": changing ${replaces.join(", ")} replaces it, but it was adopted (it existed before Pulumi managed it) and ` +
    `adoptedOnDestroy is "release", so the old one would stay in place and the new one could not be created under the same name. ` +
    `Fix: first run an update that only sets adoptedOnDestroy: "destroy" (Pulumi may then delete it), or give it a new name`;
}
