import { create } from "@bufbuild/protobuf";
import type { Caller } from "../../auth/caller-context.js";
import type { Queryable } from "../../db/db.js";
import {
  type ListCaseNotificationsRequest,
  type ListCaseNotificationsResponse,
  ListCaseNotificationsResponseSchema,
} from "../../gen/ect/v1/notification_service_pb.js";
import { loadCaseRow } from "../cases/case-queries.js";
import { decodePageToken, encodePageToken, pageSize, resourceId } from "../validation.js";
import { type CaseLogRow, caseNotificationFromRow } from "./feed-message.js";

/** Who may read delivery errors and correlation ids: the operators who fix SMTP. */
const OPERATOR_PERMISSION = "operatorView";

/**
 * ListCaseNotifications: every notification written for a case in the caller's scope (NOT_FOUND otherwise, as
 * GetCase), oldest first (index notifications_by_case). Recipients by username, name and role, never by email
 * address: the log is for anyone who sees the case, and who was told is what they need.
 */
export async function listCaseNotifications(
  db: Queryable,
  caller: Caller,
  request: ListCaseNotificationsRequest,
  signal: AbortSignal,
): Promise<ListCaseNotificationsResponse> {
  const caseId = resourceId("parent", request.parent);
  const size = pageSize("page_size", request.pageSize, 100);
  const after = decodePageToken("page_token", request.pageToken) ?? 0;
  const row = await loadCaseRow(db, caller, caseId);
  const { rows } = await db.query<CaseLogRow>(
    `SELECT n.id, n.event, n.channel, n.state, u.username,
            concat_ws(' ', nullif(u.rank, ''), u.first_name, u.last_name) AS recipient_name,
            r.name AS role_name, n.subject, n.created_at, n.sent_at, n.attempts, n.last_error, n.correlation_id
     FROM notifications n JOIN users u ON u.id = n.recipient_user_id
     LEFT JOIN roles r ON r.id = u.current_role_id
     WHERE n.case_id = $1 AND n.id > $2 ORDER BY n.id LIMIT $3`,
    [caseId, after, size + 1],
    { signal },
  );
  const page = rows.slice(0, size);
  const operator = caller.permissions.has(OPERATOR_PERMISSION);
  return create(ListCaseNotificationsResponseSchema, {
    notifications: page.map((row) => caseNotificationFromRow(row, operator)),
    nextPageToken: rows.length > size ? encodePageToken(page[page.length - 1].id) : "",
    caseNumber: row.case_number,
  });
}
