import type { Queryable } from "../db/db.js";
import { seedDocumentReference } from "./document-reference.js";
import { seedCuratedIcd10Codes } from "./icd10-curated.js";
import { insertRows } from "./insert-rows.js";
import * as ref from "./reference-data.js";

const { COMPO_AFRC: AFRC, Role, Workflow, Module, ws } = ref;

/** Inserts the engine configuration and reference lists (everything but people, cases and logs). */
export async function seedReferenceData(tx: Queryable): Promise<void> {
  await insertRows(
    tx,
    "compos",
    ["code", "description"],
    [
      ["0", "All components"],
      [AFRC, "Air Force Reserve Command"],
    ],
  );
  await insertRows(
    tx,
    "modules",
    ["id", "name", "is_special_case"],
    [
      [Module.Lod, "Line of Duty", false],
      [Module.Reinvestigation, "Reinvestigation Request", false],
    ],
  );
  await insertRows(
    tx,
    "roles",
    ["id", "name", "abbreviation", "access_scope", "sign_title", "compo"],
    ref.roles.map(([id, name, abbreviation, scope, title]) => [id, name, abbreviation, scope, title, AFRC]),
  );
  const managed = ref.roles
    .filter(([id]) => id !== Role.SystemAdmin)
    .flatMap(([id]) => [
      [id, Role.SystemAdmin],
      [id, Role.ProgramManager],
    ]);
  await insertRows(
    tx,
    "role_managed_by",
    ["role_id", "managed_by_role_id"],
    managed.filter(([a, b]) => a !== b),
  );
  await insertRows(tx, "permissions", ["id", "name", "description"], ref.permissions);
  const permissionId = new Map(ref.permissions.map(([id, name]) => [name, id]));
  await insertRows(
    tx,
    "role_permissions",
    ["role_id", "permission_id"],
    Object.entries(ref.rolePermissions).flatMap(([roleId, names]) =>
      names.map((name) => [Number(roleId), permissionId.get(name)]),
    ),
  );
  await insertRows(
    tx,
    "workflow_types",
    ["id", "name"],
    [
      [1, "Informal LOD"],
      [2, "Formal LOD"],
      [3, "Reinvestigation"],
    ],
  );
  await insertRows(
    tx,
    "workflows",
    ["id", "module_id", "workflow_type_id", "compo", "title", "formal"],
    [
      [Workflow.Lod, Module.Lod, 1, AFRC, "AFRC Line of Duty", false],
      [Workflow.Reinvestigation, Module.Reinvestigation, 3, AFRC, "AFRC Reinvestigation Request", false],
    ],
  );
  await insertRows(
    tx,
    "status_codes",
    [
      "id",
      "description",
      "module_id",
      "role_id",
      "is_final",
      "is_approved",
      "is_cancel",
      "compo",
      "display_order",
    ],
    ref.statusCodes.map((row, index) => [...row, AFRC, index]),
  );
  const workflowOf = (moduleId: number) =>
    moduleId === Module.Lod ? Workflow.Lod : Workflow.Reinvestigation;
  await insertRows(
    tx,
    "work_statuses",
    ["id", "workflow_id", "status_code_id", "sort_order", "display_text", "is_board_status"],
    ref.statusCodes.map(([id, description, moduleId, holder], index) => [
      ws(id),
      workflowOf(moduleId),
      id,
      index,
      description,
      holder === Role.BoardTechnician || holder === Role.BoardLegal || holder === Role.BoardMedical,
    ]),
  );
  await tx.query("UPDATE workflows SET initial_work_status_id = $1 WHERE id = $2", [ws(10), Workflow.Lod]);
  await tx.query("UPDATE workflows SET initial_work_status_id = $1 WHERE id = $2", [
    ws(30),
    Workflow.Reinvestigation,
  ]);
  await tx.query("UPDATE status_codes SET is_formal = true WHERE id = ANY($1::int[])", [
    [...ref.formalStatusCodes],
  ]);
  const options = [...ref.lodOptions, ...ref.formalOptions, ...ref.rrOptions];
  await insertRows(
    tx,
    "options",
    ["id", "work_status_id", "target_work_status_id", "display_text", "kind", "sort_order", "compo"],
    options.map(([id, from, to, label, kind, order]) => [id, ws(from), ws(to), label, kind, order, AFRC]),
  );
  await seedRulesAndActions(tx, options);
  await insertRows(
    tx,
    "workflow_init_statuses",
    ["workflow_id", "role_id", "work_status_id"],
    [
      [Workflow.Lod, Role.MedicalTechnician, ws(10)],
      [Workflow.Lod, Role.SystemAdmin, ws(10)],
      [Workflow.Reinvestigation, Role.MilitaryPersonnelFlight, ws(30)],
      [Workflow.Reinvestigation, Role.ProgramManager, ws(30)],
      [Workflow.Reinvestigation, Role.SystemAdmin, ws(30)],
    ],
  );
  const creators: Record<number, number[]> = {
    [Workflow.Lod]: [Role.MedicalTechnician, Role.SystemAdmin],
    [Workflow.Reinvestigation]: [Role.MilitaryPersonnelFlight, Role.ProgramManager, Role.SystemAdmin],
  };
  await insertRows(
    tx,
    "workflow_permissions",
    ["workflow_id", "role_id", "can_view", "can_create"],
    [Workflow.Lod, Workflow.Reinvestigation].flatMap((workflowId) =>
      ref.roles.map(([roleId]) => [workflowId, roleId, true, creators[workflowId].includes(roleId)]),
    ),
  );
  await seedPages(tx);
  await insertRows(tx, "findings", ["id", "code", "description"], ref.findings);
  await insertRows(
    tx,
    "workflow_findings",
    ["workflow_id", "finding_id", "sort_order"],
    ref.findings.map(([id], index) => [Workflow.Lod, id, index]),
  );
  await insertRows(
    tx,
    "finding_texts",
    ["role_id", "finding_id", "text"],
    [
      [Role.BoardLegal, 2, "NILOD: the member's own misconduct was the proximate cause (legally sufficient)"],
      [
        Role.BoardMedical,
        4,
        "EPTS: condition existed prior to service and was not aggravated (medically sufficient)",
      ],
    ],
  );
  await insertRows(tx, "finding_reasons", ["id", "reason", "description"], ref.findingReasons);
  await insertRows(tx, "reasons", ["id", "kind", "description", "is_formal"], ref.reasons);
  await insertRows(
    tx,
    "workflow_reasons",
    ["workflow_id", "reason_id", "sort_order"],
    [Workflow.Lod, Workflow.Reinvestigation].flatMap((workflowId) =>
      ref.reasons.map(([id], index) => [workflowId, id, index]),
    ),
  );
  await insertRows(
    tx,
    "processes",
    ["name", "active"],
    ref.processes.map(([name, active]) => [name, active]),
  );
  await insertRows(
    tx,
    "reminder_rules",
    [
      "kind",
      "workflow_id",
      "status_code_id",
      "role_id",
      "remind_after_days",
      "repeat_every_days",
      "escalate_after_days",
      "escalate_role_id",
      "template_event",
    ],
    ref.reminderRules,
  );
  await seedCuratedIcd10Codes(tx);
  await seedDocumentReference(tx);
}

async function seedRulesAndActions(tx: Queryable, options: ref.OptionRow[]): Promise<void> {
  const rules: unknown[][] = [];
  const actions: unknown[][] = [];
  for (const [id, from, to, , kind] of options) {
    const holder = ref.statusCodes.find(([statusId]) => statusId === to)?.[3] ?? 0;
    if (kind === "advance") {
      rules.push([id, ref.RuleType.SignatureRequired, "", false]);
      actions.push([id, ref.ActionType.NotifyHolder, holder, 0]);
      if (to === 19) actions.push([id, ref.ActionType.RecordFinding, 0, 0]);
    } else {
      actions.push([id, ref.ActionType.RemoveSignatures, ws(to), 0]);
    }
    actions.push([id, ref.ActionType.ReleaseLock, 0, 0]);
    if (from === 15 && kind === "advance") {
      // At the board technician, the formal flag decides whether medical review is skipped; returns are
      // open either way.
      rules.push([id, ref.RuleType.FormalInvestigation, id === 40 ? "true" : "false", false]);
    }
  }
  await insertRows(tx, "rule_types", ["id", "name", "description"], ref.ruleTypes);
  await insertRows(tx, "action_types", ["id", "name", "description"], ref.actionTypes);
  await insertRows(tx, "option_rules", ["option_id", "rule_type_id", "rule_data", "check_all"], rules);
  await insertRows(tx, "option_actions", ["option_id", "action_type_id", "target", "data"], actions);
}

async function seedPages(tx: Queryable): Promise<void> {
  await insertRows(tx, "pages", ["id", "title", "url"], ref.pages);
  await insertRows(
    tx,
    "workflow_views",
    ["workflow_id", "page_id", "sort_order"],
    [Workflow.Lod, Workflow.Reinvestigation].flatMap((workflowId) =>
      ref.pages.map(([pageId]) => [workflowId, pageId, pageId]),
    ),
  );
  const access: unknown[][] = [];
  for (const [statusId, , moduleId, holder] of ref.statusCodes) {
    const workflowId = moduleId === Module.Lod ? Workflow.Lod : Workflow.Reinvestigation;
    for (const [roleId] of ref.roles) {
      for (const [pageId] of ref.pages) {
        const writes = holder === roleId && (ref.pageOfRole[roleId] === pageId || pageId === 8);
        access.push([workflowId, statusId, roleId, pageId, writes ? 2 : 1]);
      }
    }
  }
  await insertRows(
    tx,
    "page_access",
    ["workflow_id", "status_code_id", "role_id", "page_id", "access"],
    access,
  );
}
