import type { IncomingHttpHeaders } from "node:http";
import type { Http2ServerResponse } from "node:http2";
import { createContextValues, type Interceptor } from "@connectrpc/connect";
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
import { StreamingStats } from "../health/streaming-stats.js";
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
import {
  type NotificationWorker,
  startNotifications,
} from "../services/notifications/start-notifications.js";
import { createMetrics, type EctMetrics } from "../telemetry/metrics.js";
import { recordResilienceMetrics } from "../telemetry/resilience-metrics.js";
import { createQueryTracer } from "../telemetry/spans.js";
import { initTracing } from "../telemetry/tracing.js";
import { INTERNAL_HEADER_PREFIX } from "../transcoding/http-io.js";
import { createInProcessTransport } from "../transcoding/in-process-transport.js";
import { createRestHandler } from "../transcoding/rest-handler.js";
import { clientAddress } from "./client-address.js";
import { connectStage } from "./connect-stage.js";
import { applyCors } from "./cors.js";
import { decimalIntegerRoutes } from "./decimal-integer-routes.js";
import { createHttpRoutes } from "./http-routes.js";
import { cascade, type HttpRequest, type HttpResponse, type NamedStage } from "./request-cascade.js";
import { resilienceSettings } from "./resilience-settings.js";
import { routeAuth } from "./route-auth.js";
import { scaleOut } from "./scale-out.js";
import { applySecurityHeaders } from "./security-headers.js";
import { API_SERVICES, registerServices } from "./services.js";
import { undecodableRequestGate } from "./undecodable-request-gate.js";

/** Everything a running ECT server is made of, for the listener, tests and shutdown. */
export interface App {
  /** The request cascade: every request on the port, either HTTP version. */
  handler(req: HttpRequest, res: HttpResponse): void;
  db: Db;
  tokens: TokenAuthority;
  metrics: EctMetrics;
  policies: DatabasePolicies;
  health: HealthMonitor;
  /** The outbox dispatcher and the reminder scheduler. */
  notifications: NotificationWorker;
  streams: StreamLimiter;
  /** Ends open-ended streams (WatchCases) so shutdown need not wait the whole grace period for them. */
  beginShutdown(): void;
  close(): Promise<void>;
}

/**
 * Wires the server: database behind its policies, the interceptor chain (correlation → tracing →
 * metrics/log → errors → auth → limits), every service, and the request cascade that picks who answers
 * a request: security headers → CORS → native gRPC page streams → Connect/gRPC/gRPC-Web → REST
 * transcoding → the plain HTTP routes (health, metrics, OpenAPI, docs, web client). Every RPC path runs
 * the same chain.
 */
export async function createApp(config: Readonly<Config>, rawDb: Db, logger: Logger): Promise<App> {
  const tracing = initTracing();
  tracing.store.setMaxBytes(config.traceStoreMaxBytes);
  const metrics = createMetrics();
  const settings = resilienceSettings(config);
  const policies = createDatabasePolicies(settings);
  recordResilienceMetrics(policies, metrics, logger);
  const db = new GuardedDb(
    rawDb,
    policies,
    createQueryTracer({ slowQueryMs: config.slowQueryMs, logger, metrics }),
  );
  metrics.setPoolSource(() => rawDb.poolStats());

  const streams = new StreamLimiter({ ...settings.streams });
  const streamingStats = new StreamingStats();
  streams.onRejected(() => {
    metrics.rejections.inc({ kind: "stream_limit" });
    streamingStats.recordRejection();
  });
  const notifications = startNotifications(config, db, metrics, logger, rawDb);
  // Events, stream limits and the read replica across the instances sharing the database.
  const instances = scaleOut(config, rawDb, db, streams, settings.streams, () => {
    metrics.rejections.inc({ kind: "stream_limit" });
    streamingStats.recordRejection();
  });
  const health = new HealthMonitor([
    ...instances.checks,
    databaseCheck(
      async (signal) => {
        await rawDb.query("SELECT 1", [], { signal });
      },
      () => policies.breakerState(),
    ),
    memoryCheck(1024 * 1024 * 1024),
    streamingCheck(() => ({
      active: streams.stats().total,
      perCallerMax: settings.streams.perCallerConcurrent,
      processMax: settings.streams.processConcurrent,
      ...streamingStats.recent(),
    })),
    notifications.check,
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
    limitsInterceptor(instances.streamSlots, (ms) => streamingStats.recordFirstItem(ms)),
  ];
  const events = new CaseEvents();
  await instances.relay(events);
  const services = registerServices({
    config,
    db,
    events,
    tokens,
    directory,
    traces: tracing.store,
    health,
    listener: instances.listener,
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
    // A document upload (the raw body) is held to the document limit: over it by Content-Length, 413 at once.
    maxStreamedBodyBytes: config.documents.maxBytes,
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
    ? createPageStreamHandler({ methods: services.pageStreams, interceptors, readMaxBytes, contextValues })
    : undefined;

  const stages: NamedStage[] = [
    {
      name: "security headers",
      handle(req, res) {
        applySecurityHeaders(res);
        // Only ECT sets x-ect-* headers (the REST marker); whatever a client sent under that name goes.
        for (const name of Object.keys(req.headers)) {
          if (name.startsWith(INTERNAL_HEADER_PREFIX)) delete req.headers[name];
        }
        return false;
      },
    },
    { name: "cors", handle: (req, res) => applyCors(corsOrigins, req, res) },
    {
      name: "page streams",
      handle: (req, res) =>
        pageStreams !== undefined && "stream" in req && pageStreams(req, res as Http2ServerResponse),
    },
    {
      name: "connect",
      handle: connectStage({
        // JSON request messages pass assertDecimalIntegers before fromJson, as REST bodies do.
        routes: decimalIntegerRoutes(services.routes),
        interceptors,
        readMaxBytes,
        contextValues,
        requestGate: undecodableRequestGate(),
      }),
    },
    { name: "rest", handle: (req, res) => rest.handle(req, res) },
    {
      name: "http routes",
      handle(req, res) {
        http.handler(req, res);
        return true;
      },
    },
  ];

  return {
    handler: cascade(stages, logger),
    db,
    tokens,
    metrics,
    policies,
    health,
    notifications,
    streams,
    beginShutdown() {
      events.close();
    },
    async close() {
      events.close();
      await instances.close();
      await notifications.close();
      health.close();
      await http.close();
    },
  };
}
