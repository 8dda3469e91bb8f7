import {
  type DescField,
  type DescMessage,
  type JsonObject,
  type JsonValue,
  ScalarType,
} from "@bufbuild/protobuf";
import { invalidArgument } from "../errors.js";

const integerScalars: ReadonlySet<ScalarType> = new Set([
  ScalarType.INT32,
  ScalarType.UINT32,
  ScalarType.SINT32,
  ScalarType.FIXED32,
  ScalarType.SFIXED32,
  ScalarType.INT64,
  ScalarType.UINT64,
  ScalarType.SINT64,
  ScalarType.FIXED64,
  ScalarType.SFIXED64,
]);

/** Wrapper messages whose JSON form is the bare integer they wrap. */
const integerWrappers = new Set([
  "google.protobuf.Int32Value",
  "google.protobuf.UInt32Value",
  "google.protobuf.Int64Value",
  "google.protobuf.UInt64Value",
]);

const decimal = /^-?\d+$/;

/**
 * Refuses integer fields written in JSON as anything but a decimal integer: protobuf-es reads a
 * string with `Number()` or `BigInt()`, so `"0x10"`, `"1e1"` or `"0b10"` would pass as 16, 10 or 2.
 * INVALID_ARGUMENT names the field (its proto name, with list indexes and map keys). Everything
 * else is left for fromJson to judge.
 */
export function assertDecimalIntegers(message: DescMessage, json: JsonValue, path = ""): void {
  if (!isObject(json)) return;
  for (const field of message.fields) {
    const value = json[field.jsonName] ?? json[field.name];
    if (value === undefined || value === null) continue;
    checkField(field, value, path === "" ? field.name : `${path}.${field.name}`);
  }
}

function checkField(field: DescField, value: JsonValue, name: string): void {
  switch (field.fieldKind) {
    case "scalar":
      if (integerScalars.has(field.scalar)) checkInteger(value, name);
      return;
    case "message":
      checkMessage(field.message, value, name);
      return;
    case "list":
      if (!Array.isArray(value)) return;
      value.forEach((element, index) => {
        const at = `${name}[${index}]`;
        if (field.listKind === "scalar" && integerScalars.has(field.scalar)) checkInteger(element, at);
        if (field.listKind === "message") checkMessage(field.message, element, at);
      });
      return;
    case "map":
      if (!isObject(value)) return;
      for (const [key, element] of Object.entries(value)) {
        const at = `${name}[${JSON.stringify(key)}]`;
        if (integerScalars.has(field.mapKey)) checkInteger(key, at);
        if (field.mapKind === "scalar" && integerScalars.has(field.scalar)) checkInteger(element, at);
        if (field.mapKind === "message") checkMessage(field.message, element, at);
      }
      return;
    case "enum":
      return;
  }
}

function checkMessage(message: DescMessage, value: JsonValue, name: string): void {
  if (integerWrappers.has(message.typeName)) checkInteger(value, name);
  else if (!message.typeName.startsWith("google.protobuf.")) assertDecimalIntegers(message, value, name);
}

function checkInteger(value: JsonValue, name: string): void {
  if (typeof value === "string" && !decimal.test(value)) {
    throw invalidArgument(name, `must be a decimal integer, got ${JSON.stringify(value.slice(0, 40))}`);
  }
  if (typeof value === "number" && !Number.isInteger(value)) {
    throw invalidArgument(name, `must be a decimal integer, got ${value}`);
  }
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
