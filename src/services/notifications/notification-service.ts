import type { ServiceImpl } from "@connectrpc/connect";
import type { Db } from "../../db/db.js";
import { notify } from "../../db/db-notifications.js";
import type { NotificationService } from "../../gen/ect/v1/notification_service_pb.js";
import type { WatchLimiter } from "../../resilience/watch-limiter.js";
import { callerOf } from "../call-caller.js";
import type { CaseEvents } from "../cases/case-events.js";
import { listCaseNotifications } from "./feed-case-log.js";
import { listNotifications, markNotificationRead } from "./feed-notifications.js";
import { FEED_READS_CHANNEL, type FeedWakeups } from "./feed-wakeups.js";
import { watchNotifications } from "./feed-watch.js";

/** What the notification service needs. */
export interface NotificationServiceDeps {
  db: Db;
  events: CaseEvents;
  wakeups: FeedWakeups;
  /** Shared with WatchCases: one per-user allowance of open watches. */
  watches: WatchLimiter;
  /** How often a watch re-reads without a wake-up (config.notifications.dispatchIntervalMs). */
  pollMs: number;
}

/** ect.v1.NotificationService: each user's in-app feed, its live watch and the case's notification log. */
export function notificationService(deps: NotificationServiceDeps): ServiceImpl<typeof NotificationService> {
  const { db } = deps;
  return {
    listNotifications: (request, context) =>
      listNotifications(db, callerOf(context), request, context.signal),

    async markNotificationRead(request, context) {
      const caller = callerOf(context);
      const response = await markNotificationRead(db, caller, request.name);
      deps.wakeups.touch(caller.userId);
      // The user's bells on other instances recount too.
      await notify(db, FEED_READS_CHANNEL, JSON.stringify({ recipients: [caller.userId] }));
      return response;
    },

    watchNotifications: (_request, context) => watchNotifications(deps, callerOf(context), context.signal),

    listCaseNotifications: (request, context) =>
      listCaseNotifications(db, callerOf(context), request, context.signal),
  };
}
