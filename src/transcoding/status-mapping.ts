import type { JsonObject, JsonValue, Registry } from "@bufbuild/protobuf";
import { create, fromBinary, toJson } from "@bufbuild/protobuf";
import { base64Encode } from "@bufbuild/protobuf/wire";
import { Code, ConnectError } from "@connectrpc/connect";

/** HTTP status for each gRPC code, per REQUIREMENTS.md §5 (the google.rpc.Code mapping). */
const httpStatusByCode: Readonly<Record<Code, number>> = {
  [Code.Canceled]: 499,
  [Code.Unknown]: 500,
  [Code.InvalidArgument]: 400,
  [Code.DeadlineExceeded]: 504,
  [Code.NotFound]: 404,
  [Code.AlreadyExists]: 409,
  [Code.PermissionDenied]: 403,
  [Code.ResourceExhausted]: 429,
  [Code.FailedPrecondition]: 400,
  [Code.Aborted]: 409,
  [Code.OutOfRange]: 400,
  [Code.Unimplemented]: 501,
  [Code.Internal]: 500,
  [Code.Unavailable]: 503,
  [Code.DataLoss]: 500,
  [Code.Unauthenticated]: 401,
};

/** The HTTP status for a gRPC code (0, OK, is 200). */
export function httpStatusForCode(code: Code | 0): number {
  return code === 0 ? 200 : (httpStatusByCode[code] ?? 500);
}

/** The google.rpc.Status JSON body for an error: `{code, message, details}`. */
export interface StatusJson extends JsonObject {
  code: number;
  message: string;
  details: JsonValue[];
}

/** Codes whose message may carry internals (stack traces, SQL); clients get a fixed text instead. */
const opaqueCodes = new Set<Code>([Code.Internal, Code.Unknown, Code.DataLoss]);

/** The Status JSON body of every HTTP error ECT writes itself: `{code, message, details: []}`. */
export function statusJson(code: Code, message: string): StatusJson {
  return { code, message, details: [] };
}

/** Converts any thrown value to the Status JSON a REST client sees, never leaking internal text. */
export function errorStatusJson(error: unknown, registry?: Registry): StatusJson {
  const err = ConnectError.from(error);
  if (opaqueCodes.has(err.code)) return statusJson(err.code, "internal error");
  return {
    ...statusJson(err.code, err.rawMessage),
    details: err.details.map((d) => detailJson(d, registry)),
  };
}

/** Response headers an error adds: Retry-After for 429/503 when the error's metadata carries one. */
export function errorHeaders(error: unknown): Record<string, string> {
  const err = ConnectError.from(error);
  const retryAfter = err.metadata.get("retry-after");
  if (retryAfter && (err.code === Code.ResourceExhausted || err.code === Code.Unavailable)) {
    return { "retry-after": retryAfter };
  }
  return {};
}

/** One detail as google.protobuf.Any JSON; unknown types keep their bytes as base64. */
function detailJson(detail: ConnectError["details"][number], registry?: Registry): JsonValue {
  if ("desc" in detail) {
    const json = toJson(detail.desc, create(detail.desc, detail.value), { registry });
    return {
      "@type": `type.googleapis.com/${detail.desc.typeName}`,
      ...(isObject(json) ? json : { value: json }),
    };
  }
  const desc = registry?.getMessage(detail.type);
  if (desc) {
    const json = toJson(desc, fromBinary(desc, detail.value), { registry });
    return { "@type": `type.googleapis.com/${detail.type}`, ...(isObject(json) ? json : { value: json }) };
  }
  return { "@type": `type.googleapis.com/${detail.type}`, value: base64Encode(detail.value) };
}

function isObject(v: JsonValue): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
