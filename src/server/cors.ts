import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

const ALLOWED_HEADERS = [
  "authorization",
  "content-type",
  "accept",
  "last-event-id",
  "x-correlation-id",
  "traceparent",
  "tracestate",
  "connect-protocol-version",
  "connect-timeout-ms",
  "grpc-timeout",
  "x-grpc-web",
  "x-user-agent",
].join(", ");

const EXPOSED_HEADERS = [
  "x-correlation-id",
  "retry-after",
  "grpc-status",
  "grpc-message",
  "grpc-status-details-bin",
  "error-id",
].join(", ");

/**
 * CORS from an allow-list: a listed Origin gets its CORS headers; a preflight from it is answered here
 * with 204; an unlisted origin gets no CORS headers (the browser then blocks it). Returns true when the
 * request was a preflight that has been answered.
 */
export function applyCors(
  origins: ReadonlySet<string>,
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
): boolean {
  const origin = req.headers.origin;
  if (!origin || !(origins.has(origin) || origins.has("*"))) return false;
  res.setHeader("access-control-allow-origin", origin);
  res.setHeader("vary", "Origin");
  res.setHeader("access-control-expose-headers", EXPOSED_HEADERS);
  if (req.method === "OPTIONS" && req.headers["access-control-request-method"]) {
    res.setHeader("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
    res.setHeader("access-control-allow-headers", ALLOWED_HEADERS);
    res.setHeader("access-control-max-age", "7200");
    res.statusCode = 204;
    res.end();
    return true;
  }
  return false;
}
