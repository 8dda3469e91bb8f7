/** The wire protocol a call arrived on, for metric labels and span attributes. */
export type RpcProtocol = "grpc" | "grpc-web" | "connect" | "rest";

/**
 * Header the REST transcoder sets on the in-memory calls it makes, so those calls are labelled "rest"
 * rather than the Connect protocol the router transport speaks.
 */
export const REST_MARKER_HEADER = "x-ect-transcoded";

/** Reads the protocol from the request headers. */
export function rpcProtocol(header: Headers): RpcProtocol {
  if (header.has(REST_MARKER_HEADER)) return "rest";
  const contentType = header.get("content-type") ?? "";
  if (contentType.startsWith("application/grpc-web")) return "grpc-web";
  if (contentType.startsWith("application/grpc")) return "grpc";
  return "connect";
}

/** The OpenTelemetry rpc.system value for a protocol: gRPC-Web is gRPC; transcoded REST runs on Connect. */
export function rpcSystem(protocol: RpcProtocol): "grpc" | "connect" {
  return protocol === "grpc" || protocol === "grpc-web" ? "grpc" : "connect";
}
