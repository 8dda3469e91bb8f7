import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import Fastify from "fastify";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { HealthMonitor } from "../health/health-monitor.js";
import { healthRoutes } from "../health/health-routes.js";
import { correlationIdForHttp } from "../interceptors/correlation.js";
import type { EctMetrics } from "../telemetry/metrics.js";
import { ingestOtlpJson } from "../telemetry/otlp-receiver.js";
import type { TraceStore } from "../telemetry/trace-store.js";
import { openApiDocsPage, swaggerUiAssetDir } from "../transcoding/docs-page.js";
import { openApiDocument } from "./openapi-document.js";

const webDist = fileURLToPath(new URL("../../web/dist/", import.meta.url));

/** The plain HTTP side of the server, served by Fastify behind the RPC and REST handlers. */
export interface HttpRoutes {
  handler(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void;
  close(): Promise<void>;
}

/** Health, metrics, OpenAPI and its docs page, the OTLP/JSON trace receiver and the web client. */
export async function createHttpRoutes(deps: {
  config: Readonly<Config>;
  metrics: EctMetrics;
  health: HealthMonitor;
  traces: TraceStore;
  logger: Logger;
}): Promise<HttpRoutes> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const app = Fastify({
    logger: false,
    bodyLimit: deps.config.maxMessageBytes,
    // Fastify never listens itself: the shared listener hands it requests that no RPC or REST route took.
    serverFactory: (fastifyHandler) => {
      handler = fastifyHandler;
      return { on() {}, once() {}, address: () => null, close: (cb?: () => void) => cb?.() } as never;
    },
  });
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-correlation-id", correlationIdForHttp(request.headers["x-correlation-id"]));
  });
  await app.register(healthRoutes, { monitor: deps.health });
  app.get("/metrics", async (_request, reply) => {
    reply.header("content-type", deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  const spec = () => openApiDocument();
  app.get("/openapi.json", async () => spec());
  app.get("/swagger/v1/swagger.json", async () => spec());
  const docs = openApiDocsPage({ specUrl: "/openapi.json", assetBase: "/docs/assets", title: "ECT API" });
  for (const path of ["/docs", "/docs/", "/swagger", "/swagger/"]) {
    app.get(path, async (_request, reply) => reply.type("text/html; charset=utf-8").send(docs));
  }
  await app.register(fastifyStatic, {
    root: swaggerUiAssetDir(),
    prefix: "/docs/assets/",
    decorateReply: false,
  });
  app.post("/v1/traces", async (request, reply) => {
    try {
      return ingestOtlpJson(request.body, deps.traces);
    } catch (error) {
      reply.code(400);
      return { code: 3, message: (error as Error).message, details: [] };
    }
  });
  if (existsSync(webDist)) {
    await app.register(fastifyStatic, { root: webDist, prefix: "/", wildcard: false });
    // Client-side routes (/cases/42, /dashboard …) all load the single-page app.
    app.setNotFoundHandler((request, reply) => {
      if (
        request.method === "GET" &&
        !request.url.startsWith("/v1/") &&
        (request.headers.accept ?? "").includes("text/html")
      ) {
        return reply.sendFile("index.html", webDist);
      }
      return reply
        .code(404)
        .send({ code: 5, message: `no route for ${request.method} ${request.url}`, details: [] });
    });
  } else {
    app.setNotFoundHandler((request, reply) =>
      reply
        .code(404)
        .send({ code: 5, message: `no route for ${request.method} ${request.url}`, details: [] }),
    );
  }
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) deps.logger.error({ err: error }, "HTTP route failed");
    reply.code(status).send({
      code: status === 400 ? 3 : status === 413 ? 8 : 13,
      message: status === 500 ? "internal error" : error.message,
      details: [],
    });
  });
  await app.ready();
  if (!handler) throw new Error("fastify did not hand over its request handler");
  const fastifyHandler = handler;
  return {
    handler: (req, res) => fastifyHandler(req as IncomingMessage, res as ServerResponse),
    close: () => app.close(),
  };
}
