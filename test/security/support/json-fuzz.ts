import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { integerAccepts } from "./integer-accepts.js";
import type { SeededRandom } from "./seeded-random.js";

/** The kinds of bad JSON input the fuzz sends in bodies, queries and Connect JSON requests. */
export type JsonFuzzKind = "malformed JSON" | "wrong types" | "huge numbers" | "NUL and unicode";

/** One fuzz input: a short label for reports and what to send. */
export interface FuzzInput<T> {
  label: string;
  value: T;
  /** Set when the input must be refused: an integer field given a non-decimal or out-of-range value. */
  mustRefuse?: boolean;
}

/** Numbers no int32/int64/double field can hold as written, written as raw JSON. */
const HUGE_NUMBERS = [
  "1e400",
  "-1e400",
  "18446744073709551616",
  "-0",
  '"0x10"',
  "9007199254740993",
  "2147483648",
  "-2147483649",
  "9223372036854775808",
  "1e2",
  '"1e400"',
  '"NaN"',
  '"Infinity"',
  "1.5",
  '"0b101"',
  '" 1"',
  `1${"0".repeat(400)}`,
];

/** Strings that trip text handling: NUL, lone surrogates, bidi controls, odd normal forms, long runs. */
const TRICKY_STRINGS = [
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfffy",
  "\u202egnp.exe",
  "\u200f\u200b\u2028\u2029",
  "\ufeff",
  "e\u0301\u0301\u0301",
  "😀\ud83d",
  "' or '1'='1' --",
  "%00%ff",
  "\\u0000",
  "\u00ff\u0100\uffff",
  "A".repeat(70_000),
];

/** Whole bodies that are not (or not quite) a JSON object. */
const MALFORMED = [
  "{",
  '{"a":}',
  "[]",
  "null",
  '"text"',
  "123",
  '{"a":1,}',
  "{'a':1}",
  '{"a":1}{',
  "\ufeff{}",
  '{"a":"\\u12"}',
  "NaN",
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  `${"[".repeat(50_000)}`,
  `${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}`,
  "1".repeat(20_000),
  "{}\u0000",
];

/** Scalar type names that carry numbers. */
export function isNumeric(field: DescField): boolean {
  const scalar = field.fieldKind === "scalar" || field.fieldKind === "list" ? field.scalar : undefined;
  return (
    field.fieldKind === "enum" ||
    (scalar !== undefined &&
      scalar !== ScalarType.STRING &&
      scalar !== ScalarType.BOOL &&
      scalar !== ScalarType.BYTES)
  );
}

export function isText(field: DescField): boolean {
  return (field.fieldKind === "scalar" || field.fieldKind === "list") && field.scalar === ScalarType.STRING;
}

/** A field of the message that `want` accepts, else any field; undefined for a message without fields. */
export function pickField(
  message: DescMessage,
  random: SeededRandom,
  want: (field: DescField) => boolean,
): DescField | undefined {
  const fitting = message.fields.filter(want);
  return fitting.length > 0
    ? random.pick(fitting)
    : message.fields.length > 0
      ? random.pick(message.fields)
      : undefined;
}

/** A JSON value of the wrong type for the field, as JSON text. */
function wrongType(field: DescField, random: SeededRandom): string {
  switch (field.fieldKind) {
    case "message":
      return random.pick(['"text"', "5", "[1]", "true"]);
    case "list":
      return random.pick(['"text"', "5", '{"a":1}', "[[1]]", "[{}]", "[null]"]);
    case "map":
      return random.pick(['"text"', "[1]", '{"k":{"deep":[]}}']);
    case "enum":
      return random.pick(['"NOT_A_VALUE"', "1.5", "true", "{}", "[]"]);
    default:
      if (field.scalar === ScalarType.STRING) return random.pick(["123", "{}", "[]", "true"]);
      if (field.scalar === ScalarType.BOOL) return random.pick(['"yes"', "2", "{}", '"true "']);
      if (field.scalar === ScalarType.BYTES) return random.pick(['"!!not base64!!"', "5", "[1,2]"]);
      return random.pick(['"abc"', "true", "{}", "[1]", '"1.5"', '""', '"1 2"']);
  }
}

/** A JSON object text with one field set to raw JSON text. */
function withField(field: DescField | undefined, raw: string): string {
  return field ? `{"${field.jsonName}":${raw}}` : `{"unknownField":${raw}}`;
}

/** A JSON request body for `message` of the given bad kind. */
export function jsonBody(
  kind: JsonFuzzKind,
  message: DescMessage,
  random: SeededRandom,
): FuzzInput<string | Uint8Array> {
  switch (kind) {
    case "malformed JSON": {
      if (random.below(6) === 0) {
        // Bytes that are not UTF-8 at all, inside an otherwise fine object.
        const bytes = Uint8Array.from([
          ...Buffer.from('{"a":"'),
          0xff,
          0xfe,
          0xed,
          0xa0,
          0x80,
          0xc0,
          0xaf,
          ...Buffer.from('"}'),
        ]);
        return { label: "invalid UTF-8 bytes", value: bytes };
      }
      const text = random.pick(MALFORMED);
      return {
        label: `malformed ${JSON.stringify(text.slice(0, 24))}${text.length > 24 ? `…(${text.length})` : ""}`,
        value: text,
      };
    }
    case "wrong types": {
      const field = pickField(message, random, () => true);
      const raw = field ? wrongType(field, random) : random.pick(['"text"', "[1]", "true"]);
      return { label: `${field?.name ?? "?"} = ${raw}`, value: withField(field, raw) };
    }
    case "huge numbers": {
      const field = pickField(message, random, isNumeric);
      const raw = random.pick(HUGE_NUMBERS);
      const value = field?.fieldKind === "list" ? `[${raw}]` : raw;
      const parsed = JSON.parse(raw) as number | string;
      return {
        label: `${field?.name ?? "?"} = ${raw.slice(0, 24)}`,
        value: withField(field, value),
        mustRefuse: !integerAccepts(field, parsed),
      };
    }
    case "NUL and unicode": {
      const field = pickField(message, random, isText);
      const text = random.pick(TRICKY_STRINGS);
      const raw = JSON.stringify(text);
      const value = field?.fieldKind === "list" ? `[${raw}]` : raw;
      return {
        label: `${field?.name ?? "?"} = ${JSON.stringify(text.slice(0, 12))}${text.length > 12 ? `…(${text.length})` : ""}`,
        value: withField(field, value),
      };
    }
  }
}
