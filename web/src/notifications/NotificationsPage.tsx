import { useEffect, useState } from "react";
import type { Notification } from "../../../src/gen/ect/v1/notification_service_pb.js";
import { errorText } from "../call-errors.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { formatTime } from "../format.js";
import { useAbortable } from "../hooks/useAbortable.js";
import { Link } from "../router.js";
import { notificationsApi } from "./notifications-api.js";
import { unreadCount } from "./unread-count.js";

const PAGE_SIZE = 50;

/** The signed-in user's notifications, newest first: new ones appear as the bell's watch reports them. */
export function NotificationsPage() {
  const [items, setItems] = useState<Notification[]>([]);
  const [next, setNext] = useState("");
  const [actionError, setActionError] = useState("");
  const { error } = useAbortable(async (signal) => {
    const page = await notificationsApi.listNotifications({ pageSize: PAGE_SIZE }, { signal });
    setItems(page.notifications);
    setNext(page.nextPageToken);
  }, []);
  // New notifications arrive on the bell's watch; the page puts them on top without another watch.
  useEffect(
    () =>
      unreadCount.subscribe((_count, arrived) => {
        if (arrived.length === 0) return;
        setItems((shown) => {
          const known = new Set(shown.map((item) => item.name));
          return [...[...arrived].reverse().filter((item) => !known.has(item.name)), ...shown];
        });
      }),
    [],
  );

  async function loadMore() {
    try {
      const page = await notificationsApi.listNotifications({ pageSize: PAGE_SIZE, pageToken: next });
      setItems((shown) => [...shown, ...page.notifications]);
      setNext(page.nextPageToken);
    } catch (failure) {
      setActionError(errorText(failure));
    }
  }

  async function markRead(item: Notification) {
    setActionError("");
    try {
      const { notification } = await notificationsApi.markNotificationRead({ name: item.name });
      if (notification)
        setItems((shown) => shown.map((old) => (old.name === item.name ? notification : old)));
    } catch (failure) {
      setActionError(errorText(failure));
    }
  }

  const unread = items.filter((item) => !item.read).length;
  return (
    <section aria-labelledby="notifications-title">
      <h1 id="notifications-title">Notifications</h1>
      <p data-testid="notifications-status">
        {items.length} shown, {unread} of them unread
      </p>
      <ErrorAlert text={error || actionError} />
      <ul className="plain notification-list" data-testid="notification-list">
        {items.map((item) => (
          <li
            key={item.name}
            className="panel"
            data-testid="notification"
            data-name={item.name}
            data-read={item.read}
          >
            <h2 style={{ fontSize: "1rem", margin: "0 0 0.25rem" }}>
              {item.read ? "" : <span className="badge">New</span>} {item.subject}
            </h2>
            <p style={{ margin: "0 0 0.25rem", whiteSpace: "pre-line" }}>{item.body}</p>
            <p style={{ margin: 0 }}>
              {formatTime(item.createTime)}
              {item.link && (
                <>
                  {" · "}
                  <Link href={item.link}>Open case {item.caseNumber}</Link>
                </>
              )}
              {item.read ? (
                <span> · read {formatTime(item.readTime)}</span>
              ) : (
                <>
                  {" · "}
                  <button type="button" onClick={() => void markRead(item)}>
                    Mark read<span className="sr-only">: {item.subject}</span>
                  </button>
                </>
              )}
            </p>
          </li>
        ))}
      </ul>
      {items.length === 0 && !error && <p>No notifications yet.</p>}
      {next && (
        <button type="button" onClick={() => void loadMore()}>
          Load more
        </button>
      )}
    </section>
  );
}
