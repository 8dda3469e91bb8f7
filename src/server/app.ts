import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { createContextValues, type Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Logger } from "pino";
import { remoteAddressKey } from "../auth/caller-context.js";
import { CallerDirectory } from "../auth/caller-directory.js";
import { createTokenAuthority, type TokenAuthority } from "../auth/token-issuer.js";
import type { Config } from "../config.js";
import type { Db } from "../db/db.js";
import { GuardedDb } from "../db/guarded-db.js";
import { createPageStreamHandler } from "../grpc-pages/page-stream-handler.js";
import { databaseCheck } from "../health/database-check.js";
import { HealthMonitor } from "../health/health-monitor.js";
import { memoryCheck } from "../health/memory-check.js";
import { streamingCheck } from "../health/streaming-check.js";
import { authInterceptor } from "../interceptors/auth.js";
import { correlationInterceptor } from "../interceptors/correlation.js";
import { errorsInterceptor } from "../interceptors/errors.js";
import { limitsInterceptor } from "../interceptors/limits.js";
import { createMetricsAndLogInterceptor } from "../interceptors/metrics-and-log.js";
import { createTracingInterceptor } from "../interceptors/tracing.js";
import { KeyRateLimiter } from "../resilience/key-rate-limiter.js";
import { createDatabasePolicies, type DatabasePolicies } from "../resilience/policies.js";
import { StreamLimiter } from "../resilience/stream-limiter.js";
import { CaseEvents } from "../services/cases/case-events.js";
import { createMetrics, type EctMetrics } from "../telemetry/metrics.js";
import { createQueryTracer } from "../telemetry/spans.js";
import { initTracing } from "../telemetry/tracing.js";
import { INTERNAL_HEADER_PREFIX } from "../transcoding/http-io.js";
import { createInProcessTransport } from "../transcoding/in-process-transport.js";
import { createRestHandler } from "../transcoding/rest-handler.js";
import { clientAddress } from "./client-address.js";
import { applyCors } from "./cors.js";
import { decimalIntegerRoutes } from "./decimal-integer-routes.js";
import { createHttpRoutes } from "./http-routes.js";
import { resilienceSettings } from "./resilience-settings.js";
import { routeAuth } from "./route-auth.js";
import { applySecurityHeaders } from "./security-headers.js";
import { API_SERVICES, registerServices } from "./services.js";
import { undecodableRequestGate } from "./undecodable-request-gate.js";

/** Everything a running ECT server is made of, for the listener, tests and shutdown. */
export interface App {
  handler(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void;
  db: Db;
  tokens: TokenAuthority;
  metrics: EctMetrics;
  policies: DatabasePolicies;
  health: HealthMonitor;
  streams: StreamLimiter;
  /** Ends open-ended streams (WatchCases) so shutdown need not wait the whole grace period for them. */
  beginShutdown(): void;
  close(): Promise<void>;
}

/**
 * Wires the server: database behind its policies, the interceptor chain (correlation → tracing →
 * metrics/log → errors → auth → limits), every service, REST transcoding over the same chain, native
 * gRPC page streams over the same chain, and the plain HTTP routes (health, metrics, OpenAPI, docs,
 * web client).
 */
export async function createApp(config: Readonly<Config>, rawDb: Db, logger: Logger): Promise<App> {
  const tracing = initTracing();
  tracing.store.setMaxBytes(config.traceStoreMaxBytes);
  const metrics = createMetrics();
  const settings = resilienceSettings(config);
  const policies = createDatabasePolicies(settings, {
    onRetry: ({ attempt, delayMs, method }) => {
      metrics.retries.inc({ dependency: "database" });
      logger.warn({ attempt, delayMs, method }, "retrying transient database failure");
    },
    onTimeout: (method) => {
      metrics.timeouts.inc({ dependency: "database" });
      logger.warn({ method }, "database call timed out");
    },
    onRejected: (kind, method) => {
      metrics.rejections.inc({ kind: kind === "bulkhead" ? "bulkhead" : "circuit_open" });
      logger.warn({ kind, method }, "database call rejected");
    },
  });
  policies.onStateChange((state) => {
    metrics.circuitState.set({ dependency: "database" }, { closed: 0, "half-open": 1, open: 2 }[state]);
    logger.warn({ dependency: "database", state }, "circuit breaker state changed");
  });
  metrics.circuitState.set({ dependency: "database" }, 0);
  const db = new GuardedDb(
    rawDb,
    policies,
    createQueryTracer({ slowQueryMs: config.slowQueryMs, logger, metrics }),
  );
  metrics.setPoolSource(() => rawDb.poolStats());

  const streams = new StreamLimiter({ ...settings.streams });
  // The last 1,000 times to first item, for the streaming health check.
  const firstItems: number[] = [];
  const recordFirstItem = (ms: number) => {
    if (firstItems.push(ms) > 1000) firstItems.shift();
  };
  // Stream rejections of the last minute: the health check reports recent trouble, not all-time counts.
  const recentRejections: number[] = [];
  const RECENT_MS = 60_000;
  streams.onRejected(() => {
    metrics.rejections.inc({ kind: "stream_limit" });
    recentRejections.push(Date.now());
    if (recentRejections.length > 10_000) recentRejections.shift();
  });
  const countRecentRejections = () => {
    const since = Date.now() - RECENT_MS;
    while (recentRejections.length > 0 && recentRejections[0] < since) recentRejections.shift();
    return recentRejections.length;
  };
  const health = new HealthMonitor([
    databaseCheck(
      async (signal) => {
        await rawDb.query("SELECT 1", [], { signal });
      },
      () => policies.breakerState(),
    ),
    memoryCheck(1024 * 1024 * 1024),
    streamingCheck(() => {
      const stats = streams.stats();
      const sorted = [...firstItems].sort((a, b) => a - b);
      return {
        active: stats.total,
        perCallerMax: settings.streams.perCallerConcurrent,
        processMax: settings.streams.processConcurrent,
        recentFailures: countRecentRejections(),
        firstItemP50Ms: sorted[Math.floor(sorted.length * 0.5)] ?? 0,
        firstItemP99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? 0,
      };
    }),
  ]);

  // Sign-out revocations live in the database, so every instance refuses a revoked token.
  const tokens = await createTokenAuthority(config, db);
  const directory = new CallerDirectory(db);
  const anonymousLimiter = new KeyRateLimiter(settings.unauthenticated);
  anonymousLimiter.onRejected(() => metrics.rejections.inc({ kind: "rate_limit" }));
  const interceptors: Interceptor[] = [
    correlationInterceptor,
    createTracingInterceptor(),
    createMetricsAndLogInterceptor({ metrics, logger }),
    errorsInterceptor(logger),
    authInterceptor({ tokens, directory, anonymousLimiter }),
    limitsInterceptor(streams, recordFirstItem),
  ];
  const events = new CaseEvents();
  const services = registerServices({
    config,
    db,
    events,
    tokens,
    directory,
    traces: tracing.store,
    health,
  });
  const readMaxBytes = config.maxMessageBytes;
  // Every protocol carries the client's address as a context value, never as a header a client could
  // write: the socket peer, or a trusted proxy's X-Forwarded-For.
  const addressOf = clientAddress(config.trustedProxies);
  const contextValues = (req: { socket?: { remoteAddress?: string } | null; headers: IncomingHttpHeaders }) =>
    createContextValues().set(
      remoteAddressKey,
      addressOf(req.socket?.remoteAddress, req.headers["x-forwarded-for"]),
    );
  const rest = createRestHandler({
    services: API_SERVICES,
    // The in-process transport, unlike connect's router transport, hands these values to the chain.
    transport: createInProcessTransport(services.routes, { router: { interceptors, readMaxBytes } }),
    contextValues,
    maxBodyBytes: readMaxBytes,
    heartbeatMs: config.streaming.heartbeatMs,
  });
  const http = await createHttpRoutes({
    config,
    metrics,
    health,
    traces: tracing.store,
    logger,
    auth: routeAuth({ tokens, directory, anonymousLimiter }),
    addressOf,
  });
  const corsOrigins = new Set(config.corsOrigins);
  const pageStreams = config.streaming.framedPages
    ? createPageStreamHandler({
        methods: services.pageStreams,
        interceptors,
        readMaxBytes,
        contextValues,
      })
    : undefined;
  const rpc = connectNodeAdapter({
    // JSON request messages pass assertDecimalIntegers before fromJson, as REST bodies do.
    routes: decimalIntegerRoutes(services.routes),
    interceptors,
    readMaxBytes,
    contextValues,
    requestGate: undecodableRequestGate(),
    // connect-node widens its request types; these are the same Node http/http2 objects.
    fallback: (req, res) => {
      const response = res as unknown as ServerResponse | Http2ServerResponse;
      rest.handle(req, response as Parameters<typeof rest.handle>[1]).then(
        (handled) => {
          if (!handled) http.handler(req, response);
        },
        (error) => {
          logger.error({ err: error }, "REST handler failed");
          if (!response.headersSent) {
            response.statusCode = 500;
            response.setHeader("content-type", "application/json");
          }
          response.end('{"code":13,"message":"internal error"}');
        },
      );
    },
  });

  return {
    handler(req, res) {
      applySecurityHeaders(res);
      // Only ECT sets x-ect-* headers (the REST marker); whatever a client sent under that name goes.
      for (const name of Object.keys(req.headers)) {
        if (name.startsWith(INTERNAL_HEADER_PREFIX)) delete req.headers[name];
      }
      if (applyCors(corsOrigins, req, res)) return;
      if (pageStreams && "stream" in req && pageStreams(req, res as Http2ServerResponse)) return;
      rpc(req, res);
    },
    db,
    tokens,
    metrics,
    policies,
    health,
    streams,
    beginShutdown() {
      events.close();
    },
    async close() {
      events.close();
      health.close();
      await http.close();
    },
  };
}
