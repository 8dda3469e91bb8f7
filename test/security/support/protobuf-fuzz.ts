import {
  type DescField,
  type DescMessage,
  fromJson,
  type JsonObject,
  type JsonValue,
  ScalarType,
  toBinary,
} from "@bufbuild/protobuf";
import type { FuzzInput } from "./json-fuzz.js";
import { frame } from "./raw-client.js";
import type { SeededRandom } from "./seeded-random.js";

/** The kinds of bad binary input: noise, cut-off messages, broken wire encoding, in-range extremes. */
export type ProtobufFuzzKind =
  | "random bytes"
  | "truncated messages"
  | "broken wire encoding"
  | "extreme values";

const INT32_EXTREMES = [2_147_483_647, -2_147_483_648, 0, -1, 1];
const INT64_EXTREMES = ["9223372036854775807", "-9223372036854775808", "0", "-1"];
const UINT64_EXTREMES = ["18446744073709551615", "0"];
const TEXTS = ["", "a", "Ω≈ç√", "\u0000", "x".repeat(300)];

function varint(value: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, value);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const tag = (fieldNo: number, wireType: number) => varint((BigInt(fieldNo) << 3n) | BigInt(wireType));

/** A valid JSON value for a scalar field: the type's extremes. */
function extremeScalar(scalar: ScalarType, random: SeededRandom): JsonValue {
  switch (scalar) {
    case ScalarType.STRING:
      return random.pick(TEXTS);
    case ScalarType.BOOL:
      return random.below(2) === 1;
    case ScalarType.BYTES:
      return random.pick(["", "AAEC/w==", Buffer.from(random.bytes(40)).toString("base64")]);
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return random.pick([0, -0, 1e308, -1e-308, "NaN", "Infinity", "-Infinity"]);
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return random.pick(INT64_EXTREMES);
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return random.pick(UINT64_EXTREMES);
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return random.pick([4_294_967_295, 0]);
    default:
      return random.pick(INT32_EXTREMES);
  }
}

/** A well-formed message with every settable field at an extreme of its type (well-known types left out). */
function extremeJson(message: DescMessage, random: SeededRandom, depth = 0): JsonObject {
  const json: JsonObject = {};
  const oneofsSet = new Set<unknown>();
  for (const field of message.fields) {
    if (field.oneof) {
      if (oneofsSet.has(field.oneof)) continue;
      oneofsSet.add(field.oneof);
    }
    const value = extremeValue(field, random, depth);
    if (value !== undefined) json[field.jsonName] = value;
  }
  return json;
}

function extremeValue(field: DescField, random: SeededRandom, depth: number): JsonValue | undefined {
  switch (field.fieldKind) {
    case "scalar":
      return extremeScalar(field.scalar, random);
    case "enum":
      return random.pick([...field.enum.values.map((v) => v.number), 2_147_483_647, -1]);
    case "list":
      if (field.listKind === "scalar")
        return [extremeScalar(field.scalar, random), extremeScalar(field.scalar, random)];
      if (field.listKind === "enum") return [random.pick(field.enum.values).number];
      return depth < 2 && !field.message.typeName.startsWith("google.")
        ? [extremeJson(field.message, random, depth + 1)]
        : undefined;
    case "message":
      return depth < 2 && !field.message.typeName.startsWith("google.")
        ? extremeJson(field.message, random, depth + 1)
        : undefined;
    default:
      return undefined;
  }
}

/** The binary encoding of a well-formed message with extreme values (empty when it has no fields). */
export function extremeMessage(message: DescMessage, random: SeededRandom): Uint8Array {
  return toBinary(message, fromJson(message, extremeJson(message, random)));
}

/** Wire encodings that no parser should accept. */
function brokenWire(message: DescMessage, random: SeededRandom): FuzzInput<Uint8Array> {
  const fieldNo = message.fields.length > 0 ? random.pick(message.fields).number : 1;
  const cases: [string, number[]][] = [
    ["wrong wire type", [...tag(fieldNo, random.pick([1, 2, 5])), 0x01]],
    ["overlong varint", [...tag(fieldNo, 0), ...new Array(11).fill(0xff)]],
    ["length past the end", [...tag(fieldNo, 2), ...varint(1_000_000n), 0x41]],
    ["invalid UTF-8 string", [...tag(fieldNo, 2), 5, 0xff, 0xfe, 0xed, 0xa0, 0x80]],
    ["unterminated group", [...tag(fieldNo, 3), ...tag(fieldNo, 0), 1]],
    ["unmatched end group", [...tag(fieldNo, 4)]],
    ["field number 0", [...tag(0, 0), 1]],
    ["field number 2^29", [...varint(1n << 32n), 1]],
    ["wire type 6", [...tag(fieldNo, 6), 1]],
    ["nested groups 3000 deep", [...new Array(3000).fill(tag(9, 3)).flat()]],
    ["negative length", [...tag(fieldNo, 2), ...varint(-1n)]],
  ];
  const [label, bytes] = random.pick(cases);
  return { label, value: Uint8Array.from(bytes) };
}

/** A request message body of the given bad kind for `message`. */
export function protobufBody(
  kind: ProtobufFuzzKind,
  message: DescMessage,
  random: SeededRandom,
): FuzzInput<Uint8Array> {
  switch (kind) {
    case "random bytes": {
      const length = 1 + random.below(64);
      return { label: `${length} random bytes`, value: random.bytes(length) };
    }
    case "truncated messages": {
      const whole = extremeMessage(message, random);
      const full =
        whole.length > 1 ? whole : Uint8Array.from([...tag(1, 2), 10, ...Buffer.from("abcdefghij")]);
      const cut = 1 + random.below(full.length - 1);
      return { label: `cut at ${cut} of ${full.length}`, value: full.subarray(0, cut) };
    }
    case "broken wire encoding":
      return brokenWire(message, random);
    case "extreme values":
      return { label: "well-formed, every field at an extreme", value: extremeMessage(message, random) };
  }
}

/** gRPC request bodies whose framing is wrong, around an otherwise fine message. */
export function brokenGrpcFrame(message: Uint8Array, random: SeededRandom): FuzzInput<Uint8Array> {
  const cases: [string, () => Uint8Array][] = [
    ["compressed flag without grpc-encoding", () => frame(message, 1)],
    ["declared length past the end", () => frame(message, 0, message.length + 100)],
    ["declared length 4 GiB", () => frame(message, 0, 0xffff_ffff)],
    ["no frame at all", () => new Uint8Array()],
    ["half a frame header", () => Uint8Array.from([0, 0, 0])],
    ["two messages for a unary call", () => Uint8Array.from([...frame(message), ...frame(message)])],
    ["trailing garbage", () => Uint8Array.from([...frame(message), 0xde, 0xad])],
    ["unknown flag bits", () => frame(message, 0x7e)],
  ];
  const [label, build] = random.pick(cases);
  return { label: `frame: ${label}`, value: build() };
}
