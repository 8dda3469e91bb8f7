import type { DescEnum, DescField, DescMessage } from "@bufbuild/protobuf";
import { ScalarType } from "@bufbuild/protobuf";
import type { ProtoComments } from "./openapi-comments.js";

/** A JSON Schema (OpenAPI 3.1 dialect) object. */
export type Schema = { [key: string]: unknown };

/** The `#/components/schemas` key of a message or enum. */
export function schemaRef(typeName: string): Schema {
  return { $ref: `#/components/schemas/${typeName}` };
}

const int64Types = new Set([
  ScalarType.INT64,
  ScalarType.UINT64,
  ScalarType.SINT64,
  ScalarType.FIXED64,
  ScalarType.SFIXED64,
]);

/** The proto3 JSON schema of a scalar; 64-bit integers are decimal strings. */
export function scalarSchema(type: ScalarType): Schema {
  switch (type) {
    case ScalarType.STRING:
      return { type: "string" };
    case ScalarType.BOOL:
      return { type: "boolean" };
    case ScalarType.BYTES:
      return { type: "string", contentEncoding: "base64" };
    case ScalarType.DOUBLE:
      return { type: "number", format: "double" };
    case ScalarType.FLOAT:
      return { type: "number", format: "float" };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: "integer", format: "int64", minimum: 0, maximum: 4294967295 };
    default:
      if (int64Types.has(type)) {
        return {
          type: "string",
          format: type === ScalarType.UINT64 || type === ScalarType.FIXED64 ? "uint64" : "int64",
          pattern: "^-?[0-9]+$",
        };
      }
      return { type: "integer", format: "int32" };
  }
}

/** Well-known types have a special JSON form instead of an object schema. */
const wktSchemas: Readonly<Record<string, Schema>> = {
  "google.protobuf.Timestamp": { type: "string", format: "date-time" },
  "google.protobuf.Duration": { type: "string", pattern: "^-?[0-9]+(\\.[0-9]{1,9})?s$", examples: ["1.5s"] },
  "google.protobuf.FieldMask": { type: "string", description: "Comma-separated lowerCamelCase field paths." },
  "google.protobuf.Struct": { type: "object", additionalProperties: true },
  "google.protobuf.Value": {},
  "google.protobuf.ListValue": { type: "array", items: {} },
  "google.protobuf.NullValue": { type: "null" },
  "google.protobuf.Empty": { type: "object" },
  "google.protobuf.Any": {
    type: "object",
    properties: { "@type": { type: "string" } },
    required: ["@type"],
    additionalProperties: true,
  },
  "google.protobuf.DoubleValue": scalarSchema(ScalarType.DOUBLE),
  "google.protobuf.FloatValue": scalarSchema(ScalarType.FLOAT),
  "google.protobuf.Int64Value": scalarSchema(ScalarType.INT64),
  "google.protobuf.UInt64Value": scalarSchema(ScalarType.UINT64),
  "google.protobuf.Int32Value": scalarSchema(ScalarType.INT32),
  "google.protobuf.UInt32Value": scalarSchema(ScalarType.UINT32),
  "google.protobuf.BoolValue": scalarSchema(ScalarType.BOOL),
  "google.protobuf.StringValue": scalarSchema(ScalarType.STRING),
  "google.protobuf.BytesValue": scalarSchema(ScalarType.BYTES),
};

/** The inline schema of a well-known type, or undefined for an ordinary message. */
export function wktSchema(typeName: string): Schema | undefined {
  return wktSchemas[typeName];
}

/** Collects component schemas for messages and enums reachable from the roots, with descriptions. */
export class SchemaCollector {
  /** The collected `components.schemas`. */
  readonly schemas: Record<string, Schema> = {};

  constructor(private readonly comments: ProtoComments) {}

  /** A schema for a message: inline for a well-known type, else a $ref (collecting the target). */
  message(desc: DescMessage): Schema {
    const wkt = wktSchema(desc.typeName);
    if (wkt) return wkt;
    if (!(desc.typeName in this.schemas)) {
      const schema: Schema = { type: "object", properties: {} };
      this.schemas[desc.typeName] = schema; // placed before recursing, so recursive types terminate
      const properties: Record<string, Schema> = {};
      for (const field of desc.fields) properties[field.jsonName] = this.field(field);
      schema.properties = properties;
      schema.additionalProperties = false;
      this.describe(schema, desc.typeName);
    }
    return schemaRef(desc.typeName);
  }

  /** A schema for an enum: its value names (numbers are accepted on input too). */
  enum(desc: DescEnum): Schema {
    if (desc.typeName === "google.protobuf.NullValue") return { type: "null" };
    if (!(desc.typeName in this.schemas)) {
      const schema: Schema = { type: "string", enum: desc.values.map((v) => v.name) };
      this.describe(schema, desc.typeName);
      this.schemas[desc.typeName] = schema;
    }
    return schemaRef(desc.typeName);
  }

  /** A schema for one field, with its comment as description. */
  field(field: DescField): Schema {
    const schema = this.fieldValue(field);
    const text = this.comments.get(`${field.parent.typeName}.${field.name}`);
    return text ? { ...schema, description: text } : schema;
  }

  /** A field's value schema without description. */
  fieldValue(field: DescField): Schema {
    switch (field.fieldKind) {
      case "scalar":
        return scalarSchema(field.scalar);
      case "enum":
        return this.enum(field.enum);
      case "message":
        return this.message(field.message);
      case "list":
        return { type: "array", items: this.element(field.listKind, field) };
      case "map":
        return { type: "object", additionalProperties: this.element(field.mapKind, field) };
    }
  }

  private element(
    kind: "scalar" | "enum" | "message",
    field: DescField & { fieldKind: "list" | "map" },
  ): Schema {
    if (kind === "enum" && field.enum) return this.enum(field.enum);
    if (kind === "message" && field.message) return this.message(field.message);
    return scalarSchema(field.scalar ?? ScalarType.STRING);
  }

  private describe(schema: Schema, name: string): void {
    const text = this.comments.get(name);
    if (text) schema.description = text;
  }
}
