/**
 * The workflow-configuration lookups of the legacy WorkflowService (workflows, permissions, page access,
 * steps and actions), one declaration each; long because it is a registry of eighteen of them.
 */
import { lookup } from "./lookup.js";
import { optionalCompo, optionalId, optionalText, requiredId } from "./request-fields.js";

const afterWorkflow = "($1::int IS NULL OR w.id > $1::int)";

/** Workflow configuration: workflows by compo, module, group and id; permissions; pages; steps and actions. */
export const configLookups = [
  lookup({
    name: "getWorkflowByCompo",
    params: (request) => [optionalCompo("compo", request.compo), optionalId("user_id", request.userId)],
    // With user_id, only the workflows the user's current role may view.
    sql: `
      SELECT w.id, w.title, w.compo, coalesce($4::int, 0) AS user_id FROM workflows w
      WHERE ${afterWorkflow} AND w.active AND ($3::text IS NULL OR w.compo = $3::text)
        AND ($4::int IS NULL OR EXISTS (
          SELECT 1 FROM workflow_permissions p JOIN users u ON u.current_role_id = p.role_id
          WHERE u.id = $4::int AND p.workflow_id = w.id AND p.can_view))
      ORDER BY w.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; title: string; compo: string; user_id: number }) => ({
      workflowId: row.id,
      workflowName: row.title,
      component: row.compo,
      userId: row.user_id,
    }),
  }),
  lookup({
    name: "getViewableByGroup",
    params: (request) => [requiredId("group_id", request.groupId), optionalId("module", request.module)],
    sql: `
      SELECT w.id, w.title, p.role_id, p.can_view FROM workflow_permissions p JOIN workflows w ON w.id = p.workflow_id
      WHERE ${afterWorkflow} AND p.role_id = $3::int AND p.can_view AND ($4::int IS NULL OR w.module_id = $4::int)
      ORDER BY w.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; title: string; role_id: number; can_view: boolean }) => ({
      workflowId: row.id,
      workflowName: row.title,
      groupId: row.role_id,
      isViewable: row.can_view,
    }),
  }),
  lookup({
    name: "getCreatableByGroup",
    params: (request) => [
      requiredId("group_id", request.groupId),
      optionalId("module", request.module),
      optionalCompo("compo", request.compo),
    ],
    sql: `
      SELECT w.id, w.title, p.role_id FROM workflow_permissions p JOIN workflows w ON w.id = p.workflow_id
      WHERE ${afterWorkflow} AND p.role_id = $3::int AND p.can_create AND w.active
        AND ($4::int IS NULL OR w.module_id = $4::int) AND ($5::text IS NULL OR w.compo = $5::text)
      ORDER BY w.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; title: string; role_id: number }) => ({
      workflowId: row.id,
      workflowName: row.title,
      groupId: row.role_id,
    }),
  }),
  lookup({
    name: "getWorkflowFromModule",
    params: (request) => [requiredId("module_id", request.moduleId)],
    sql: `
      SELECT w.id, w.title, w.module_id FROM workflows w
      WHERE ${afterWorkflow} AND w.module_id = $3::int ORDER BY w.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; title: string; module_id: number }) => ({
      workflowId: row.id,
      workflowName: row.title,
      moduleId: row.module_id,
    }),
  }),
  lookup({
    name: "getModuleFromWorkflow",
    params: (request) => [requiredId("workflow_id", request.workflowId)],
    sql: `
      SELECT w.id, m.id AS module_id, m.name FROM workflows w JOIN modules m ON m.id = w.module_id
      WHERE ${afterWorkflow} AND w.id = $3::int ORDER BY w.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; module_id: number; name: string }) => ({
      moduleId: row.module_id,
      moduleName: row.name,
      workflowId: row.id,
    }),
  }),
  lookup({
    name: "getWorkflowInitialStatusCode",
    params: (request) => [
      optionalId("workflow_id", request.workflowId),
      optionalId("module", request.module),
      optionalCompo("compo", request.compo),
    ],
    sql: `
      SELECT w.id, sc.id AS status_id, sc.description FROM workflows w
      JOIN work_statuses ws ON ws.id = w.initial_work_status_id JOIN status_codes sc ON sc.id = ws.status_code_id
      WHERE ${afterWorkflow} AND ($3::int IS NULL OR w.id = $3::int) AND ($4::int IS NULL OR w.module_id = $4::int)
        AND ($5::text IS NULL OR w.compo = $5::text)
      ORDER BY w.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; status_id: number; description: string }) => ({
      workflowId: row.id,
      initialStatusId: row.status_id,
      statusName: row.description,
    }),
  }),
  lookup({
    name: "getWorkflowTitle",
    params: (request) => [requiredId("module_id", request.moduleId), optionalId("sub_case", request.subCase)],
    sql: `
      SELECT w.id, w.title, w.module_id, coalesce($4::int, 0) AS sub_case FROM workflows w
      WHERE ${afterWorkflow} AND w.module_id = $3::int ORDER BY w.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; title: string; module_id: number; sub_case: number }) => ({
      workflowId: row.id,
      title: row.title,
      moduleId: row.module_id,
      subCase: row.sub_case,
    }),
  }),
  lookup({
    name: "getWorkflowTitleByWorkStatusId",
    params: (request) => [
      requiredId("workflow_id", request.workflowId),
      optionalId("sub_case", request.subCase),
    ],
    // The title a case shows at each work status of the workflow: "<workflow>: <status>".
    sql: `
      SELECT ws.id, w.id AS workflow_id, w.title || ': ' || ws.display_text AS title, coalesce($4::int, 0) AS sub_case
      FROM work_statuses ws JOIN workflows w ON w.id = ws.workflow_id
      WHERE ($1::int IS NULL OR ws.id > $1::int) AND ws.workflow_id = $3::int ORDER BY ws.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; workflow_id: number; title: string; sub_case: number }) => ({
      workflowId: row.workflow_id,
      title: row.title,
      workStatusId: row.id,
      subCase: row.sub_case,
    }),
  }),
  lookup({
    name: "getPermissions",
    params: (request) => [requiredId("workflow_id", request.workflowId)],
    // A feature permission is granted in a workflow when a role that may view or create its cases holds it.
    sql: `
      SELECT p.id, p.name, $3::int AS workflow_id, EXISTS (
        SELECT 1 FROM workflow_permissions wp JOIN role_permissions rp ON rp.role_id = wp.role_id
        WHERE wp.workflow_id = $3::int AND (wp.can_view OR wp.can_create) AND rp.permission_id = p.id) AS granted
      FROM permissions p
      WHERE ($1::int IS NULL OR p.id > $1::int) AND EXISTS (SELECT 1 FROM workflows WHERE id = $3::int)
      ORDER BY p.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; name: string; workflow_id: number; granted: boolean }) => ({
      permissionId: row.id,
      permissionName: row.name,
      workflowId: row.workflow_id,
      isGranted: row.granted,
    }),
  }),
  lookup({
    name: "getPermissionsByCompo",
    params: (request) => [
      requiredId("workflow_id", request.workflowId),
      optionalCompo("compo", request.compo),
    ],
    sql: `
      SELECT p.id, p.name, coalesce($4::text, '0') AS component, EXISTS (
        SELECT 1 FROM workflow_permissions wp JOIN role_permissions rp ON rp.role_id = wp.role_id
        JOIN roles r ON r.id = wp.role_id
        WHERE wp.workflow_id = $3::int AND (wp.can_view OR wp.can_create) AND rp.permission_id = p.id
          AND ($4::text IS NULL OR r.compo = $4::text)) AS granted
      FROM permissions p
      WHERE ($1::int IS NULL OR p.id > $1::int) AND EXISTS (SELECT 1 FROM workflows WHERE id = $3::int)
      ORDER BY p.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; name: string; component: string; granted: boolean }) => ({
      permissionId: row.id,
      permissionName: row.name,
      component: row.component,
      isGranted: row.granted,
    }),
  }),
  lookup({
    name: "getPagesByWorkflowId",
    params: (request) => [requiredId("workflow_id", request.workflowId)],
    sql: `
      SELECT p.id, p.title, p.url, v.workflow_id, v.sort_order FROM workflow_views v JOIN pages p ON p.id = v.page_id
      WHERE ($1::int[] IS NULL OR (v.sort_order, p.id) > (($1::int[])[1], ($1::int[])[2])) AND v.workflow_id = $3::int
      ORDER BY v.sort_order, p.id LIMIT $2`,
    keyOf: (row: { id: number; sort_order: number }) => [row.sort_order, row.id],
    item: (row: { id: number; sort_order: number; title: string; url: string; workflow_id: number }) => ({
      pageId: row.id,
      pageName: row.title,
      workflowId: row.workflow_id,
      pageUrl: row.url,
    }),
  }),
  lookup({
    name: "getPageAccessByGroup",
    params: (request) => [
      requiredId("workflow", request.workflow),
      requiredId("status", request.status),
      requiredId("group", request.group),
    ],
    sql: `
      SELECT p.id, p.title, pa.access > 0 AS has_access, pa.role_id
      FROM page_access pa JOIN pages p ON p.id = pa.page_id
      WHERE ($1::int IS NULL OR p.id > $1::int) AND pa.workflow_id = $3::int AND pa.status_code_id = $4::int
        AND pa.role_id = $5::int
      ORDER BY p.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; title: string; has_access: boolean; role_id: number }) => ({
      pageId: row.id,
      pageName: row.title,
      hasAccess: row.has_access,
      groupId: row.role_id,
    }),
  }),
  lookup({
    name: "getPageAccessByWorkflowView",
    params: (request) => [
      requiredId("workflow", request.workflow),
      requiredId("status", request.status),
      optionalCompo("compo", request.compo),
    ],
    // A page of the workflow's view is accessible at a status when some role of the component may read it.
    sql: `
      SELECT p.id, p.title, coalesce($5::text, '0') AS component, EXISTS (
        SELECT 1 FROM page_access pa JOIN roles r ON r.id = pa.role_id
        WHERE pa.workflow_id = v.workflow_id AND pa.status_code_id = $4::int AND pa.page_id = p.id AND pa.access > 0
          AND ($5::text IS NULL OR r.compo = $5::text)) AS has_access
      FROM workflow_views v JOIN pages p ON p.id = v.page_id
      WHERE ($1::int IS NULL OR p.id > $1::int) AND v.workflow_id = $3::int
      ORDER BY p.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; title: string; component: string; has_access: boolean }) => ({
      pageId: row.id,
      pageName: row.title,
      hasAccess: row.has_access,
      component: row.component,
    }),
  }),
  lookup({
    name: "getWorkflowById",
    params: (request) => [requiredId("workflow_id", request.workflowId)],
    sql: `SELECT w.id, w.title FROM workflows w WHERE ${afterWorkflow} AND w.id = $3::int ORDER BY w.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; title: string }) => ({ workflowId: row.id, workflowText: row.title }),
  }),
  lookup({
    name: "getWorkflowTypes",
    params: () => [],
    sql: `SELECT id, name FROM workflow_types WHERE ($1::int IS NULL OR id > $1::int) ORDER BY id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; name: string }) => ({ workflowTypeId: row.id, typeName: row.name }),
  }),
  lookup({
    name: "getStepsByWorkflow",
    params: (request) => [requiredId("workflow", request.workflow)],
    // A step is an option (core_WorkStatus_Options), the live model behind the legacy steps table.
    sql: `
      SELECT o.id, o.display_text, ws.workflow_id, o.sort_order FROM options o JOIN work_statuses ws ON ws.id = o.work_status_id
      WHERE ($1::int IS NULL OR o.id > $1::int) AND ws.workflow_id = $3::int ORDER BY o.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; display_text: string; workflow_id: number; sort_order: number }) => ({
      stepId: row.id,
      stepName: row.display_text,
      workflowId: row.workflow_id,
      stepOrder: row.sort_order,
    }),
  }),
  lookup({
    name: "getStepsByWorkflowAndStatus",
    params: (request) => [
      requiredId("workflow", request.workflow),
      requiredId("status", request.status),
      optionalText("death_status", request.deathStatus, 20) ?? "",
    ],
    // The active options out of a status (the Next Action buttons); death_status is echoed.
    sql: `
      SELECT o.id, o.display_text, ws.workflow_id, ws.status_code_id, $5::text AS death_status
      FROM options o JOIN work_statuses ws ON ws.id = o.work_status_id
      WHERE ($1::int IS NULL OR o.id > $1::int) AND ws.workflow_id = $3::int AND ws.status_code_id = $4::int AND o.active
      ORDER BY o.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: {
      id: number;
      display_text: string;
      workflow_id: number;
      status_code_id: number;
      death_status: string;
    }) => ({
      stepId: row.id,
      stepName: row.display_text,
      workflowId: row.workflow_id,
      statusId: row.status_code_id,
      deathStatus: row.death_status,
    }),
  }),
  lookup({
    name: "getActionsByStep",
    params: (request) => [requiredId("step_id", request.stepId)],
    sql: `
      SELECT a.id, a.option_id, t.name, t.description || ' (target ' || a.target || ', data ' || a.data || ')' AS description
      FROM option_actions a JOIN action_types t ON t.id = a.action_type_id
      WHERE ($1::int IS NULL OR a.id > $1::int) AND a.option_id = $3::int ORDER BY a.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; option_id: number; name: string; description: string }) => ({
      actionId: row.id,
      stepId: row.option_id,
      actionType: row.name,
      actionDescription: row.description,
    }),
  }),
];
