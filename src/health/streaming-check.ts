import type { HealthCheck } from "./health-monitor.js";
import type { RecentStreaming } from "./streaming-stats.js";

/** Server streams right now: the stream limiter's counts and caps, and the recent history. */
export interface StreamingSnapshot extends RecentStreaming {
  active: number;
  perCallerMax: number;
  processMax: number;
}

/** Share of the process stream cap above which the server reports Degraded. */
const DEGRADED_SHARE = 0.8;

/**
 * Streaming capacity: Degraded at or above 80 % of the process cap or after recent stream failures,
 * Healthy otherwise. Never Unhealthy: a server whose stream slots are all taken is busy, not dead, and
 * new streams wait or get RESOURCE_EXHAUSTED with retry-after; /health and /healthz must stay 200 then.
 * The check is a capacity check, so the monitor caps even a failed run at Degraded.
 */
export function streamingCheck(stats: () => StreamingSnapshot): HealthCheck {
  return {
    name: "streaming",
    tags: ["ready", "streaming"],
    capacity: true,
    async run() {
      const s = stats();
      const data = {
        ...s,
        utilization: s.processMax > 0 ? Math.round((s.active / s.processMax) * 1000) / 1000 : 0,
      };
      if (s.active >= s.processMax) {
        return {
          status: "Degraded",
          description: `at the process cap of ${s.processMax} streams: new streams wait or are refused`,
          data,
        };
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
