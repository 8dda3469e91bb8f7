import assert from "node:assert/strict";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { create, type DescMessage, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { type ConnectRouter, createContextValues, type Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { callerKey } from "../auth/caller-context.js";
import type { Db } from "../db/db.js";
import { CaseService } from "../gen/ect/v1/case_service_pb.js";
import { Icd10Service } from "../gen/ect/v1/icd10_service_pb.js";
import { MemberService } from "../gen/ect/v1/member_service_pb.js";
import { WorkflowService } from "../gen/workflow/workflow_pb.js";
import { PAGED_STREAMS } from "../server/services.js";
import { callerFor, openSeededDb } from "../services/workflow/test-harness.js";
import { connectHandler } from "../streams/connect-handler.js";
import { pageSource } from "../streams/page-source.js";
import type { AnyPagedStream } from "../streams/paged-stream.js";
import { createPageStreamHandler } from "./page-stream-handler.js";

/** What a native gRPC client receives from a server stream. */
interface WireAnswer {
  /** Every DATA byte: the length-prefixed messages. */
  body: string;
  status: string | undefined;
  /** grpc-message decoded: the two paths percent-encode differently, the text is the same. */
  message: string | undefined;
  details: string | undefined;
}

/** Calls a server-streaming method over raw HTTP/2, as a gRPC client does. */
function call(url: string, path: string, request: Uint8Array): Promise<WireAnswer> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    session.on("error", reject);
    const stream = session.request({
      ":method": "POST",
      ":path": path,
      "content-type": "application/grpc+proto",
      te: "trailers",
    });
    const chunks: Buffer[] = [];
    let trailers: http2.IncomingHttpHeaders = {};
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("trailers", (received) => (trailers = received));
    stream.on("error", reject);
    stream.on("end", () => {
      session.close();
      const message = trailers["grpc-message"] as string | undefined;
      resolve({
        body: Buffer.concat(chunks).toString("hex"),
        status: trailers["grpc-status"] as string | undefined,
        message: message === undefined ? undefined : decodeURIComponent(message),
        details: trailers["grpc-status-details-bin"] as string | undefined,
      });
    });
    const frame = Buffer.alloc(5 + request.length);
    frame.writeUInt32BE(request.length, 1);
    frame.set(request, 5);
    stream.end(frame);
  });
}

function listen(handler: (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void) {
  const server = http2.createServer(handler);
  return new Promise<{ server: http2.Http2Server; url: string }>((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

/** A request for a declared stream. */
function request<D extends DescMessage>(schema: D, init: MessageInitShape<D>): Uint8Array {
  return toBinary(schema, create(schema, init));
}

describe("declared paged streams on native gRPC", () => {
  let db: Db;
  let framed: { server: http2.Http2Server; url: string };
  let connect: { server: http2.Http2Server; url: string };

  before(async () => {
    db = await openSeededDb();
    const caller = await callerFor(db, "admin");
    const setCaller: Interceptor = (next) => (req) => {
      req.contextValues.set(callerKey, caller);
      return next(req);
    };
    // Small pages, so every stream spans several of them.
    const source = { db, streaming: { firstPageSize: 2, pageSize: 5 } };
    const pages = createPageStreamHandler({
      methods: PAGED_STREAMS.map((stream) => pageSource(stream, source)),
      interceptors: [setCaller],
      readMaxBytes: 1024 * 1024,
      contextValues: () => createContextValues(),
    });
    framed = await listen((req, res) => {
      if (!pages(req, res)) res.writeHead(404).end();
    });
    const routes = (router: ConnectRouter) => {
      for (const stream of PAGED_STREAMS) router.rpc(stream.method, connectHandler(stream as never, source));
    };
    connect = await listen(connectNodeAdapter({ routes, interceptors: [setCaller] }));
  });

  after(async () => {
    await new Promise((resolve) => framed.server.close(resolve));
    await new Promise((resolve) => connect.server.close(resolve));
    await db.close();
  });

  const path = (stream: AnyPagedStream) => `/${stream.method.parent.typeName}/${stream.method.name}`;
  const declared = (method: { name: string }) => {
    const stream = PAGED_STREAMS.find((candidate) => candidate.method.name === method.name);
    assert.ok(stream, `${method.name} is declared`);
    return stream;
  };

  it("sends the same bytes and trailers on the page-framed path as connect-node sends, batch streams included", async () => {
    const cases: [AnyPagedStream, Uint8Array][] = [
      [
        declared(CaseService.method.streamCases),
        request(CaseService.method.streamCases.input, { limit: 12 }),
      ],
      [
        declared(CaseService.method.streamCases),
        request(CaseService.method.streamCases.input, { limit: -1 }),
      ],
      [
        declared(MemberService.method.searchMembers),
        request(MemberService.method.searchMembers.input, { query: "s" }),
      ],
      [
        declared(Icd10Service.method.streamIcd10Codes),
        request(Icd10Service.method.streamIcd10Codes.input, { query: "fracture", limit: 9 }),
      ],
      [
        declared(WorkflowService.method.getStatusCodesByCompoStream),
        request(WorkflowService.method.getStatusCodesByCompoStream.input, { compo: "6" }),
      ],
    ];
    let items = 0;
    for (const [stream, body] of cases) {
      const viaPages = await call(framed.url, path(stream), body);
      const viaConnect = await call(connect.url, path(stream), body);
      assert.deepEqual(viaPages, viaConnect, `${stream.method.name} answers alike on both paths`);
      items += viaPages.body.length;
    }
    assert.ok(items > 0, "the streams sent items");
  });

  it("answers every declared stream alike on both paths for an empty request, items or error", async () => {
    for (const stream of PAGED_STREAMS) {
      const empty = new Uint8Array();
      const viaPages = await call(framed.url, path(stream), empty);
      const viaConnect = await call(connect.url, path(stream), empty);
      assert.deepEqual(viaPages, viaConnect, `${stream.method.name} answers alike on both paths`);
    }
  });
});
