import type { Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { createEctInterceptors, type EctClientRuntime, type EctTransportOptions } from "./interceptors.js";

/** Node options: HTTP/2 (h2c on http://) by default, which the ECT port serves for every protocol. */
export interface EctNodeTransportOptions extends EctTransportOptions {
  readonly httpVersion?: "1.1" | "2";
}

/** A connect Transport for Node with ECT's interceptors, plus the last correlation id and breaker state. */
export type EctTransport = Transport & EctClientRuntime;

/** Creates a gRPC, gRPC-Web or Connect transport for Node with correlation ids, bearer auth and client policies. */
export function createEctTransport(options: EctNodeTransportOptions): EctTransport {
  const { interceptors, runtime } = createEctInterceptors(options);
  const { baseUrl } = options;
  const httpVersion = options.httpVersion ?? "2";
  let transport: Transport;
  if (options.protocol === "grpc") {
    transport = createGrpcTransport({ baseUrl, interceptors });
  } else if (httpVersion === "1.1") {
    const create = options.protocol === "grpc-web" ? createGrpcWebTransport : createConnectTransport;
    transport = create({ baseUrl, interceptors, httpVersion: "1.1" });
  } else {
    const create = options.protocol === "grpc-web" ? createGrpcWebTransport : createConnectTransport;
    transport = create({ baseUrl, interceptors, httpVersion: "2" });
  }
  return Object.assign(transport, runtime);
}
