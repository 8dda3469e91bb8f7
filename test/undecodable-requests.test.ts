import assert from "node:assert/strict";
import http2 from "node:http2";
import { after, before, describe, it } from "node:test";
import { signIn } from "./support/clients.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

const FIXED = "the request message could not be decoded";
/** Field 1 (a varint on every request below) given a length past the end, then bytes of no field. */
const GARBAGE = new Uint8Array([0x0a, 0x64, 0x41, 0x0f, 0xff, 0xff]);
const UNARY = "/ect.v1.CaseService/GetCase";
const STREAM = "/ect.v1.CaseService/StreamCases";

function frame(message: Uint8Array): Uint8Array<ArrayBuffer> {
  const framed = new Uint8Array(5 + message.length);
  new DataView(framed.buffer).setUint32(1, message.length);
  framed.set(message, 5);
  return framed;
}

/** grpc-status and grpc-message of a native gRPC call (trailers, or headers of a trailers-only reply). */
function grpcCall(baseUrl: string, path: string, token: string): Promise<{ code: string; message: string }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(baseUrl);
    session.on("error", reject);
    const stream = session.request({
      ":method": "POST",
      ":path": path,
      "content-type": "application/grpc",
      authorization: `Bearer ${token}`,
      te: "trailers",
    });
    const fields: http2.IncomingHttpHeaders = {};
    stream.on("response", (headers) => Object.assign(fields, headers));
    stream.on("trailers", (trailers) => Object.assign(fields, trailers));
    stream.on("data", () => {});
    stream.on("end", () => {
      session.close();
      resolve({
        code: String(fields["grpc-status"]),
        message: decodeURIComponent(String(fields["grpc-message"] ?? "")),
      });
    });
    stream.on("error", reject);
    stream.end(frame(GARBAGE));
  });
}

/** grpc-status and grpc-message from the trailer frame of a gRPC-Web reply. */
function webTrailer(body: Buffer): { code: string; message: string } {
  const fields: Record<string, string> = {};
  for (let at = 0; at + 5 <= body.length; at += 5 + body.readUInt32BE(at + 1)) {
    if (!(body[at] & 0x80)) continue;
    const text = body.subarray(at + 5, at + 5 + body.readUInt32BE(at + 1)).toString();
    for (const line of text.split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) fields[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
  }
  return { code: fields["grpc-status"], message: decodeURIComponent(fields["grpc-message"] ?? "") };
}

describe("a request message that is not valid protobuf is bad input on every protocol", () => {
  let server: TestServer;
  // Signed in, so a stream (whose request is read after the auth check) gets as far as decoding.
  let token: string;
  before(async () => {
    server = await startTestServer(undefined);
    token = await signIn(server.url, "medtech");
  });
  after(async () => {
    await server?.stop();
  });

  it("over gRPC, unary and server stream: INVALID_ARGUMENT, no parser text", async () => {
    for (const path of [UNARY, STREAM]) {
      assert.deepEqual(await grpcCall(server.url, path, token), { code: "3", message: FIXED }, path);
    }
  });

  it("over Connect (binary), unary and server stream: invalid_argument, HTTP 400, no parser text", async () => {
    const unary = await fetch(`${server.url}${UNARY}`, {
      method: "POST",
      headers: { "content-type": "application/proto", authorization: `Bearer ${token}` },
      body: GARBAGE,
    });
    assert.equal(unary.status, 400);
    assert.deepEqual(await unary.json(), { code: "invalid_argument", message: FIXED });

    const stream = await fetch(`${server.url}${STREAM}`, {
      method: "POST",
      headers: { "content-type": "application/connect+proto", authorization: `Bearer ${token}` },
      body: frame(GARBAGE),
    });
    const end = JSON.parse(
      Buffer.from(await stream.arrayBuffer())
        .subarray(5)
        .toString(),
    );
    assert.deepEqual(end.error, { code: "invalid_argument", message: FIXED });
  });

  it("over gRPC-Web, unary and server stream: INVALID_ARGUMENT, no parser text", async () => {
    for (const path of [UNARY, STREAM]) {
      const response = await fetch(`${server.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/grpc-web+proto", authorization: `Bearer ${token}` },
        body: frame(GARBAGE),
      });
      const body = Buffer.from(await response.arrayBuffer());
      assert.deepEqual(webTrailer(body), { code: "3", message: FIXED }, path);
    }
  });
});
