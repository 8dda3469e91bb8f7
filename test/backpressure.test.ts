/**
 * Streams honour backpressure: a client that reads the first bytes of a large StreamCases and then stops
 * reading (its socket stays open) makes the server stop reading pages from the database — over REST as
 * NDJSON and as SSE, over gRPC-Web and Connect on HTTP/1.1, and over native gRPC through connect-node
 * (ECT_GRPC_FRAMED_PAGES=false; the framed path's bound is the fault suite's slow consumer). The rows the
 * server has read are counted at the database port every page passes (Db.page); once the reader resumes
 * the server reads on, so the stream was there to read and only the reader held it back.
 */
import assert from "node:assert/strict";
import http from "node:http";
import http2 from "node:http2";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { Db, PageOptions } from "../src/db/db.js";
import { frame } from "./security/support/raw-client.js";
import { signIn } from "./support/clients.js";
import { startTestServer, type TestServer, testDatabases } from "./support/test-server.js";

/** Copies of the seeded cases added, so the stream is many times what socket buffers hold. */
const COPIES = 160;
const PAGE_SIZE = 200;

/** A response being read: pause and resume it, and see what has arrived. */
interface Reading {
  /** Bytes received so far. */
  received(): number;
  pause(): void;
  resume(): void;
  destroy(): void;
}

/** An HTTP/1.1 request whose response can be paused: pausing stops reading the socket (TCP backpressure). */
function readHttp1(url: string, method: string, headers: Record<string, string>, body?: Uint8Array): Reading {
  let bytes = 0;
  let response: http.IncomingMessage | undefined;
  let paused = false;
  const req = http.request(url, { method, headers, agent: false }, (res) => {
    response = res;
    if (paused) res.pause();
    res.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
    });
    res.on("error", () => {});
  });
  // Destroying the response at the end of a test is the only error expected here.
  req.on("error", () => {});
  req.end(body === undefined ? undefined : Buffer.from(body));
  return {
    received: () => bytes,
    pause() {
      paused = true;
      response?.pause();
    },
    resume() {
      paused = false;
      response?.resume();
    },
    destroy: () => {
      response?.destroy();
      req.destroy();
    },
  };
}

/** A native gRPC call on its own HTTP/2 session; pausing stops consuming, so flow control holds the server. */
function readGrpc(baseUrl: string, path: string, token: string): Reading {
  const session = http2.connect(baseUrl);
  session.on("error", () => {});
  const stream = session.request({
    ":method": "POST",
    ":path": path,
    "content-type": "application/grpc+proto",
    te: "trailers",
    authorization: `Bearer ${token}`,
  });
  let bytes = 0;
  stream.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
  });
  stream.on("error", () => {});
  stream.end(Buffer.from(frame(new Uint8Array())));
  return {
    received: () => bytes,
    pause: () => stream.pause(),
    resume: () => stream.resume(),
    destroy: () => session.destroy(),
  };
}

// Backpressure is the transport's; one database is enough (PostgreSQL when there is one: it starts faster).
const database = testDatabases().at(-1)!;

describe(`backpressure of a slow reader on ${database.name}`, { timeout: 240_000 }, () => {
  let server: TestServer;
  let token: string;
  let total: number;
  let rowsRead = 0;

  before(async () => {
    server = await startTestServer(database.url, {
      // No pacing: the only thing that may hold the server back is the reader.
      ECT_STREAM_ITEMS_PER_SECOND: "0",
      ECT_STREAM_PAGE_SIZE: String(PAGE_SIZE),
      ECT_GRPC_FRAMED_PAGES: "false",
    });
    await server.db.exec(`
      INSERT INTO cases (case_number, module_id, workflow_id, work_status_id, unit_id, member_id, created_by)
      SELECT 'BULK-' || g || '-' || c.case_number, c.module_id, c.workflow_id, c.work_status_id,
             c.unit_id, c.member_id, c.created_by
      FROM cases c CROSS JOIN generate_series(1, ${COPIES}) g`);
    total = (await server.db.query<{ n: number }>("SELECT count(*)::int AS n FROM cases")).rows[0].n;
    // Every page of every stream passes the database port: count the rows it returns.
    const page = server.db.page.bind(server.db);
    server.db.page = (async (sql: string, params: readonly unknown[], options?: PageOptions) => {
      const result = await page(sql, params, options);
      rowsRead += result.rows.length;
      return result;
    }) as Db["page"];
    token = await signIn(server.url, "admin");
  });
  after(async () => server?.stop());

  /** Waits (bounded) until the server has read no page for `quietMs`; returns the rows read by then. */
  async function settled(quietMs: number, maxMs: number): Promise<number> {
    const deadline = Date.now() + maxMs;
    let last = rowsRead;
    let since = Date.now();
    while (Date.now() < deadline) {
      await sleep(100);
      if (rowsRead !== last) {
        last = rowsRead;
        since = Date.now();
      } else if (Date.now() - since >= quietMs) {
        break;
      }
    }
    return rowsRead;
  }

  const auth = () => ({ authorization: `Bearer ${token}` });
  const protocols: [string, () => Reading][] = [
    ["REST NDJSON", () => readHttp1(`${server.url}/ect/v1/cases:stream`, "GET", auth())],
    [
      "REST SSE",
      () => readHttp1(`${server.url}/ect/v1/cases:stream`, "GET", { ...auth(), accept: "text/event-stream" }),
    ],
    [
      "Connect",
      () =>
        readHttp1(
          `${server.url}/ect.v1.CaseService/StreamCases`,
          "POST",
          { ...auth(), "content-type": "application/connect+json", "connect-protocol-version": "1" },
          frame(new TextEncoder().encode("{}")),
        ),
    ],
    [
      "gRPC-Web",
      () =>
        readHttp1(
          `${server.url}/ect.v1.CaseService/StreamCases`,
          "POST",
          { ...auth(), "content-type": "application/grpc-web+proto", "x-grpc-web": "1" },
          frame(new Uint8Array()),
        ),
    ],
    [
      "native gRPC (ECT_GRPC_FRAMED_PAGES=false)",
      () => readGrpc(server.url, "/ect.v1.CaseService/StreamCases", token),
    ],
  ];

  for (const [protocol, open] of protocols) {
    it(`stops reading the database while a ${protocol} reader stops reading, and reads on when it resumes`, async () => {
      assert.ok(total > 60_000, `a large stream (${total} cases)`);
      rowsRead = 0;
      const reading = open();
      try {
        const deadline = Date.now() + 30_000;
        while (reading.received() === 0 && Date.now() < deadline) await sleep(10);
        assert.ok(reading.received() > 0, "the stream started");
        reading.pause();
        const held = await settled(1_500, 30_000);
        const bytesHeld = reading.received();
        // What the kernel's socket buffers and one prefetched page can hold is far less than the stream.
        console.log(
          `backpressure (${protocol}): paused after ${bytesHeld} bytes; the server read ${held} of ${total} rows`,
        );
        assert.ok(held < total / 2, `the server read ${held} of ${total} rows while nothing was read`);
        // The control: reading again, the server reads on (the stream was there to read, and it was held back).
        reading.resume();
        const resumed = Date.now() + 30_000;
        while (rowsRead < held + 5 * PAGE_SIZE && Date.now() < resumed) await sleep(20);
        assert.ok(
          rowsRead >= held + 5 * PAGE_SIZE,
          `the server read on once the reader resumed (${rowsRead} rows)`,
        );
        assert.ok(reading.received() > bytesHeld, "more of the stream arrived");
      } finally {
        reading.destroy();
      }
    });
  }
});
