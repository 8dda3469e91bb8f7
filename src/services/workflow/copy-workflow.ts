import { failedPrecondition, invalidArgument, notFound } from "../../errors.js";
import { recordAudit } from "../audit.js";
import { callerOf } from "../call-caller.js";
import type { Handler } from "./handler.js";
import { requiredId } from "./request-fields.js";

interface WorkflowRow {
  id: number;
  module_id: number;
  title: string;
  initial_work_status_id: number | null;
}

/**
 * Copies a workflow's configuration into another, empty workflow of the same module: work statuses,
 * options with their rules and actions, start statuses, permissions, pages and page access, findings and
 * reasons. New work status and option ids are allocated after the current maximum.
 */
export const copyWorkflow: Handler<"copyWorkflow"> = async (db, request, context) => {
  const caller = callerOf(context);
  const fromId = requiredId("from_id", request.fromId);
  const toId = requiredId("to_id", request.toId);
  if (fromId === toId) throw invalidArgument("to_id", "must differ from from_id");
  return db.transaction(async (tx) => {
    const workflows = await tx.query<WorkflowRow>(
      "SELECT id, module_id, title, initial_work_status_id FROM workflows WHERE id = ANY($1::int[]) FOR UPDATE",
      [[fromId, toId]],
    );
    const from = workflows.rows.find((row) => row.id === fromId);
    const to = workflows.rows.find((row) => row.id === toId);
    if (!from) throw notFound("workflow", fromId);
    if (!to) throw notFound("workflow", toId);
    if (from.module_id !== to.module_id) {
      throw failedPrecondition(
        `workflow ${toId} is in module ${to.module_id}, workflow ${fromId} in module ${from.module_id}`,
      );
    }
    const existing = await tx.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM work_statuses WHERE workflow_id = $1",
      [toId],
    );
    if (existing.rows[0].n > 0)
      throw failedPrecondition(`workflow ${toId} already has ${existing.rows[0].n} work statuses`);

    // Work status and option ids are plain integers: serialise their allocation.
    await tx.query("LOCK TABLE work_statuses, options IN SHARE ROW EXCLUSIVE MODE");
    const statuses = await tx.query<{ old_id: number; new_id: number }>(
      `WITH source AS (SELECT *, row_number() OVER (ORDER BY id) AS rn FROM work_statuses WHERE workflow_id = $1),
            base AS (SELECT coalesce(max(id), 0) AS b FROM work_statuses),
            inserted AS (
              INSERT INTO work_statuses (id, workflow_id, status_code_id, sort_order, display_text, is_board_status, is_holding)
              SELECT base.b + source.rn, $2, status_code_id, sort_order, display_text, is_board_status, is_holding
              FROM source CROSS JOIN base RETURNING id, status_code_id)
       SELECT source.id AS old_id, inserted.id AS new_id FROM source JOIN inserted USING (status_code_id)`,
      [fromId, toId],
    );
    const statusMap = new Map(statuses.rows.map((row) => [row.old_id, row.new_id]));
    const oldStatuses = statuses.rows.map((row) => row.old_id);
    const newStatuses = statuses.rows.map((row) => row.new_id);

    const sourceOptions = await tx.query<{
      id: number;
      work_status_id: number;
      target_work_status_id: number;
    }>(
      `SELECT id, work_status_id, target_work_status_id FROM options WHERE work_status_id = ANY($1::int[]) ORDER BY id`,
      [oldStatuses],
    );
    const base = await tx.query<{ b: number }>("SELECT coalesce(max(id), 0) AS b FROM options");
    const copied = sourceOptions.rows.filter((option) => statusMap.has(option.target_work_status_id));
    const oldOptions = copied.map((option) => option.id);
    const newOptions = copied.map((_, index) => base.rows[0].b + index + 1);
    await tx.query(
      `INSERT INTO options (id, work_status_id, target_work_status_id, display_text, kind, active, sort_order, compo)
       SELECT m.new_id, sm.new_id, tm.new_id, o.display_text, o.kind, o.active, o.sort_order, o.compo
       FROM unnest($1::int[], $2::int[]) AS m (old_id, new_id)
       JOIN options o ON o.id = m.old_id
       JOIN unnest($3::int[], $4::int[]) AS sm (old_id, new_id) ON sm.old_id = o.work_status_id
       JOIN unnest($3::int[], $4::int[]) AS tm (old_id, new_id) ON tm.old_id = o.target_work_status_id`,
      [oldOptions, newOptions, oldStatuses, newStatuses],
    );
    const rules = await tx.query(
      `INSERT INTO option_rules (option_id, rule_type_id, rule_data, check_all)
       SELECT m.new_id, r.rule_type_id, r.rule_data, r.check_all
       FROM option_rules r JOIN unnest($1::int[], $2::int[]) AS m (old_id, new_id) ON m.old_id = r.option_id ORDER BY r.id`,
      [oldOptions, newOptions],
    );
    // A removeSignatures action targets a work status: point it at the copy.
    const actions = await tx.query(
      `INSERT INTO option_actions (option_id, action_type_id, target, data)
       SELECT m.new_id, a.action_type_id,
              CASE WHEN t.name = 'removeSignatures' THEN coalesce(sm.new_id, a.target) ELSE a.target END, a.data
       FROM option_actions a JOIN action_types t ON t.id = a.action_type_id
       JOIN unnest($1::int[], $2::int[]) AS m (old_id, new_id) ON m.old_id = a.option_id
       LEFT JOIN unnest($3::int[], $4::int[]) AS sm (old_id, new_id) ON sm.old_id = a.target
       ORDER BY a.id`,
      [oldOptions, newOptions, oldStatuses, newStatuses],
    );
    await tx.query(
      `INSERT INTO workflow_init_statuses (workflow_id, role_id, work_status_id)
       SELECT $2, i.role_id, m.new_id FROM workflow_init_statuses i
       JOIN unnest($3::int[], $4::int[]) AS m (old_id, new_id) ON m.old_id = i.work_status_id
       WHERE i.workflow_id = $1 ON CONFLICT (workflow_id, role_id) DO UPDATE SET work_status_id = EXCLUDED.work_status_id`,
      [fromId, toId, oldStatuses, newStatuses],
    );
    const permissions = await tx.query(
      `INSERT INTO workflow_permissions (workflow_id, role_id, can_view, can_create)
       SELECT $2, role_id, can_view, can_create FROM workflow_permissions WHERE workflow_id = $1
       ON CONFLICT (workflow_id, role_id) DO UPDATE SET can_view = EXCLUDED.can_view, can_create = EXCLUDED.can_create`,
      [fromId, toId],
    );
    await tx.query(
      `INSERT INTO workflow_views (workflow_id, page_id, sort_order)
       SELECT $2, page_id, sort_order FROM workflow_views WHERE workflow_id = $1 ON CONFLICT DO NOTHING`,
      [fromId, toId],
    );
    const pageAccess = await tx.query(
      `INSERT INTO page_access (workflow_id, status_code_id, role_id, page_id, access)
       SELECT $2, status_code_id, role_id, page_id, access FROM page_access WHERE workflow_id = $1
       ON CONFLICT (workflow_id, status_code_id, role_id, page_id) DO UPDATE SET access = EXCLUDED.access`,
      [fromId, toId],
    );
    await tx.query(
      `INSERT INTO workflow_findings (workflow_id, finding_id, sort_order)
       SELECT $2, finding_id, sort_order FROM workflow_findings WHERE workflow_id = $1 ON CONFLICT DO NOTHING`,
      [fromId, toId],
    );
    await tx.query(
      `INSERT INTO workflow_reasons (workflow_id, reason_id, sort_order)
       SELECT $2, reason_id, sort_order FROM workflow_reasons WHERE workflow_id = $1 ON CONFLICT DO NOTHING`,
      [fromId, toId],
    );
    const initial =
      from.initial_work_status_id === null ? null : (statusMap.get(from.initial_work_status_id) ?? null);
    await tx.query("UPDATE workflows SET initial_work_status_id = $2 WHERE id = $1", [toId, initial]);
    await recordAudit(tx, {
      entityType: "workflow",
      entityId: toId,
      action: "copy_workflow",
      actor: caller.username,
      after: {
        fromWorkflowId: fromId,
        workStatuses: newStatuses.length,
        options: newOptions.length,
        rules: rules.rowCount,
        actions: actions.rowCount,
        permissions: permissions.rowCount,
        pageAccess: pageAccess.rowCount,
      },
    });
    return { items: [{ workflowId: toId, workflowName: to.title, copySuccess: true }] };
  });
};
