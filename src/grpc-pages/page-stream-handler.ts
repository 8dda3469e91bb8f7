import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { type DescMethod, fromBinary } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ContextValues,
  createHandlerContext,
  type Interceptor,
  type StreamRequest,
  type StreamResponse,
} from "@connectrpc/connect";
import { universalRequestFromNodeRequest } from "@connectrpc/connect-node";
import { undecodableMessage } from "../errors.js";
import type { PageSource } from "../streams/page-source.js";
import { parseTimeout, readAllBytes, setTrailerStatus } from "./connect-internals.js";
import { compileBatchPageEncoder, compilePageEncoder, type PageEncoder } from "./frame-encoder.js";
import { FramedPage } from "./framed-page.js";
import { grpcMessageEncode } from "./grpc-message.js";
import { WriteTurns } from "./write-turns.js";

/** What the page-stream handler serves and with which chain. */
export interface PageStreamHandlerOptions {
  /** The declared paged streams (src/streams), bound to the database. */
  methods: readonly PageSource[];
  /** The same interceptors the Connect router runs, in the same order. */
  interceptors: readonly Interceptor[];
  readMaxBytes: number;
  contextValues(req: Http2ServerRequest): ContextValues;
}

/** Serves a request (true) or leaves it to the next handler (false). */
export type PageStreamHandler = (req: Http2ServerRequest, res: Http2ServerResponse) => boolean;

interface Route {
  method: DescMethod;
  pages: PageSource["pages"];
  encode: PageEncoder;
}

const GRPC_CONTENT_TYPES = new Set(["application/grpc", "application/grpc+proto"]);
/**
 * At most this many bytes of a page per write turn: a page of StreamCases (≈ 340 KB) goes out in
 * several turns, so a new stream's first page waits behind 64 KiB of another stream, not a whole page.
 */
const TURN_BYTES = 64 * 1024;
/**
 * Turns writing into one session at once: a few, so a stream waiting for its flow-control window does
 * not stall the connection, and few enough that a first page queues behind at most ~256 KiB.
 */
const TURNS_PER_SESSION = 4;
const MAX_TIMEOUT_MS = Number.MAX_SAFE_INTEGER;

/**
 * Native gRPC for paged server streams, one HTTP/2 write per page: each page's items are encoded
 * into length-prefixed frames at once and the interceptor chain (correlation, tracing, metrics,
 * errors, auth, limits) sees one FramedPage per page. connect-node sends every message through its
 * own chain of async iterators (≈ 15–25 µs a message, several times the cost of reading the row),
 * and no gRPC library for Node writes a page of pre-encoded messages in one write, hence this path.
 * The client sees the same messages, headers and trailers; gRPC-Web, Connect, REST, compressed
 * requests and every other RPC stay with connect-node.
 */
export function createPageStreamHandler(options: PageStreamHandlerOptions): PageStreamHandler {
  const routes = new Map<string, Route>();
  for (const { method, batch, pages } of options.methods) {
    if (method.methodKind !== "server_streaming") throw new Error(`${method.name} is not server-streaming`);
    routes.set(`/${method.parent.typeName}/${method.name}`, {
      method,
      pages,
      encode: batch ? compileBatchPageEncoder(method.output, batch) : compilePageEncoder(method.output),
    });
  }
  return (req, res) => {
    if (req.httpVersionMajor !== 2 || req.method !== "POST") return false;
    const route = routes.get(req.url);
    if (!route || !GRPC_CONTENT_TYPES.has(req.headers["content-type"] ?? "")) return false;
    const encoding = req.headers["grpc-encoding"];
    if (encoding !== undefined && encoding !== "identity") return false;
    void servePageStream(route, req, res, options);
    return true;
  };
}

async function servePageStream(
  route: Route,
  req: Http2ServerRequest,
  res: Http2ServerResponse,
  options: PageStreamHandlerOptions,
): Promise<void> {
  const { method } = route;
  // connect-node's own request adapter: the same headers, URL and cancellation (RST_STREAM codes).
  const universal = universalRequestFromNodeRequest(req, res, undefined, options.contextValues(req));
  const timeout = parseTimeout(universal.header.get("grpc-timeout"), MAX_TIMEOUT_MS);
  const context = createHandlerContext({
    service: method.parent,
    method,
    protocolName: "grpc",
    requestMethod: "POST",
    url: universal.url,
    timeoutMs: timeout.timeoutMs,
    requestSignal: universal.signal,
    requestHeader: universal.header,
    responseHeader: { "content-type": "application/grpc+proto" },
    responseTrailer: { "grpc-status": "0" },
    contextValues: universal.contextValues,
  });
  // The request message is read while the interceptors run: its DATA frame mostly came with the HEADERS.
  const reading = readRequest(universal.body, method, options.readMaxBytes);
  reading.catch(() => {});
  const terminal = async (): Promise<StreamResponse> => {
    if (timeout.error) throw timeout.error;
    const request = await reading;
    return {
      stream: true,
      service: method.parent,
      method,
      header: context.responseHeader,
      trailer: context.responseTrailer,
      message: framedPages(route.pages(request, context), route.encode),
      contextValues: context.values,
    } as StreamResponse;
  };
  let call = terminal as (req: StreamRequest) => Promise<StreamResponse>;
  for (const interceptor of [...options.interceptors].reverse()) {
    call = interceptor(call as never) as typeof call;
  }
  const streamRequest = {
    stream: true,
    service: method.parent,
    method,
    requestMethod: "POST",
    url: universal.url,
    signal: context.signal,
    header: context.requestHeader,
    contextValues: context.values,
    message: noMessages(),
  } as unknown as StreamRequest;

  let failure: unknown;
  let pages: AsyncIterator<unknown> | undefined;
  try {
    const response = await call(streamRequest);
    pages = response.message[Symbol.asyncIterator]();
    // Headers go out with the first page, so interceptors could still add to them until then.
    let next = await pages.next();
    if (!writable(res)) return void pages.return?.();
    res.writeHead(200, nodeHeaders(response.header));
    const turns = sessionTurns(res).stream();
    for (; !next.done; next = await pages.next()) {
      const page = next.value;
      if (!(page instanceof FramedPage))
        throw new ConnectError("page stream yielded a message", Code.Internal);
      const { bytes } = page;
      for (let offset = 0; offset < bytes.length; offset += TURN_BYTES) {
        const release = await turns.take(context.signal);
        try {
          await written(res, bytes.subarray(offset, offset + TURN_BYTES), context.signal);
        } finally {
          release();
        }
        if (!writable(res)) return void (await pages.return?.());
      }
    }
  } catch (error) {
    failure = error;
    if (pages && !context.signal.aborted) await pages.return?.().catch(() => {});
  } finally {
    context.abort();
  }
  if (!writable(res)) return;
  if (!res.headersSent) res.writeHead(200, nodeHeaders(context.responseHeader));
  res.addTrailers(trailers(context.responseTrailer, failure));
  res.end();
}

/** The stream's pages as frames, each weighing its number of items. */
async function* framedPages(
  pages: AsyncIterable<readonly unknown[]>,
  encode: PageEncoder,
): AsyncGenerator<FramedPage> {
  for await (const items of pages) yield new FramedPage(encode(items), items.length);
}

/** The request side the interceptors see: the single request message is read by the terminal call. */
async function* noMessages(): AsyncGenerator<never> {}

/** The single request message of a server-streaming call. */
async function readRequest(body: unknown, method: DescMethod, readMaxBytes: number): Promise<unknown> {
  const bytes = Buffer.from(await readAllBytes(body as AsyncIterable<Uint8Array>, readMaxBytes));
  if (bytes.length < 5)
    throw new ConnectError("protocol error: missing request message", Code.InvalidArgument);
  if (bytes[0] !== 0) {
    throw new ConnectError("protocol error: compressed message without grpc-encoding", Code.InvalidArgument);
  }
  const length = bytes.readUInt32BE(1);
  if (bytes.length !== 5 + length) {
    throw new ConnectError("protocol error: expected exactly one request message", Code.InvalidArgument);
  }
  try {
    return fromBinary(method.input, bytes.subarray(5));
  } catch {
    // The parser's text describes our internals, not the caller's mistake.
    throw undecodableMessage();
  }
}

function writable(res: Http2ServerResponse): boolean {
  return !res.destroyed && !res.writableEnded && !res.stream.destroyed;
}

/**
 * Writes a chunk and waits until nghttp2 took all of it into DATA frames (its write callback), which
 * waits for the client's flow-control window too, or until the call ends.
 */
function written(res: Http2ServerResponse, chunk: Uint8Array, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("close", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    res.on("close", done);
    signal.addEventListener("abort", done);
    res.write(chunk, done);
  });
}

/** The write turns of each HTTP/2 session (connection), created with its first page stream. */
const turnsBySession = new WeakMap<object, WriteTurns>();

function sessionTurns(res: Http2ServerResponse): WriteTurns {
  const key = res.stream.session ?? res.stream;
  let turns = turnsBySession.get(key);
  if (!turns) {
    turns = new WriteTurns(TURNS_PER_SESSION);
    turnsBySession.set(key, turns);
  }
  return turns;
}

function nodeHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of headers) out[key] = value;
  return out;
}

/** The trailers: grpc-status 0, or the error's status, message and metadata (spec percent-encoding). */
function trailers(base: Headers, failure: unknown): Record<string, string> {
  if (failure === undefined) return nodeHeaders(base);
  const error = ConnectError.from(failure);
  const out = nodeHeaders(setTrailerStatus(base, error));
  out["grpc-message"] = grpcMessageEncode(error.rawMessage);
  return out;
}
