import type { HealthCheck } from "./health-monitor.js";

/** What the stream limiter knows about server streams right now. */
export interface StreamingStats {
  active: number;
  perCallerMax: number;
  processMax: number;
  /** Streams that failed after they started, within the limiter's recent window. */
  recentFailures: number;
  firstItemP50Ms: number;
  firstItemP99Ms: number;
}

/** Share of the process stream cap above which the server reports Degraded. */
const DEGRADED_SHARE = 0.8;

/**
 * Streaming capacity: Unhealthy at the process cap (new streams would be refused), Degraded above
 * 80 % of it or after recent stream failures, Healthy otherwise.
 */
export function streamingCheck(stats: () => StreamingStats): HealthCheck {
  return {
    name: "streaming",
    tags: ["ready", "streaming"],
    async run() {
      const s = stats();
      const data = {
        ...s,
        utilization: s.processMax > 0 ? Math.round((s.active / s.processMax) * 1000) / 1000 : 0,
      };
      if (s.active >= s.processMax) {
        return { status: "Unhealthy", description: `at the process cap of ${s.processMax} streams`, data };
      }
      if (s.active > s.processMax * DEGRADED_SHARE) {
        return { status: "Degraded", description: `above ${DEGRADED_SHARE * 100} % of the stream cap`, data };
      }
      if (s.recentFailures > 0) {
        return { status: "Degraded", description: `${s.recentFailures} recent stream failures`, data };
      }
      return { status: "Healthy", data };
    },
  };
}
