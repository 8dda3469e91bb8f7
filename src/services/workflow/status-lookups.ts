import { lookup } from "./lookup.js";
import { optionalCompo, optionalId, requiredId } from "./request-fields.js";

const afterStatus = "($1::int IS NULL OR sc.id > $1::int)";

// Two legacy pairs are one lookup each: the plain RPC passes NULL for the filter its twin adds ($4)
// and leaves out the field its twin adds.

interface CompoStatusRow {
  id: number;
  description: string;
  compo: string;
  module_id: number;
}

/** Status codes of a compo (all when NULL), and of a module ($4, all when NULL). */
const statusCodesOfCompo = {
  sql: `
    SELECT sc.id, sc.description, sc.compo, sc.module_id FROM status_codes sc
    WHERE ${afterStatus} AND ($3::text IS NULL OR sc.compo = $3::text) AND ($4::int IS NULL OR sc.module_id = $4::int)
    ORDER BY sc.id LIMIT $2`,
  keyOf: (row: CompoStatusRow) => row.id,
};

const statusCodeOfCompo = (row: CompoStatusRow) => ({
  statusId: row.id,
  statusName: row.description,
  component: row.compo,
});

interface WorkflowStatusRow {
  id: number;
  description: string;
  workflow_id: number;
  access_scope: number;
}

/**
 * The status codes of a workflow, and of an access scope ($4, all when NULL). A status's access
 * scope is its holder role's; statuses nobody holds (final ones) have scope 0.
 */
const statusCodesOfWorkflow = {
  sql: `
    SELECT sc.id, sc.description, ws.workflow_id, coalesce(r.access_scope, 0) AS access_scope
    FROM work_statuses ws JOIN status_codes sc ON sc.id = ws.status_code_id LEFT JOIN roles r ON r.id = sc.role_id
    WHERE ${afterStatus} AND ws.workflow_id = $3::int AND ($4::int IS NULL OR r.access_scope = $4::int)
    ORDER BY sc.id LIMIT $2`,
  keyOf: (row: WorkflowStatusRow) => row.id,
};

const statusCodeOfWorkflow = (row: WorkflowStatusRow) => ({
  statusId: row.id,
  statusName: row.description,
  workflowId: row.workflow_id,
});

/** Status codes by compo, module, role, workflow and scope; work statuses and their types. */
export const statusLookups = [
  lookup({
    name: "isFinalStatusCode",
    params: (request) => [requiredId("status_id", request.statusId)],
    sql: `SELECT sc.id, sc.is_final, sc.description FROM status_codes sc WHERE ${afterStatus} AND sc.id = $3::int LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; is_final: boolean; description: string }) => ({
      statusId: row.id,
      isFinal: row.is_final,
      description: row.description,
    }),
  }),
  lookup({
    name: "getStatusCodesByCompo",
    params: (request) => [optionalCompo("compo", request.compo), null],
    ...statusCodesOfCompo,
    item: statusCodeOfCompo,
  }),
  lookup({
    name: "getStatusCodesByCompoAndModule",
    params: (request) => [optionalCompo("compo", request.compo), optionalId("module", request.module)],
    ...statusCodesOfCompo,
    item: (row: CompoStatusRow) => ({ ...statusCodeOfCompo(row), moduleId: row.module_id }),
  }),
  lookup({
    name: "getStatusCodesBySignCode",
    params: (request) => [requiredId("group_id", request.groupId), optionalId("module", request.module)],
    // The statuses at which the role holds (and signs) a case.
    sql: `
      SELECT sc.id, sc.description, sc.role_id, sc.module_id FROM status_codes sc
      WHERE ${afterStatus} AND sc.role_id = $3::int AND ($4::int IS NULL OR sc.module_id = $4::int)
      ORDER BY sc.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; description: string; role_id: number; module_id: number }) => ({
      statusId: row.id,
      statusName: row.description,
      groupId: row.role_id,
      moduleId: row.module_id,
    }),
  }),
  lookup({
    name: "getStatusCodesByWorkflow",
    params: (request) => [requiredId("workflow_id", request.workflowId), null],
    ...statusCodesOfWorkflow,
    item: statusCodeOfWorkflow,
  }),
  lookup({
    name: "getStatusCodesByWorkflowAndAccessScope",
    params: (request) => [
      requiredId("workflow_id", request.workflowId),
      optionalId("access_scope", request.accessScope),
    ],
    ...statusCodesOfWorkflow,
    item: (row: WorkflowStatusRow) => ({ ...statusCodeOfWorkflow(row), accessScope: row.access_scope }),
  }),
  lookup({
    name: "getStatusCodeScope",
    params: (request) => [requiredId("status_id", request.statusId)],
    sql: `
      SELECT sc.id, sc.description,
             CASE r.access_scope WHEN 1 THEN 'Unit' WHEN 2 THEN 'Component' WHEN 3 THEN 'Headquarters' ELSE 'None' END AS scope_name
      FROM status_codes sc LEFT JOIN roles r ON r.id = sc.role_id
      WHERE ${afterStatus} AND sc.id = $3::int LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; description: string; scope_name: string }) => ({
      statusId: row.id,
      scopeName: row.scope_name,
      description: row.description,
    }),
  }),
  lookup({
    name: "getWorkstatusById",
    params: (request) => [requiredId("workstatus_id", request.workstatusId)],
    sql: `SELECT id, display_text FROM work_statuses WHERE ($1::int IS NULL OR id > $1::int) AND id = $3::int LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; display_text: string }) => ({
      workstatusId: row.id,
      workstatusText: row.display_text,
    }),
  }),
  lookup({
    name: "getWorkstatusTypes",
    params: () => [],
    sql: `SELECT id, name FROM work_status_types WHERE ($1::int IS NULL OR id > $1::int) ORDER BY id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; name: string }) => ({ workstatusTypeId: row.id, typeName: row.name }),
  }),
];
