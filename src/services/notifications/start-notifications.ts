import type { Logger } from "pino";
import type { Config } from "../../config.js";
import type { Db, Queryable } from "../../db/db.js";
import type { HealthCheck } from "../../health/health-monitor.js";
import type { EctMetrics } from "../../telemetry/metrics.js";
import { installPublicUrl } from "./case-link.js";
import { Dispatcher } from "./dispatcher.js";
import { installInAppCounter } from "./enqueue-notice.js";
import { createNotificationMetrics, outboxStats } from "./notification-metrics.js";
import { outboxCheck } from "./outbox-check.js";
import { ReminderScheduler } from "./reminder-scheduler.js";

/** The notification background work of one server. */
export interface NotificationWorker {
  dispatcher: Dispatcher;
  reminders: ReminderScheduler;
  /** The outbox's health check (Degraded when mail waits too long). */
  check: HealthCheck;
  /** Stops both timers and waits for their rounds (graceful shutdown). */
  close(): Promise<void>;
}

/**
 * Starts the dispatcher and the reminder scheduler of this instance (every instance runs both: claims and the
 * reminder log keep them from doing anything twice) and registers the outbox metrics.
 */
export function startNotifications(
  config: Readonly<Config>,
  db: Db,
  metrics: EctMetrics,
  logger: Logger,
  /** The database as opened, without the policies: what the outbox gauges and health check read. */
  observeDb: Queryable = db,
): NotificationWorker {
  const settings = config.notifications;
  installPublicUrl(settings.publicUrl);
  // Operator reads (a scrape, a health check) observe the database as the database check does, around the
  // policies: they add no retries to a failing database and never take the circuit breaker's trial call.
  const stats = () => outboxStats(observeDb);
  const counters = createNotificationMetrics(metrics.registry, stats);
  installInAppCounter((rows) => counters.sent.inc({ channel: "in_app" }, rows));
  const log = logger.child({ component: "notifications" });
  const dispatcher = new Dispatcher({
    db,
    smtpUrl: settings.smtpUrl,
    from: settings.from,
    intervalMs: settings.dispatchIntervalMs,
    maxAttempts: settings.maxAttempts,
    logger: log,
    metrics: counters,
  });
  const reminders = new ReminderScheduler({
    db,
    clock: settings.clock,
    intervalMs: settings.reminderIntervalMs,
    logger: log,
    onEnqueued: () => dispatcher.wake(),
  });
  dispatcher.start();
  reminders.start();
  return {
    dispatcher,
    reminders,
    check: outboxCheck(stats, settings.degradedAfterMs),
    async close() {
      await Promise.all([reminders.close(), dispatcher.close()]);
    },
  };
}
