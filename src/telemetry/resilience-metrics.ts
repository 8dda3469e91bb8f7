import type { Logger } from "pino";
import type { DatabasePolicies } from "../resilience/policies.js";
import { CIRCUIT_STATE, type EctMetrics } from "./metrics.js";

const GAUGE_VALUE = {
  closed: CIRCUIT_STATE.closed,
  "half-open": CIRCUIT_STATE.halfOpen,
  open: CIRCUIT_STATE.open,
};

/**
 * Subscribes the database policies' events to the metrics (retries, timeouts, rejections, circuit
 * state) and logs each as a warning; the circuit gauge starts closed. Returns a function that
 * unsubscribes every listener.
 */
export function recordResilienceMetrics(
  policies: DatabasePolicies,
  metrics: EctMetrics,
  logger: Logger,
): () => void {
  const dependency = "database";
  metrics.circuitState.set({ dependency }, GAUGE_VALUE[policies.breakerState()]);
  const unsubscribes = [
    policies.onRetry(({ attempt, delayMs, method }) => {
      metrics.retries.inc({ dependency });
      logger.warn({ attempt, delayMs, method }, "retrying transient database failure");
    }),
    policies.onTimeout((method) => {
      metrics.timeouts.inc({ dependency });
      logger.warn({ method }, "database call timed out");
    }),
    policies.onRejected(({ kind, method }) => {
      metrics.rejections.inc({ kind: kind === "bulkhead" ? "bulkhead" : "circuit_open" });
      logger.warn({ kind, method }, "database call rejected");
    }),
    policies.onStateChange((state) => {
      metrics.circuitState.set({ dependency }, GAUGE_VALUE[state]);
      logger.warn({ dependency, state }, "circuit breaker state changed");
    }),
  ];
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}
