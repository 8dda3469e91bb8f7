import type { DescService } from "@bufbuild/protobuf";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { IdentityService } from "../../src/gen/ect/v1/identity_service_pb.js";

/** A gRPC client of a service, signed in as a demo user when a token is given. */
export function grpcClient<S extends DescService>(baseUrl: string, service: S, token?: string): Client<S> {
  const transport = createGrpcTransport({
    baseUrl,
    interceptors: token
      ? [
          (next) => (req) => {
            req.header.set("authorization", `Bearer ${token}`);
            return next(req);
          },
        ]
      : [],
  });
  return createClient(service, transport);
}

/** Signs in as a seeded demo user through the public IdentityService and returns the token. */
export async function signIn(baseUrl: string, username: string): Promise<string> {
  const response = await grpcClient(baseUrl, IdentityService).signInDemoUser({ username });
  return response.accessToken;
}

/** Collects a server stream (tests only: production code never buffers a stream). */
export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}
