import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Db } from "../../db/db.js";
import { actorHoldsCase } from "../../domain/next-actions.js";
import { alreadyExists, permissionDenied } from "../../errors.js";
import { type CaseLock, CaseLockSchema } from "../../gen/ect/v1/resources_pb.js";
import type { Caller } from "../../interceptors/caller-context.js";
import { recordAudit } from "../audit.js";
import { actorOf, assertNotLockedByOther } from "./case-moves.js";
import { loadCaseRow } from "./case-queries.js";
import { loadCaseFacts } from "./workflow-config.js";

/** Signs a case as the caller's role at its current status (the holding role only); returns the signature id. */
export async function signCase(db: Db, caller: Caller, caseId: number): Promise<number> {
  return db.transaction(async (tx) => {
    const row = await loadCaseRow(tx, caller, caseId, true);
    if (!actorHoldsCase(await loadCaseFacts(tx, row), actorOf(caller))) {
      throw permissionDenied("only the role holding the case may sign at its current status");
    }
    const existing = await tx.query<{ id: number }>(
      "SELECT id FROM signatures WHERE case_id = $1 AND work_status_id = $2 AND role_id = $3",
      [caseId, row.work_status_id, caller.roleId],
    );
    if (existing.rowCount > 0) throw alreadyExists("the case is already signed by your role at this status");
    const inserted = await tx.query<{ id: number }>(
      `INSERT INTO signatures (case_id, module_id, workflow_id, work_status_id, role_id, user_id, name_and_rank, title)
       SELECT $1, $2, $3, $4, $5, u.id, trim(u.rank || ' ' || u.first_name || ' ' || u.last_name),
              coalesce(t.title, r.sign_title)
       FROM users u JOIN roles r ON r.id = $5
       LEFT JOIN user_alt_titles t ON t.user_id = u.id AND t.role_id = $5
       WHERE u.id = $6 RETURNING id`,
      [caseId, row.module_id, row.workflow_id, row.work_status_id, caller.roleId, caller.userId],
    );
    await recordAudit(tx, {
      entityType: "case",
      entityId: caseId,
      action: "sign",
      actor: caller.username,
      after: { workStatusId: row.work_status_id, roleId: caller.roleId },
    });
    return inserted.rows[0].id;
  });
}

/** Takes (or refreshes) the caller's edit lock on a case; FAILED_PRECONDITION while another user holds it. */
export async function acquireLock(db: Db, caller: Caller, caseId: number): Promise<CaseLock> {
  return db.transaction(async (tx) => {
    const row = await loadCaseRow(tx, caller, caseId, true);
    assertNotLockedByOther(row, caller);
    const { rows } = await tx.query<{ lock_time: Date }>(
      `INSERT INTO case_locks (case_id, module_id, user_id) VALUES ($1, $2, $3)
       ON CONFLICT (case_id) DO UPDATE SET lock_time = now() RETURNING lock_time`,
      [caseId, row.module_id, caller.userId],
    );
    return create(CaseLockSchema, {
      userId: caller.userId,
      username: caller.username,
      lockTime: timestampFromDate(rows[0].lock_time),
    });
  });
}

/** Releases the caller's lock (an administrator may release anyone's); true when a lock was removed. */
export async function releaseLock(db: Db, caller: Caller, caseId: number): Promise<boolean> {
  await loadCaseRow(db, caller, caseId);
  const { rowCount } = await db.query("DELETE FROM case_locks WHERE case_id = $1 AND (user_id = $2 OR $3)", [
    caseId,
    caller.userId,
    caller.permissions.has("workflowAdmin"),
  ]);
  return rowCount > 0;
}
