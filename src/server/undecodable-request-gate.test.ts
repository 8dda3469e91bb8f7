import assert from "node:assert/strict";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import {
  Health,
  HealthCheckResponse_ServingStatus,
  HealthCheckResponseSchema,
} from "../gen/grpc/health/v1/health_pb.js";
import { errorsInterceptor } from "../interceptors/errors.js";
import { createLogger } from "../telemetry/logger.js";
import { type RequestGate, undecodableRequestGate } from "./undecodable-request-gate.js";

const FIXED = "the request message could not be decoded";

/** Request bodies that are not a valid grpc.health.v1.HealthCheckRequest. */
const garbage: [string, Uint8Array][] = [
  ["a length past the end", Uint8Array.from([0x0a, 0x64, 0x41])],
  ["an invalid wire type", Uint8Array.from([0x0f, 0x01])],
  ["a varint that never ends", new Uint8Array(12).fill(0xff)],
];

interface RawResponse {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: Buffer;
  trailers: http2.IncomingHttpHeaders;
}

function envelope(message: Uint8Array): Uint8Array {
  const framed = Buffer.alloc(5 + message.length);
  framed.writeUInt32BE(message.length, 1);
  framed.set(message, 5);
  return framed;
}

let server: http2.Http2Server;
let session: http2.ClientHttp2Session;
let gateCalls = 0;

function post(path: string, contentType: string, body: Uint8Array): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ":method": "POST",
      ":path": path,
      "content-type": contentType,
      te: "trailers",
    });
    const chunks: Buffer[] = [];
    let headers: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    stream.on("response", (h) => {
      headers = h;
    });
    stream.on("trailers", (t) => {
      trailers = t;
    });
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () =>
      resolve({ status: Number(headers[":status"]), headers, body: Buffer.concat(chunks), trailers }),
    );
    stream.on("error", reject);
    stream.end(body);
  });
}

/** grpc-status and grpc-message, from trailers, trailers-only headers or a gRPC-Web trailer frame. */
function grpcStatus(response: RawResponse): { code: string; message: string } {
  let fields: Record<string, string | string[] | undefined> = { ...response.headers, ...response.trailers };
  if (String(response.headers["content-type"]).startsWith("application/grpc-web")) {
    fields = {};
    for (let at = 0; at + 5 <= response.body.length; ) {
      const length = response.body.readUInt32BE(at + 1);
      if (response.body[at] & 0x80) {
        for (const line of response.body
          .subarray(at + 5, at + 5 + length)
          .toString()
          .split("\r\n")) {
          const colon = line.indexOf(":");
          if (colon > 0) fields[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
      }
      at += 5 + length;
    }
  }
  return {
    code: String(fields["grpc-status"]),
    message: decodeURIComponent(String(fields["grpc-message"] ?? "")),
  };
}

describe("undecodable request messages", () => {
  before(async () => {
    const counting: RequestGate = () => {
      gateCalls++;
    };
    const handler = connectNodeAdapter({
      routes: (router) =>
        router.service(Health, {
          check: () => ({ status: HealthCheckResponse_ServingStatus.SERVING }),
          async *watch() {
            yield create(HealthCheckResponseSchema, { status: HealthCheckResponse_ServingStatus.SERVING });
          },
        }),
      interceptors: [errorsInterceptor(createLogger({ level: "silent" }))],
      requestGate: undecodableRequestGate(counting),
    });
    server = http2.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    session = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  after(async () => {
    session?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  for (const [what, bytes] of garbage) {
    it(`answers ${what} over Connect with invalid_argument (HTTP 400) and no parser text`, async () => {
      const unary = await post("/grpc.health.v1.Health/Check", "application/proto", bytes);
      assert.equal(unary.status, 400);
      assert.deepEqual(JSON.parse(unary.body.toString()), { code: "invalid_argument", message: FIXED });

      const stream = await post("/grpc.health.v1.Health/Watch", "application/connect+proto", envelope(bytes));
      assert.equal(stream.status, 200);
      const end = JSON.parse(stream.body.subarray(5).toString());
      assert.deepEqual(end.error, { code: "invalid_argument", message: FIXED });
    });

    it(`answers ${what} over gRPC with INVALID_ARGUMENT and no parser text`, async () => {
      for (const path of ["/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch"]) {
        const response = await post(path, "application/grpc", envelope(bytes));
        assert.deepEqual(grpcStatus(response), { code: "3", message: FIXED }, path);
      }
    });

    it(`answers ${what} over gRPC-Web with INVALID_ARGUMENT and no parser text`, async () => {
      for (const path of ["/grpc.health.v1.Health/Check", "/grpc.health.v1.Health/Watch"]) {
        const response = await post(path, "application/grpc-web+proto", envelope(bytes));
        assert.deepEqual(grpcStatus(response), { code: "3", message: FIXED }, path);
      }
    });
  }

  it("leaves valid requests alone and runs the gate it wraps", async () => {
    const before = gateCalls;
    const ok = await post("/grpc.health.v1.Health/Check", "application/grpc", envelope(new Uint8Array()));
    assert.deepEqual(grpcStatus(ok), { code: "0", message: "" });
    const json = await post("/grpc.health.v1.Health/Check", "application/json", Buffer.from('{"service":1}'));
    assert.equal(json.status, 400, "JSON keeps its own InvalidArgument naming the field");
    assert.match(JSON.parse(json.body.toString()).message, /service/);
    assert.equal(gateCalls, before + 2);
  });
});
