import type { ReplicaLag } from "../db/read-routed-db.js";
import type { HealthCheck } from "./health-monitor.js";

/** Lag past which the replica is reported Degraded: readers without a recent write see rows this old. */
const LAG_DEGRADED_SECONDS = 30;

/**
 * The read replica (ECT_DATABASE_READ_URL) and its lag. Never Unhealthy: a replica that cannot be
 * reached is skipped and pages read the primary, so it degrades the service rather than stopping it.
 */
export function replicaCheck(lag: (signal: AbortSignal) => Promise<ReplicaLag>): HealthCheck {
  return {
    name: "replica",
    tags: ["ready"],
    capacity: true,
    async run(signal) {
      let measured: ReplicaLag;
      try {
        measured = await lag(signal);
      } catch (error) {
        const kind =
          error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.name) : typeof error;
        return {
          status: "Degraded",
          description: "replica unreachable: streams read the primary",
          data: { error: kind },
        };
      }
      const data = { lagBytes: measured.bytes, lagSeconds: measured.seconds, replayPaused: measured.paused };
      if (measured.paused) return { status: "Degraded", description: "replica replay paused", data };
      if (measured.bytes > 0 && (measured.seconds ?? 0) > LAG_DEGRADED_SECONDS)
        return {
          status: "Degraded",
          description: `replica more than ${LAG_DEGRADED_SECONDS} s behind`,
          data,
        };
      return { status: "Healthy", data };
    },
  };
}
