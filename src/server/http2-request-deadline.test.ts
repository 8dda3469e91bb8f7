import assert from "node:assert/strict";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { resetStalledRequest } from "./http2-request-deadline.js";

const IDLE_MS = 200;
const BOUND_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The client side's end: its RST_STREAM code (NO_ERROR when it closed normally); rejects after BOUND_MS. */
function closeCode(stream: http2.ClientHttp2Stream): Promise<number> {
  stream.resume();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${BOUND_MS} ms`)), BOUND_MS);
    stream.once("close", () => {
      clearTimeout(timer);
      resolve(stream.rstCode ?? -1);
    });
  });
}

describe("HTTP/2 request deadline", () => {
  let server: http2.Http2Server;
  let client: http2.ClientHttp2Session;
  const held: http2.ServerHttp2Stream[] = [];

  before(async () => {
    server = http2.createServer();
    server.on("stream", (stream, headers) => {
      resetStalledRequest(stream, IDLE_MS);
      const path = headers[":path"];
      // /watch: answers at once and stays silent; /read: reads the body, then stays silent; /ignore: never reads.
      if (path === "/watch") stream.respond({ ":status": 200 });
      if (path === "/read")
        stream.on("end", () => stream.destroyed || stream.respond({ ":status": 200 })).resume();
      held.push(stream);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    client = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    client.on("error", () => {});
  });
  after(() => {
    for (const stream of held) stream.destroy();
    client.destroy();
    server.close();
  });

  const open = (path: string, endStream: boolean) => {
    const stream = client.request({ ":method": "POST", ":path": path }, { endStream });
    stream.on("error", () => {});
    return stream;
  };

  it("resets a request whose body never comes", async () => {
    const started = Date.now();
    assert.equal(await closeCode(open("/read", false)), http2.constants.NGHTTP2_CANCEL);
    assert.ok(Date.now() - started >= IDLE_MS * 0.9, "not before the deadline");
  });

  it("keeps a quiet response whose request ended with its headers", async () => {
    const stream = open("/watch", true);
    const closed = closeCode(stream);
    await sleep(IDLE_MS * 4);
    assert.equal(stream.closed, false);
    held.at(-1)?.end();
    assert.equal(await closed, http2.constants.NGHTTP2_NO_ERROR);
  });

  it("keeps a slow body that keeps coming, and the quiet response after it", async () => {
    const stream = open("/read", false);
    const closed = closeCode(stream);
    for (let i = 0; i < 8; i++) {
      await sleep(IDLE_MS / 4);
      stream.write("x");
    }
    stream.end();
    await sleep(IDLE_MS * 4);
    assert.equal(stream.closed, false, "the response outlives the deadline once the request has ended");
    held.at(-1)?.end();
    assert.equal(await closed, http2.constants.NGHTTP2_NO_ERROR);
  });

  it("keeps a stream the server has stopped reading: that wait is the server's", async () => {
    const stream = open("/ignore", false);
    const closed = closeCode(stream);
    // More than the stream's flow-control window: the server reads none of it, the client waits on it.
    stream.write(Buffer.alloc(64 * 1024));
    await sleep(IDLE_MS * 4);
    assert.equal(stream.closed, false);
    const serverSide = held.at(-1)!;
    assert.ok(serverSide.readableLength > 0, "the server holds unread bytes");
    serverSide.resume();
    stream.end();
    serverSide.once("end", () => serverSide.respond({ ":status": 204 }, { endStream: true }));
    assert.equal(await closed, http2.constants.NGHTTP2_NO_ERROR);
  });
});
