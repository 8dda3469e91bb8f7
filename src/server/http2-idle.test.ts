import assert from "node:assert/strict";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { closeWhenIdle } from "./http2-idle.js";

const IDLE_MS = 200;
const BOUND_MS = 10_000;

/** Resolves with the milliseconds until the client session closes; rejects after BOUND_MS. */
function closedWithin(session: http2.ClientHttp2Session): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${BOUND_MS} ms`)), BOUND_MS);
    session.once("close", () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

describe("HTTP/2 idle sessions", () => {
  let server: http2.Http2Server;
  let url: string;
  const held: http2.ServerHttp2Stream[] = [];

  before(async () => {
    server = http2.createServer();
    server.on("session", (session) => closeWhenIdle(session, IDLE_MS));
    server.on("stream", (stream, headers) => {
      if (headers[":path"] === "/hold") {
        stream.respond({ ":status": 200 });
        held.push(stream);
      } else {
        stream.respond({ ":status": 204 });
        stream.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it("closes a session that only pings, however often", async () => {
    const client = http2.connect(url);
    client.on("error", () => {});
    const pinging = setInterval(() => {
      if (!client.closed && !client.destroyed) client.ping(() => {});
    }, IDLE_MS / 4);
    try {
      const ms = await closedWithin(client);
      assert.ok(ms >= IDLE_MS * 0.9, `not before the idle timeout (${ms} ms)`);
    } finally {
      clearInterval(pinging);
    }
  });

  it("keeps a session while a stream is open, and closes it once the last stream ends and it idles", async () => {
    const client = http2.connect(url);
    client.on("error", () => {});
    const stream = client.request({ ":path": "/hold" });
    stream.on("error", () => {});
    await new Promise((resolve) => stream.once("response", resolve));
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS * 4));
    assert.equal(client.closed || client.destroyed, false, "an open stream holds the session");
    const closed = closedWithin(client);
    held[0].end();
    stream.resume();
    await closed;
  });
});
