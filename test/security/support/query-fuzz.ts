import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { integerAccepts } from "./integer-accepts.js";
import { type FuzzInput, isNumeric, isText, type JsonFuzzKind, pickField } from "./json-fuzz.js";
import type { SeededRandom } from "./seeded-random.js";

/** Query values, already percent-encoded where they should be and deliberately broken where not. */
const QUERY_VALUES: Record<Exclude<JsonFuzzKind, "malformed JSON">, string[]> = {
  "wrong types": ["abc", "1.5", "true", "", "1,2", "[1]", "{}", "maybe"],
  "huge numbers": [
    "1e400",
    "18446744073709551616",
    "-0",
    "0x10",
    "9007199254740993",
    "2147483648",
    "-2147483649",
    "NaN",
    "Infinity",
    "1e2",
    "01",
    "1_000",
  ],
  "NUL and unicode": [
    "%00",
    "a%00b",
    "%ED%A0%80",
    "%E2%80%AE",
    "%FF",
    "%C0%AF",
    "%F0%9F%98%80",
    "%",
    "%zz",
    "%E2%80",
    "A".repeat(8_000),
  ],
};

/** Odd query parameter names: nested paths that go nowhere, prototype keys, empties. */
const QUERY_NAMES = ["__proto__.x", "constructor.prototype", "filter..unitId", "filter.", ".x", "", "a[b]"];

/**
 * A query string that sets one field of `message` (top level, or one level down) badly; fields the
 * path binds are left out (the path value wins over a query parameter of the same field).
 */
export function queryString(
  kind: JsonFuzzKind,
  message: DescMessage,
  random: SeededRandom,
  pathBound: ReadonlySet<DescField> = new Set(),
): FuzzInput<string> {
  if (kind === "malformed JSON" || (kind === "wrong types" && random.below(5) === 0)) {
    const name = random.pick(QUERY_NAMES);
    return { label: `query name ${JSON.stringify(name)}`, value: `?${name}=1&${name}=2` };
  }
  const want = kind === "huge numbers" ? isNumeric : kind === "NUL and unicode" ? isText : () => true;
  const scalars = (m: DescMessage) =>
    m.fields.filter((f) => f.fieldKind !== "message" && f.fieldKind !== "map");
  let path: string[] = [];
  const top = pickField(message, random, (f) => !pathBound.has(f) && (want(f) || f.fieldKind === "message"));
  if (top && pathBound.has(top)) path = [];
  else if (top?.fieldKind === "message" && !top.message.typeName.startsWith("google.protobuf")) {
    const inner = pickField({ ...top.message, fields: scalars(top.message) } as DescMessage, random, want);
    path = inner ? [top.jsonName, inner.jsonName] : [top.jsonName];
  } else if (top) path = [top.jsonName];
  const value = random.pick(QUERY_VALUES[kind]);
  const name = path.join(".") || "unknown";
  const leaf =
    path.length === 0
      ? undefined
      : path.length === 1
        ? top
        : top?.message?.fields.find((f) => f.jsonName === path[1]);
  return {
    label: `?${name}=${value.slice(0, 24)}`,
    value: `?${name}=${value}`,
    mustRefuse: kind === "huge numbers" && !integerAccepts(leaf, decodeURIComponent(value)),
  };
}

/** Raw path segment values: traversal, encodings that do not decode, numbers out of every range. */
const PATH_VALUES = [
  "%00",
  "..",
  "%2e%2e",
  "-1",
  "0",
  "1e400",
  "0x10",
  "18446744073709551616",
  "%ED%A0%80",
  "%E2%80%AE",
  "%FF",
  "%zz",
  "%",
  "1.5",
  "%20",
  "1%2F2",
  "%F0%9F%98%80",
  "%27%20or%20%271%27%3D%271",
  "9".repeat(4_000),
];

/** One raw value for a path variable. */
export function pathValue(random: SeededRandom): FuzzInput<string> {
  const value = random.pick(PATH_VALUES);
  return { label: `path ${value.slice(0, 24)}${value.length > 24 ? `…(${value.length})` : ""}`, value };
}
