import type { Config } from "../config.js";
import type { Db } from "../db/db.js";
import { type DbNotifications, dbNotifications } from "../db/db-notifications.js";
import { dedicatedSession } from "../db/dedicated-session.js";
import { ReadRoutedDb } from "../db/read-routed-db.js";
import type { HealthCheck } from "../health/health-monitor.js";
import { replicaCheck } from "../health/replica-check.js";
import { SharedStreamLimiter } from "../resilience/shared-stream-limiter.js";
import type { StreamLimiter, StreamRejection } from "../resilience/stream-limiter.js";
import { relayCaseEvents } from "../services/cases/case-event-relay.js";
import type { CaseEvents } from "../services/cases/case-events.js";

/** What lets several instances share one PostgreSQL (issue 21), wired once by createApp. */
export interface ScaleOut {
  /** Where stream starts take their slot: the local limiter, or it plus the shared per-caller limit. */
  streamSlots: Pick<StreamLimiter, "acquire">;
  /** The instance's one LISTEN connection: what other instances commit wakes this one's watchers. */
  listener: DbNotifications;
  /** Health checks of the read replica, when there is one. */
  checks: HealthCheck[];
  /** Feeds the instance's WatchCases fan-out with the case changes every instance commits. */
  relay(events: CaseEvents): Promise<void>;
  close(): Promise<void>;
}

/**
 * Case events through LISTEN/NOTIFY, the stream limit's scope (config.scaleOut.streamLimitScope) and
 * the replica's health. `rawDb` is the database as opened (its dedicated sessions are opened beside
 * its pool), `db` the guarded one services use.
 */
export function scaleOut(
  config: Readonly<Pick<Config, "scaleOut">>,
  rawDb: Db,
  db: Db,
  streams: StreamLimiter,
  settings: { perCallerConcurrent: number; acquireTimeoutMs: number },
  onRejected: (rejection: StreamRejection) => void,
): ScaleOut {
  const notifications = dbNotifications(rawDb);
  const session =
    config.scaleOut.streamLimitScope === "shared" ? dedicatedSession(rawDb, "ect-stream-slots") : undefined;
  let streamSlots: Pick<StreamLimiter, "acquire"> = streams;
  if (session) {
    const shared = new SharedStreamLimiter(streams, session, settings);
    shared.onRejected(onRejected);
    streamSlots = shared;
  }
  return {
    streamSlots,
    listener: notifications,
    checks: rawDb instanceof ReadRoutedDb ? [replicaCheck((signal) => rawDb.replicaLag(signal))] : [],
    async relay(events) {
      await relayCaseEvents(events, db, notifications);
    },
    async close() {
      await Promise.all([notifications.close(), session?.close()]);
    },
  };
}
