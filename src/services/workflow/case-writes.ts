import type { HandlerContext } from "@connectrpc/connect";
import type { Caller } from "../../auth/caller-context.js";
import type { Queryable } from "../../db/db.js";
import { failedPrecondition, invalidArgument, notFound, permissionDenied } from "../../errors.js";
import { recordAudit } from "../audit.js";
import { callerOf } from "../call-caller.js";
import { guardCaseWrite } from "../cases/case-locks.js";
import { recordSignature, signTargetOf } from "../cases/signatures-and-locks.js";
import { actingUser } from "./acting-user.js";
import type { Handler } from "./handler.js";
import { optionalId, optionalText, requiredId, unitScope } from "./request-fields.js";

interface CaseRow {
  id: number;
  module_id: number;
  workflow_id: number;
  work_status_id: number;
  status_code_id: number;
  holder_role_id: number | null;
  is_final: boolean;
  version: number;
}

/** Loads and row-locks a case in the caller's units; NOT_FOUND when it does not exist or lies outside them. */
async function loadCase(tx: Queryable, context: HandlerContext, caseId: number): Promise<CaseRow> {
  const { rows } = await tx.query<CaseRow>(
    `SELECT c.id, c.module_id, c.workflow_id, c.work_status_id, ws.status_code_id, sc.role_id AS holder_role_id,
            sc.is_final, c.version
     FROM cases c JOIN work_statuses ws ON ws.id = c.work_status_id JOIN status_codes sc ON sc.id = ws.status_code_id
     WHERE c.id = $1 AND ($2::int IS NULL OR c.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = $2::int))
     FOR UPDATE OF c`,
    [caseId, unitScope(context)],
  );
  if (rows.length === 0) throw notFound("case", caseId);
  return rows[0];
}

/** A work status of the case's workflow; INVALID_ARGUMENT naming the field when it is another workflow's. */
async function workStatusOfCase(tx: Queryable, row: CaseRow, field: string, workStatusId: number) {
  const { rows } = await tx.query<{ workflow_id: number; status_code_id: number; description: string }>(
    `SELECT ws.workflow_id, ws.status_code_id, sc.description FROM work_statuses ws
     JOIN status_codes sc ON sc.id = ws.status_code_id WHERE ws.id = $1`,
    [workStatusId],
  );
  if (rows.length === 0) throw notFound("work status", workStatusId);
  if (rows[0].workflow_id !== row.workflow_id) {
    throw invalidArgument(
      field,
      `work status ${workStatusId} is not in workflow ${row.workflow_id} of case ${row.id}`,
    );
  }
  return rows[0];
}

function assertModule(field: string, module: number | null, row: CaseRow): void {
  if (module !== null && module !== row.module_id) {
    throw invalidArgument(field, `case ${row.id} is in module ${row.module_id}, not ${module}`);
  }
}

/**
 * Moves a case to a work status of its workflow in the caller's transaction: the case's status and
 * version, the open tracking row closed, a new one appended, an action-log row and an audit row. A caller
 * without workflowAdmin may only take an active option out of a status its role holds. Another user's
 * lock in force refuses the move; the acting user's own lock is renewed, or released when the option
 * taken carries the releaseLock action (as the engine does for ect.v1 moves).
 */
async function moveCase(
  tx: Queryable,
  caller: Caller,
  row: CaseRow,
  target: { field: string; workStatusId: number; comment: string; userId: number },
): Promise<number> {
  const to = await workStatusOfCase(tx, row, target.field, target.workStatusId);
  if (target.workStatusId === row.work_status_id)
    throw failedPrecondition(`case ${row.id} is already at work status ${row.work_status_id}`);
  await guardCaseWrite(tx, row.id, target.userId);
  const option = await tx.query<{ display_text: string; kind: string; releases_lock: boolean }>(
    `SELECT o.display_text, o.kind,
            EXISTS (SELECT 1 FROM option_actions a JOIN action_types at ON at.id = a.action_type_id
                    WHERE a.option_id = o.id AND at.name = 'releaseLock') AS releases_lock
     FROM options o WHERE o.work_status_id = $1 AND o.target_work_status_id = $2 AND o.active
     ORDER BY o.sort_order, o.id LIMIT 1`,
    [row.work_status_id, target.workStatusId],
  );
  if (!caller.permissions.has("workflowAdmin")) {
    if (row.holder_role_id !== caller.roleId)
      throw permissionDenied(`case ${row.id} is not held by your role`);
    if (option.rows.length === 0) {
      throw failedPrecondition(
        `no active option leads from work status ${row.work_status_id} to ${target.workStatusId}`,
      );
    }
  }
  const label = option.rows[0]?.display_text ?? `Moved to ${to.description}`;
  const kind = option.rows[0]?.kind ?? "move";
  await tx.query(
    "UPDATE cases SET work_status_id = $2, version = version + 1, updated_at = now() WHERE id = $1",
    [row.id, target.workStatusId],
  );
  await tx.query(
    `UPDATE tracking SET end_time = now(), completed_by = $2, action_label = $3, comment = $4
     WHERE case_id = $1 AND end_time IS NULL`,
    [row.id, target.userId, label, target.comment],
  );
  const tracking = await tx.query<{ id: number }>(
    `INSERT INTO tracking (case_id, module_id, workflow_id, work_status_id, start_time, end_time)
     SELECT $1, $2, $3, ws.id, now(), CASE WHEN sc.is_final THEN now() END
     FROM work_statuses ws JOIN status_codes sc ON sc.id = ws.status_code_id WHERE ws.id = $4 RETURNING id`,
    [row.id, row.module_id, row.workflow_id, target.workStatusId],
  );
  await tx.query(
    `INSERT INTO action_log (case_id, module_id, action, from_status_code_id, to_status_code_id, user_id)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [row.id, row.module_id, kind, row.status_code_id, to.status_code_id, target.userId],
  );
  if (option.rows[0]?.releases_lock) await tx.query("DELETE FROM case_locks WHERE case_id = $1", [row.id]);
  await recordAudit(tx, {
    entityType: "case",
    entityId: row.id,
    action: "move",
    actor: caller.username,
    before: { workStatusId: row.work_status_id, version: row.version },
    after: {
      workStatusId: target.workStatusId,
      status: to.description,
      version: row.version + 1,
      trackingId: tracking.rows[0].id,
      comment: target.comment || undefined,
      onBehalfOf: target.userId === caller.userId ? undefined : target.userId,
    },
  });
  return tracking.rows[0].id;
}

/**
 * InsertWorkstatus moves case ref_id to work status workstatus_type (a work status of its workflow) with
 * workstatus_text as the tracking comment; returns the new tracking row id.
 */
export const insertWorkstatus: Handler<"insertWorkstatus"> = async (db, request, context) => {
  const caller = callerOf(context);
  const caseId = requiredId("ref_id", request.refId);
  const module = optionalId("module", request.module);
  const workStatusId = requiredId("workstatus_type", request.workstatusType);
  const comment = optionalText("workstatus_text", request.workstatusText, 2000) ?? "";
  const userId = await actingUser(db, context, "insert_workstatus", "user_id", request.userId);
  const result = await db.transaction(async (tx) => {
    const row = await loadCase(tx, context, caseId);
    assertModule("module", module, row);
    return moveCase(tx, caller, row, { field: "workstatus_type", workStatusId, comment, userId });
  });
  return { result };
};

/**
 * UpdateWorkstatus moves the case named by workstatus_text (its id or case number) to work status
 * workstatus_id; returns the new tracking row id.
 */
export const updateWorkstatus: Handler<"updateWorkstatus"> = async (db, request, context) => {
  const caller = callerOf(context);
  const workStatusId = requiredId("workstatus_id", request.workstatusId);
  const reference = optionalText("workstatus_text", request.workstatusText, 40);
  if (reference === null)
    throw invalidArgument("workstatus_text", "required: the case id or case number to move");
  const userId = await actingUser(db, context, "update_workstatus", "user_id", request.userId);
  const result = await db.transaction(async (tx) => {
    const found = await tx.query<{ id: number }>(
      "SELECT id FROM cases WHERE case_number = $1 OR ($1 ~ '^[0-9]{1,9}$' AND id = $1::int)",
      [reference],
    );
    if (found.rows.length === 0) throw notFound("case", reference);
    const row = await loadCase(tx, context, found.rows[0].id);
    return moveCase(tx, caller, row, { field: "workstatus_id", workStatusId, comment: "", userId });
  });
  return { result };
};

/**
 * Records a signature on a case: by user_id as role group_id (default their current role) at work status
 * status_in (default the case's current one), under the signing rule both services share (assertMaySign:
 * the holding role's active user, at the current status, not against another user's lock); status_out and
 * action_id, when given, must be a work status of the case's workflow and an option from status_in to status_out.
 */
export const addSignature: Handler<"addSignature"> = async (db, request, context) => {
  const caller = callerOf(context);
  const caseId = requiredId("ref_id", request.refId);
  const module = optionalId("module_type", request.moduleType);
  const userId = await actingUser(db, context, "add_signature", "user_id", request.userId);
  const optionId = optionalId("action_id", request.actionId);
  const roleId = optionalId("group_id", request.groupId);
  const statusIn = optionalId("status_in", request.statusIn);
  const statusOut = optionalId("status_out", request.statusOut);
  return db.transaction(async (tx) => {
    const row = await loadCase(tx, context, caseId);
    assertModule("module_type", module, row);
    const workStatusId = statusIn ?? row.work_status_id;
    await workStatusOfCase(tx, row, "status_in", workStatusId);
    if (statusOut !== null) await workStatusOfCase(tx, row, "status_out", statusOut);
    if (optionId !== null) {
      const option = await tx.query(
        "SELECT 1 FROM options WHERE id = $1 AND work_status_id = $2 AND ($3::int IS NULL OR target_work_status_id = $3::int)",
        [optionId, workStatusId, statusOut],
      );
      if (option.rows.length === 0)
        throw invalidArgument(
          "action_id",
          `option ${optionId} does not lead out of work status ${workStatusId}`,
        );
    }
    const signature = await recordSignature(tx, {
      target: signTargetOf(row),
      atWorkStatusId: workStatusId,
      userId,
      roleId,
      actor: caller.username,
      audit: { statusOut: statusOut ?? undefined, optionId: optionId ?? undefined },
    });
    return {
      items: [{ signatureId: signature.id, refId: caseId, userId, signatureDate: signature.signedAt }],
    };
  });
};
