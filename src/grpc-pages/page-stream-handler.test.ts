import assert from "node:assert/strict";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  type Client,
  Code,
  ConnectError,
  createClient,
  createContextValues,
  type Interceptor,
} from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { CaseService, StreamCasesResponseSchema } from "../gen/ect/v1/case_service_pb.js";
import { WorkflowService } from "../gen/workflow/workflow_pb.js";
import { itemCount } from "../streams/item-count.js";
import type { PageSource } from "../streams/page-source.js";
import { FramedPage } from "./framed-page.js";
import { createPageStreamHandler } from "./page-stream-handler.js";

type Page = readonly { caseId: number; refId?: number; status?: string }[];

/** What one test's page source does; set per test. */
let source: (request: { refId?: number }, signal: AbortSignal) => AsyncIterable<Page>;
/** What the interceptor chain saw stream by stream. */
const seen: unknown[][] = [];

const recording: Interceptor = (next) => async (req) => {
  const res = await next(req);
  if (!res.stream) return res;
  res.header.set("x-seen-by", "interceptor");
  const values: unknown[] = [];
  seen.push(values);
  const message = res.message;
  return {
    ...res,
    message: (async function* () {
      for await (const value of message) {
        values.push(value);
        yield value;
      }
    })(),
  };
};

const failing: Interceptor = (next) => async (req) => {
  if (req.header.get("x-refuse")) {
    const error = new ConnectError("refused: by policy", Code.PermissionDenied);
    error.metadata.set("x-reason", "policy");
    throw error;
  }
  return next(req);
};

const method: PageSource = {
  method: WorkflowService.method.getActiveCasesStream,
  pages: (request, context) => source(request as { refId?: number }, context.signal),
};

/** A batch method: each page is one StreamCasesResponse holding the page's cases. */
const batchMethod: PageSource = {
  method: CaseService.method.streamCases,
  batch: StreamCasesResponseSchema.field.cases,
  pages: () =>
    (async function* () {
      yield [
        { id: 1, name: "cases/1", member: { lastName: "Ånder" } },
        { id: 2, name: "cases/2" },
      ];
      yield [{ id: 3, name: "cases/3", version: 4 }];
    })(),
};

function pagesOf(count: number, size: number): AsyncIterable<Page> {
  return (async function* () {
    for (let p = 0; p < count; p++) {
      yield Array.from({ length: size }, (_, i) => ({ caseId: p * size + i + 1, refId: p, status: "Open" }));
    }
  })();
}

describe("page-framed gRPC streams", () => {
  let server: http2.Http2Server;
  let client: Client<typeof WorkflowService>;
  let cases: Client<typeof CaseService>;
  let baseUrl: string;
  const sessions = new Set<http2.ServerHttp2Session>();

  before(async () => {
    const handle = createPageStreamHandler({
      methods: [method, batchMethod],
      interceptors: [failing, recording],
      readMaxBytes: 1024 * 1024,
      contextValues: () => createContextValues(),
    });
    server = http2.createServer((req, res) => {
      if (handle(req, res)) return;
      res.writeHead(404, { "x-not-handled": "1" });
      res.end();
    });
    server.on("session", (session) => {
      sessions.add(session);
      session.once("close", () => sessions.delete(session));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = createClient(WorkflowService, createGrpcTransport({ baseUrl }));
    cases = createClient(CaseService, createGrpcTransport({ baseUrl }));
  });

  after(async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // The client's transport keeps its HTTP/2 session open for reuse.
    for (const session of sessions) session.destroy();
    await closed;
  });

  it("sends every item as its own message while the chain sees one framed page per page", async () => {
    source = () => pagesOf(3, 4);
    seen.length = 0;
    const ids: number[] = [];
    let header: Headers | undefined;
    for await (const item of client.getActiveCasesStream({}, { onHeader: (h) => (header = h) })) {
      ids.push(item.caseId);
      assert.equal(item.status, "Open");
    }
    assert.deepEqual(
      ids,
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    assert.equal(seen[0].length, 3);
    assert.ok(seen[0].every((page) => page instanceof FramedPage && page.count === 4));
    assert.deepEqual(
      seen[0].map(itemCount),
      [4, 4, 4],
      "the limits and metrics weigh each page by its items",
    );
    assert.equal(header?.get("x-seen-by"), "interceptor");
  });

  it("sends a batch method's page as one message holding the page's items, weighed by its items", async () => {
    seen.length = 0;
    const batches: { ids: number[]; names: string[] }[] = [];
    for await (const response of cases.streamCases({})) {
      batches.push({ ids: response.cases.map((c) => c.id), names: response.cases.map((c) => c.name) });
    }
    assert.deepEqual(batches, [
      { ids: [1, 2], names: ["cases/1", "cases/2"] },
      { ids: [3], names: ["cases/3"] },
    ]);
    assert.deepEqual(seen[0].map(itemCount), [2, 1]);
  });

  it("passes the decoded request to the page source", async () => {
    let refId: number | undefined;
    source = (request) => {
      refId = request.refId;
      return pagesOf(1, 1);
    };
    for await (const _ of client.getActiveCasesStream({ refId: 42 })) void _;
    assert.equal(refId, 42);
  });

  it("reports an error before the first page with its code, readable message and metadata", async () => {
    source = () => pagesOf(1, 1);
    const trailers = await rawCall({ "x-refuse": "1" });
    assert.equal(trailers["grpc-status"], String(Code.PermissionDenied));
    assert.equal(trailers["grpc-message"], "refused: by policy");
    assert.equal(trailers["x-reason"], "policy");
  });

  it("ends a stream that fails midway with the items sent so far and the error", async () => {
    source = () =>
      (async function* () {
        yield* pagesOf(2, 3);
        throw new ConnectError("group_id: no such group", Code.InvalidArgument);
      })();
    const ids: number[] = [];
    await assert.rejects(
      async () => {
        for await (const item of client.getActiveCasesStream({})) ids.push(item.caseId);
      },
      (error: ConnectError) =>
        error.code === Code.InvalidArgument && error.rawMessage === "group_id: no such group",
    );
    assert.equal(ids.length, 6);
  });

  it("aborts the page source when the client cancels", async () => {
    let aborted: Promise<void> | undefined;
    source = (_, signal) => {
      aborted = new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      return (async function* () {
        for (let p = 0; ; p++) {
          yield [{ caseId: p + 1 }];
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })();
    };
    const controller = new AbortController();
    let received = 0;
    await assert.rejects(
      async () => {
        for await (const _ of client.getActiveCasesStream({}, { signal: controller.signal })) {
          if (++received === 3) controller.abort();
        }
      },
      (error: ConnectError) => ConnectError.from(error).code === Code.Canceled,
    );
    assert.equal(received, 3);
    assert.ok(aborted, "the page source was called");
    // Bounded: a source that is never aborted fails the test instead of hanging it.
    let bound: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      aborted.then(() => "aborted"),
      new Promise((resolve) => {
        bound = setTimeout(() => resolve("the page source's signal was not aborted within 5 s"), 5000);
      }),
    ]);
    clearTimeout(bound);
    assert.equal(outcome, "aborted");
  });

  it("ends with DEADLINE_EXCEEDED when the grpc-timeout passes", async () => {
    source = (_, signal) =>
      (async function* () {
        yield [{ caseId: 1 }];
        await new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
      })();
    await assert.rejects(
      async () => {
        for await (const _ of client.getActiveCasesStream({}, { timeoutMs: 100 })) void _;
      },
      (error: ConnectError) => error.code === Code.DeadlineExceeded,
    );
  });

  it("stops pulling pages while the client does not read (HTTP/2 flow control)", async () => {
    let pulled = 0;
    source = () =>
      (async function* () {
        for (let p = 0; p < 10_000; p++) {
          pulled++;
          yield Array.from({ length: 1000 }, (_, i) => ({
            caseId: i + 1,
            status: "a status of some length",
          }));
        }
      })();
    const session = http2.connect(baseUrl);
    const stream = session.request(grpcHeaders({}));
    stream.end(Buffer.from([0, 0, 0, 0, 0]));
    stream.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const whilePaused = pulled;
    stream.close(http2.constants.NGHTTP2_CANCEL);
    session.close();
    assert.ok(whilePaused < 20, `pulled ${whilePaused} pages of 30 KB while the client read nothing`);
  });

  it("serves 20 streams started together on one connection in turn: each has its first item before any ends", async () => {
    source = () => pagesOf(10, 1000);
    const session = http2.connect(baseUrl);
    const events: string[] = [];
    const calls = Array.from(
      { length: 20 },
      (_, s) =>
        new Promise<number>((resolve, reject) => {
          const stream = session.request(grpcHeaders({}));
          let bytes = 0;
          stream.on("data", (chunk: Buffer) => {
            if (bytes === 0) events.push(`first ${s}`);
            bytes += chunk.length;
          });
          stream.on("error", reject);
          stream.on("close", () => {
            events.push(`end ${s}`);
            resolve(bytes);
          });
          stream.end(Buffer.from([0, 0, 0, 0, 0]));
        }),
    );
    const sizes = await Promise.all(calls);
    session.close();
    assert.ok(
      sizes.every((size) => size > 100_000),
      `every stream received its pages: ${sizes.join(" ")}`,
    );
    const firstEnd = events.findIndex((event) => event.startsWith("end"));
    const firsts = events.filter((event) => event.startsWith("first"));
    assert.equal(firsts.length, 20);
    assert.ok(
      events.lastIndexOf(firsts.at(-1) as string) < firstEnd,
      `a stream ended before every stream had its first item: ${events.slice(0, firstEnd + 1).join(", ")}`,
    );
  });

  it("keeps serving a stream while six others on its connection wait for their readers", async () => {
    source = () => pagesOf(10, 1000);
    const session = http2.connect(baseUrl);
    const open = (read: boolean) =>
      new Promise<number>((resolve, reject) => {
        const stream = session.request(grpcHeaders({}));
        let bytes = 0;
        stream.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          if (!read) stream.pause();
        });
        stream.on("error", reject);
        stream.on("close", () => resolve(bytes));
        stream.end(Buffer.from([0, 0, 0, 0, 0]));
        if (!read) setImmediate(() => resolve(-1));
      });
    // Six streams whose client stops reading at their first chunk: their flow-control windows fill.
    await Promise.all(Array.from({ length: 6 }, () => open(false)));
    // Bounded: a reading stream stuck behind the others fails the test instead of hanging it.
    let bound: NodeJS.Timeout | undefined;
    const read = await Promise.race([
      open(true),
      new Promise<number>((resolve) => {
        bound = setTimeout(() => resolve(-1), 10_000);
      }),
    ]);
    clearTimeout(bound);
    session.destroy();
    assert.ok(read > 100_000, `the reading stream received all its pages within 10 s (${read} bytes)`);
  });

  it("leaves gRPC-Web, compressed requests and HTTP/2 calls of other methods to the next handler", async () => {
    for (const headers of [
      { "content-type": "application/grpc-web+proto" },
      { "grpc-encoding": "gzip" },
      { ":path": "/workflow.WorkflowService/GetActiveCases" },
    ] as Record<string, string>[]) {
      const response = await rawCall(headers);
      assert.equal(response[":status"], 404, JSON.stringify(headers));
      assert.equal(response["x-not-handled"], "1");
    }
  });

  function grpcHeaders(extra: Record<string, string>): http2.OutgoingHttpHeaders {
    return {
      ":method": "POST",
      ":path": "/workflow.WorkflowService/GetActiveCasesStream",
      "content-type": "application/grpc",
      te: "trailers",
      ...extra,
    };
  }

  /** One call with a raw HTTP/2 client: the response headers merged with the trailers. */
  function rawCall(extra: Record<string, string>): Promise<Record<string, string | number>> {
    return new Promise((resolve, reject) => {
      const session = http2.connect(baseUrl);
      const stream = session.request(grpcHeaders(extra));
      const merged: Record<string, string | number> = {};
      const merge = (headers: http2.IncomingHttpHeaders) => Object.assign(merged, headers);
      stream.on("response", merge);
      stream.on("trailers", merge);
      stream.on("data", () => {});
      stream.on("error", reject);
      stream.on("close", () => {
        session.close();
        resolve(merged);
      });
      stream.end(Buffer.from([0, 0, 0, 0, 0]));
    });
  }
});
