import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { create, createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, file_google_protobuf_timestamp } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";
import { file_ect_v1_identity_service } from "../gen/ect/v1/identity_service_pb.js";
import { file_grpc_health_v1_health } from "../gen/grpc/health/v1/health_pb.js";
import * as v1 from "../gen/grpc/reflection/v1/reflection_pb.js";
import * as v1alpha from "../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { DescriptorIndex } from "./descriptor-index.js";
import { registerReflection } from "./reflection.js";

const exec = promisify(execFile);
const served = [file_ect_v1_identity_service, file_grpc_health_v1_health];

/** A request stream the test feeds one message at a time, to prove replies come before the stream ends. */
function pushable<T>() {
  const items: T[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  return {
    push(item: T) {
      items.push(item);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const next = items.shift();
        if (next !== undefined) yield next;
        else if (ended) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

function fileNames(protos: Uint8Array[]): string[] {
  return protos.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name);
}

describe("gRPC server reflection", () => {
  let server: http2.Http2Server;
  const sessions = new Set<http2.ServerHttp2Session>();
  let baseUrl: string;

  before(async () => {
    server = http2.createServer(
      connectNodeAdapter({ routes: (router) => registerReflection(router, served) }),
    );
    server.on("session", (session) => sessions.add(session));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    // The client transports keep their sessions open; close() waits for every session to end.
    for (const session of sessions) session.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("lets buf curl list every served method, the reflection service's own included", async () => {
    const { stdout } = await exec(
      "node_modules/.bin/buf",
      ["curl", "--protocol", "grpc", "--http2-prior-knowledge", "--list-methods", baseUrl],
      { timeout: 30_000 },
    );
    const methods = stdout.trim().split("\n");
    assert.ok(methods.includes("ect.v1.IdentityService/SignInDemoUser"), stdout);
    assert.ok(methods.includes("grpc.health.v1.Health/Watch"), stdout);
    assert.ok(methods.includes("grpc.reflection.v1.ServerReflection/ServerReflectionInfo"), stdout);
  });

  it("answers file_containing_symbol for a method with the file and all its transitive imports", async () => {
    const client = createClient(v1.ServerReflection, createGrpcTransport({ baseUrl }));
    const requests = pushable<v1.ServerReflectionRequest>();
    const replies = client.serverReflectionInfo(requests)[Symbol.asyncIterator]();
    requests.push(
      create(v1.ServerReflectionRequestSchema, {
        messageRequest: { case: "fileContainingSymbol", value: "ect.v1.IdentityService.SignInDemoUser" },
      }),
    );
    const reply: v1.ServerReflectionResponse = (await replies.next()).value;
    requests.end();
    assert.equal(reply.messageResponse.case, "fileDescriptorResponse");
    const protos = reply.messageResponse.value.fileDescriptorProto;
    const names = fileNames(protos);
    assert.equal(names[0], "ect/v1/identity_service.proto");
    for (const dep of [
      "ect/v1/options.proto",
      "google/api/annotations.proto",
      "google/api/http.proto",
      "google/protobuf/descriptor.proto",
      "google/protobuf/timestamp.proto",
    ]) {
      assert.ok(names.includes(dep), `missing ${dep} in ${names.join(", ")}`);
    }
    // The set is complete: a registry builds from it alone and resolves the method.
    const decoded = new Map(
      protos.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes)).map((p) => [p.name, p]),
    );
    const registry = createFileRegistry(decoded.get(names[0])!, (name) => decoded.get(name));
    assert.equal(registry.getService("ect.v1.IdentityService")?.methods.length, 5);
    assert.equal((await replies.next()).done, true);
  });

  it("answers each request on one stream before the next arrives, errors included", async () => {
    const client = createClient(v1.ServerReflection, createGrpcTransport({ baseUrl }));
    const requests = pushable<v1.ServerReflectionRequest>();
    const replies = client.serverReflectionInfo(requests)[Symbol.asyncIterator]();
    const ask = async (messageRequest: v1.ServerReflectionRequest["messageRequest"]) => {
      requests.push(create(v1.ServerReflectionRequestSchema, { host: "h", messageRequest }));
      const value: v1.ServerReflectionResponse = (await replies.next()).value;
      assert.deepEqual(value.originalRequest?.messageRequest, messageRequest);
      assert.equal(value.validHost, "h");
      return value.messageResponse;
    };

    const list = await ask({ case: "listServices", value: "*" });
    assert.equal(list.case, "listServicesResponse");
    assert.deepEqual(
      list.value.service.map((s) => s.name),
      [
        "ect.v1.IdentityService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
      ],
    );

    const wkt = await ask({ case: "fileByFilename", value: "google/protobuf/timestamp.proto" });
    assert.equal(wkt.case, "fileDescriptorResponse");
    assert.deepEqual(fileNames(wkt.value.fileDescriptorProto), ["google/protobuf/timestamp.proto"]);

    const missing = await ask({ case: "fileByFilename", value: "nope.proto" });
    assert.equal(missing.case, "errorResponse");
    assert.equal(missing.value.errorCode, 5);

    const unknownSymbol = await ask({ case: "fileContainingSymbol", value: "ect.v1.Nope" });
    assert.equal(unknownSymbol.case, "errorResponse");
    assert.equal(unknownSymbol.value.errorCode, 5);

    const ext = await ask({
      case: "fileContainingExtension",
      value: create(v1.ExtensionRequestSchema, {
        containingType: "google.protobuf.MethodOptions",
        extensionNumber: 72295728,
      }),
    });
    assert.equal(ext.case, "fileDescriptorResponse");
    assert.equal(fileNames(ext.value.fileDescriptorProto)[0], "google/api/annotations.proto");

    const unknownExt = await ask({
      case: "fileContainingExtension",
      value: create(v1.ExtensionRequestSchema, {
        containingType: "google.protobuf.MethodOptions",
        extensionNumber: 1,
      }),
    });
    assert.equal(unknownExt.case, "errorResponse");
    assert.equal(unknownExt.value.errorCode, 5);

    const numbers = await ask({ case: "allExtensionNumbersOfType", value: "google.protobuf.MethodOptions" });
    assert.equal(numbers.case, "allExtensionNumbersResponse");
    assert.equal(numbers.value.baseTypeName, "google.protobuf.MethodOptions");
    assert.ok(numbers.value.extensionNumber.includes(72295728));
    assert.ok(numbers.value.extensionNumber.includes(50001), "ect.v1.permission");

    const unknownType = await ask({ case: "allExtensionNumbersOfType", value: "ect.v1.Nope" });
    assert.equal(unknownType.case, "errorResponse");
    assert.equal(unknownType.value.errorCode, 5);

    requests.end();
    assert.equal((await replies.next()).done, true);
  });

  it("serves the same answers under grpc.reflection.v1alpha", async () => {
    const client = createClient(v1alpha.ServerReflection, createGrpcTransport({ baseUrl }));
    const request = create(v1alpha.ServerReflectionRequestSchema, {
      messageRequest: { case: "fileContainingSymbol", value: "grpc.health.v1.Health" },
    });
    const replies = [];
    const once = async function* () {
      yield request;
    };
    for await (const reply of client.serverReflectionInfo(once())) replies.push(reply);
    assert.equal(replies.length, 1);
    assert.equal(replies[0].messageResponse.case, "fileDescriptorResponse");
    assert.deepEqual(fileNames(replies[0].messageResponse.value.fileDescriptorProto as Uint8Array[]), [
      "grpc/health/v1/health.proto",
    ]);
  });
});

describe("DescriptorIndex", () => {
  const index = new DescriptorIndex(served);

  it("finds nested messages, nested enums, fields, oneofs and enum values by full name", () => {
    const health = "grpc/health/v1/health.proto";
    assert.equal(
      index.fileContainingSymbol("grpc.health.v1.HealthListResponse.StatusesEntry")?.proto.name,
      health,
    );
    assert.equal(
      index.fileContainingSymbol("grpc.health.v1.HealthCheckResponse.ServingStatus")?.proto.name,
      health,
    );
    assert.equal(
      index.fileContainingSymbol("grpc.health.v1.HealthCheckResponse.SERVING")?.proto.name,
      health,
    );
    assert.equal(index.fileContainingSymbol("grpc.health.v1.HealthCheckRequest.service")?.proto.name, health);
    assert.equal(index.fileContainingSymbol(".grpc.health.v1.Health.Check")?.proto.name, health);
    assert.equal(
      index.fileContainingSymbol("google.protobuf.FieldDescriptorProto.TYPE_STRING")?.proto.name,
      "google/protobuf/descriptor.proto",
    );
  });

  it("finds extensions by their own name", () => {
    assert.equal(index.fileContainingSymbol("google.api.http")?.proto.name, "google/api/annotations.proto");
    assert.equal(index.fileContainingSymbol("ect.v1.permission")?.proto.name, "ect/v1/options.proto");
  });

  it("reports no extension numbers, rather than an error, for a known message nobody extends", () => {
    assert.deepEqual(index.extensionNumbers("google.protobuf.Timestamp"), []);
    assert.equal(index.extensionNumbers("ect.v1.Nope"), undefined);
  });

  it("serializes a file once and lists it before its imports", () => {
    const [first] = index.encodeWithDependencies(file_google_protobuf_timestamp);
    assert.equal(index.encodeWithDependencies(file_google_protobuf_timestamp)[0], first);
  });
});
