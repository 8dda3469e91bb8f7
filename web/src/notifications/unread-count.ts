import { useEffect, useState } from "react";
import type { Notification } from "../../../src/gen/ect/v1/notification_service_pb.js";

type Listener = (count: number, arrived: readonly Notification[]) => void;

/**
 * The signed-in user's unread count as the bell's watch last reported it, shared with the feed page so the
 * page shows new notifications without opening a second watch (each counts against the user's watch limit).
 */
class UnreadCount {
  private count: number | undefined;
  private readonly listeners = new Set<Listener>();

  /** The latest count; undefined until the watch's first message. */
  get current(): number | undefined {
    return this.count;
  }

  /** The watch reported a count, with the notifications that arrived since its last message. */
  report(count: number, arrived: readonly Notification[]): void {
    this.count = count;
    for (const listener of this.listeners) listener(count, arrived);
  }

  /** Calls `listener` on every report; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The one shared count of the app. */
export const unreadCount = new UnreadCount();

/** The latest unread count, re-rendering on every report. */
export function useUnreadCount(): number | undefined {
  const [count, setCount] = useState(unreadCount.current);
  useEffect(() => unreadCount.subscribe((next) => setCount(next)), []);
  return count;
}
