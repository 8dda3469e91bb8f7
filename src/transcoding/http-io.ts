import type { IncomingHttpHeaders } from "node:http";
import type { Registry } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { REST_MARKER_HEADER } from "../telemetry/rpc-protocol.js";
import { errorHeaders, errorStatusJson, httpStatusForCode } from "./status-mapping.js";
import type { WritableResponse } from "./stream-writers.js";

/** The part of an HTTP/1.1 or HTTP/2 compat request the REST layer reads. */
export interface RestRequest extends AsyncIterable<Buffer | string> {
  readonly method?: string;
  readonly url?: string;
  readonly headers: IncomingHttpHeaders;
  readonly socket?: { readonly remoteAddress?: string } | null;
}

/** The part of an HTTP/1.1 or HTTP/2 compat response the REST layer writes. */
export interface RestResponse extends WritableResponse {
  statusCode: number;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  setHeader(name: string, value: string | readonly string[]): unknown;
  end(): unknown;
  end(chunk: string): unknown;
  flushHeaders?(): void;
  once(event: "drain" | "close" | "finish", listener: () => void): unknown;
}

/** Reads the request body as UTF-8, rejecting bodies over the limit before buffering them. */
export async function readBody(req: RestRequest, maxBytes: number): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    parts.push(buf);
  }
  return Buffer.concat(parts).toString("utf8");
}

function tooLarge(maxBytes: number): ConnectError {
  return new ConnectError(`request body exceeds ${maxBytes} bytes`, Code.ResourceExhausted, {
    "x-http-status": "413",
  });
}

/** Request headers a call carries into the interceptor chain; everything else is HTTP plumbing. */
const forwardedHeaders = new Set([
  "authorization",
  "traceparent",
  "tracestate",
  "baggage",
  "user-agent",
  "accept-language",
  "idempotency-key",
]);

/** Query parameter an `EventSource` (which cannot send headers) passes its bearer token in. */
export const EVENT_STREAM_TOKEN_PARAM = "access_token";

/** Prefix of the headers ECT sets for itself (the REST marker); a client never gets to send one. */
export const INTERNAL_HEADER_PREFIX = "x-ect-";

/**
 * Builds the call headers from an HTTP request: the named headers plus every `x-` header except
 * ECT's own `x-ect-*` (stripped: only the server sets those), and the REST marker so metrics and spans
 * label the call "rest". When `eventStream` is set (a GET of a server stream asking for
 * text/event-stream), `?access_token=` stands in for a missing Authorization header, since a browser
 * EventSource cannot set one; no other request may use it. The client's address is not a header:
 * the REST handler passes it as a context value.
 */
export function callHeaders(req: RestRequest, eventStream?: { readonly query: URLSearchParams }): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(":") || name.startsWith(INTERNAL_HEADER_PREFIX)) continue;
    if (!forwardedHeaders.has(name) && !name.startsWith("x-")) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  out.set(REST_MARKER_HEADER, "1");
  const queryToken = eventStream?.query.get(EVENT_STREAM_TOKEN_PARAM);
  if (queryToken && !out.has("authorization")) out.set("authorization", `Bearer ${queryToken}`);
  return out;
}

/** Headers that describe the RPC transport, not the call; never copied onto the REST response. */
function isTransportHeader(name: string): boolean {
  return (
    name.startsWith("grpc-") ||
    name.startsWith("connect-") ||
    name.startsWith(":") ||
    [
      "content-type",
      "content-length",
      "content-encoding",
      "accept-encoding",
      "transfer-encoding",
      "connection",
      "keep-alive",
      "te",
      "trailer",
      "date",
      "x-http-status",
    ].includes(name)
  );
}

/** Copies call response headers and trailers (e.g. x-correlation-id) onto the HTTP response. */
export function copyCallHeaders(res: RestResponse, ...sources: (Headers | undefined)[]): void {
  for (const source of sources) {
    source?.forEach((value, name) => {
      if (!isTransportHeader(name)) res.setHeader(name, value);
    });
  }
}

/** Writes a JSON body with a status; HEAD requests get the headers only. */
export function writeJson(res: RestResponse, status: number, body: unknown, head = false): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", String(Buffer.byteLength(text)));
  if (head) res.end();
  else res.end(text);
}

/** Writes an error as a google.rpc.Status JSON body with its HTTP status and Retry-After. */
export function writeError(res: RestResponse, error: unknown, registry?: Registry, head = false): void {
  const err = ConnectError.from(error);
  copyCallHeaders(res, err.metadata);
  for (const [name, value] of Object.entries(errorHeaders(err))) res.setHeader(name, value);
  const explicit = Number(err.metadata.get("x-http-status"));
  writeJson(res, explicit || httpStatusForCode(err.code), errorStatusJson(err, registry), head);
}
