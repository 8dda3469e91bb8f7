import { create } from "@bufbuild/protobuf";
import type { Caller } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
import {
  type WatchNotificationsResponse,
  WatchNotificationsResponseSchema,
} from "../../gen/ect/v1/notification_service_pb.js";
import type { WatchLimiter } from "../../resilience/watch-limiter.js";
import type { CaseEvents } from "../cases/case-events.js";
import { notificationFromRow } from "./feed-message.js";
import { latestNotificationId, notificationsAfter, unreadCount } from "./feed-notifications.js";
import { FeedPosition } from "./feed-position.js";
import type { FeedWakeups } from "./feed-wakeups.js";

/** Most notifications one message carries; more are sent in the next message at once. */
const BATCH = 100;

/** What a notification watch needs. */
export interface FeedWatchDeps {
  db: Db;
  wakeups: FeedWakeups;
  /** The same per-user cap, idle and lifetime limits as WatchCases. */
  watches: WatchLimiter;
  /** Ends every watch at server shutdown. */
  events: CaseEvents;
  /** The safety net: a watch re-reads this often even without a wake-up (another instance, a lost NOTIFY). */
  pollMs: number;
}

/**
 * WatchNotifications: the caller's unread count at once, then each batch of their new in-app notifications
 * (keyset on id, tolerant of ids
 * that commit out of order: FeedPosition) with the new count, and the count alone when it changes. Woken by
 * FeedWakeups, re-reading at least every pollMs; ends as WatchCases does (cancel, shutdown, watch limits).
 */
export async function* watchNotifications(
  deps: FeedWatchDeps,
  caller: Caller,
  signal: AbortSignal,
): AsyncGenerator<WatchNotificationsResponse> {
  const { db } = deps;
  const lease = deps.watches.acquire(`user:${caller.username}`);
  let woken = false;
  let wake: (() => void) | undefined;
  const onWake = () => {
    woken = true;
    wake?.();
  };
  let closed = deps.events.isClosed;
  const stopOnClose = deps.events.onClose(() => {
    closed = true;
    onWake();
  });
  signal.addEventListener("abort", onWake);
  lease.signal.addEventListener("abort", onWake);
  let unsubscribe = () => {};
  let poll: NodeJS.Timeout | undefined;
  const ended = () => signal.aborted || closed || lease.signal.aborted;
  try {
    // Subscribed before the starting point is read: a notification committed in between wakes this watch.
    unsubscribe = await deps.wakeups.subscribe(caller.userId, onWake);
    const position = new FeedPosition(await latestNotificationId(db, caller.userId, signal), Date.now());
    let lastCount = await unreadCount(db, caller.userId, signal);
    lease.touch();
    yield create(WatchNotificationsResponseSchema, { unreadCount: lastCount });
    lease.touch();
    while (!ended()) {
      if (!woken) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          poll = setTimeout(resolve, deps.pollMs);
        });
        clearTimeout(poll);
        wake = undefined;
        if (ended()) break;
      }
      woken = false;
      const { after, skip } = position.window(Date.now());
      const rows = await notificationsAfter(db, caller.userId, after, skip, BATCH, signal);
      const count = await unreadCount(db, caller.userId, signal);
      if (rows.length === 0 && count === lastCount) continue;
      position.advance(
        rows.map((row) => row.id),
        Date.now(),
      );
      // A full batch: more may wait, so look again without sleeping.
      if (rows.length === BATCH) woken = true;
      lastCount = count;
      lease.touch();
      yield create(WatchNotificationsResponseSchema, {
        notifications: rows.map(notificationFromRow),
        unreadCount: count,
      });
      lease.touch();
    }
  } finally {
    clearTimeout(poll);
    stopOnClose();
    unsubscribe();
    signal.removeEventListener("abort", onWake);
    lease.signal.removeEventListener("abort", onWake);
    lease.release();
  }
}
