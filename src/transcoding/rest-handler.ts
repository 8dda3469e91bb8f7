import type {
  DescFile,
  DescMethodStreaming,
  DescMethodUnary,
  DescService,
  JsonObject,
  JsonValue,
  Message,
  Registry,
} from "@bufbuild/protobuf";
import { createRegistry, toJson } from "@bufbuild/protobuf";
import type { ContextValues, Transport } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import { csvFormatOf } from "./csv-writer.js";
import { type BinaryResponse, isHttpBodyRoute, serveHttpBody } from "./http-body.js";
import {
  callHeaders,
  copyCallHeaders,
  type RestRequest,
  type RestResponse,
  readBody,
  writeError,
  writeJson,
} from "./http-io.js";
import { bindRequest } from "./request-binding.js";
import { buildRoutes, matchRoute, type RestRoute } from "./route-table.js";
import { statusJson } from "./status-mapping.js";
import { serveStream } from "./stream-response.js";
import { ndjsonFormat, sseFormat } from "./stream-writers.js";

/** Settings for {@link createRestHandler}. */
export interface RestHandlerOptions {
  /** The services whose google.api.http rules become routes. */
  readonly services: readonly DescService[];
  /** Where calls go; pass the router transport so the interceptor chain runs for REST too. */
  readonly transport: Transport;
  /** Types for JSON (Any, error details); defaults to the services' files and their imports. */
  readonly registry?: Registry;
  /** Largest accepted request body; larger ones get 413. Default 4 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * Largest raw body streamed into a client-streaming google.api.HttpBody upload, checked against
   * Content-Length before reading and counted while streaming (maxBodyBytes does not apply to these);
   * undefined leaves the limit to the service. Larger ones get 413.
   */
  readonly maxStreamedBodyBytes?: number;
  /** SSE comment heartbeat interval; 0 disables it. Default 15 s. */
  readonly heartbeatMs?: number;
  /** How long a stream may hold its headers back for the first message. Default 1 s. */
  readonly firstMessageWaitMs?: number;
  /**
   * The context values each call starts with (e.g. the client's address), as connect-node's option of
   * the same name; they reach the handlers only through a transport that carries them, such as
   * `createInProcessTransport`.
   */
  readonly contextValues?: (req: RestRequest) => ContextValues;
}

/** A REST front for gRPC services: the derived routes and the request handler. */
export interface RestHandler {
  readonly routes: readonly RestRoute[];
  /** Serves the request; resolves false (having written nothing) when no route's path matches. */
  handle(req: RestRequest, res: RestResponse): Promise<boolean>;
}

/** Builds the REST/JSON transcoder for the services from their google.api.http annotations. */
export function createRestHandler(options: RestHandlerOptions): RestHandler {
  const routes = buildRoutes(options.services);
  const registry = options.registry ?? registryOf(options.services);
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const firstMessageWaitMs = options.firstMessageWaitMs ?? 1_000;

  async function handle(req: RestRequest, res: RestResponse): Promise<boolean> {
    const url = new URL(req.url ?? "/", "http://x");
    const httpMethod = (req.method ?? "GET").toUpperCase();
    const head = httpMethod === "HEAD";
    let match = matchRoute(routes, httpMethod, url.pathname);
    // OpenAPI tools send a multi-segment variable (`shelves/1/books/2`) as one %2F-encoded segment.
    if (match.kind === "not-found" && /%2F/i.test(url.pathname)) {
      match = matchRoute(routes, httpMethod, url.pathname.replace(/%2F/gi, "/"));
    }
    if (match.kind === "not-found") return false;
    if (match.kind === "method-not-allowed") {
      res.setHeader("allow", match.allow.join(", "));
      const message = `${httpMethod} is not allowed on ${url.pathname}; use ${match.allow.join(", ")}`;
      writeJson(res, 405, statusJson(Code.Unimplemented, message), head);
      return true;
    }
    const { route, bindings } = match;
    // The call stops the moment the client goes away, so a stream's database read stops with it.
    const abort = new AbortController();
    const onClose = () => {
      if (!res.writableEnded) abort.abort(new ConnectError("client disconnected", Code.Canceled));
    };
    res.once("close", onClose);
    try {
      if (isHttpBodyRoute(route)) {
        await serveHttpBody(req, res as BinaryResponse, {
          route,
          bindings,
          query: url.searchParams,
          registry,
          transport: options.transport,
          headers: callHeaders(req),
          contextValues: options.contextValues?.(req),
          signal: abort.signal,
          maxStreamedBytes: options.maxStreamedBodyBytes,
          maxUnaryBytes: maxBodyBytes,
          head,
          toJson: (message) => responseJson(route, message, registry),
        });
        return true;
      }
      const body = route.body === "" ? "" : await readBody(req, maxBodyBytes);
      const input = bindRequest(route, bindings, url.searchParams, body, registry);
      const streaming = route.method.methodKind === "server_streaming";
      const sse = streaming && (req.headers.accept ?? "").includes("text/event-stream");
      const csv = streaming && !sse && (req.headers.accept ?? "").includes("text/csv");
      const headers = callHeaders(req, sse && httpMethod === "GET" ? { query: url.searchParams } : undefined);
      const outputJson = (message: Message): JsonValue => responseJson(route, message, registry);
      const contextValues = options.contextValues?.(req);
      if (streaming) {
        const call = options.transport.stream(
          route.method as DescMethodStreaming,
          abort.signal,
          undefined,
          headers,
          single(input),
          contextValues,
        );
        await serveStream(res, call, {
          format: sse ? sseFormat : csv ? csvFormatOf(route) : ndjsonFormat,
          skip: lastEventId(req, url),
          heartbeatMs,
          firstMessageWaitMs,
          signal: abort.signal,
          registry,
          toJson: outputJson,
        });
      } else {
        const result = await options.transport.unary(
          route.method as DescMethodUnary,
          abort.signal,
          undefined,
          headers,
          input,
          contextValues,
        );
        copyCallHeaders(res, result.header, result.trailer);
        writeJson(res, 200, outputJson(result.message), head);
      }
    } catch (e) {
      if (!abort.signal.aborted && !res.headersSent) writeError(res, e, registry, head);
    } finally {
      // "close" also fires after a normal end; by then writableEnded is true and onClose does nothing.
      if (res.writableEnded) res.removeListener("close", onClose);
    }
    return true;
  }

  return { routes, handle };
}

/** The JSON a client receives: the whole message, or the field `response_body` names. */
function responseJson(route: RestRoute, message: Message, registry: Registry): JsonValue {
  const field = route.responseBodyField;
  if (!field) return toJson(route.method.output, message, { registry });
  const json = toJson(route.method.output, message, { registry }) as JsonObject;
  if (json[field.jsonName] !== undefined) return json[field.jsonName];
  // An unset field still has a JSON value ([] / {} / 0 / ""), except a message, which is null.
  const full = toJson(route.method.output, message, { registry, alwaysEmitImplicit: true }) as JsonObject;
  return full[field.jsonName] ?? null;
}

/** The number of stream messages the client already has: Last-Event-ID header or lastEventId param. */
function lastEventId(req: RestRequest, url: URL): number {
  const raw = req.headers["last-event-id"] ?? url.searchParams.get("lastEventId") ?? "";
  const n = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

async function* single<T>(value: T): AsyncIterable<T> {
  yield value;
}

/** Every file the services are declared in, with their imports, as one registry. */
function registryOf(services: readonly DescService[]): Registry {
  const files = new Set<DescFile>();
  const add = (file: DescFile) => {
    if (files.has(file)) return;
    files.add(file);
    file.dependencies.forEach(add);
  };
  for (const s of services) add(s.file);
  return createRegistry(...files);
}
