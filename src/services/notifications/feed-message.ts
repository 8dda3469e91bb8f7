import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type CaseNotification,
  CaseNotificationSchema,
  type Notification,
  NotificationChannel,
  NotificationSchema,
  NotificationState,
} from "../../gen/ect/v1/notification_service_pb.js";
import { caseName } from "../cases/case-row.js";

/** The columns a feed read selects (`n` notifications, `c` its case). */
export const FEED_COLUMNS = `n.id, n.event, n.case_id, c.case_number, n.subject, n.body_text, n.link,
  n.created_at, n.read_at`;

/** One in-app notification as FEED_COLUMNS returns it. */
export interface FeedRow {
  id: number;
  event: string;
  case_id: number | null;
  case_number: string | null;
  subject: string;
  body_text: string;
  link: string;
  created_at: Date;
  read_at: Date | null;
}

/** The resource name of a notification. */
export function notificationName(id: number): string {
  return `notifications/${id}`;
}

/** A feed row as the API resource. */
export function notificationFromRow(row: FeedRow): Notification {
  return create(NotificationSchema, {
    name: notificationName(row.id),
    event: row.event,
    case: row.case_id ? caseName(row.case_id) : "",
    caseNumber: row.case_number ?? "",
    subject: row.subject,
    body: row.body_text,
    link: row.link,
    createTime: timestampFromDate(row.created_at),
    readTime: row.read_at ? timestampFromDate(row.read_at) : undefined,
    read: row.read_at !== null,
  });
}

/** One row of a case's notification log. */
export interface CaseLogRow {
  id: number;
  event: string;
  channel: string;
  state: string;
  username: string;
  recipient_name: string;
  role_name: string | null;
  subject: string;
  created_at: Date;
  sent_at: Date | null;
  attempts: number;
  last_error: string;
  correlation_id: string;
}

const channels: Record<string, NotificationChannel> = {
  email: NotificationChannel.EMAIL,
  in_app: NotificationChannel.IN_APP,
};

/** The outbox's states as the API shows them: a message being sent is still pending. */
const states: Record<string, NotificationState> = {
  pending: NotificationState.PENDING,
  sending: NotificationState.PENDING,
  sent: NotificationState.DELIVERED,
  failed: NotificationState.FAILED,
  dead: NotificationState.DEAD,
  not_configured: NotificationState.NOT_CONFIGURED,
};

/** A log row as the API resource; the error and correlation id only for operators. */
export function caseNotificationFromRow(row: CaseLogRow, operator: boolean): CaseNotification {
  return create(CaseNotificationSchema, {
    name: notificationName(row.id),
    event: row.event,
    channel: channels[row.channel] ?? NotificationChannel.UNSPECIFIED,
    state: states[row.state] ?? NotificationState.UNSPECIFIED,
    recipientUsername: row.username,
    recipientName: row.recipient_name,
    recipientRole: row.role_name ?? "",
    subject: row.subject,
    createTime: timestampFromDate(row.created_at),
    sentTime: row.sent_at ? timestampFromDate(row.sent_at) : undefined,
    attempts: row.attempts,
    lastError: operator ? row.last_error : "",
    correlationId: operator ? row.correlation_id : "",
  });
}
