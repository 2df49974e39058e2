import * as pulumi from "@pulumi/pulumi";
import type { ConnectionInputs } from "../client/connection";

/** Every property of T as a Pulumi input (arrays and nested objects too). */
export type Args<T> = { [K in keyof T]: pulumi.Input<NonNullable<T[K]>> };

/**
 * The connection may carry credentials, so it is always a secret input; the engine then keeps the same-named output
 * secret too, and `additionalSecretOutputs` makes that explicit.
 */
export function secretConnection(c: pulumi.Input<ConnectionInputs> | undefined): pulumi.Output<ConnectionInputs> | undefined {
  return c === undefined ? undefined : pulumi.secret(c);
}

export function withSecretConnection(opts: pulumi.CustomResourceOptions | undefined, extra: string[] = []): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "connection", ...extra] };
}

/** Pulumi type tokens: pulumi-nodejs:dynamic/elasticsearch-ccr:<Kind>. */
export const MODULE = "elasticsearch-ccr";
