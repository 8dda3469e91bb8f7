import assert from "node:assert/strict";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { BookSchema, LibraryService } from "../gen/ecttest/v1/transcoding_pb.js";
import { decimalIntegerRoutes } from "./decimal-integer-routes.js";

const ECHO = "/ecttest.v1.LibraryService/EchoSearch";
const STREAM = "/ecttest.v1.LibraryService/StreamBooks";
const GET_BOOK = "/ecttest.v1.LibraryService/GetBook";
const NOT_DECIMAL = ['"0x10"', '"0b101"', '"1e1"', '"1.5"', "1.5", '" 1"'];

/** EchoSearch also served under a GET-able twin, the only way Connect reads a message from the query. */
const echoByGet = {
  ...LibraryService.method.echoSearch,
  name: "EchoSearchGet",
  idempotency: MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS,
};

function routes(router: ConnectRouter) {
  router.service(LibraryService, {
    echoSearch: (req) => req,
    async *streamBooks(req) {
      for (let i = 1; i <= req.count; i++) yield create(BookSchema, { name: `books/${i}` });
    },
  });
  router.rpc(echoByGet, (req) => req);
}

function envelope(json: string, flags = 0): Uint8Array<ArrayBuffer> {
  const body = new TextEncoder().encode(json);
  const framed = new Uint8Array(5 + body.length);
  framed[0] = flags;
  new DataView(framed.buffer).setUint32(1, body.length);
  framed.set(body, 5);
  return framed;
}

/** The JSON payloads of a Connect or gRPC-Web stream reply, each with its flags byte. */
function envelopes(body: Buffer): { flags: number; text: string }[] {
  const out: { flags: number; text: string }[] = [];
  for (let at = 0; at + 5 <= body.length; at += 5 + body.readUInt32BE(at + 1)) {
    out.push({ flags: body[at], text: body.subarray(at + 5, at + 5 + body.readUInt32BE(at + 1)).toString() });
  }
  return out;
}

describe("JSON request messages over Connect, gRPC-Web and gRPC", () => {
  let server: http.Server;
  let url: string;
  before(async () => {
    server = http.createServer(connectNodeAdapter({ routes: decimalIntegerRoutes(routes) }));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const post = (path: string, contentType: string, body: string | Uint8Array<ArrayBuffer>) =>
    fetch(`${url}${path}`, { method: "POST", headers: { "content-type": contentType }, body });

  for (const raw of NOT_DECIMAL) {
    it(`refuses ${raw} for a unary int64, naming the field with HTTP 400`, async () => {
      const response = await post(ECHO, "application/json", `{"minId":${raw}}`);
      assert.equal(response.status, 400);
      const error = (await response.json()) as { code: string; message: string };
      assert.equal(error.code, "invalid_argument");
      assert.match(error.message, /^min_id: must be a decimal integer/);
    });
  }

  it("names nested, repeated and wrapped integers by their path", async () => {
    const cases: [string, RegExp][] = [
      ['{"filter":{"minPages":"0x10"}}', /^filter\.min_pages: /],
      ['{"ids":["1","0b101"]}', /^ids\[1\]: /],
      ['{"pageSize":"1e1"}', /^page_size: /],
    ];
    for (const [body, field] of cases) {
      const response = await post(ECHO, "application/json", body);
      assert.equal(response.status, 400, body);
      assert.match(((await response.json()) as { message: string }).message, field);
    }
  });

  it("accepts decimal integers as strings and as numbers", async () => {
    for (const body of ['{"minId":"16","ids":["-3",4]}', '{"minId":16,"ids":[-3,"4"]}']) {
      const response = await post(ECHO, "application/json", body);
      assert.equal(response.status, 200, body);
      assert.deepEqual(await response.json(), { minId: "16", ids: ["-3", "4"] });
    }
  });

  it("refuses a non-decimal integer in a GET's message query, and reads a decimal one", async () => {
    const get = (message: string) =>
      fetch(
        `${url}/ecttest.v1.LibraryService/EchoSearchGet?encoding=json&message=${encodeURIComponent(message)}`,
      );
    const refused = await get('{"minId":"0x10"}');
    assert.equal(refused.status, 400);
    assert.match(((await refused.json()) as { message: string }).message, /^min_id: /);
    const read = await get('{"minId":"16"}');
    assert.equal(read.status, 200);
    assert.deepEqual(await read.json(), { minId: "16" });
  });

  it("ends a Connect JSON stream with invalid_argument naming the field, and streams a decimal count", async () => {
    const refused = await post(STREAM, "application/connect+json", envelope('{"count":"0x10"}'));
    const [end] = envelopes(Buffer.from(await refused.arrayBuffer()));
    assert.equal(end.flags, 2, "only the end-of-stream message");
    const { error } = JSON.parse(end.text) as { error: { code: string; message: string } };
    assert.equal(error.code, "invalid_argument");
    assert.match(error.message, /^count: must be a decimal integer/);

    const streamed = await post(STREAM, "application/connect+json", envelope('{"count":"2"}'));
    const messages = envelopes(Buffer.from(await streamed.arrayBuffer()));
    assert.deepEqual(
      messages.map((m) => m.text),
      ['{"name":"books/1"}', '{"name":"books/2"}', "{}"],
    );
  });

  it("refuses a non-decimal integer over gRPC-Web with JSON", async () => {
    const response = await post(ECHO, "application/grpc-web+json", envelope('{"minId":"1e1"}'));
    const trailer = envelopes(Buffer.from(await response.arrayBuffer())).find((m) => m.flags & 0x80);
    assert.match(trailer?.text ?? "", /grpc-status: ?3\r\n/);
    assert.match(decodeURIComponent(trailer?.text ?? ""), /grpc-message: ?min_id: must be a decimal integer/);
  });

  it("leaves malformed JSON to fromJson and unimplemented methods UNIMPLEMENTED", async () => {
    const malformed = await post(ECHO, "application/json", '{"minId":');
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { code: string }).code, "invalid_argument");
    const missing = await post(GET_BOOK, "application/json", "{}");
    assert.equal(missing.status, 501);
    assert.deepEqual(await missing.json(), {
      code: "unimplemented",
      message: "ecttest.v1.LibraryService.GetBook is not implemented",
    });
  });
});
