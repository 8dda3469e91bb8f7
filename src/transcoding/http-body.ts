import type {
  DescField,
  DescMethod,
  DescMethodStreaming,
  DescMethodUnary,
  JsonValue,
  Message,
  Registry,
} from "@bufbuild/protobuf";
import { create } from "@bufbuild/protobuf";
import type { ContextValues, Transport } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import { type HttpBody, HttpBodySchema } from "../gen/google/api/httpbody_pb.js";
import { copyCallHeaders, type RestRequest, type RestResponse, writeError, writeJson } from "./http-io.js";
import type { PathBindings } from "./path-template.js";
import { bindRequest } from "./request-binding.js";
import type { RestRoute } from "./route-table.js";

/**
 * google.api.HttpBody in the transcoder, as grpc-gateway and ASP.NET Core transcoding do it: when the body
 * field of a route is an HttpBody, the HTTP request body IS that field (its Content-Type becomes content_type,
 * its bytes data); when an RPC returns HttpBody, the response body IS the message's data with its
 * content_type. Both directions stream: a client-streaming RPC gets the request body piece by piece as it
 * arrives (the first message carrying the path and query fields), a server-streaming RPC's messages are
 * written as they come, with back-pressure. Neither side ever holds a whole body.
 */

const HTTP_BODY = HttpBodySchema.typeName;

/** The route's body field when it is a google.api.HttpBody, else undefined. */
export function httpBodyField(route: RestRoute): DescField | undefined {
  const field = route.bodyField;
  return field?.fieldKind === "message" && field.message.typeName === HTTP_BODY ? field : undefined;
}

/** Whether the method answers with google.api.HttpBody (the response body is the message's data). */
export function returnsHttpBody(method: DescMethod): boolean {
  return method.output.typeName === HTTP_BODY;
}

/** Whether a route takes or returns a raw body instead of JSON. */
export function isHttpBodyRoute(route: RestRoute): boolean {
  return httpBodyField(route) !== undefined || (returnsHttpBody(route.method) && !route.responseBodyField);
}

/** A response that also takes bytes (Node's ServerResponse and Http2ServerResponse do). */
export interface BinaryResponse extends RestResponse {
  write(chunk: string | Uint8Array): boolean;
  destroy?(error?: Error): unknown;
}

/** What serving one HttpBody route needs from the REST handler. */
export interface HttpBodyCall {
  readonly route: RestRoute;
  readonly bindings: PathBindings;
  readonly query: URLSearchParams;
  readonly registry: Registry;
  readonly transport: Transport;
  readonly headers: Headers;
  readonly contextValues: ContextValues | undefined;
  readonly signal: AbortSignal;
  /** Largest raw request body of a client-streaming upload; undefined leaves the limit to the service. */
  readonly maxStreamedBytes: number | undefined;
  /** Largest raw request body of a unary RPC, which gets it as one message. */
  readonly maxUnaryBytes: number;
  readonly head: boolean;
  /** The JSON of a non-HttpBody response message. */
  readonly toJson: (message: Message) => JsonValue;
}

/** Serves a route whose request body or response is google.api.HttpBody. Errors before the body go as JSON. */
export async function serveHttpBody(
  req: RestRequest,
  res: BinaryResponse,
  call: HttpBodyCall,
): Promise<void> {
  try {
    await serve(req, res, call);
  } catch (e) {
    // Refused before the whole upload arrived (413, 400, 403…): answer and close the connection, or Node
    // would read and discard the rest of the body to keep the connection alive.
    if (!res.headersSent && !requestComplete(req)) res.setHeader("connection", "close");
    throw e;
  }
}

/** Whether an HTTP/1.1 request's body has been read to its end (HTTP/2 streams are closed per request). */
function requestComplete(req: RestRequest): boolean {
  const message = req as RestRequest & { complete?: boolean; httpVersionMajor?: number };
  return message.httpVersionMajor !== 1 || message.complete === true;
}

async function serve(req: RestRequest, res: BinaryResponse, call: HttpBodyCall): Promise<void> {
  const { route } = call;
  const bodyField = httpBodyField(route);
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (bodyField && call.maxStreamedBytes !== undefined && declared > call.maxStreamedBytes)
    throw bodyTooLarge(call.maxStreamedBytes);
  const first = bindRequest(route, call.bindings, call.query, "", call.registry);
  const contentType = String(req.headers["content-type"] ?? "");
  const method = route.method;
  let response: { header: Headers; message: AsyncIterable<Message> };
  if (method.methodKind === "client_streaming" && bodyField) {
    const messages = requestMessages(req, first, bodyField, contentType, call.maxStreamedBytes);
    response = await call.transport.stream(
      method as DescMethodStreaming,
      call.signal,
      undefined,
      call.headers,
      messages,
      call.contextValues,
    );
  } else {
    if (bodyField) {
      const data = await readWhole(req, call.maxUnaryBytes);
      setField(first, bodyField, create(HttpBodySchema, { contentType, data }));
    }
    if (method.methodKind === "server_streaming") {
      response = await call.transport.stream(
        method as DescMethodStreaming,
        call.signal,
        undefined,
        call.headers,
        once(first),
        call.contextValues,
      );
    } else if (method.methodKind === "unary") {
      const result = await call.transport.unary(
        method as DescMethodUnary,
        call.signal,
        undefined,
        call.headers,
        first,
        call.contextValues,
      );
      response = { header: result.header, message: once(result.message) };
    } else {
      throw new ConnectError(
        `${method.name}: bidirectional streams cannot be transcoded to REST`,
        Code.Unimplemented,
      );
    }
  }
  const messages = response.message[Symbol.asyncIterator]();
  // The first message (or the failure before it) decides the status, so a refusal keeps its HTTP status.
  const head = await messages.next();
  copyCallHeaders(res, response.header);
  if (!returnsHttpBody(method)) {
    if (head.done) throw new ConnectError(`${method.name} returned no message`, Code.Internal);
    writeJson(res, 200, call.toJson(head.value), call.head);
    return;
  }
  const firstBody = head.done ? undefined : (head.value as HttpBody);
  res.statusCode = 200;
  res.setHeader("content-type", firstBody?.contentType || "application/octet-stream");
  // The declared type is what the client gets: no browser may guess a script out of an uploaded file.
  res.setHeader("x-content-type-options", "nosniff");
  if (call.head) {
    void messages.return?.();
    res.end();
    return;
  }
  try {
    for (let item = head; !item.done; item = await messages.next()) {
      const { data } = item.value as HttpBody;
      if (data.length > 0 && !res.write(data)) await drained(res, call.signal);
      if (call.signal.aborted) break;
    }
  } catch (e) {
    // The status line is gone with the first bytes: a failure now can only cut the body short.
    if (!res.headersSent) writeError(res, e, call.registry);
    else res.destroy?.(e as Error);
    return;
  } finally {
    if (call.signal.aborted) void messages.return?.().catch(() => {});
  }
  if (!call.signal.aborted) res.end();
}

/** The 413 of an upload whose declared length is over the limit, before any of it is read. */
function bodyTooLarge(maxBytes: number): ConnectError {
  return new ConnectError(`request body exceeds ${maxBytes} bytes`, Code.ResourceExhausted, {
    "x-http-status": "413",
  });
}

/**
 * The messages of a client-streaming upload: the bound fields with the content type and the first piece,
 * then one message per piece of the body as the socket delivers it. Pulled by the call, so a handler that
 * stops reading (a refusal) stops the socket being read too.
 */
async function* requestMessages(
  req: RestRequest,
  first: Message,
  field: DescField,
  contentType: string,
  maxBytes: number | undefined,
): AsyncGenerator<Message> {
  let sent = false;
  let size = 0;
  for await (const piece of req) {
    const data = typeof piece === "string" ? Buffer.from(piece) : piece;
    size += data.length;
    if (maxBytes !== undefined && size > maxBytes) throw bodyTooLarge(maxBytes);
    if (!sent) {
      setField(first, field, create(HttpBodySchema, { contentType, data }));
      sent = true;
      yield first;
    } else {
      const next = create(field.parent);
      setField(next, field, create(HttpBodySchema, { data }));
      yield next;
    }
  }
  if (!sent) {
    setField(first, field, create(HttpBodySchema, { contentType }));
    yield first;
  }
}

function setField(message: Message, field: DescField, value: HttpBody): void {
  (message as unknown as Record<string, unknown>)[field.localName] = value;
}

async function readWhole(req: RestRequest, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > maxBytes) throw bodyTooLarge(maxBytes);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const piece of req) {
    const data = typeof piece === "string" ? Buffer.from(piece) : piece;
    size += data.length;
    if (size > maxBytes) throw bodyTooLarge(maxBytes);
    parts.push(data);
  }
  return Buffer.concat(parts, size);
}

async function* once<T>(value: T): AsyncGenerator<T> {
  yield value;
}

function drained(res: BinaryResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.removeListener("drain", done);
      res.removeListener("close", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
    signal.addEventListener("abort", done, { once: true });
  });
}
