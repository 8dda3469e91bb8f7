import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { HealthCheckResponseSchema } from "../gen/grpc/health/v1/health_pb.js";
import { parseTimeout, readAllBytes, setTrailerStatus } from "./connect-internals.js";

// What the page-framed gRPC path needs from connect-es's @private internals. A failure here after a
// connect-es upgrade means page-stream-handler.ts must be adapted before the upgrade ships.

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

describe("connect-es internals used by the page-framed gRPC path", () => {
  it("parseTimeout reads grpc-timeout in every unit, no header as no deadline, and refuses bad values", () => {
    assert.deepEqual(parseTimeout(null, 60_000), {});
    assert.deepEqual(parseTimeout("250m", 60_000), { timeoutMs: 250 });
    assert.deepEqual(parseTimeout("2S", 60_000), { timeoutMs: 2_000 });
    assert.deepEqual(parseTimeout("1M", 600_000), { timeoutMs: 60_000 });
    assert.deepEqual(parseTimeout("1H", Number.MAX_SAFE_INTEGER), { timeoutMs: 3_600_000 });
    assert.deepEqual(parseTimeout("5000u", 60_000), { timeoutMs: 5 });
    const bad = parseTimeout("soon", 60_000);
    assert.ok(bad.error instanceof ConnectError);
    assert.equal(bad.error.code, Code.InvalidArgument);
    const tooLong = parseTimeout("2M", 60_000);
    assert.equal(tooLong.error?.code, Code.InvalidArgument);
  });

  it("setTrailerStatus writes grpc-status 0 on success, else the code, message, metadata and details", () => {
    assert.deepEqual([...setTrailerStatus(new Headers(), undefined)], [["grpc-status", "0"]]);
    const error = new ConnectError("refused: by policy", Code.PermissionDenied, { "x-reason": "policy" });
    error.details.push({
      desc: HealthCheckResponseSchema,
      value: create(HealthCheckResponseSchema, { status: 1 }),
    });
    const target = new Headers({ "content-type": "application/grpc+proto" });
    const trailers = setTrailerStatus(target, error);
    assert.equal(trailers, target, "it writes into the headers it is given");
    assert.equal(trailers.get("grpc-status"), String(Code.PermissionDenied));
    assert.equal(trailers.get("grpc-message"), encodeURIComponent("refused: by policy"));
    assert.equal(trailers.get("x-reason"), "policy", "the error's metadata goes out as trailers");
    const details = trailers.get("grpc-status-details-bin");
    assert.ok(details, "details travel as grpc-status-details-bin");
    // A google.rpc.Status: field 1 the code, then the message and the packed detail.
    const status = Buffer.from(details, "base64");
    assert.deepEqual([...status.subarray(0, 2)], [0x08, Code.PermissionDenied]);
    assert.ok(status.includes("type.googleapis.com/grpc.health.v1.HealthCheckResponse"));
  });

  it("readAllBytes joins a body and refuses one over readMaxBytes with RESOURCE_EXHAUSTED", async () => {
    assert.equal(Buffer.from(await readAllBytes(chunks("ab", "cd"), 4)).toString(), "abcd");
    await assert.rejects(readAllBytes(chunks("ab", "cde"), 4), (error: ConnectError) => {
      assert.equal(error.code, Code.ResourceExhausted);
      return true;
    });
  });
});
