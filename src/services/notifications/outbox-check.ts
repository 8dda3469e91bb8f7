import type { HealthCheck } from "../../health/health-monitor.js";
import type { OutboxStats } from "./notification-metrics.js";

/**
 * The outbox's health: Degraded when the oldest undelivered email is older than `degradedAfterMs`
 * (config.notifications.degradedAfterMs: the SMTP server is down or the dispatcher stuck). A capacity check:
 * mail that waits does not make the server unfit to serve cases, so it never turns /healthz 503.
 */
export function outboxCheck(stats: () => Promise<OutboxStats>, degradedAfterMs: number): HealthCheck {
  return {
    name: "notifications",
    tags: ["ready"],
    capacity: true,
    async run() {
      const s = await stats();
      const data = { depth: s.depth, oldestPendingSeconds: Math.round(s.oldestPendingSeconds) };
      if (s.oldestPendingSeconds * 1000 > degradedAfterMs) {
        return {
          status: "Degraded",
          description: `the oldest email has waited ${data.oldestPendingSeconds} s (over ${degradedAfterMs / 1000} s)`,
          data,
        };
      }
      return { status: "Healthy", data };
    },
  };
}
