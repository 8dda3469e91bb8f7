import { lookup } from "./lookup.js";
import { optionalCompo, optionalId, requiredId } from "./request-fields.js";

const afterStatus = "($1::int IS NULL OR sc.id > $1::int)";

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
    params: (request) => [optionalCompo("compo", request.compo)],
    sql: `
      SELECT sc.id, sc.description, sc.compo FROM status_codes sc
      WHERE ${afterStatus} AND ($3::text IS NULL OR sc.compo = $3::text) ORDER BY sc.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; description: string; compo: string }) => ({
      statusId: row.id,
      statusName: row.description,
      component: row.compo,
    }),
  }),
  lookup({
    name: "getStatusCodesByCompoAndModule",
    params: (request) => [optionalCompo("compo", request.compo), optionalId("module", request.module)],
    sql: `
      SELECT sc.id, sc.description, sc.compo, sc.module_id FROM status_codes sc
      WHERE ${afterStatus} AND ($3::text IS NULL OR sc.compo = $3::text) AND ($4::int IS NULL OR sc.module_id = $4::int)
      ORDER BY sc.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; description: string; compo: string; module_id: number }) => ({
      statusId: row.id,
      statusName: row.description,
      component: row.compo,
      moduleId: row.module_id,
    }),
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
    params: (request) => [requiredId("workflow_id", request.workflowId)],
    sql: `
      SELECT sc.id, sc.description, ws.workflow_id FROM work_statuses ws JOIN status_codes sc ON sc.id = ws.status_code_id
      WHERE ${afterStatus} AND ws.workflow_id = $3::int ORDER BY sc.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; description: string; workflow_id: number }) => ({
      statusId: row.id,
      statusName: row.description,
      workflowId: row.workflow_id,
    }),
  }),
  lookup({
    name: "getStatusCodesByWorkflowAndAccessScope",
    params: (request) => [
      requiredId("workflow_id", request.workflowId),
      optionalId("access_scope", request.accessScope),
    ],
    // access_scope of a status is its holder role's; statuses nobody holds (final ones) have scope 0.
    sql: `
      SELECT sc.id, sc.description, ws.workflow_id, coalesce(r.access_scope, 0) AS access_scope
      FROM work_statuses ws JOIN status_codes sc ON sc.id = ws.status_code_id LEFT JOIN roles r ON r.id = sc.role_id
      WHERE ${afterStatus} AND ws.workflow_id = $3::int AND ($4::int IS NULL OR r.access_scope = $4::int)
      ORDER BY sc.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; description: string; workflow_id: number; access_scope: number }) => ({
      statusId: row.id,
      statusName: row.description,
      workflowId: row.workflow_id,
      accessScope: row.access_scope,
    }),
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
