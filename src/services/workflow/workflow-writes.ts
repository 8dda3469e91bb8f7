import { failedPrecondition, notFound } from "../../errors.js";
import { recordAudit } from "../audit.js";
import { callerOf } from "../call-caller.js";
import { actingUser } from "./acting-user.js";
import type { Handler } from "./handler.js";
import { requiredId, requiredText } from "./request-fields.js";

/**
 * Creates a workflow definition in a module with a type and a title (workflow_text), in the component of
 * the acting user; returns its id. ref_id is not used: a definition belongs to no case.
 */
export const insertWorkflow: Handler<"insertWorkflow"> = async (db, request, context) => {
  const caller = callerOf(context);
  const moduleId = requiredId("module", request.module);
  const typeId = requiredId("workflow_type", request.workflowType);
  const title = requiredText("workflow_text", request.workflowText, 200);
  const userId = await actingUser(db, context, "insert_workflow", "user_id", request.userId);
  return db.transaction(async (tx) => {
    const module = await tx.query("SELECT 1 FROM modules WHERE id = $1", [moduleId]);
    if (module.rows.length === 0) throw notFound("module", moduleId);
    const type = await tx.query("SELECT 1 FROM workflow_types WHERE id = $1", [typeId]);
    if (type.rows.length === 0) throw notFound("workflow type", typeId);
    const user = await tx.query<{ work_compo: string }>("SELECT work_compo FROM users WHERE id = $1", [
      userId,
    ]);
    if (user.rows.length === 0) throw notFound("user", userId);
    // workflows.id is a plain integer (ids are stable in ECTSystem): serialise the allocation.
    await tx.query("LOCK TABLE workflows IN SHARE ROW EXCLUSIVE MODE");
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO workflows (id, module_id, workflow_type_id, compo, title)
       SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4 FROM workflows RETURNING id`,
      [moduleId, typeId, user.rows[0].work_compo, title],
    );
    await recordAudit(tx, {
      entityType: "workflow",
      entityId: rows[0].id,
      action: "insert_workflow",
      actor: caller.username,
      after: { moduleId, workflowTypeId: typeId, compo: user.rows[0].work_compo, title, onBehalfOf: userId },
    });
    return { result: rows[0].id };
  });
};

/** Renames a workflow (workflow_text is its title); returns the rows changed. */
export const updateWorkflow: Handler<"updateWorkflow"> = async (db, request, context) => {
  const caller = callerOf(context);
  const workflowId = requiredId("workflow_id", request.workflowId);
  const title = requiredText("workflow_text", request.workflowText, 200);
  await actingUser(db, context, "update_workflow", "user_id", request.userId);
  return db.transaction(async (tx) => {
    const before = await tx.query<{ title: string }>("SELECT title FROM workflows WHERE id = $1 FOR UPDATE", [
      workflowId,
    ]);
    if (before.rows.length === 0) throw notFound("workflow", workflowId);
    const updated = await tx.query("UPDATE workflows SET title = $2 WHERE id = $1", [workflowId, title]);
    await recordAudit(tx, {
      entityType: "workflow",
      entityId: workflowId,
      action: "update_workflow",
      actor: caller.username,
      before: before.rows[0],
      after: { title },
    });
    return { result: updated.rowCount };
  });
};

/**
 * Deletes a status code with its work statuses, the options into them and its action-log rows; refused
 * while any case is at it or has history through it. Returns the status codes deleted (1).
 */
export const deleteStatusCode: Handler<"deleteStatusCode"> = async (db, request, context) => {
  const caller = callerOf(context);
  const statusId = requiredId("status_id", request.statusId);
  return db.transaction(async (tx) => {
    const before = await tx.query("SELECT * FROM status_codes WHERE id = $1 FOR UPDATE", [statusId]);
    if (before.rows.length === 0) throw notFound("status code", statusId);
    const use = await tx.query<{ current: number; history: number }>(
      `SELECT (SELECT count(*)::int FROM cases c JOIN work_statuses ws ON ws.id = c.work_status_id WHERE ws.status_code_id = $1) AS current,
              (SELECT count(*)::int FROM tracking t JOIN work_statuses ws ON ws.id = t.work_status_id WHERE ws.status_code_id = $1)
            + (SELECT count(*)::int FROM signatures s JOIN work_statuses ws ON ws.id = s.work_status_id WHERE ws.status_code_id = $1)
              AS history`,
      [statusId],
    );
    const { current, history } = use.rows[0];
    if (current > 0) throw failedPrecondition(`status code ${statusId} is the status of ${current} case(s)`);
    if (history > 0)
      throw failedPrecondition(
        `status code ${statusId} is in the tracking history of cases (${history} rows)`,
      );
    const workStatuses = "SELECT id FROM work_statuses WHERE status_code_id = $1";
    await tx.query(
      `UPDATE workflows SET initial_work_status_id = NULL WHERE initial_work_status_id IN (${workStatuses})`,
      [statusId],
    );
    await tx.query(`DELETE FROM workflow_init_statuses WHERE work_status_id IN (${workStatuses})`, [
      statusId,
    ]);
    const options = await tx.query(`DELETE FROM options WHERE target_work_status_id IN (${workStatuses})`, [
      statusId,
    ]);
    const logs = await tx.query(
      "DELETE FROM action_log WHERE from_status_code_id = $1 OR to_status_code_id = $1",
      [statusId],
    );
    const removedWorkStatuses = await tx.query("DELETE FROM work_statuses WHERE status_code_id = $1", [
      statusId,
    ]);
    const deleted = await tx.query("DELETE FROM status_codes WHERE id = $1", [statusId]);
    await recordAudit(tx, {
      entityType: "status_code",
      entityId: statusId,
      action: "delete",
      actor: caller.username,
      before: before.rows[0],
      after: {
        workStatusesRemoved: removedWorkStatuses.rowCount,
        optionsRemoved: options.rowCount,
        actionLogRowsRemoved: logs.rowCount,
      },
    });
    return { result: deleted.rowCount };
  });
};
