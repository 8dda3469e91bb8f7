import type { Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { createEctInterceptors, type EctClientRuntime, type EctTransportOptions } from "./interceptors.js";

/** A connect Transport for the browser with ECT's interceptors, plus the last correlation id and breaker state. */
export type EctTransport = Transport & EctClientRuntime;

/** Creates a gRPC-Web or Connect transport over fetch; plain gRPC needs HTTP/2 trailers that browsers do not expose. */
export function createEctTransport(options: EctTransportOptions): EctTransport {
  if (options.protocol === "grpc") {
    throw new Error(
      'browsers cannot speak plain gRPC (no HTTP trailers): use protocol "grpc-web" or "connect"',
    );
  }
  const { interceptors, runtime } = createEctInterceptors(options);
  const create = options.protocol === "grpc-web" ? createGrpcWebTransport : createConnectTransport;
  return Object.assign(create({ baseUrl: options.baseUrl, interceptors }), runtime);
}
