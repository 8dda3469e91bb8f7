import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { Code } from "@connectrpc/connect";
import { CoalescingWriter, flushThresholdBytes, type WritableResponse } from "./stream-writers.js";
import { type LibraryProbe, startLibraryServer } from "./test-library-service.js";

const probe: LibraryProbe = {};
let base = "";
let server: http.Server;
before(async () => {
  ({ url: base, server } = await startLibraryServer(probe, { heartbeatMs: 30, firstMessageWaitMs: 20 }));
});
after(() => server.close());

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(base + path, { headers });
  return { res, text: await res.text() };
};

/** Parses an SSE body into events (comments dropped). */
function sseEvents(text: string) {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "" && !block.startsWith(":"))
    .map((block) =>
      Object.fromEntries(
        block.split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 2)]),
      ),
    );
}

describe("server streams over HTTP", () => {
  test("NDJSON is the default: one JSON message per line", async () => {
    const { res, text } = await get("/v1/shelves/s1/books:stream?count=3");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /^application\/x-ndjson/);
    assert.equal(res.headers.get("x-correlation-id"), "generated");
    const lines = text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines,
      [1, 2, 3].map((i) => ({ name: `shelves/s1/books/${i}`, pageCount: String(i) })),
    );
  });

  test("an NDJSON stream that fails after it started ends with an error line", async () => {
    const { res, text } = await get("/v1/shelves/s1/books:stream?count=2&failCode=14");
    assert.equal(res.status, 200);
    const lines = text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 3);
    assert.deepEqual(lines[2], { error: { code: Code.Unavailable, message: "stream broke", details: [] } });
  });

  test("a stream that fails before its first message gets the real HTTP status", async () => {
    const { res, text } = await get("/v1/shelves/s1/books:stream?count=0&failCode=5");
    assert.equal(res.status, 404);
    assert.deepEqual(JSON.parse(text), { code: Code.NotFound, message: "stream broke", details: [] });
  });

  test("SSE on Accept: text/event-stream, with an id per message", async () => {
    const { res, text } = await get("/v1/shelves/s1/books:stream?count=3", { accept: "text/event-stream" });
    assert.match(res.headers.get("content-type")!, /^text\/event-stream/);
    const events = sseEvents(text);
    assert.deepEqual(
      events.map((e) => e.id),
      ["1", "2", "3"],
    );
    assert.deepEqual(JSON.parse(events[2].data), { name: "shelves/s1/books/3", pageCount: "3" });
  });

  test("an SSE stream that fails after it started sends an error event with the Status", async () => {
    const { text } = await get("/v1/shelves/s1/books:stream?count=1&failCode=8", {
      accept: "text/event-stream",
    });
    const events = sseEvents(text);
    assert.equal(events.length, 2);
    assert.equal(events[1].event, "error");
    assert.deepEqual(JSON.parse(events[1].data), {
      code: Code.ResourceExhausted,
      message: "stream broke",
      details: [],
    });
  });

  test("Last-Event-ID (header or lastEventId param) resumes after message n", async () => {
    const viaHeader = sseEvents(
      (
        await get("/v1/shelves/s1/books:stream?count=5", {
          accept: "text/event-stream",
          "last-event-id": "3",
        })
      ).text,
    );
    assert.deepEqual(
      viaHeader.map((e) => e.id),
      ["4", "5"],
    );
    const viaQuery = sseEvents(
      (await get("/v1/shelves/s1/books:stream?count=5&lastEventId=4", { accept: "text/event-stream" })).text,
    );
    assert.deepEqual(
      viaQuery.map((e) => [e.id, JSON.parse(e.data).pageCount]),
      [["5", "5"]],
    );
  });

  test("a silent SSE stream sends its headers and comment heartbeats", async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/v1/shelves/s1/books:stream?count=0&hang=true`, {
      headers: { accept: "text/event-stream" },
      signal: controller.signal,
    });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    assert.match(new TextDecoder().decode(value), /^: heartbeat\n\n/);
    controller.abort();
    await probe.streamDone;
  });

  test("a client that disconnects aborts the handler's signal at once", async () => {
    const req = http.get(`${base}/v1/shelves/s1/books:stream?count=1&hang=true`);
    const res = await new Promise<http.IncomingMessage>((resolve) => req.once("response", resolve));
    await new Promise((resolve) => res.once("data", resolve));
    assert.equal(probe.streamSignal?.aborted, false);
    req.destroy();
    await probe.streamDone;
    assert.equal(probe.streamSignal?.aborted, true);
  });

  test("a large stream arrives complete and in order", async () => {
    const { text } = await get("/v1/shelves/s1/books:stream?count=20000");
    const lines = text.trimEnd().split("\n");
    assert.equal(lines.length, 20000);
    assert.equal(JSON.parse(lines[19999]).pageCount, "20000");
  });
});

/** A fake response that records writes and can refuse them to simulate a full socket. */
class FakeResponse implements WritableResponse {
  writes: string[] = [];
  full = false;
  destroyed = false;
  private listeners = new Map<string, () => void>();
  write(chunk: string) {
    this.writes.push(chunk);
    return !this.full;
  }
  once(event: "drain" | "close", listener: () => void) {
    this.listeners.set(event, listener);
    return this;
  }
  removeListener(event: "drain" | "close") {
    this.listeners.delete(event);
    return this;
  }
  emit(event: "drain" | "close") {
    this.listeners.get(event)?.();
  }
}

describe("coalescing writer", () => {
  test("messages produced without awaiting I/O go out in one write", async () => {
    const res = new FakeResponse();
    const w = new CoalescingWriter(res);
    for (let i = 0; i < 100; i++) assert.equal(w.push(`${i}\n`), undefined);
    assert.equal(res.writes.length, 0);
    await new Promise((r) => setImmediate(r));
    assert.equal(res.writes.length, 1);
    assert.equal(res.writes[0].split("\n").length, 101);
  });

  test("the buffer flushes synchronously at the 16 KiB threshold", () => {
    const res = new FakeResponse();
    const w = new CoalescingWriter(res);
    const chunk = "x".repeat(1024);
    for (let i = 0; i < 16; i++) w.push(chunk);
    assert.equal(res.writes.length, 1);
    assert.equal(res.writes[0].length, flushThresholdBytes);
    w.discard();
  });

  test("a full socket makes push return a promise that settles on drain", async () => {
    const res = new FakeResponse();
    res.full = true;
    const w = new CoalescingWriter(res);
    w.push("x".repeat(flushThresholdBytes));
    const pending = w.push("y");
    assert.ok(pending instanceof Promise);
    let settled = false;
    void pending.then(() => {
      settled = true;
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, false);
    res.full = false;
    res.emit("drain");
    await pending;
    assert.equal(w.push("z"), undefined);
    w.discard();
  });
});
