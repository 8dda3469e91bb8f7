/**
 * Fail closed: an RPC whose proto declares no (ect.v1.permission) is refused with PERMISSION_DENIED by the
 * server's auth interceptor on gRPC, gRPC-Web and Connect, unary and server-streaming, with or without a
 * token, and its handler never runs. Every served RPC declares one (the permission matrix checks that), so
 * the service here is built at run time from a descriptor without the option, beside a "public" control.
 */
import assert from "node:assert/strict";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { create, createFileRegistry, type DescService, setExtension } from "@bufbuild/protobuf";
import {
  EmptySchema,
  FileDescriptorProtoSchema,
  file_google_protobuf_empty,
  MethodOptionsSchema,
} from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import {
  connectNodeAdapter,
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import type { CallerDirectory } from "../../src/auth/caller-directory.js";
import type { TokenAuthority } from "../../src/auth/token-issuer.js";
import { file_ect_v1_options, permission } from "../../src/gen/ect/v1/options_pb.js";
import { authInterceptor } from "../../src/interceptors/auth.js";
import { KeyRateLimiter } from "../../src/resilience/key-rate-limiter.js";

/** ecttest.v1.UndeclaredService: two RPCs without a permission and one declared "public". */
function undeclaredService(): DescService {
  const empty = ".google.protobuf.Empty";
  const publicOption = create(MethodOptionsSchema);
  setExtension(publicOption, permission, "public");
  const file = create(FileDescriptorProtoSchema, {
    name: "ecttest/v1/undeclared.proto",
    package: "ecttest.v1",
    syntax: "proto3",
    dependency: ["google/protobuf/empty.proto", "ect/v1/options.proto"],
    service: [
      {
        name: "UndeclaredService",
        method: [
          { name: "Undeclared", inputType: empty, outputType: empty },
          { name: "UndeclaredStream", inputType: empty, outputType: empty, serverStreaming: true },
          { name: "Declared", inputType: empty, outputType: empty, options: publicOption },
        ],
      },
    ],
  });
  const registry = createFileRegistry(file, (name) =>
    name === "google/protobuf/empty.proto"
      ? file_google_protobuf_empty
      : name === "ect/v1/options.proto"
        ? file_ect_v1_options
        : undefined,
  );
  const service = registry.getService("ecttest.v1.UndeclaredService");
  assert.ok(service);
  return service;
}

describe("an RPC that declares no permission", () => {
  const service = undeclaredService();
  const handled: string[] = [];
  let server: http2.Http2Server;
  let baseUrl: string;

  before(async () => {
    // The server's own interceptor; its token and directory are never reached by an undeclared RPC.
    const unreachable = new Proxy({} as never, {
      get: (_, name) => assert.fail(`the undeclared RPC reached the auth dependencies (${String(name)})`),
    });
    const anonymousLimiter = new KeyRateLimiter({ requestsPerSecond: 1000, burst: 1000, maxKeys: 100 });
    const handler = connectNodeAdapter({
      // A descriptor built at run time has no generated method types: the implementation is untyped.
      routes: (router) =>
        router.service(service, {
          async undeclared() {
            handled.push("Undeclared");
            return create(EmptySchema);
          },
          async *undeclaredStream() {
            handled.push("UndeclaredStream");
            yield create(EmptySchema);
          },
          async declared() {
            handled.push("Declared");
            return create(EmptySchema);
          },
        } as never),
      interceptors: [
        authInterceptor({
          tokens: unreachable as TokenAuthority,
          directory: unreachable as CallerDirectory,
          anonymousLimiter,
        }),
      ],
    });
    server = http2.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const protocols = (): [string, Transport][] => [
    ["gRPC", createGrpcTransport({ baseUrl })],
    ["gRPC-Web", createGrpcWebTransport({ baseUrl, httpVersion: "2" })],
    ["Connect", createConnectTransport({ baseUrl, httpVersion: "2" })],
  ];

  it("is refused with PERMISSION_DENIED on every protocol, unary and streaming, token or none, never handled", async () => {
    const outcomes: string[] = [];
    for (const [protocol, transport] of protocols()) {
      const client = createClient(service, transport) as unknown as {
        undeclared(request: object, options: object): Promise<unknown>;
        undeclaredStream(request: object, options: object): AsyncIterable<unknown>;
      };
      for (const headers of [{}, { authorization: "Bearer any-token" }]) {
        const calls: [string, () => Promise<unknown>][] = [
          ["Undeclared", () => client.undeclared({}, { headers })],
          [
            "UndeclaredStream",
            async () => {
              for await (const _ of client.undeclaredStream({}, { headers })) outcomes.push("an item");
            },
          ],
        ];
        for (const [name, call] of calls) {
          const error = await call().then(
            () => undefined,
            (e: unknown) => ConnectError.from(e),
          );
          const token = "authorization" in headers ? "with a token" : "without a token";
          outcomes.push(
            `${name} over ${protocol} ${token}: ${error ? `${Code[error.code]} ${error.rawMessage}` : "answered"}`,
          );
        }
      }
    }
    assert.deepEqual(
      outcomes,
      protocols().flatMap(([protocol]) =>
        ["without a token", "with a token"].flatMap((token) => [
          `Undeclared over ${protocol} ${token}: PermissionDenied Undeclared declares no permission`,
          `UndeclaredStream over ${protocol} ${token}: PermissionDenied UndeclaredStream declares no permission`,
        ]),
      ),
    );
    assert.deepEqual(handled, [], "no undeclared handler ran");
  });

  it("while a declared public RPC on the same service and server is answered (the control)", async () => {
    for (const [protocol, transport] of protocols()) {
      const client = createClient(service, transport) as unknown as {
        declared(request: object): Promise<unknown>;
      };
      await client.declared({}).catch((e: unknown) => assert.fail(`${protocol}: ${String(e)}`));
    }
    assert.deepEqual(handled, ["Declared", "Declared", "Declared"]);
  });
});
