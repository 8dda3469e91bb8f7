import type { Queryable } from "../db/db.js";
import { storeAppointmentMemo, storeDecisionMemo } from "../services/memos/store-memo.js";

/**
 * Files the memos the workflow would have filed on the demo's history: each decided LOD case's determination
 * memo, by the approving authority who decided it, dated the day of the decision; each formal investigation's
 * appointment memo, by the appointing authority, dated the appointment. Rendered by the same code as a live
 * decision (about 10 ms a memo), so the demo's memos are exactly what the system sends.
 */
export async function seedDemoMemos(tx: Queryable): Promise<void> {
  const decided = await tx.query<{
    id: number;
    module_id: number;
    finding_code: string;
    user_id: number;
    username: string;
    decided_at: Date;
  }>(
    `SELECT c.id, c.module_id, f.code AS finding_code, u.id AS user_id, u.username, last.end_time AS decided_at
     FROM cases c
     JOIN work_statuses ws ON ws.id = c.work_status_id
     JOIN status_codes sc ON sc.id = ws.status_code_id AND sc.is_final AND NOT sc.is_cancel
     JOIN lod_details ld ON ld.case_id = c.id
     JOIN findings f ON f.id = ld.finding_id
     CROSS JOIN LATERAL (SELECT t.completed_by, t.end_time FROM tracking t
                         WHERE t.case_id = c.id AND t.completed_by IS NOT NULL
                         ORDER BY t.end_time DESC, t.id DESC LIMIT 1) last
     JOIN users u ON u.id = last.completed_by
     ORDER BY c.id`,
  );
  for (const row of decided.rows) {
    const decision = { ...row, is_final: true, is_cancel: false };
    await storeDecisionMemo(tx, { userId: row.user_id, username: row.username }, decision, row.decided_at);
  }
  const appointed = await tx.query<{
    case_id: number;
    user_id: number;
    username: string;
    appointed_at: Date;
  }>(
    `SELECT a.case_id, u.id AS user_id, u.username, a.appointed_at
     FROM investigation_appointments a JOIN users u ON u.id = a.appointed_by
     WHERE a.ended_at IS NULL ORDER BY a.case_id`,
  );
  for (const row of appointed.rows)
    await storeAppointmentMemo(
      tx,
      { userId: row.user_id, username: row.username },
      row.case_id,
      row.appointed_at,
    );
}
