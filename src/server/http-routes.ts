import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { fileURLToPath } from "node:url";
import { Code, ConnectError } from "@connectrpc/connect";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { HealthMonitor } from "../health/health-monitor.js";
import { healthRoutes } from "../health/health-routes.js";
import { correlationIdForHttp } from "../interceptors/correlation.js";
import { KeyRateLimiter } from "../resilience/key-rate-limiter.js";
import type { EctMetrics } from "../telemetry/metrics.js";
import { ingestOtlpJson } from "../telemetry/otlp-receiver.js";
import type { TraceStore } from "../telemetry/trace-store.js";
import { openApiDocsPage, swaggerUiAssetDir } from "../transcoding/docs-page.js";
import {
  errorHeaders,
  errorStatusJson,
  httpStatusForCode,
  statusJson,
} from "../transcoding/status-mapping.js";
import type { ClientAddress } from "./client-address.js";
import { openApiDocument } from "./openapi-document.js";
import type { RouteAuth } from "./route-auth.js";
import { inlineScriptHashes, pageContentSecurityPolicy } from "./security-headers.js";

const webDist = fileURLToPath(new URL("../../web/dist/", import.meta.url));

/** The plain HTTP side of the server, served by Fastify behind the RPC and REST handlers. */
export interface HttpRoutes {
  /** Fastify's routing entry: answers every request, with a 404 Status body when no route matches. */
  handler(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void;
  close(): Promise<void>;
}

/** The permission that reads health details and /metrics. */
const OPERATOR_VIEW = "operatorView";
/** The permission that sends spans to the OTLP receiver. */
const TELEMETRY_WRITE = "telemetryWrite";

/**
 * Health, metrics, OpenAPI and its docs page, the OTLP/JSON trace receiver and the web client. The bare
 * health status, the OpenAPI document, the docs and the web client are public; health details and
 * /metrics need `operatorView`, the OTLP receiver `telemetryWrite` (and is size- and rate-limited).
 */
export async function createHttpRoutes(deps: {
  config: Readonly<Config>;
  metrics: EctMetrics;
  health: HealthMonitor;
  traces: TraceStore;
  logger: Logger;
  auth: RouteAuth;
  /** The client's address of a request: its socket peer, or a trusted proxy's X-Forwarded-For. */
  addressOf: ClientAddress;
}): Promise<HttpRoutes> {
  const { config } = deps;
  const auth = (request: FastifyRequest, permission: string) =>
    deps.auth(
      request.headers.authorization,
      permission,
      deps.addressOf(request.raw.socket?.remoteAddress, request.headers["x-forwarded-for"]),
    );
  const requirePermission = (permission: string) => async (request: FastifyRequest) => {
    await auth(request, permission);
  };
  // Fastify never listens: the request cascade hands it, through `routing`, what no RPC or REST route took.
  const app = Fastify({
    logger: false,
    bodyLimit: deps.config.maxMessageBytes,
    // Errors Fastify raises before any route runs (a malformed percent-encoding in the URL, say) answer
    // with the same google.rpc.Status body as every other refusal, not Fastify's own error shape.
    frameworkErrors: (error, _request, reply) => {
      (reply as FastifyReply)
        .code(400)
        .type("application/json")
        .send(JSON.stringify(statusJson(Code.InvalidArgument, `bad request: ${error.message}`)));
    },
  });
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-correlation-id", correlationIdForHttp(request.headers["x-correlation-id"]));
  });
  // Set before any route: a route takes the error handler in force when it is declared.
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    // A route's own refusal (401, 403, 429 with Retry-After) as the RPCs give it.
    if (error instanceof ConnectError) {
      for (const [name, value] of Object.entries(errorHeaders(error))) reply.header(name, value);
      return reply.code(httpStatusForCode(error.code)).send(errorStatusJson(error));
    }
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) deps.logger.error({ err: error }, "HTTP route failed");
    const code =
      status === 400 ? Code.InvalidArgument : status === 413 ? Code.ResourceExhausted : Code.Internal;
    reply.code(status).send(statusJson(code, status === 500 ? "internal error" : error.message));
  });
  const docs = openApiDocsPage({ specUrl: "/openapi.json", assetBase: "/docs/assets", title: "ECT API" });
  // Every HTML page (the docs, the web client) gets the page CSP; everything else keeps the API one.
  const pagePolicy = pageContentSecurityPolicy({
    scriptHashes: inlineScriptHashes(docs),
    connectOrigins: oidcOrigins(config),
  });
  app.addHook("onSend", async (_request, reply, payload) => {
    if (String(reply.getHeader("content-type") ?? "").startsWith("text/html")) {
      reply.header("content-security-policy", pagePolicy);
    } else if (reply.statusCode === 304) {
      // A 304 has no body and no content type, and the browser merges its headers into the cached
      // response: the API CSP here would replace a cached page's CSP and blank the reloaded page.
      reply.removeHeader("content-security-policy");
    }
    return payload;
  });
  await app.register(healthRoutes, {
    monitor: deps.health,
    // No Authorization header: the bare status. One that is there must be an operator's.
    async details(request) {
      if (request.headers.authorization === undefined) return false;
      await auth(request, OPERATOR_VIEW);
      return true;
    },
  });
  app.get("/metrics", { onRequest: requirePermission(OPERATOR_VIEW) }, async (_request, reply) => {
    reply.header("content-type", deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  const spec = () => openApiDocument();
  app.get("/openapi.json", async () => spec());
  app.get("/swagger/v1/swagger.json", async () => spec());
  for (const path of ["/docs", "/docs/", "/swagger", "/swagger/"]) {
    app.get(path, async (_request, reply) => reply.type("text/html; charset=utf-8").send(docs));
  }
  await app.register(fastifyStatic, {
    root: swaggerUiAssetDir(),
    prefix: "/docs/assets/",
    decorateReply: false,
  });
  // Per caller, checked before the body is read: a refused sender costs no parsing.
  const otlpLimiter = new KeyRateLimiter({
    requestsPerSecond: config.otlpReceiver.perSecond,
    burst: config.otlpReceiver.perSecond * 2,
    maxKeys: 10_000,
  });
  otlpLimiter.onRejected(() => deps.metrics.rejections.inc({ kind: "otlp_rate_limit" }));
  const senders = new WeakMap<FastifyRequest, string>();
  app.post(
    "/v1/traces",
    {
      bodyLimit: config.otlpReceiver.maxRequestBytes,
      onRequest: async (request) => {
        const caller = await auth(request, TELEMETRY_WRITE);
        otlpLimiter.check(caller.username);
        senders.set(request, caller.username);
      },
    },
    async (request, reply) => {
      try {
        return ingestOtlpJson(request.body, deps.traces, {
          maxAttributeBytes: config.otlpReceiver.maxAttributeBytes,
          submittedBy: senders.get(request),
        });
      } catch (error) {
        reply.code(400);
        return statusJson(Code.InvalidArgument, (error as Error).message);
      }
    },
  );
  const webClient = existsSync(webDist);
  if (webClient) await app.register(fastifyStatic, { root: webDist, prefix: "/", wildcard: false });
  app.setNotFoundHandler((request, reply) => {
    // Client-side routes (/cases/42, /dashboard …) all load the single-page app.
    if (
      webClient &&
      request.method === "GET" &&
      !request.url.startsWith("/v1/") &&
      (request.headers.accept ?? "").includes("text/html")
    ) {
      return reply.sendFile("index.html", webDist);
    }
    return reply.code(404).send(statusJson(Code.NotFound, `no route for ${request.method} ${request.url}`));
  });
  await app.ready();
  return {
    handler: (req, res) => app.routing(req as IncomingMessage, res as ServerResponse),
    close: () => app.close(),
  };
}

/** Origins the web client's OIDC sign-in fetches from (the token exchange runs in the browser). */
function oidcOrigins(config: Readonly<Config>): string[] {
  if (config.auth.mode !== "oidc") return [];
  const urls = [config.auth.oidcIssuer, config.auth.oidcTokenUrl].filter((url) => url !== undefined);
  return [...new Set(urls.filter((url) => URL.canParse(url)).map((url) => new URL(url).origin))];
}
