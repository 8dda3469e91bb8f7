import type { DescField, DescMessage, DescMethod, DescService } from "@bufbuild/protobuf";
import { getExtension, hasExtension } from "@bufbuild/protobuf";
import { http } from "../gen/google/api/annotations_pb.js";
import type { HttpRule } from "../gen/google/api/http_pb.js";
import {
  compareSpecificity,
  matchPathTemplate,
  type PathBindings,
  type PathTemplate,
  parsePathTemplate,
  templateSpecificity,
} from "./path-template.js";

/** One HTTP binding of one RPC, derived from a google.api.http rule or one of its additional_bindings. */
export interface RestRoute {
  /** Upper-case HTTP method (GET, POST, … or a custom kind). */
  readonly httpMethod: string;
  readonly template: PathTemplate;
  readonly method: DescMethod;
  /** "" (no body), "*" (whole request) or the name of the request field the body fills. */
  readonly body: string;
  /** The body field, when `body` names one. */
  readonly bodyField: DescField | undefined;
  /** The response field sent as the whole body, when `response_body` names one. */
  readonly responseBodyField: DescField | undefined;
  /** For each path variable, the chain of fields from the request message down. */
  readonly pathFields: ReadonlyMap<string, readonly DescField[]>;
  readonly specificity: readonly number[];
}

/** What a request path and method resolved to. */
export type RouteMatch =
  | { readonly kind: "found"; readonly route: RestRoute; readonly bindings: PathBindings }
  | { readonly kind: "method-not-allowed"; readonly allow: readonly string[] }
  | { readonly kind: "not-found" };

/** Builds every REST route the services declare; throws naming the RPC when a rule is inconsistent. */
export function buildRoutes(services: readonly DescService[]): RestRoute[] {
  const routes: RestRoute[] = [];
  for (const service of services) {
    for (const method of service.methods) {
      if (!method.proto.options || !hasExtension(method.proto.options, http)) continue;
      const rule = getExtension(method.proto.options, http);
      for (const r of [rule, ...rule.additionalBindings]) {
        const route = routeFromRule(method, r);
        if (route) routes.push(route);
      }
    }
  }
  // Most specific first, so the first match per method is the winner.
  return routes.sort((a, b) => compareSpecificity(a.specificity, b.specificity));
}

/** Finds the route for a method and raw path: 404 when no path matches, 405 when only other methods do. */
export function matchRoute(routes: readonly RestRoute[], httpMethod: string, path: string): RouteMatch {
  let allow: Set<string> | undefined;
  // HEAD is answered by GET routes; the handler omits the body.
  const wanted = httpMethod === "HEAD" ? "GET" : httpMethod;
  for (const route of routes) {
    const bindings = matchPathTemplate(route.template, path);
    if (!bindings) continue;
    if (route.httpMethod === wanted) return { kind: "found", route, bindings };
    allow ??= new Set();
    allow.add(route.httpMethod);
  }
  return allow ? { kind: "method-not-allowed", allow: [...allow].sort() } : { kind: "not-found" };
}

function routeFromRule(method: DescMethod, rule: HttpRule): RestRoute | undefined {
  const where = `${method.parent.typeName}.${method.name}`;
  let httpMethod: string;
  let path: string;
  switch (rule.pattern.case) {
    case undefined:
      return undefined;
    case "custom":
      httpMethod = rule.pattern.value.kind.toUpperCase();
      path = rule.pattern.value.path;
      break;
    default:
      httpMethod = rule.pattern.case.toUpperCase();
      path = rule.pattern.value;
  }
  // A client stream has a REST form only as a raw upload: its body field a google.api.HttpBody (http-body.ts).
  const rawUpload = method.methodKind === "client_streaming" && isHttpBodyField(method, rule.body);
  if ((method.methodKind === "client_streaming" && !rawUpload) || method.methodKind === "bidi_streaming") {
    throw new Error(`${where}: client-streaming RPCs cannot be transcoded to REST`);
  }
  let template: PathTemplate;
  try {
    template = parsePathTemplate(path);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
  const pathFields = new Map<string, readonly DescField[]>();
  for (const v of template.variables) {
    const chain = resolveFieldPath(method.input, v.fieldPath);
    const leaf = chain?.[chain.length - 1];
    if (!chain || leaf?.fieldKind !== "scalar") {
      throw new Error(`${where}: path variable "${v.fieldPath.join(".")}" is not a singular scalar field`);
    }
    pathFields.set(v.fieldPath.join("."), chain);
  }
  let bodyField: DescField | undefined;
  if (rule.body !== "" && rule.body !== "*") {
    bodyField = method.input.fields.find((f) => f.name === rule.body);
    if (!bodyField) throw new Error(`${where}: body field "${rule.body}" does not exist`);
  }
  let responseBodyField: DescField | undefined;
  if (rule.responseBody !== "") {
    responseBodyField = method.output.fields.find((f) => f.name === rule.responseBody);
    if (!responseBodyField) throw new Error(`${where}: response_body "${rule.responseBody}" does not exist`);
  }
  return {
    httpMethod,
    template,
    method,
    body: rule.body,
    bodyField,
    responseBodyField,
    pathFields,
    specificity: templateSpecificity(template),
  };
}

/** Follows a dotted field path (proto or JSON names) through singular message fields. */
export function resolveFieldPath(message: DescMessage, path: readonly string[]): DescField[] | undefined {
  const chain: DescField[] = [];
  let current: DescMessage | undefined = message;
  for (const name of path) {
    if (!current) return undefined;
    const field: DescField | undefined = current.fields.find((f) => f.name === name || f.jsonName === name);
    if (!field) return undefined;
    chain.push(field);
    current = field.fieldKind === "message" ? field.message : undefined;
  }
  return chain;
}

/** Whether the rule's body field is a google.api.HttpBody: the raw request body of an upload. */
function isHttpBodyField(method: DescMethod, body: string): boolean {
  const field = method.input.fields.find((f) => f.name === body);
  return field?.fieldKind === "message" && field.message.typeName === "google.api.HttpBody";
}
