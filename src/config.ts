import { availableParallelism } from "node:os";
/**
 * Typed, validated configuration from ECT_* environment variables. This is the only module that reads
 * process.env (besides the OpenTelemetry preload, which reads the standard OTEL_* variables).
 * A bad value stops start-up with a message naming the key. Long on purpose: every setting is declared
 * here once, beside its default and its check, so an operator finds them all in one file.
 */

import { type CalendarClock, manualClock, systemClock } from "./domain/investigation/calendar-clock.js";

export type AuthMode = "development" | "oidc";
export type Profile = "development" | "production";

/** Everything the server can be configured with; frozen once built. */
export interface Config {
  profile: Profile;
  host: string;
  port: number;
  /** PostgreSQL connection string; undefined selects the embedded database. */
  databaseUrl: string | undefined;
  /** Directory of the embedded database, or "memory" for an in-memory one. */
  dataDir: string;
  /** Seed demo data into an empty database on start. */
  seedDemo: boolean;
  auth: {
    mode: AuthMode;
    /** HMAC secret for development tokens; undefined means generate one (kept in dataDir). */
    jwtSecret: string | undefined;
    tokenTtlSeconds: number;
    oidcIssuer: string | undefined;
    oidcAudience: string | undefined;
    oidcJwksUrl: string | undefined;
    /** Public client id the web client signs in with; without it only API callers can use oidc mode. */
    oidcClientId: string | undefined;
    /** Authorization endpoint; undefined means the issuer's discovery document (or `${issuer}/authorize`). */
    oidcAuthorizeUrl: string | undefined;
    /** Token endpoint; undefined means the issuer's discovery document (or `${issuer}/token`). */
    oidcTokenUrl: string | undefined;
    /** Scopes the web client asks for. */
    oidcScopes: readonly string[];
    /** JWS algorithms an OIDC token may be signed with; anything else is refused. */
    oidcAlgorithms: readonly string[];
    /** Development sign-in under the production profile: refused unless this override is set (logged loudly). */
    allowDevelopmentInProduction: boolean;
  };
  /** Connection limits of the one-port listener (REQUIREMENTS §8). */
  connections: {
    /** A new connection must send its first bytes within this time. */
    firstBytesTimeoutMs: number;
    /** An HTTP/1.1 request must send its complete headers within this time. */
    headersTimeoutMs: number;
    /** An idle HTTP/1.1 keep-alive connection is closed after this time. */
    keepAliveTimeoutMs: number;
    /** An HTTP/2 session with no open stream is closed after this time. */
    http2IdleTimeoutMs: number;
    maxPerIp: number;
    maxTotal: number;
  };
  /** Proxies (IP addresses) whose X-Forwarded-For is believed; every other peer is its own address. */
  trustedProxies: readonly string[];
  /** The OTLP/JSON receiver at POST /v1/traces. */
  otlpReceiver: {
    maxRequestBytes: number;
    maxAttributeBytes: number;
    /** Requests per second per caller (burst twice that). */
    perSecond: number;
  };
  /** Total bytes the in-memory trace store may hold. */
  traceStoreMaxBytes: number;
  cases: {
    /** A case lock lapses this long after its holder's last activity. */
    lockTtlMs: number;
  };
  /** Formal investigations (issue 17). */
  investigations: {
    /** Days from an appointment to the investigating officer's default suspense. */
    suspenseDays: number;
    /**
     * The calendar suspenses are counted on: the wall clock, or (ECT_IO_CLOCK=YYYY-MM-DD, refused under the
     * production profile) a clock standing at that day that a test moves with `set`.
     */
    clock: CalendarClock;
  };
  /** Documents on a case (issue 18). */
  documents: {
    /** Largest document accepted; a bigger upload is refused before it is read whole. */
    maxBytes: number;
    /** Content types accepted, as detected from the bytes (never from the name). */
    allowedTypes: readonly string[];
    /** Bytes per stored chunk and per streamed download message. */
    chunkBytes: number;
    /** How long one upload (and its transaction) may take in all, in place of the unary timeout. */
    uploadTimeoutMs: number;
    /** How long an upload may send nothing before it is cut (a stalled client must not hold a connection). */
    uploadIdleMs: number;
  };
  /** Notifications (issue 19): the outbox, its dispatcher, email and reminders. */
  notifications: {
    /** SMTP server (smtp://, smtps://); undefined records email as "not configured" and keeps the in-app feed. */
    smtpUrl: string | undefined;
    /** The From address of every email. */
    from: string;
    /** The web client's public address, for links in email. */
    publicUrl: string;
    /** How often the dispatcher looks for pending messages (it is also woken by each commit on this instance). */
    dispatchIntervalMs: number;
    /** Delivery attempts before a message is dead-lettered. */
    maxAttempts: number;
    /** How often reminder and overdue rules are evaluated. */
    reminderIntervalMs: number;
    /** /healthz turns Degraded when the oldest pending message is older than this. */
    degradedAfterMs: number;
    /** The calendar reminders count days on (the same clock as suspenses). */
    clock: CalendarClock;
  };
  /** Search and reports (issue 20). */
  reports: {
    /** Days an informal LOD should take, from start to completion. */
    informalTargetDays: number;
    /** Days a formal LOD should take. */
    formalTargetDays: number;
  };
  /** Several instances on one PostgreSQL (issue 21). */
  scaleOut: {
    /** A read replica for streams and lookups; writes and read-your-writes use the primary. */
    readDatabaseUrl: string | undefined;
    /** Per-caller stream limits kept per instance (default) or shared in PostgreSQL across instances. */
    streamLimitScope: "instance" | "shared";
  };
  /** WatchCases and other open-ended watches: counted apart from the stream slots. */
  watches: {
    maxPerUser: number;
    idleMs: number;
    maxLifetimeMs: number;
  };
  /** Most items a unary WorkflowService lookup returns; its …Stream twin serves more. */
  unaryLookupMaxItems: number;
  corsOrigins: readonly string[];
  logLevel: string;
  slowQueryMs: number;
  maxMessageBytes: number;
  shutdownGraceMs: number;
  db: { poolMin: number; poolMax: number; statementTimeoutMs: number };
  streaming: {
    firstPageSize: number;
    pageSize: number;
    /** Stream page queries running at once on each database pool; more wait in line, first pages first. */
    pageConcurrency: number;
    maxPerCaller: number;
    maxTotal: number;
    itemsPerSecond: number;
    itemsBurst: number;
    acquireTimeoutMs: number;
    idleTimeoutMs: number;
    heartbeatMs: number;
    /** Native gRPC page streams written a page of frames at a time (src/grpc-pages); off: connect-node. */
    framedPages: boolean;
  };
  resilience: {
    breakerFailureRatio: number;
    breakerWindowMs: number;
    breakerMinThroughput: number;
    breakerOpenMs: number;
    retryMax: number;
    retryBaseMs: number;
    retryCapMs: number;
    unaryTimeoutMs: number;
    bulkheadLimit: number;
    bulkheadQueue: number;
    anonymousPerSecond: number;
    anonymousBurst: number;
  };
}

type Env = Record<string, string | undefined>;

/** A configuration value that failed validation; the message names the key. */
export class ConfigError extends Error {}

function intKey(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${key} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function numberKey(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${key} must be a number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function boolKey(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key];
  if (raw === undefined || raw === "") return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${key} must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, key: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[key];
  if (raw === undefined || raw === "") return fallback;
  if (!allowed.includes(raw as T)) {
    throw new ConfigError(`${key} must be one of ${allowed.join(", ")}, got "${raw}"`);
  }
  return raw as T;
}

function optional(env: Env, key: string): string | undefined {
  const raw = env[key]?.trim();
  return raw ? raw : undefined;
}

function listKey(env: Env, key: string, fallback: string): string[] {
  return (optional(env, key) ?? fallback).split(/[\s,]+/).filter(Boolean);
}

/**
 * Asymmetric JWS algorithms only: "none" proves nothing, and an HMAC algorithm would let anyone holding
 * the issuer's public key sign tokens with it.
 */
const ASYMMETRIC_JWS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
];

function algorithmsKey(env: Env, key: string, fallback: string): string[] {
  const algorithms = listKey(env, key, fallback);
  const refused = algorithms.filter((algorithm) => !ASYMMETRIC_JWS.includes(algorithm));
  if (refused.length > 0 || algorithms.length === 0) {
    throw new ConfigError(
      `${key} must list asymmetric JWS algorithms (${ASYMMETRIC_JWS.join(", ")}), got "${refused.join(",")}"`,
    );
  }
  return algorithms;
}

function urlKey(env: Env, key: string): string | undefined {
  const raw = optional(env, key);
  if (raw !== undefined && !URL.canParse(raw))
    throw new ConfigError(`${key} must be an absolute URL, got "${raw}"`);
  return raw;
}

/** An SMTP URL (smtp:// or smtps://, credentials allowed), refused if it is anything else. */
function smtpKey(env: Env, key: string): string | undefined {
  const raw = urlKey(env, key);
  if (raw !== undefined && !/^smtps?:$/.test(new URL(raw).protocol))
    throw new ConfigError(`${key} must be an smtp:// or smtps:// URL, got "${new URL(raw).protocol}"`);
  return raw;
}

/** ECT_IO_CLOCK: a test's hand-moved calendar (never in production), else the wall clock. */
function clockKey(env: Env, profile: Profile): CalendarClock {
  const start = optional(env, "ECT_IO_CLOCK");
  if (start === undefined) return systemClock;
  if (profile === "production")
    throw new ConfigError("ECT_IO_CLOCK is for tests only and is refused under ECT_PROFILE=production");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || Number.isNaN(Date.parse(`${start}T00:00:00Z`)))
    throw new ConfigError(`ECT_IO_CLOCK must be a date as YYYY-MM-DD, got "${start}"`);
  return manualClock(start);
}

/** Builds and validates the configuration from an environment (process.env by default). */
export function loadConfig(env: Env = process.env): Readonly<Config> {
  const profile = oneOf<Profile>(env, "ECT_PROFILE", "development", ["development", "production"]);
  const poolMin = intKey(env, "ECT_DB_POOL_MIN", 5, 0, 1000);
  const poolMax = intKey(env, "ECT_DB_POOL_MAX", 100, 1, 1000);
  if (poolMin > poolMax)
    throw new ConfigError(`ECT_DB_POOL_MIN (${poolMin}) exceeds ECT_DB_POOL_MAX (${poolMax})`);
  const bulkheadLimit = intKey(env, "ECT_BULKHEAD_LIMIT", Math.max(1, poolMax - 10), 1, 10_000);
  const mode = oneOf<AuthMode>(env, "ECT_AUTH_MODE", profile === "production" ? "oidc" : "development", [
    "development",
    "oidc",
  ]);
  const allowDevelopmentInProduction = boolKey(env, "ECT_ALLOW_DEVELOPMENT_AUTH_IN_PRODUCTION", false);
  if (profile === "production" && mode === "development" && !allowDevelopmentInProduction) {
    throw new ConfigError(
      "ECT_PROFILE=production refuses ECT_AUTH_MODE=development (anyone could sign in as any user): " +
        "configure OIDC (ECT_AUTH_MODE=oidc, ECT_OIDC_ISSUER, ECT_OIDC_AUDIENCE, ECT_OIDC_JWKS_URL) " +
        "or set ECT_ALLOW_DEVELOPMENT_AUTH_IN_PRODUCTION=true to override",
    );
  }
  const jwtSecret = optional(env, "ECT_JWT_SECRET");
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret) < 32) {
    throw new ConfigError(
      `ECT_JWT_SECRET must be at least 32 bytes, got ${Buffer.byteLength(jwtSecret)} (or leave it unset to generate one)`,
    );
  }
  const clock = clockKey(env, profile);
  const config: Config = {
    profile,
    // Development sign-in hands out tokens to anyone who asks: keep it on loopback unless told otherwise.
    host: env.ECT_HOST?.trim() || (mode === "development" ? "127.0.0.1" : "0.0.0.0"),
    port: intKey(env, "ECT_PORT", 8080, 0, 65_535),
    databaseUrl: optional(env, "ECT_DATABASE_URL"),
    dataDir: env.ECT_DATA_DIR?.trim() || "./data",
    seedDemo: boolKey(env, "ECT_SEED_DEMO", true),
    auth: {
      mode,
      jwtSecret,
      tokenTtlSeconds: intKey(env, "ECT_TOKEN_TTL_SECONDS", 8 * 3600, 60, 7 * 24 * 3600),
      oidcIssuer: optional(env, "ECT_OIDC_ISSUER"),
      oidcAudience: optional(env, "ECT_OIDC_AUDIENCE"),
      oidcJwksUrl: optional(env, "ECT_OIDC_JWKS_URL"),
      oidcClientId: optional(env, "ECT_OIDC_CLIENT_ID"),
      oidcAuthorizeUrl: urlKey(env, "ECT_OIDC_AUTHORIZE_URL"),
      oidcTokenUrl: urlKey(env, "ECT_OIDC_TOKEN_URL"),
      oidcScopes: listKey(env, "ECT_OIDC_SCOPES", "openid profile"),
      oidcAlgorithms: algorithmsKey(env, "ECT_OIDC_ALGORITHMS", "RS256,ES256"),
      allowDevelopmentInProduction,
    },
    connections: {
      firstBytesTimeoutMs: intKey(env, "ECT_FIRST_BYTES_TIMEOUT_MS", 10_000, 100, 600_000),
      headersTimeoutMs: intKey(env, "ECT_HEADERS_TIMEOUT_MS", 30_000, 100, 600_000),
      keepAliveTimeoutMs: intKey(env, "ECT_KEEPALIVE_TIMEOUT_MS", 65_000, 100, 3_600_000),
      http2IdleTimeoutMs: intKey(env, "ECT_HTTP2_IDLE_TIMEOUT_MS", 300_000, 100, 86_400_000),
      maxPerIp: intKey(env, "ECT_MAX_CONNECTIONS_PER_IP", 256, 1, 1_000_000),
      maxTotal: intKey(env, "ECT_MAX_CONNECTIONS", 10_000, 1, 10_000_000),
    },
    trustedProxies: listKey(env, "ECT_TRUSTED_PROXIES", ""),
    otlpReceiver: {
      maxRequestBytes: intKey(env, "ECT_OTLP_MAX_REQUEST_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024),
      maxAttributeBytes: intKey(env, "ECT_OTLP_MAX_ATTRIBUTE_BYTES", 4096, 16, 1024 * 1024),
      perSecond: intKey(env, "ECT_OTLP_RATE_PER_SECOND", 20, 1, 1_000_000),
    },
    traceStoreMaxBytes: intKey(
      env,
      "ECT_TRACE_STORE_MAX_BYTES",
      64 * 1024 * 1024,
      1024 * 1024,
      4 * 1024 ** 3,
    ),
    cases: {
      lockTtlMs: intKey(env, "ECT_LOCK_TTL_MINUTES", 30, 1, 24 * 60) * 60_000,
    },
    investigations: {
      suspenseDays: intKey(env, "ECT_IO_SUSPENSE_DAYS", 50, 1, 365),
      clock,
    },
    documents: {
      maxBytes: intKey(env, "ECT_DOCUMENT_MAX_BYTES", 25 * 1024 * 1024, 1024, 1024 ** 3),
      allowedTypes: listKey(
        env,
        "ECT_DOCUMENT_TYPES",
        "application/pdf,image/jpeg,image/png,image/tiff,text/plain",
      ),
      chunkBytes: intKey(env, "ECT_DOCUMENT_CHUNK_BYTES", 256 * 1024, 4096, 4 * 1024 * 1024),
      uploadTimeoutMs: intKey(env, "ECT_DOCUMENT_UPLOAD_TIMEOUT_MS", 600_000, 1000, 3_600_000),
      uploadIdleMs: intKey(env, "ECT_DOCUMENT_UPLOAD_IDLE_MS", 30_000, 100, 600_000),
    },
    notifications: {
      smtpUrl: smtpKey(env, "ECT_SMTP_URL"),
      from: optional(env, "ECT_SMTP_FROM") ?? "ECT <no-reply@ect.invalid>",
      publicUrl: urlKey(env, "ECT_PUBLIC_URL") ?? "http://localhost:8080",
      dispatchIntervalMs: intKey(env, "ECT_NOTIFY_INTERVAL_MS", 5000, 50, 3_600_000),
      maxAttempts: intKey(env, "ECT_NOTIFY_MAX_ATTEMPTS", 5, 1, 100),
      reminderIntervalMs: intKey(env, "ECT_REMINDER_INTERVAL_MS", 3_600_000, 100, 86_400_000),
      degradedAfterMs: intKey(env, "ECT_OUTBOX_DEGRADED_MS", 600_000, 1000, 86_400_000),
      clock,
    },
    reports: {
      informalTargetDays: intKey(env, "ECT_TARGET_DAYS_INFORMAL", 90, 1, 3650),
      formalTargetDays: intKey(env, "ECT_TARGET_DAYS_FORMAL", 160, 1, 3650),
    },
    scaleOut: {
      readDatabaseUrl: optional(env, "ECT_DATABASE_READ_URL"),
      streamLimitScope: oneOf(env, "ECT_STREAM_LIMIT_SCOPE", "instance", ["instance", "shared"]),
    },
    watches: {
      maxPerUser: intKey(env, "ECT_WATCH_MAX_PER_USER", 5, 1, 10_000),
      idleMs: intKey(env, "ECT_WATCH_IDLE_MS", 600_000, 100, 86_400_000),
      maxLifetimeMs: intKey(env, "ECT_WATCH_MAX_LIFETIME_MS", 3_600_000, 100, 7 * 86_400_000),
    },
    unaryLookupMaxItems: intKey(env, "ECT_UNARY_LOOKUP_MAX_ITEMS", 10_000, 1, 10_000_000),
    corsOrigins: (env.ECT_CORS_ORIGINS ?? "")
      .split(",")
      .map((origin) => origin.trim())
      .filter(Boolean),
    logLevel: oneOf(env, "ECT_LOG_LEVEL", "info", [
      "trace",
      "debug",
      "info",
      "warn",
      "error",
      "fatal",
      "silent",
    ]),
    slowQueryMs: intKey(env, "ECT_SLOW_QUERY_MS", 1000, 1, 600_000),
    maxMessageBytes: intKey(env, "ECT_MAX_MESSAGE_BYTES", 4 * 1024 * 1024, 1024, 64 * 1024 * 1024),
    shutdownGraceMs: intKey(env, "ECT_SHUTDOWN_GRACE_MS", 10_000, 0, 600_000),
    db: {
      poolMin,
      poolMax,
      statementTimeoutMs: intKey(env, "ECT_DB_STATEMENT_TIMEOUT_MS", 30_000, 100, 3_600_000),
    },
    streaming: {
      firstPageSize: intKey(env, "ECT_STREAM_FIRST_PAGE_SIZE", 50, 1, 10_000),
      pageSize: intKey(env, "ECT_STREAM_PAGE_SIZE", 1000, 1, 50_000),
      pageConcurrency: intKey(env, "ECT_STREAM_PAGE_CONCURRENCY", 4 * availableParallelism(), 1, 10_000),
      maxPerCaller: intKey(env, "ECT_STREAM_MAX_PER_CALLER", 100, 1, 100_000),
      maxTotal: intKey(env, "ECT_STREAM_MAX_TOTAL", 1000, 1, 1_000_000),
      itemsPerSecond: intKey(env, "ECT_STREAM_ITEMS_PER_SECOND", 10_000, 0, 100_000_000),
      itemsBurst: intKey(env, "ECT_STREAM_ITEMS_BURST", 10_000, 0, 100_000_000),
      acquireTimeoutMs: intKey(env, "ECT_STREAM_ACQUIRE_TIMEOUT_MS", 5000, 0, 600_000),
      idleTimeoutMs: intKey(env, "ECT_STREAM_IDLE_TIMEOUT_MS", 120_000, 1000, 3_600_000),
      heartbeatMs: intKey(env, "ECT_SSE_HEARTBEAT_MS", 15_000, 100, 600_000),
      framedPages: boolKey(env, "ECT_GRPC_FRAMED_PAGES", true),
    },
    resilience: {
      breakerFailureRatio: numberKey(env, "ECT_BREAKER_FAILURE_RATIO", 0.5, 0.01, 1),
      breakerWindowMs: intKey(env, "ECT_BREAKER_WINDOW_MS", 10_000, 100, 600_000),
      breakerMinThroughput: intKey(env, "ECT_BREAKER_MIN_THROUGHPUT", 10, 1, 100_000),
      breakerOpenMs: intKey(env, "ECT_BREAKER_OPEN_MS", 30_000, 100, 3_600_000),
      retryMax: intKey(env, "ECT_RETRY_MAX", 3, 0, 10),
      retryBaseMs: intKey(env, "ECT_RETRY_BASE_MS", 100, 1, 60_000),
      retryCapMs: intKey(env, "ECT_RETRY_CAP_MS", 1000, 1, 600_000),
      unaryTimeoutMs: intKey(env, "ECT_UNARY_TIMEOUT_MS", 30_000, 100, 3_600_000),
      bulkheadLimit,
      bulkheadQueue: intKey(env, "ECT_BULKHEAD_QUEUE", bulkheadLimit * 2, 0, 100_000),
      anonymousPerSecond: intKey(env, "ECT_ANONYMOUS_RATE_PER_SECOND", 10, 1, 1_000_000),
      anonymousBurst: intKey(env, "ECT_ANONYMOUS_BURST", 20, 1, 1_000_000),
    },
  };
  if (mode === "oidc") {
    const missing = (["ECT_OIDC_ISSUER", "ECT_OIDC_AUDIENCE", "ECT_OIDC_JWKS_URL"] as const).filter(
      (key) => optional(env, key) === undefined,
    );
    if (missing.length > 0) {
      const why =
        profile === "production" && env.ECT_AUTH_MODE === undefined
          ? "ECT_PROFILE=production"
          : "ECT_AUTH_MODE=oidc";
      throw new ConfigError(`${why} needs ${missing.join(", ")} (sign-in through the OIDC issuer)`);
    }
  }
  return deepFreeze(config);
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child && typeof child === "object") deepFreeze(child);
  }
  return Object.freeze(value);
}
