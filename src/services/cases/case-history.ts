import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Queryable } from "../../db/db.js";
import {
  type Signature,
  SignatureSchema,
  type TrackingEntry,
  TrackingEntrySchema,
} from "../../gen/ect/v1/resources_pb.js";
import { statusFromRow } from "./case-row.js";

/** The time-in-status history of a case, oldest first; an open row's time runs to now. */
export async function loadTracking(db: Queryable, caseId: number): Promise<TrackingEntry[]> {
  const { rows } = await db.query<
    Parameters<typeof statusFromRow>[0] & {
      id: number;
      start_time: Date;
      end_time: Date | null;
      completed_by: string | null;
      action_label: string;
      elapsed_ms: number;
    }
  >(
    `SELECT t.id, t.start_time, t.end_time, u.username AS completed_by, t.action_label,
                (extract(epoch FROM (coalesce(t.end_time, now()) - t.start_time)) * 1000)::float8 AS elapsed_ms,
                ws.id AS work_status_id, ws.status_code_id, sc.description AS status_description,
                sc.role_id AS holder_role_id, r.name AS holder_role_name, sc.is_final, sc.is_cancel
         FROM tracking t JOIN work_statuses ws ON ws.id = t.work_status_id
         JOIN status_codes sc ON sc.id = ws.status_code_id LEFT JOIN roles r ON r.id = sc.role_id
         LEFT JOIN users u ON u.id = t.completed_by
         WHERE t.case_id = $1 ORDER BY t.id`,
    [caseId],
  );
  return rows.map((row) =>
    create(TrackingEntrySchema, {
      id: row.id,
      status: statusFromRow(row),
      startTime: timestampFromDate(row.start_time),
      endTime: row.end_time ? timestampFromDate(row.end_time) : undefined,
      timeInStatus: durationFromMs(Math.max(0, Math.round(row.elapsed_ms))),
      completedBy: row.completed_by ?? "",
      actionLabel: row.action_label,
    }),
  );
}

/** The signatures recorded on a case, oldest first. */
export async function loadSignatures(db: Queryable, caseId: number): Promise<Signature[]> {
  const { rows } = await db.query<{
    id: number;
    username: string;
    role_name: string;
    name_and_rank: string;
    title: string;
    work_status_id: number;
    status_description: string;
    signed_at: Date;
  }>(
    `SELECT s.id, u.username, r.name AS role_name, s.name_and_rank, s.title, s.work_status_id,
              ws.display_text AS status_description, s.signed_at
       FROM signatures s JOIN users u ON u.id = s.user_id JOIN roles r ON r.id = s.role_id
       JOIN work_statuses ws ON ws.id = s.work_status_id
       WHERE s.case_id = $1 ORDER BY s.signed_at, s.id`,
    [caseId],
  );
  return rows.map((row) =>
    create(SignatureSchema, {
      id: row.id,
      signer: row.username,
      roleName: row.role_name,
      nameAndRank: row.name_and_rank,
      title: row.title,
      workStatusId: row.work_status_id,
      statusDescription: row.status_description,
      signTime: timestampFromDate(row.signed_at),
    }),
  );
}
