import type { DbNotifications } from "../../db/db-notifications.js";
import type { CaseEvents } from "../cases/case-events.js";
import { NOTIFICATIONS_CHANNEL } from "./enqueue-notice.js";

/** The channel a mark-read is announced on, so the user's bells on every instance recount. */
export const FEED_READS_CHANNEL = "ect_notification_reads";

/** Where the wake-ups come from. */
export interface FeedWakeupSources {
  /** Committed case moves on this instance: the fallback when there is no database listener. */
  events: CaseEvents;
  /**
   * LISTEN/NOTIFY of the database (one connection per process): wakes exactly the recipients a commit names,
   * on every instance. Without it only this instance's moves wake watchers; the watch's poll covers the rest.
   */
  listener?: DbNotifications;
}

type Wake = () => void;

/**
 * Wakes the WatchNotifications streams of a user when a notification of theirs may have been written or read.
 * A wake-up is only a hint to look: the watch re-reads the database, so a lost or extra wake-up costs at most
 * one poll interval or one query, never a wrong answer.
 */
export class FeedWakeups {
  private readonly byUser = new Map<number, Set<Wake>>();
  private started: Promise<void> | undefined;

  constructor(private readonly sources: FeedWakeupSources) {}

  /** Calls `wake` on every hint for `userId`; resolves once hints flow, with the unsubscribe function. */
  async subscribe(userId: number, wake: Wake): Promise<() => void> {
    let wakes = this.byUser.get(userId);
    if (!wakes) {
      wakes = new Set();
      this.byUser.set(userId, wakes);
    }
    wakes.add(wake);
    const remove = () => {
      const current = this.byUser.get(userId);
      current?.delete(wake);
      if (current?.size === 0) this.byUser.delete(userId);
    };
    try {
      await this.start();
    } catch (error) {
      remove();
      throw error;
    }
    return remove;
  }

  /** A notification of `userId` changed on this instance (read): wakes their watches here at once. */
  touch(userId: number): void {
    for (const wake of this.byUser.get(userId) ?? []) wake();
  }

  private wakeAll(): void {
    for (const wakes of this.byUser.values()) for (const wake of wakes) wake();
  }

  /** Starts listening once per process, at the first watch (a server nobody watches holds no listener). */
  private start(): Promise<void> {
    this.started ??= this.listen().catch((error: unknown) => {
      this.started = undefined;
      throw error;
    });
    return this.started;
  }

  private async listen(): Promise<void> {
    const { listener, events } = this.sources;
    if (!listener) {
      // Moves write their notifications in the move's transaction and publish after commit, so the rows are
      // there when this fires; which users they name is not known here, so every watch re-reads.
      events.subscribe(() => this.wakeAll());
      return;
    }
    const onPayload = (payload: string) => {
      for (const userId of recipientsOf(payload)) this.touch(userId);
    };
    // After a lost connection, notifications sent while it was down are gone: everyone looks again.
    const onResync = () => this.wakeAll();
    await listener.listen(NOTIFICATIONS_CHANNEL, onPayload, onResync);
    await listener.listen(FEED_READS_CHANNEL, onPayload, onResync);
  }
}

/** The user ids a payload names ({"recipients": [ids]}); none when it is not such a payload. */
export function recipientsOf(payload: string): number[] {
  try {
    const parsed = JSON.parse(payload) as { recipients?: unknown };
    if (!Array.isArray(parsed.recipients)) return [];
    return parsed.recipients.filter((id): id is number => Number.isSafeInteger(id));
  } catch {
    return [];
  }
}
