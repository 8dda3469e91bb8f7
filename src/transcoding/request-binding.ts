import type { DescField, DescMessage, JsonObject, JsonValue, Message, Registry } from "@bufbuild/protobuf";
import { fromJson, ScalarType } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { assertDecimalIntegers } from "./decimal-integers.js";
import type { PathBindings } from "./path-template.js";
import { type RestRoute, resolveFieldPath } from "./route-table.js";

/**
 * Builds the request message for a route from the path bindings, the query string and the raw body.
 * Everything is first assembled as one proto3 JSON object (JSON names, so both spellings in the input
 * collapse to one key), then parsed once with fromJson, which accepts lowerCamelCase and snake_case.
 */
export function bindRequest(
  route: RestRoute,
  bindings: PathBindings,
  query: URLSearchParams,
  body: string,
  registry: Registry,
): Message {
  const input = route.method.input;
  let root: JsonObject = {};
  if (route.body === "*") {
    const parsed = parseBody(body);
    if (parsed !== undefined) {
      if (!isObject(parsed)) throw badRequest("request body must be a JSON object");
      root = canonicalKeys(input, parsed);
    }
  } else if (route.bodyField) {
    const parsed = parseBody(body);
    if (parsed !== undefined) root[route.bodyField.jsonName] = parsed;
  }
  // With body "*" every field not in the path comes from the body, so the query string binds nothing.
  if (route.body !== "*") bindQuery(route, query, root, registry);
  for (const [path, value] of bindings) {
    const chain = route.pathFields.get(path)!;
    setLeaf(root, chain, convertScalar(chain[chain.length - 1], value, path), path, false);
  }
  assertDecimalIntegers(input, root);
  try {
    return fromJson(input, root, { registry });
  } catch (e) {
    throw badRequest(`invalid request: ${(e as Error).message}`);
  }
}

/** The 400 every binding problem becomes; the message names the field. */
function badRequest(message: string): ConnectError {
  return new ConnectError(message, Code.InvalidArgument);
}

function parseBody(body: string): JsonValue | undefined {
  if (body.trim() === "") return undefined;
  try {
    return JSON.parse(body) as JsonValue;
  } catch (e) {
    throw badRequest(`malformed JSON body: ${(e as Error).message}`);
  }
}

function bindQuery(route: RestRoute, query: URLSearchParams, root: JsonObject, registry: Registry): void {
  const input = route.method.input;
  for (const [name, raw] of query) {
    if (route.pathFields.has(name)) continue;
    const chain = resolveFieldPath(input, name.split("."));
    // Unknown parameters (cache busters, lastEventId, access tokens) are not ours to reject.
    if (!chain) continue;
    if (route.bodyField && chain[0] === route.bodyField) continue;
    const leaf = chain[chain.length - 1];
    const value = queryValue(leaf, raw, name);
    // Check each parameter on its own so a bad value is reported under the parameter's name.
    try {
      fromJson(leaf.parent, { [leaf.jsonName]: leaf.fieldKind === "list" ? [value] : value }, { registry });
    } catch (e) {
      throw badRequest(`invalid value for query parameter "${name}": ${(e as Error).message}`);
    }
    setLeaf(root, chain, value, name, leaf.fieldKind === "list");
  }
}

/** Converts one query-string value to its proto3 JSON form for the leaf field. */
function queryValue(field: DescField, raw: string, name: string): JsonValue {
  switch (field.fieldKind) {
    case "scalar":
    case "enum":
      return convertScalar(field, raw, name);
    case "list":
      if (field.listKind === "message") return wktValue(field.message, raw, name);
      return field.listKind === "enum" ? enumValue(raw) : scalarValue(field.scalar, raw, name);
    case "message":
      return wktValue(field.message, raw, name);
    case "map":
      throw badRequest(`query parameter "${name}": map fields cannot be set from the query string`);
  }
}

function convertScalar(field: DescField, raw: string, name: string): JsonValue {
  if (field.fieldKind === "enum") return enumValue(raw);
  if (field.fieldKind === "scalar") return scalarValue(field.scalar, raw, name);
  throw badRequest(`"${name}" is not a scalar field`);
}

function enumValue(raw: string): JsonValue {
  return /^-?\d+$/.test(raw) ? Number(raw) : raw;
}

function scalarValue(type: ScalarType, raw: string, name: string): JsonValue {
  if (type !== ScalarType.BOOL) return raw; // proto3 JSON accepts numbers and 64-bit integers as strings
  if (raw === "true" || raw === "1" || raw === "") return true;
  if (raw === "false" || raw === "0") return false;
  throw badRequest(`invalid value for "${name}": expected true or false, got "${raw}"`);
}

/** Well-known types have a string or JSON form; other messages must be set field by field. */
function wktValue(message: DescMessage, raw: string, name: string): JsonValue {
  switch (message.typeName) {
    case "google.protobuf.Timestamp":
    case "google.protobuf.Duration":
    case "google.protobuf.FieldMask":
      return raw;
    case "google.protobuf.Struct":
    case "google.protobuf.ListValue":
      try {
        return JSON.parse(raw) as JsonValue;
      } catch {
        throw badRequest(`invalid value for "${name}": expected JSON`);
      }
    case "google.protobuf.Value":
      try {
        return JSON.parse(raw) as JsonValue;
      } catch {
        return raw;
      }
  }
  const wrapped =
    message.fields.length === 1 && message.typeName.startsWith("google.protobuf.") && message.fields[0];
  if (wrapped && wrapped.name === "value" && wrapped.fieldKind === "scalar") {
    return scalarValue(wrapped.scalar, raw, name);
  }
  throw badRequest(`query parameter "${name}" names a message; set its fields as "${name}.<field>"`);
}

/** Sets a value at a field chain inside the JSON object, creating intermediate objects. */
function setLeaf(
  root: JsonObject,
  chain: readonly DescField[],
  value: JsonValue,
  name: string,
  append: boolean,
) {
  let obj = root;
  for (let k = 0; k < chain.length - 1; k++) {
    const f = chain[k];
    const key = takeKey(obj, f);
    const next = key === undefined ? undefined : obj[key];
    if (next === undefined || next === null) {
      obj = obj[f.jsonName] = {};
    } else if (isObject(next)) {
      obj = obj[f.jsonName] = canonicalKeys(f.message!, next);
    } else {
      throw badRequest(
        `"${chain
          .slice(0, k + 1)
          .map((c) => c.name)
          .join(".")}" must be an object to set "${name}"`,
      );
    }
  }
  const leaf = chain[chain.length - 1];
  const key = takeKey(obj, leaf);
  const prev = key === undefined ? undefined : obj[key];
  obj[leaf.jsonName] = append ? [...(Array.isArray(prev) ? prev : []), value] : value;
}

/** Moves a field's value from whichever spelling the client used to its JSON name; returns that key. */
function takeKey(obj: JsonObject, field: DescField): string | undefined {
  if (field.jsonName in obj) return field.jsonName;
  if (field.name in obj) {
    obj[field.jsonName] = obj[field.name];
    delete obj[field.name];
    return field.jsonName;
  }
  return undefined;
}

/** Renames proto-name keys of one object level to JSON names, so path values never duplicate a key. */
function canonicalKeys(message: DescMessage, obj: JsonObject): JsonObject {
  const out: JsonObject = { ...obj };
  for (const f of message.fields) {
    if (f.name !== f.jsonName && f.name in out && !(f.jsonName in out)) {
      out[f.jsonName] = out[f.name];
      delete out[f.name];
    }
  }
  return out;
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
