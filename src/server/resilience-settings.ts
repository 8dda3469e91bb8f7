import type { Config } from "../config.js";
import type { ResilienceSettings } from "../resilience/settings.js";

/** The resilience numbers from the validated configuration. */
export function resilienceSettings(config: Readonly<Config>): ResilienceSettings {
  const r = config.resilience;
  const s = config.streaming;
  return {
    breaker: {
      failureRatio: r.breakerFailureRatio,
      samplingWindowMs: r.breakerWindowMs,
      minimumThroughput: r.breakerMinThroughput,
      breakDurationMs: r.breakerOpenMs,
    },
    retry: { maxRetries: r.retryMax, baseDelayMs: r.retryBaseMs, maxDelayMs: r.retryCapMs, jitter: true },
    timeout: { unaryMs: r.unaryTimeoutMs, streamIdleMs: s.idleTimeoutMs },
    bulkhead: { maxConcurrent: r.bulkheadLimit, maxQueue: r.bulkheadQueue },
    streams: {
      perCallerConcurrent: s.maxPerCaller,
      processConcurrent: s.maxTotal,
      perCallerItemsPerSecond: s.itemsPerSecond,
      perCallerItemsBurst: s.itemsBurst,
      acquireTimeoutMs: s.acquireTimeoutMs,
    },
    unauthenticated: { requestsPerSecond: r.anonymousPerSecond, burst: r.anonymousBurst, maxKeys: 10_000 },
  };
}
