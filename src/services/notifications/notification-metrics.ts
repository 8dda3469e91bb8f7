import { Counter, Gauge, type Registry } from "prom-client";
import type { Queryable } from "../../db/db.js";

/** The outbox now: what waits to be sent and for how long the oldest has waited. */
export interface OutboxStats {
  /** Email rows pending or failed (to be retried). */
  depth: number;
  /** Seconds since the oldest undelivered email row (pending, failed or being sent) was written; 0 when none. */
  oldestPendingSeconds: number;
}

/** Reads the outbox's depth and age (one indexed query). */
export async function outboxStats(db: Queryable): Promise<OutboxStats> {
  const { rows } = await db.query<{ depth: number; oldest: number | null }>(
    `SELECT count(*) FILTER (WHERE state IN ('pending', 'failed'))::int AS depth,
            extract(epoch FROM now() - min(created_at))::float8 AS oldest
     FROM notifications WHERE state IN ('pending', 'failed', 'sending')`,
  );
  return { depth: rows[0]?.depth ?? 0, oldestPendingSeconds: Math.max(0, rows[0]?.oldest ?? 0) };
}

/** The delivery counters, by channel (email, in_app). */
export interface NotificationMetrics {
  readonly sent: Counter<"channel">;
  readonly failed: Counter<"channel">;
}

/**
 * Registers the notification metrics on the server's registry, under the names the alert rules and the
 * dashboard use: ect_outbox_depth, ect_outbox_oldest_pending_seconds (read from the database on each scrape),
 * ect_notifications_sent_total{channel} and ect_notifications_failed_total{channel}.
 */
export function createNotificationMetrics(
  registry: Registry,
  stats: () => Promise<OutboxStats>,
): NotificationMetrics {
  const registers = [registry];
  // One read serves both gauges of a scrape.
  let pending: Promise<OutboxStats> | undefined;
  const read = () => {
    pending ??= stats().finally(() => {
      pending = undefined;
    });
    return pending;
  };
  // A scrape during a database outage must still answer (the outage is what an operator is looking at):
  // the gauges keep their last values, and the database and breaker metrics tell the story.
  const readOrKeep = () => read().catch(() => undefined);
  new Gauge({
    name: "ect_outbox_depth",
    help: "Email notifications waiting in the outbox (pending or failed and to be retried).",
    registers,
    async collect() {
      const stats = await readOrKeep();
      if (stats) this.set(stats.depth);
    },
  });
  new Gauge({
    name: "ect_outbox_oldest_pending_seconds",
    help: "Age in seconds of the oldest email notification not yet delivered (0 when none).",
    registers,
    async collect() {
      const stats = await readOrKeep();
      if (stats) this.set(stats.oldestPendingSeconds);
    },
  });
  return {
    sent: new Counter({
      name: "ect_notifications_sent_total",
      help: "Notifications delivered, by channel (in_app: written to the feed; email: accepted by the SMTP server).",
      labelNames: ["channel"],
      registers,
    }),
    failed: new Counter({
      name: "ect_notifications_failed_total",
      help: "Notification delivery attempts that failed, by channel (each retry counts).",
      labelNames: ["channel"],
      registers,
    }),
  };
}
