import { type DescField, type DescMethod, ScalarType } from "@bufbuild/protobuf";
import { methodPermission } from "../../../src/interceptors/method-permission.js";
import { API_SERVICES } from "../../../src/server/services.js";
import { buildRoutes, type RestRoute } from "../../../src/transcoding/route-table.js";

/** One RPC as the suite sees it: what it is, the permission its proto declares and its REST bindings. */
export interface CatalogRpc {
  readonly method: DescMethod;
  /** "ect.v1.CaseService/GetCase". */
  readonly id: string;
  /** The `(ect.v1.permission)` option: "public", "authenticated", a permission name, or undefined if none. */
  readonly permission: string | undefined;
  /** Every google.api.http binding of the RPC (additional_bindings included). */
  readonly routes: readonly RestRoute[];
}

/**
 * Every RPC of every application service (ect.v1.* and workflow.WorkflowService), read from the
 * descriptors the server itself serves, so a new RPC joins every security check without a test edit.
 */
export function rpcCatalog(): CatalogRpc[] {
  const routes = buildRoutes(API_SERVICES);
  return API_SERVICES.flatMap((service) =>
    service.methods.map((method) => ({
      method,
      id: `${service.typeName}/${method.name}`,
      permission: methodPermission(method),
      routes: routes.filter((route) => route.method === method),
    })),
  );
}

/** True for a permission that names a grant (not "public" or "authenticated"). */
export function isNamedPermission(permission: string | undefined): permission is string {
  return permission !== undefined && permission !== "public" && permission !== "authenticated";
}

/** A well-formed value for a path variable bound to `field`: "1" for numbers and text, "true" for bools. */
export function plainPathValue(field: DescField): string {
  return field.fieldKind === "scalar" && field.scalar === ScalarType.BOOL ? "true" : "1";
}

/**
 * The request path of a route with each wildcard segment of a variable filled by `fill(field)`
 * (inserted as given: encode it yourself, or don't, to send a malformed path on purpose).
 */
export function restPath(route: RestRoute, fill: (field: DescField) => string = plainPathValue): string {
  const { segments, variables, verb } = route.template;
  const parts = segments.map((segment) => (segment.kind === "literal" ? segment.value : "1"));
  for (const variable of variables) {
    const chain = route.pathFields.get(variable.fieldPath.join("."));
    const leaf = chain?.[chain.length - 1];
    if (!leaf) continue;
    for (let k = variable.start; k < variable.end; k++) {
      if (segments[k].kind !== "literal") parts[k] = fill(leaf);
    }
  }
  return `/${parts.join("/")}${verb === undefined ? "" : `:${verb}`}`;
}

/** True when the route reads its request from a JSON body. */
export function hasBody(route: RestRoute): boolean {
  return route.body !== "";
}
