import type { Queryable } from "../../db/db.js";
import { maskedMemberName } from "../../domain/notifications/masked-name.js";
import { currentCorrelationId } from "../../telemetry/correlation.js";
import { casePath, caseUrl } from "./case-link.js";
import { loadTemplate, renderTemplate } from "./notification-templates.js";
import type { Recipient } from "./recipients.js";

/** The channel listeners wake on (WatchNotifications, other instances); delivered only when the writer commits. */
export const NOTIFICATIONS_CHANNEL = "ect_notifications";

/** Counts in-app rows written (ect_notifications_sent_total{channel="in_app"}); installed at start-up. */
let countInApp: (rows: number) => void = () => {};

/** Installs the in-app counter (startNotifications). */
export function installInAppCounter(count: (rows: number) => void): void {
  countInApp = count;
}

/** One event on a case, for the people it concerns. */
export interface CaseNotice {
  /** A notification_templates event: case_arrived, case_returned, reminder, … */
  event: string;
  caseId: number;
  recipients: readonly Recipient[];
  /** The role the notice is about ("needs action by …"); the case's holder when absent. */
  roleId?: number | null;
  reason?: string;
  daysInStatus?: number;
  /** The user whose action caused the notice: never told of their own action. */
  actorUserId?: number;
}

interface CaseFacts {
  case_number: string;
  status_code_id: number;
  status: string;
  holder_role_id: number | null;
  grade: string;
  last_name: string;
  first_name: string;
  suspense_date: string | null;
}

/**
 * Writes a notice to the outbox in the caller's transaction: per recipient one in-app row (sent as written) and,
 * for those who receive email and have an address, one pending email row for the dispatcher. Then pg_notify, which
 * PostgreSQL delivers at COMMIT and never after a rollback, so nobody is woken for a move that did not happen.
 * Returns the number of rows written.
 */
export async function enqueueCaseNotice(tx: Queryable, notice: CaseNotice): Promise<number> {
  const seen = new Set<number>();
  const recipients = notice.recipients.filter((recipient) => {
    if (recipient.userId === notice.actorUserId || seen.has(recipient.userId)) return false;
    seen.add(recipient.userId);
    return true;
  });
  if (recipients.length === 0) return 0;
  const { rows } = await tx.query<CaseFacts>(
    `SELECT c.case_number, ws.status_code_id, sc.description AS status, sc.role_id AS holder_role_id,
            m.grade, m.last_name, m.first_name, to_char(inv.suspense_date, 'YYYY-MM-DD') AS suspense_date
     FROM cases c JOIN work_statuses ws ON ws.id = c.work_status_id JOIN status_codes sc ON sc.id = ws.status_code_id
     JOIN members m ON m.id = c.member_id LEFT JOIN investigations inv ON inv.case_id = c.id
     WHERE c.id = $1`,
    [notice.caseId],
  );
  const facts = rows[0];
  if (!facts) return 0;
  const roleId = notice.roleId ?? facts.holder_role_id;
  const role = roleId
    ? (await tx.query<{ name: string }>("SELECT name FROM roles WHERE id = $1", [roleId])).rows[0]?.name
    : undefined;
  const template = await loadTemplate(tx, notice.event, facts.status_code_id);
  const view = {
    caseNumber: facts.case_number,
    memberName: maskedMemberName({
      grade: facts.grade,
      lastName: facts.last_name,
      firstName: facts.first_name,
    }),
    status: facts.status,
    link: caseUrl(notice.caseId),
    daysInStatus: notice.daysInStatus ?? 0,
    roleName: role ?? "the case's holder",
    reason: notice.reason ?? "",
    suspenseDate: facts.suspense_date ?? "",
  };
  const message = renderTemplate(template, view);
  const userIds: number[] = [];
  const channels: string[] = [];
  for (const recipient of recipients) {
    userIds.push(recipient.userId);
    channels.push("in_app");
    if (recipient.receiveEmail && recipient.email.trim() !== "") {
      userIds.push(recipient.userId);
      channels.push("email");
    }
  }
  const inserted = await tx.query(
    `INSERT INTO notifications (event, case_id, recipient_user_id, channel, subject, body_text, body_html, link,
                                correlation_id, state, sent_at)
     SELECT $1, $2, r.user_id, r.channel, $3, $4, $5, $6, $7,
            CASE WHEN r.channel = 'in_app' THEN 'sent' ELSE 'pending' END,
            CASE WHEN r.channel = 'in_app' THEN now() END
     FROM unnest($8::int[], $9::text[]) AS r (user_id, channel)`,
    [
      notice.event,
      notice.caseId,
      message.subject,
      message.bodyText,
      message.bodyHtml,
      casePath(notice.caseId),
      currentCorrelationId() ?? "",
      userIds,
      channels,
    ],
  );
  await tx.query("SELECT pg_notify($1, $2)", [
    NOTIFICATIONS_CHANNEL,
    JSON.stringify({ caseId: notice.caseId, recipients: [...seen] }),
  ]);
  countInApp(recipients.length);
  return inserted.rowCount;
}
