// Plain data only (no imports) so the browser SDK can share these numbers with the server.

/** When the circuit opens and how long it stays open (REQUIREMENTS §3). */
export interface BreakerSettings {
  /** Share of failed calls in the window that opens the circuit (0 < ratio < 1). */
  readonly failureRatio: number;
  /** Length of the sliding window the ratio is measured over. */
  readonly samplingWindowMs: number;
  /** Calls needed in the window before the ratio counts, so a quiet system never trips on one error. */
  readonly minimumThroughput: number;
  /** How long the circuit stays open before a trial call is let through. */
  readonly breakDurationMs: number;
}

/** Retry of transient failures with jittered exponential backoff. */
export interface RetrySettings {
  /** Retries after the first attempt (3 means at most 4 attempts). */
  readonly maxRetries: number;
  /** Delay before the first retry; doubles per retry. */
  readonly baseDelayMs: number;
  /** Upper bound of any single delay. */
  readonly maxDelayMs: number;
  /** Spread delays randomly so clients that failed together do not retry together. */
  readonly jitter: boolean;
}

/** Optimistic timeouts: the operation gets an AbortSignal and is expected to honour it. */
export interface TimeoutSettings {
  /** Whole unary call, retries included. */
  readonly unaryMs: number;
  /** A stream that produces nothing for this long is cut; a stream that keeps moving is not. */
  readonly streamIdleMs: number;
}

/** Concurrency cap on unary database work, sized from the pool so streams keep connections. */
export interface BulkheadSettings {
  readonly maxConcurrent: number;
  readonly maxQueue: number;
}

/** Per-caller and process-wide stream limits (REQUIREMENTS §2). */
export interface StreamLimitSettings {
  readonly perCallerConcurrent: number;
  readonly processConcurrent: number;
  /** Items per second per caller; 0 disables item pacing. */
  readonly perCallerItemsPerSecond: number;
  readonly perCallerItemsBurst: number;
  /** How long a stream waits for a slot or tokens before RESOURCE_EXHAUSTED. */
  readonly acquireTimeoutMs: number;
}

/** Token bucket per client address for calls made without a token. */
export interface KeyRateLimitSettings {
  /** Requests per second per key; 0 disables the limit. */
  readonly requestsPerSecond: number;
  readonly burst: number;
  /** Keys remembered at once; the least recently seen key is forgotten first. */
  readonly maxKeys: number;
}

/** Every resilience number the server and the client SDK use. */
export interface ResilienceSettings {
  readonly breaker: BreakerSettings;
  readonly retry: RetrySettings;
  readonly timeout: TimeoutSettings;
  readonly bulkhead: BulkheadSettings;
  readonly streams: StreamLimitSettings;
  readonly unauthenticated: KeyRateLimitSettings;
}

/** The subset the client SDK applies on its side of the wire. */
export type ClientResilienceSettings = Pick<ResilienceSettings, "breaker" | "retry" | "timeout">;

/** Connections kept free of unary work so streams and health checks can still reach the database. */
export const bulkheadReserve = 10;

/** Bulkhead sized from the pool: `poolMax − 10` concurrent (at least 1), queue twice that. */
export function bulkheadFor(poolMax: number): BulkheadSettings {
  const maxConcurrent = Math.max(1, poolMax - bulkheadReserve);
  return { maxConcurrent, maxQueue: 2 * maxConcurrent };
}

/** Default pool size the bulkhead is derived from (REQUIREMENTS §2). */
export const defaultPoolMax = 100;

/** The defaults of REQUIREMENTS §2 and §3, frozen. */
export const defaultResilienceSettings: ResilienceSettings = deepFreeze({
  breaker: { failureRatio: 0.5, samplingWindowMs: 10_000, minimumThroughput: 10, breakDurationMs: 30_000 },
  retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1_000, jitter: true },
  timeout: { unaryMs: 30_000, streamIdleMs: 120_000 },
  bulkhead: bulkheadFor(defaultPoolMax),
  streams: {
    perCallerConcurrent: 100,
    processConcurrent: 1_000,
    perCallerItemsPerSecond: 10_000,
    perCallerItemsBurst: 10_000,
    acquireTimeoutMs: 5_000,
  },
  unauthenticated: { requestsPerSecond: 10, burst: 20, maxKeys: 10_000 },
});

function deepFreeze<T extends object>(value: T): T {
  for (const inner of Object.values(value)) {
    if (inner !== null && typeof inner === "object") deepFreeze(inner);
  }
  return Object.freeze(value);
}
