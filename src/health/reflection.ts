import type { DescFile } from "@bufbuild/protobuf";
import { Code, type ConnectRouter, type ServiceImpl } from "@connectrpc/connect";
import * as v1 from "../gen/grpc/reflection/v1/reflection_pb.js";
import * as v1alpha from "../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { DescriptorIndex } from "./descriptor-index.js";

/** A reflection request as both protocol versions shape it (their fields are identical). */
type ReflectionRequest = v1.ServerReflectionRequest | v1alpha.ServerReflectionRequest;

/** The version-neutral part of a reflection response; each version wraps it in its own message. */
export interface ReflectionAnswer {
  validHost: string;
  messageResponse:
    | { case: "fileDescriptorResponse"; value: { fileDescriptorProto: Uint8Array[] } }
    | { case: "allExtensionNumbersResponse"; value: { baseTypeName: string; extensionNumber: number[] } }
    | { case: "listServicesResponse"; value: { service: { name: string }[] } }
    | { case: "errorResponse"; value: { errorCode: number; errorMessage: string } };
}

/**
 * The grpc.reflection.v1 and v1alpha ServerReflection services over `files`, their transitive
 * imports (well-known types included) and the reflection protos themselves, as [service, impl]
 * pairs for `router.service(...)`.
 */
export function reflectionServiceImpls(
  files: readonly DescFile[],
): [
  [typeof v1.ServerReflection, ServiceImpl<typeof v1.ServerReflection>],
  [typeof v1alpha.ServerReflection, ServiceImpl<typeof v1alpha.ServerReflection>],
] {
  const index = new DescriptorIndex([
    ...files,
    v1.file_grpc_reflection_v1_reflection,
    v1alpha.file_grpc_reflection_v1alpha_reflection,
  ]);
  return [
    [
      v1.ServerReflection,
      {
        async *serverReflectionInfo(requests) {
          // Answer each request as it arrives: clients wait for a reply before sending the next.
          for await (const request of requests) yield { ...answer(index, request), originalRequest: request };
        },
      },
    ],
    [
      v1alpha.ServerReflection,
      {
        async *serverReflectionInfo(requests) {
          for await (const request of requests) yield { ...answer(index, request), originalRequest: request };
        },
      },
    ],
  ];
}

/** Registers gRPC server reflection (v1 and v1alpha) describing `files` on `router`. */
export function registerReflection(router: ConnectRouter, files: readonly DescFile[]): void {
  const [current, alpha] = reflectionServiceImpls(files);
  router.service(...current);
  router.service(...alpha);
}

/** The reply to one reflection request; lookups that fail become an ErrorResponse, not a stream error. */
export function answer(index: DescriptorIndex, request: ReflectionRequest): ReflectionAnswer {
  const validHost = request.host;
  const req = request.messageRequest;
  switch (req.case) {
    case "listServices":
      return {
        validHost,
        messageResponse: {
          case: "listServicesResponse",
          value: { service: index.services().map((name) => ({ name })) },
        },
      };
    case "fileByFilename":
      return files(validHost, index, index.fileByName(req.value), `file ${req.value}`);
    case "fileContainingSymbol":
      return files(validHost, index, index.fileContainingSymbol(req.value), `symbol ${req.value}`);
    case "fileContainingExtension": {
      const { containingType, extensionNumber } = req.value;
      const file = index.fileContainingExtension(containingType, extensionNumber);
      return files(validHost, index, file, `extension ${extensionNumber} of ${containingType}`);
    }
    case "allExtensionNumbersOfType": {
      const numbers = index.extensionNumbers(req.value);
      if (numbers === undefined) return error(validHost, Code.NotFound, `type ${req.value} not found`);
      return {
        validHost,
        messageResponse: {
          case: "allExtensionNumbersResponse",
          value: { baseTypeName: req.value, extensionNumber: numbers },
        },
      };
    }
    default:
      return error(validHost, Code.InvalidArgument, "reflection request has no message_request set");
  }
}

function files(validHost: string, index: DescriptorIndex, file: DescFile | undefined, what: string) {
  if (file === undefined) return error(validHost, Code.NotFound, `${what} not found`);
  return {
    validHost,
    messageResponse: {
      case: "fileDescriptorResponse",
      value: { fileDescriptorProto: index.encodeWithDependencies(file) },
    },
  } satisfies ReflectionAnswer;
}

function error(validHost: string, errorCode: Code, errorMessage: string) {
  return {
    validHost,
    messageResponse: { case: "errorResponse", value: { errorCode, errorMessage } },
  } satisfies ReflectionAnswer;
}
