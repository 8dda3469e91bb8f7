import { useAbortable } from "../hooks/useAbortable.js";
import { Link } from "../router.js";
import { notificationsApi } from "./notifications-api.js";
import { unreadCount, useUnreadCount } from "./unread-count.js";

/** After the watch ends (idle, lifetime, or a failure) the bell reconnects this long after. */
const RECONNECT_MS = 2_000;

/** Feeds the shared unread count from WatchNotifications until the signal aborts or the server ends the watch. */
async function watchUnread(signal: AbortSignal): Promise<void> {
  for await (const message of notificationsApi.watchNotifications({}, { signal })) {
    unreadCount.report(message.unreadCount, message.notifications);
  }
}

/**
 * The header's bell: a link to the feed named "Notifications, N unread", its count kept live by
 * WatchNotifications (reconnecting whenever the watch ends) and announced politely when it changes.
 */
export function NotificationBell({ current }: { current: boolean }) {
  const count = useUnreadCount();
  const { error } = useAbortable(watchUnread, [], { repeatMs: RECONNECT_MS });
  const unread = count ?? 0;
  const label = `Notifications, ${unread} unread`;
  return (
    <>
      <Link
        href="/notifications"
        aria-label={label}
        aria-current={current ? "page" : undefined}
        data-testid="notification-bell"
        data-unread={unread}
        title={error ? `${label} (live updates interrupted: ${error})` : label}
      >
        <span aria-hidden="true">
          {/* Drawn, not an emoji: a machine without an emoji font would show an empty box. */}
          <svg
            aria-hidden="true"
            width="16"
            height="16"
            viewBox="0 0 24 24"
            fill="currentColor"
            style={{ verticalAlign: "-3px", marginRight: "0.3rem" }}
          >
            <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
          </svg>
          <span
            data-testid="notification-count"
            style={{
              background: unread ? "#fff" : "transparent",
              color: unread ? "#0f172a" : "#e0e7ff",
              border: "1px solid #e0e7ff",
              borderRadius: 999,
              padding: "0 0.45rem",
              fontWeight: 700,
            }}
          >
            {unread}
          </span>
        </span>
      </Link>
      <span className="sr-only" aria-live="polite" data-testid="notification-announcement">
        {count === undefined ? "" : label}
      </span>
    </>
  );
}
