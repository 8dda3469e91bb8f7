import type { Queryable } from "../../db/db.js";
import type { CaseFacts, WorkflowOption } from "../../domain/workflow-model.js";
import type { CaseRow } from "./case-row.js";

/** The options leaving a work status, with their rules and actions. */
export async function loadOptions(db: Queryable, workStatusId: number): Promise<WorkflowOption[]> {
  const { rows } = await db.query<{
    id: number;
    work_status_id: number;
    target_work_status_id: number;
    display_text: string;
    kind: WorkflowOption["kind"];
    active: boolean;
    sort_order: number;
    rules: { type: string; data: string }[] | null;
    actions: { type: string; target: number; data: number }[] | null;
    target_holder_role_id: number | null;
  }>(
    `SELECT o.id, o.work_status_id, o.target_work_status_id, o.display_text, o.kind, o.active, o.sort_order,
       (SELECT sc.role_id FROM work_statuses tws JOIN status_codes sc ON sc.id = tws.status_code_id
         WHERE tws.id = o.target_work_status_id) AS target_holder_role_id,
       (SELECT json_agg(json_build_object('type', rt.name, 'data', r.rule_data) ORDER BY r.id)
          FROM option_rules r JOIN rule_types rt ON rt.id = r.rule_type_id WHERE r.option_id = o.id) AS rules,
       (SELECT json_agg(json_build_object('type', at.name, 'target', a.target, 'data', a.data) ORDER BY a.id)
          FROM option_actions a JOIN action_types at ON at.id = a.action_type_id WHERE a.option_id = o.id) AS actions
     FROM options o WHERE o.work_status_id = $1 ORDER BY o.sort_order, o.id`,
    [workStatusId],
  );
  return rows.map((row) => ({
    id: row.id,
    fromWorkStatusId: row.work_status_id,
    toWorkStatusId: row.target_work_status_id,
    label: row.display_text,
    kind: row.kind,
    active: row.active,
    sortOrder: row.sort_order,
    rules: row.rules ?? [],
    actions: row.actions ?? [],
    targetHolderRoleId: row.target_holder_role_id,
  }));
}

/**
 * The engine's view of a case: status holder, history and who signed at the current status (a signature a
 * later change to the form invalidated no longer counts: the role signs again).
 */
export async function loadCaseFacts(db: Queryable, row: CaseRow): Promise<CaseFacts> {
  const { rows } = await db.query<{ visited: number[] | null; signed: number[] | null }>(
    `SELECT (SELECT array_agg(DISTINCT work_status_id) FROM tracking WHERE case_id = $1) AS visited,
            (SELECT array_agg(DISTINCT role_id) FROM signatures
              WHERE case_id = $1 AND work_status_id = $2 AND invalidated_at IS NULL) AS signed`,
    [row.id, row.work_status_id],
  );
  return {
    workStatusId: row.work_status_id,
    holderRoleId: row.holder_role_id,
    isFinal: row.is_final,
    formalInvestigation: row.formal_investigation ?? false,
    visitedWorkStatusIds: new Set(rows[0].visited ?? []),
    signedRoleIds: new Set(rows[0].signed ?? []),
  };
}

/** Reasons of one kind a workflow offers. */
export async function loadReasons(
  db: Queryable,
  workflowId: number,
  kind: "cancel" | "rwoa" | "return",
): Promise<{ id: number; description: string }[]> {
  const { rows } = await db.query<{ id: number; description: string }>(
    `SELECT r.id, r.description FROM workflow_reasons wr JOIN reasons r ON r.id = wr.reason_id
     WHERE wr.workflow_id = $1 AND r.kind = $2 ORDER BY wr.sort_order, r.id`,
    [workflowId, kind],
  );
  return rows;
}

/** Findings a workflow offers, in the caller's role's wording where one exists. */
export async function loadFindings(
  db: Queryable,
  workflowId: number,
  roleId: number,
): Promise<{ id: number; code: string; description: string }[]> {
  const { rows } = await db.query<{ id: number; code: string; description: string }>(
    `SELECT f.id, f.code, coalesce(ft.text, f.description) AS description
     FROM workflow_findings wf JOIN findings f ON f.id = wf.finding_id
     LEFT JOIN finding_texts ft ON ft.finding_id = f.id AND ft.role_id = $2
     WHERE wf.workflow_id = $1 ORDER BY wf.sort_order, f.id`,
    [workflowId, roleId],
  );
  return rows;
}

/** The finding the role recorded on the case's form (its row of case_findings), if any. */
export async function loadRecordedFinding(
  db: Queryable,
  caseId: number,
  roleId: number | null,
): Promise<number | undefined> {
  if (roleId === null) return undefined;
  const { rows } = await db.query<{ finding_id: number | null }>(
    "SELECT finding_id FROM case_findings WHERE case_id = $1 AND role_id = $2",
    [caseId, roleId],
  );
  return rows[0]?.finding_id ?? undefined;
}
