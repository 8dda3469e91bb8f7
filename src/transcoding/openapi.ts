import type { DescField, DescMessage, DescService } from "@bufbuild/protobuf";
import { getExtension, hasExtension } from "@bufbuild/protobuf";
import { permission } from "../gen/ect/v1/options_pb.js";
import { httpBodyField, returnsHttpBody } from "./http-body.js";
import type { ProtoComments } from "./openapi-comments.js";
import { SchemaCollector, schemaRef, wktSchema } from "./openapi-schemas.js";
import { buildRoutes, type RestRoute } from "./route-table.js";

/** A google.api.HttpBody body: the bytes themselves (http-body.ts). */
const RAW_BODY = { type: "string", format: "binary" } as const;

/** Settings for {@link buildOpenApiDocument}. */
export interface OpenApiOptions {
  /** The document's `info` object. */
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  /** Server URLs; default is the origin the document is served from. */
  readonly servers?: readonly { readonly url: string; readonly description?: string }[];
  /** Proto comments for descriptions (see commentsFromDescriptorSet); none when omitted. */
  readonly comments?: ProtoComments;
}

/** The OpenAPI document as plain JSON. */
export type OpenApiDocument = Record<string, unknown>;

/** The methods OpenAPI 3.1 can describe; custom google.api.http kinds (e.g. SEARCH) are left out. */
const openApiMethods = new Set(["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"]);

const statusSchemaName = "google.rpc.Status";

/** Builds an OpenAPI 3.1 document for the REST routes the services' google.api.http rules declare. */
export function buildOpenApiDocument(
  services: readonly DescService[],
  options: OpenApiOptions,
): OpenApiDocument {
  const comments = options.comments ?? new Map<string, string>();
  const schemas = new SchemaCollector(comments);
  const paths: Record<string, Record<string, unknown>> = {};
  const operationIds = new Set<string>();
  // Declaration order reads better in the docs than the matcher's specificity order.
  const routes = services.flatMap((s) =>
    buildRoutes([s]).sort((a, b) => s.methods.indexOf(a.method) - s.methods.indexOf(b.method)),
  );
  for (const route of routes) {
    if (!openApiMethods.has(route.httpMethod)) continue;
    const path = openApiPath(route);
    let id = `${route.method.parent.name}_${route.method.name}`;
    for (let k = 1; operationIds.has(id); k++) id = `${route.method.parent.name}_${route.method.name}_${k}`;
    operationIds.add(id);
    paths[path] ??= {};
    paths[path][route.httpMethod.toLowerCase()] = operation(route, id, schemas, comments);
  }
  schemas.schemas[statusSchemaName] = {
    type: "object",
    description: "The error body: a google.rpc.Status in proto3 JSON.",
    properties: {
      code: { type: "integer", format: "int32", description: "The google.rpc.Code value." },
      message: { type: "string" },
      details: { type: "array", items: wktSchema("google.protobuf.Any") },
    },
    required: ["code", "message"],
  };
  return {
    openapi: "3.1.0",
    info: options.info,
    ...(options.servers ? { servers: options.servers } : {}),
    tags: services.map((s) => ({ name: s.name, description: comments.get(s.typeName) ?? s.typeName })),
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      schemas: sortKeys(schemas.schemas),
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
  };
}

/** `/v1/{name=shelves/*}/books:stream` → `/v1/{name}/books:stream`; slashes inside travel as %2F. */
function openApiPath(route: RestRoute): string {
  const t = route.template;
  const parts: string[] = [];
  let k = 0;
  while (k < t.segments.length) {
    const v = t.variables.find((x) => x.start === k);
    if (v) {
      parts.push(`{${v.fieldPath.join(".")}}`);
      k = Math.max(v.end, k + 1);
      continue;
    }
    const s = t.segments[k];
    parts.push(s.kind === "literal" ? s.value : s.kind === "single" ? "*" : "**");
    k++;
  }
  return `/${parts.join("/")}${t.verb === undefined ? "" : `:${t.verb}`}`;
}

function operation(route: RestRoute, operationId: string, schemas: SchemaCollector, comments: ProtoComments) {
  const method = route.method;
  const doc = comments.get(`${method.parent.typeName}.${method.name}`);
  const isPublic =
    method.proto.options !== undefined &&
    hasExtension(method.proto.options, permission) &&
    getExtension(method.proto.options, permission) === "public";
  const op: Record<string, unknown> = {
    operationId,
    tags: [method.parent.name],
    summary: doc?.split("\n")[0] ?? method.name,
    ...(doc ? { description: doc } : {}),
    parameters: [...pathParameters(route, schemas), ...queryParameters(route, schemas)],
  };
  if (route.body !== "") {
    const schema = route.bodyField ? schemas.fieldValue(route.bodyField) : schemas.message(method.input);
    op.requestBody = httpBodyField(route)
      ? { required: true, content: { "*/*": { schema: RAW_BODY } } }
      : { required: true, content: { "application/json": { schema } } };
  }
  const output = route.responseBodyField
    ? schemas.fieldValue(route.responseBodyField)
    : schemas.message(method.output);
  const ok = returnsHttpBody(method)
    ? { description: "The raw body, with its own content type.", content: { "*/*": { schema: RAW_BODY } } }
    : method.methodKind === "server_streaming"
      ? {
          description:
            "A stream of messages: NDJSON by default, Server-Sent Events with Accept: text/event-stream, CSV with Accept: text/csv.",
          content: {
            "application/x-ndjson": {
              // One JSON message per line; a failure ends the stream with a line {"error": Status}.
              schema: output,
            },
            "text/event-stream": {
              schema: {
                type: "string",
                description:
                  "`id:` and `data:` (one JSON message) per event; `event: error` carries a Status.",
              },
            },
            "text/csv": {
              schema: {
                type: "string",
                description:
                  "RFC 4180: a header row (JSON names, nested fields as parent.child), one row per message; a failure ends it with a row `#error,<CODE>,<message>` one field longer than the header.",
              },
            },
          },
        }
      : { description: "OK", content: { "application/json": { schema: output } } };
  const error = (description: string) => ({
    description,
    content: { "application/json": { schema: schemaRef(statusSchemaName) } },
  });
  op.responses = {
    "200": ok,
    "400": error("The request is malformed or a field is invalid."),
    ...(isPublic
      ? {}
      : { "401": error("No valid bearer token."), "403": error("The caller lacks the permission.") }),
    default: error("Any other error, as a google.rpc.Status."),
  };
  if (isPublic) op.security = [];
  return op;
}

function pathParameters(route: RestRoute, schemas: SchemaCollector) {
  return route.template.variables.map((v) => {
    const chain = route.pathFields.get(v.fieldPath.join("."))!;
    const leaf = chain[chain.length - 1];
    const pattern = route.template.segments
      .slice(v.start, v.end)
      .map((s) => (s.kind === "literal" ? s.value : s.kind === "single" ? "*" : "**"))
      .join("/");
    const multi = v.end - v.start > 1 || pattern === "**";
    return {
      name: v.fieldPath.join("."),
      in: "path",
      required: true,
      ...(multi ? { description: `Matches \`${pattern}\` (its slashes may be sent as %2F).` } : {}),
      schema: schemas.fieldValue(leaf),
    };
  });
}

/** Every field not bound by the path or the body, flattened to dotted lowerCamelCase names. */
function queryParameters(route: RestRoute, schemas: SchemaCollector) {
  if (route.body === "*") return [];
  const bound = new Set([...route.pathFields.values()].map((chain) => chain[chain.length - 1]));
  const params: Record<string, unknown>[] = [];
  const walk = (message: DescMessage, prefix: string, seen: ReadonlySet<string>) => {
    for (const field of message.fields) {
      if (bound.has(field) || field === route.bodyField || field.fieldKind === "map") continue;
      const name = prefix + field.jsonName;
      const nested = nestedMessage(field);
      if (nested) {
        if (!seen.has(nested.typeName)) walk(nested, `${name}.`, new Set([...seen, nested.typeName]));
        continue;
      }
      if (field.fieldKind === "list" && field.listKind === "message" && !wktSchema(field.message.typeName))
        continue;
      params.push({ name, in: "query", required: false, schema: schemas.field(field) });
    }
  };
  walk(route.method.input, "", new Set([route.method.input.typeName]));
  return params;
}

/** A singular message field that is set through dotted names (not a well-known type). */
function nestedMessage(field: DescField): DescMessage | undefined {
  return field.fieldKind === "message" && !wktSchema(field.message.typeName) ? field.message : undefined;
}

function sortKeys<T>(obj: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => a.localeCompare(b)));
}
