import type { HealthCheck } from "./health-monitor.js";

/** The circuit breaker's state as the database's resilience policy reports it. */
export type BreakerState = "closed" | "half-open" | "open";

/**
 * Readiness of the database: Healthy when the breaker is closed and a ping answers, Degraded while
 * the breaker is half-open, Unhealthy when it is open or the ping fails.
 */
export function databaseCheck(
  ping: (signal: AbortSignal) => Promise<void>,
  breakerState: () => BreakerState,
): HealthCheck {
  return {
    name: "database",
    tags: ["ready"],
    async run(signal) {
      const breaker = breakerState();
      // An open breaker rejects calls anyway; pinging through it would only add load.
      if (breaker === "open")
        return { status: "Unhealthy", description: "circuit breaker open", data: { breaker } };
      const started = performance.now();
      try {
        await ping(signal);
      } catch (error) {
        const kind =
          error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.name) : typeof error;
        return { status: "Unhealthy", description: "database unreachable", data: { breaker, error: kind } };
      }
      const data = { breaker, pingMs: Math.round((performance.now() - started) * 100) / 100 };
      return breaker === "closed"
        ? { status: "Healthy", data }
        : { status: "Degraded", description: "circuit breaker half-open", data };
    },
  };
}
