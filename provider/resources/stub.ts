import type * as pulumi from "@pulumi/pulumi";

/**
 * The provider object that Pulumi serializes into state for every resource. It must stay tiny and stable: it holds
 * only the kind, and loads the implementation by package name when a method is called. Nothing else from this package
 * may be referenced here, because closure serialization would copy it (and anything it captures) by value.
 */
export function stubProvider(kind: string): pulumi.dynamic.ResourceProvider {
  const impl = () => require("pulumi-elasticsearch-ccr/dynamic");
  return {
    configure: (req) => impl().configure(req),
    check: (olds, news) => impl().provider(kind).check(olds, news),
    diff: (id, olds, news) => impl().provider(kind).diff(id, olds, news),
    create: (inputs) => impl().provider(kind).create(inputs),
    read: (id, props) => impl().provider(kind).read(id, props),
    update: (id, olds, news) => impl().provider(kind).update(id, olds, news),
    delete: (id, props) => impl().provider(kind).delete(id, props),
  };
}
