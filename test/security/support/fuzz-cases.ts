import { ScalarType } from "@bufbuild/protobuf";
import type { RestRoute } from "../../../src/transcoding/route-table.js";
import { type JsonFuzzKind, jsonBody } from "./json-fuzz.js";
import { brokenGrpcFrame, extremeMessage, type ProtobufFuzzKind, protobufBody } from "./protobuf-fuzz.js";
import { pathValue, queryString } from "./query-fuzz.js";
import { type CallOutcome, frame, type RawClient } from "./raw-client.js";
import { type CatalogRpc, hasBody, restPath } from "./rpc-catalog.js";
import { SeededRandom } from "./seeded-random.js";

/** One fuzz call: where it goes, what it sends, and how to send it with a token. */
export interface FuzzCase {
  /** The summary line it counts under, e.g. "REST huge numbers". */
  category: string;
  /** "PUT /v1/users/managed-settings" or "workflow.WorkflowService/Logout over gRPC". */
  target: string;
  label: string;
  rpc: CatalogRpc;
  /** Over the message size limit: must be refused with 413/400 (RESOURCE_EXHAUSTED/INVALID_ARGUMENT). */
  oversize: boolean;
  /** A non-decimal or out-of-range integer: must be refused, not read as some number. */
  mustRefuse: boolean;
  send(client: RawClient, token: string): Promise<CallOutcome>;
}

const JSON_KINDS: JsonFuzzKind[] = ["malformed JSON", "wrong types", "huge numbers", "NUL and unicode"];
const PROTOBUF_KINDS: ProtobufFuzzKind[] = [
  "random bytes",
  "truncated messages",
  "broken wire encoding",
  "extreme values",
];

/** How many inputs each REST route gets. */
export const INPUTS_PER_ROUTE = 20;
/** Just over the 4 MiB message limit. */
const OVERSIZE = 4 * 1024 * 1024 + 1024;

/** `INPUTS_PER_ROUTE` inputs for a REST route, cycling through the kinds that apply to it. */
function restCases(rpc: CatalogRpc, route: RestRoute, random: SeededRandom): FuzzCase[] {
  const kinds: string[] = [...(hasBody(route) ? JSON_KINDS : JSON_KINDS.slice(1))];
  if (route.template.variables.length > 0) kinds.push("path parameters");
  const bodyMessage = route.bodyField?.fieldKind === "message" ? route.bodyField.message : route.method.input;
  const target = `${route.httpMethod} ${route.template.source}`;
  return Array.from({ length: INPUTS_PER_ROUTE }, (_, i) => {
    const kind = kinds[i % kinds.length];
    let path = restPath(route);
    let body = hasBody(route) ? ("{}" as string | Uint8Array) : undefined;
    let label: string;
    let mustRefuse = false;
    if (kind === "path parameters") {
      const value = pathValue(random);
      path = restPath(route, () => value.value);
      label = value.label;
    } else if (hasBody(route)) {
      const input = jsonBody(kind as JsonFuzzKind, bodyMessage, random);
      body = input.value;
      label = input.label;
      mustRefuse = input.mustRefuse ?? false;
    } else {
      const pathBound = new Set([...route.pathFields.values()].map((chain) => chain[0]));
      const input = queryString(kind as JsonFuzzKind, route.method.input, random, pathBound);
      path += input.value;
      label = input.label;
      mustRefuse = input.mustRefuse ?? false;
    }
    return {
      category: `REST ${kind}`,
      target,
      label,
      rpc,
      oversize: false,
      mustRefuse,
      send: (client, token) => client.rest(route.httpMethod, path, body, token),
    };
  });
}

/** One input of each kind over Connect JSON, Connect binary and gRPC, plus one broken gRPC frame. */
function rpcCases(rpc: CatalogRpc, random: SeededRandom): FuzzCase[] {
  const { method } = rpc;
  const one = (
    category: string,
    protocol: string,
    label: string,
    send: FuzzCase["send"],
    mustRefuse = false,
  ): FuzzCase => ({
    category,
    target: `${rpc.id} over ${protocol}`,
    label,
    rpc,
    oversize: false,
    mustRefuse,
    send,
  });
  return [
    ...JSON_KINDS.map((kind) => {
      const input = jsonBody(kind, method.input, random);
      const send: FuzzCase["send"] = (c, t) => c.connect(method, input.value, "json", t);
      return one(`Connect JSON ${kind}`, "Connect JSON", input.label, send, input.mustRefuse);
    }),
    ...PROTOBUF_KINDS.map((kind) => {
      const input = protobufBody(kind, method.input, random);
      return one(`Connect binary ${kind}`, "Connect binary", input.label, (c, t) =>
        c.connect(method, input.value, "proto", t),
      );
    }),
    ...PROTOBUF_KINDS.map((kind) => {
      const input = protobufBody(kind, method.input, random);
      return one(`gRPC ${kind}`, "gRPC", input.label, (c, t) => c.grpc(method, frame(input.value), t));
    }),
    (() => {
      const input = brokenGrpcFrame(extremeMessage(method.input, random), random);
      return one("gRPC broken framing", "gRPC", input.label, (c, t) => c.grpc(method, input.value, t));
    })(),
  ];
}

/** Bodies just over the limit: a few REST routes (one sent chunked, without a length) and each RPC protocol. */
function oversizeCases(catalog: readonly CatalogRpc[], random: SeededRandom): FuzzCase[] {
  const text = "A".repeat(OVERSIZE);
  const withBody = catalog.flatMap((rpc) => rpc.routes.filter(hasBody).map((route) => ({ rpc, route })));
  const picks = Array.from({ length: 4 }, () => random.pick(withBody));
  const cases: FuzzCase[] = picks.map(({ rpc, route }, i) => ({
    category: "REST oversize bodies",
    target: `${route.httpMethod} ${route.template.source}`,
    label: i === 0 ? `${OVERSIZE} bytes, chunked` : `${OVERSIZE} bytes`,
    rpc,
    oversize: true,
    mustRefuse: true,
    send: (client, token) =>
      client.rest(
        route.httpMethod,
        restPath(route),
        `{"x":"${text}"}`,
        token,
        i === 0 ? { "transfer-encoding": "chunked" } : {},
      ),
  }));
  const unary = catalog.filter((rpc) => rpc.method.methodKind === "unary");
  const rpc = random.pick(unary);
  const stringField = rpc.method.input.fields.find(
    (f) => f.fieldKind === "scalar" && f.scalar === ScalarType.STRING,
  );
  const binary = Uint8Array.from([
    (stringField?.number ?? 1) * 8 + 2,
    ...lengthVarint(OVERSIZE),
    ...Buffer.from(text),
  ]);
  const rpcCase = (protocol: string, send: FuzzCase["send"]): FuzzCase => ({
    category: "RPC oversize messages",
    target: `${rpc.id} over ${protocol}`,
    label: `${OVERSIZE} bytes`,
    rpc,
    oversize: true,
    mustRefuse: true,
    send,
  });
  cases.push(
    rpcCase("Connect JSON", (c, t) => c.connect(rpc.method, `{"x":"${text}"}`, "json", t)),
    rpcCase("Connect binary", (c, t) => c.connect(rpc.method, binary, "proto", t)),
    rpcCase("gRPC", (c, t) => c.grpc(rpc.method, frame(binary), t)),
  );
  return cases;
}

function lengthVarint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/** Every fuzz call for the catalog, the same for the same seed; each RPC draws from its own stream. */
export function fuzzCases(catalog: readonly CatalogRpc[], seed: number): FuzzCase[] {
  const root = new SeededRandom(seed);
  return [
    ...catalog.flatMap((rpc) => {
      const random = root.fork(rpc.id);
      return [...rpc.routes.flatMap((route) => restCases(rpc, route, random)), ...rpcCases(rpc, random)];
    }),
    ...oversizeCases(catalog, root.fork("oversize")),
  ];
}
