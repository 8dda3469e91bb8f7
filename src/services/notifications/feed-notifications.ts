import { create } from "@bufbuild/protobuf";
import type { Caller } from "../../auth/caller-context.js";
import type { Queryable } from "../../db/db.js";
import { notFound } from "../../errors.js";
import {
  type ListNotificationsRequest,
  type ListNotificationsResponse,
  ListNotificationsResponseSchema,
  type MarkNotificationReadResponse,
  MarkNotificationReadResponseSchema,
} from "../../gen/ect/v1/notification_service_pb.js";
import { decodePageToken, encodePageToken, pageSize, resourceId } from "../validation.js";
import { FEED_COLUMNS, type FeedRow, notificationFromRow } from "./feed-message.js";

/** The caller's feed is their in-app rows (index notifications_feed: recipient, id descending). */
const MINE = "n.recipient_user_id = $1 AND n.channel = 'in_app'";

/** ListNotifications: one page of the caller's feed newest first, and their unread count. */
export async function listNotifications(
  db: Queryable,
  caller: Caller,
  request: ListNotificationsRequest,
  signal: AbortSignal,
): Promise<ListNotificationsResponse> {
  const size = pageSize("page_size", request.pageSize, 50, 200);
  const after = decodePageToken("page_token", request.pageToken);
  const params: unknown[] = [caller.userId];
  const conditions = [MINE];
  if (request.unreadOnly) conditions.push("n.read_at IS NULL");
  if (after !== undefined) {
    params.push(after);
    conditions.push(`n.id < $${params.length}`);
  }
  params.push(size + 1);
  // One row past the page tells whether another page follows.
  const { rows } = await db.query<FeedRow>(
    `SELECT ${FEED_COLUMNS} FROM notifications n LEFT JOIN cases c ON c.id = n.case_id
     WHERE ${conditions.join(" AND ")} ORDER BY n.id DESC LIMIT $${params.length}`,
    params,
    { signal },
  );
  const page = rows.slice(0, size);
  return create(ListNotificationsResponseSchema, {
    notifications: page.map(notificationFromRow),
    nextPageToken: rows.length > size ? encodePageToken(page[page.length - 1].id) : "",
    unreadCount: await unreadCount(db, caller.userId, signal),
  });
}

/**
 * MarkNotificationRead: stamps the caller's own in-app notification read (the first read time stays).
 * Anyone else's id, or an email row, is NOT_FOUND: whether it exists is not revealed.
 */
export async function markNotificationRead(
  db: Queryable,
  caller: Caller,
  name: string,
): Promise<MarkNotificationReadResponse> {
  const id = resourceId("name", name, "notifications");
  const { rows } = await db.query<FeedRow>(
    `WITH marked AS (
       UPDATE notifications n SET read_at = coalesce(n.read_at, now())
       WHERE ${MINE} AND n.id = $2
       RETURNING n.*)
     SELECT ${FEED_COLUMNS} FROM marked n LEFT JOIN cases c ON c.id = n.case_id`,
    [caller.userId, id],
  );
  if (rows.length === 0) throw notFound("notification", name);
  return create(MarkNotificationReadResponseSchema, {
    notification: notificationFromRow(rows[0]),
    unreadCount: await unreadCount(db, caller.userId),
  });
}

/** How many of the user's in-app notifications are unread. */
export async function unreadCount(db: Queryable, userId: number, signal?: AbortSignal): Promise<number> {
  const { rows } = await db.query<{ unread: number }>(
    `SELECT count(*)::int AS unread FROM notifications n WHERE ${MINE} AND n.read_at IS NULL`,
    [userId],
    { signal },
  );
  return rows[0].unread;
}

/** The newest id in the user's feed (0 when empty): where a watch starts. */
export async function latestNotificationId(
  db: Queryable,
  userId: number,
  signal?: AbortSignal,
): Promise<number> {
  const { rows } = await db.query<{ id: number | null }>(
    `SELECT max(n.id) AS id FROM notifications n WHERE ${MINE}`,
    [userId],
    { signal },
  );
  return rows[0].id ?? 0;
}

/**
 * The user's in-app notifications after `afterId` that are not in `skip`, oldest first, at most `limit`
 * (index notifications_feed: a range on the user's ids, never their whole feed).
 */
export async function notificationsAfter(
  db: Queryable,
  userId: number,
  afterId: number,
  skip: readonly number[],
  limit: number,
  signal?: AbortSignal,
): Promise<FeedRow[]> {
  const { rows } = await db.query<FeedRow>(
    `SELECT ${FEED_COLUMNS} FROM notifications n LEFT JOIN cases c ON c.id = n.case_id
     WHERE ${MINE} AND n.id > $2 AND NOT (n.id = ANY($3::bigint[])) ORDER BY n.id LIMIT $4`,
    [userId, afterId, skip, limit],
    { signal },
  );
  return rows;
}
