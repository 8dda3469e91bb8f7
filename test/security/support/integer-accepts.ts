import { type DescField, ScalarType } from "@bufbuild/protobuf";

const INTEGER_RANGES = new Map<ScalarType, [bigint, bigint]>([
  [ScalarType.INT32, [-(2n ** 31n), 2n ** 31n - 1n]],
  [ScalarType.SINT32, [-(2n ** 31n), 2n ** 31n - 1n]],
  [ScalarType.SFIXED32, [-(2n ** 31n), 2n ** 31n - 1n]],
  [ScalarType.UINT32, [0n, 2n ** 32n - 1n]],
  [ScalarType.FIXED32, [0n, 2n ** 32n - 1n]],
  [ScalarType.INT64, [-(2n ** 63n), 2n ** 63n - 1n]],
  [ScalarType.SINT64, [-(2n ** 63n), 2n ** 63n - 1n]],
  [ScalarType.SFIXED64, [-(2n ** 63n), 2n ** 63n - 1n]],
  [ScalarType.UINT64, [0n, 2n ** 64n - 1n]],
  [ScalarType.FIXED64, [0n, 2n ** 64n - 1n]],
]);

/**
 * False when an integer field must refuse the value: a string that is not plain decimal digits, a
 * number that is not whole, or either out of the type's range. (A JSON number arrives parsed, so
 * 1e2 is 100 and fine.) True for fields that are not integers.
 */
export function integerAccepts(field: DescField | undefined, value: string | number): boolean {
  const scalar = field?.fieldKind === "scalar" || field?.fieldKind === "list" ? field.scalar : undefined;
  const range = scalar === undefined ? undefined : INTEGER_RANGES.get(scalar);
  if (!range) return true;
  let n: bigint;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return false;
    n = BigInt(value);
  } else {
    if (!/^-?\d+$/.test(value)) return false;
    n = BigInt(value);
  }
  return n >= range[0] && n <= range[1];
}
