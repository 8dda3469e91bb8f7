import type { Queryable } from "../../db/db.js";
import type { DbNotifications, Unlisten } from "../../db/db-notifications.js";
import { CaseEventType } from "../../gen/ect/v1/resources_pb.js";
import type { CaseEvents } from "./case-events.js";
import { CASE_COLUMNS, CASE_JOINS, type CaseRow } from "./case-row.js";

/** The channel migration 020's trigger notifies on every committed insert or update of a case. */
export const CASES_CHANNEL = "ect_cases";

/** One notification of channel ect_cases: ids only, the row is read after. */
export type CaseNotification =
  | {
      kind: "change";
      caseId: number;
      version: number;
      previousStatusId?: number;
      statusId: number;
      origin: string;
    }
  | { kind: "resync"; origin: string };

/**
 * Parses `<case id>:<version>:<previous status or empty>:<status>:<origin>` or `resync:<origin>`;
 * undefined for anything else. The origin is last because it is free text (ect.instance).
 */
export function parseCaseNotification(payload: string): CaseNotification | undefined {
  if (payload.startsWith("resync:")) return { kind: "resync", origin: payload.slice("resync:".length) };
  const parts = payload.split(":");
  if (parts.length < 5) return undefined;
  const [id, version, previous, status] = parts.map((part) => (part === "" ? Number.NaN : Number(part)));
  if (!Number.isInteger(id) || !Number.isInteger(version) || !Number.isInteger(status)) return undefined;
  return {
    kind: "change",
    caseId: id,
    version,
    previousStatusId: Number.isInteger(previous) ? previous : undefined,
    statusId: status,
    origin: parts.slice(4).join(":"),
  };
}

/** The status columns of CASE_COLUMNS for one work status: a previous status as a row fragment. */
const STATUS_SQL = `
  SELECT ws.id AS work_status_id, ws.status_code_id, sc.description AS status_description,
         sc.role_id AS holder_role_id, hr.name AS holder_role_name, sc.is_final, sc.is_cancel
  FROM work_statuses ws JOIN status_codes sc ON sc.id = ws.status_code_id
  LEFT JOIN roles hr ON hr.id = sc.role_id
  WHERE ws.id = $1`;

/** The case as it is now and who last changed it, by the audit trail. */
const CASE_SQL = `
  SELECT ${CASE_COLUMNS},
    (SELECT a.actor FROM audit_events a
      WHERE a.entity_type = 'case' AND a.entity_id = c.id::text ORDER BY a.id DESC LIMIT 1) AS last_actor
  FROM cases c ${CASE_JOINS}
  WHERE c.id = $1`;

/**
 * Feeds this instance's CaseEvents with the changes other instances commit: each notification on
 * ect_cases names a case, which is read and published as CREATED, MOVED or UPDATED (in notification
 * order). Changes made here are skipped (their service published them already, with more detail), so
 * a local watcher hears each change once. A re-opened listener or a bulk change becomes a resync.
 * Resolves once listening.
 */
export async function relayCaseEvents(
  events: CaseEvents,
  db: Queryable,
  notifications: DbNotifications,
): Promise<Unlisten> {
  // The pool's sessions carry this instance's id (open-db.ts); the trigger copies the writer's into the payload.
  const { rows } = await db.query<{ origin: string | null }>(
    "SELECT current_setting('ect.instance', true) AS origin",
  );
  const own = rows[0]?.origin ?? "";
  let delivering = Promise.resolve();
  return notifications.listen(
    CASES_CHANNEL,
    (payload) => {
      const note = parseCaseNotification(payload);
      if (!note) return;
      if (note.kind === "resync") {
        delivering = delivering.then(() => events.resync());
        return;
      }
      if (note.origin === own) return;
      delivering = delivering.then(() =>
        deliver(events, db, note).catch(() => {
          // The row could not be read (database trouble): watchers must not silently miss it.
          events.resync();
        }),
      );
    },
    () => events.resync(),
  );
}

async function deliver(
  events: CaseEvents,
  db: Queryable,
  note: Extract<CaseNotification, { kind: "change" }>,
): Promise<void> {
  const { rows } = await db.query<CaseRow & { last_actor: string | null }>(CASE_SQL, [note.caseId]);
  const row = rows[0];
  if (!row) return;
  const { last_actor: actor, ...caseRow } = row;
  const time = new Date();
  if (note.previousStatusId === undefined) {
    events.publish({ type: CaseEventType.CREATED, row: caseRow, actor: actor ?? "", time });
    return;
  }
  if (note.previousStatusId === note.statusId) {
    events.publish({ type: CaseEventType.UPDATED, row: caseRow, actor: actor ?? "", time });
    return;
  }
  const status = await db.query<Partial<CaseRow>>(STATUS_SQL, [note.previousStatusId]);
  const previous: CaseRow = { ...caseRow, ...status.rows[0] };
  events.publish({ type: CaseEventType.MOVED, row: caseRow, previous, actor: actor ?? "", time });
}
