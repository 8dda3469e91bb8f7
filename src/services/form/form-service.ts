import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { Caller } from "../../auth/caller-context.js";
import type { Db, Queryable } from "../../db/db.js";
import { SECTIONS } from "../../domain/form/af348-sections.js";
import type { FormContent } from "../../domain/form/form-content.js";
import { formRoleOf, isFindingRole, type SectionName } from "../../domain/form/form-roles.js";
import { type FieldChange, type FormEditor, planFormEdit } from "../../domain/form/plan-form-edit.js";
import { failedPrecondition, invalidArgument, permissionDenied } from "../../errors.js";
import { type FormService, ListFindingsResponseSchema } from "../../gen/ect/v1/form_service_pb.js";
import { CaseEventType, Module } from "../../gen/ect/v1/resources_pb.js";
import { recordAudit } from "../audit.js";
import { callerOf } from "../call-caller.js";
import type { CaseEvents } from "../cases/case-events.js";
import { guardCaseWrite } from "../cases/case-locks.js";
import { loadCaseRow } from "../cases/case-queries.js";
import type { CaseRow } from "../cases/case-row.js";
import { resourceId } from "../validation.js";
import { type FormView, formMessage, reviewerFinding, SECTION_MESSAGES } from "./form-message.js";
import { assertReferencesExist } from "./form-references.js";
import { invalidateSignatures, loadFormSignatures } from "./form-signatures.js";
import { loadForm, writeFinding, writeSectionChanges } from "./form-store.js";

/** What the form service needs. */
export interface FormServiceDeps {
  db: Db;
  /** Form changes are case updates: watchers hear of them. */
  events: CaseEvents;
}

/** The case id of a form's resource name, "cases/{id}/form". */
function formCaseId(field: string, name: string): number {
  const match = /^cases\/(\d{1,9})\/form$/.exec(name);
  if (!match || Number(match[1]) < 1)
    throw invalidArgument(field, `must look like "cases/42/form", got "${name}"`);
  return Number(match[1]);
}

/** The case in the caller's units (NOT_FOUND otherwise), which must be an LOD: only an LOD has an AF 348. */
async function loadLodCase(db: Queryable, caller: Caller, caseId: number, lock = false): Promise<CaseRow> {
  const row = await loadCaseRow(db, caller, caseId, lock);
  if (row.module_id !== Module.LOD)
    throw failedPrecondition(`cases/${caseId} is a reinvestigation request: it has no AF 348`);
  return row;
}

function editorOf(caller: Caller, row: CaseRow): FormEditor {
  return {
    role: formRoleOf(caller.roleId),
    roleName: caller.roleName,
    statusCodeId: row.status_code_id,
    isFinal: row.is_final,
  };
}

/** Everything GetForm shows the caller about a case's form, read in `db`. */
async function loadView(db: Queryable, caller: Caller, row: CaseRow): Promise<FormView> {
  const stored = await loadForm(db, row.id);
  const [signatures, access, roles] = await Promise.all([
    loadFormSignatures(db, row.id, stored.content),
    db.query<{ page_id: number; access: number }>(
      "SELECT page_id, access FROM page_access WHERE workflow_id = $1 AND status_code_id = $2 AND role_id = $3",
      [row.workflow_id, row.status_code_id, caller.roleId],
    ),
    db.query<{ id: number; name: string }>("SELECT id, name FROM roles"),
  ]);
  return {
    caseId: row.id,
    version: row.version,
    stored,
    signatures,
    editor: editorOf(caller, row),
    lockedByOther: row.lock_user_id !== null && row.lock_user_id !== caller.userId,
    pageAccess: new Map(access.rows.map((entry) => [entry.page_id, entry.access])),
    roleNames: new Map(roles.rows.map((entry) => [entry.id, entry.name])),
  };
}

/** Today as YYYY-MM-DD (UTC): dates that cannot lie in the future are bounded by it. */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Audit values of the changed fields, by `section.field` (the form holds only the masked SSN, never edited). */
function auditValues(changes: readonly FieldChange[], side: "before" | "after"): Record<string, unknown> {
  return Object.fromEntries(changes.map((change) => [`${change.section}.${change.field}`, change[side]]));
}

/** ect.v1.FormService: the AF 348 of an LOD case, section by section, role by role. */
export function formService(deps: FormServiceDeps): ServiceImpl<typeof FormService> {
  const { db, events } = deps;

  /**
   * Records a planned change in the caller's transaction (after its section writes): the case version, the
   * signatures it breaks and the audit row.
   */
  async function commitChange(
    tx: Queryable,
    caller: Caller,
    row: CaseRow,
    change: { changes: FieldChange[]; before: FormContent; after: FormContent; action: string },
  ): Promise<void> {
    await tx.query("UPDATE cases SET version = version + 1, updated_at = now() WHERE id = $1", [row.id]);
    const sections = [...new Set(change.changes.map((entry) => entry.section))] as SectionName[];
    const invalidated = await invalidateSignatures(
      tx,
      row.id,
      { before: change.before, after: change.after, sections },
      { userId: caller.userId, username: caller.username },
    );
    await recordAudit(tx, {
      entityType: "case",
      entityId: row.id,
      action: change.action,
      actor: caller.username,
      before: auditValues(change.changes, "before"),
      after: { ...auditValues(change.changes, "after"), invalidatedSignatureIds: invalidated },
    });
  }

  function publishUpdate(caller: Caller, row: CaseRow): void {
    events.publish({ type: CaseEventType.UPDATED, row, actor: caller.username, time: new Date() });
  }

  return {
    async getForm(request, context) {
      const caller = callerOf(context);
      const row = await loadLodCase(db, caller, formCaseId("name", request.name));
      return formMessage(await loadView(db, caller, row));
    },

    async updateForm(request, context) {
      const caller = callerOf(context);
      if (!request.form) throw invalidArgument("form", "required");
      const caseId = formCaseId("form.name", request.form.name);
      const paths = request.updateMask?.paths ?? [];
      for (const path of paths) {
        if (path.startsWith("findings."))
          throw invalidArgument("update_mask", `"${path}": findings are recorded with RecordFinding`);
      }
      const form = request.form;
      const { row, changed } = await db.transaction(async (tx) => {
        const before = await loadLodCase(tx, caller, caseId, true);
        const stored = await loadForm(tx, caseId);
        const plan = planFormEdit(stored.content, editorOf(caller, before), {
          paths,
          valueOf: (section, field) =>
            section in SECTION_MESSAGES
              ? (form[section as keyof typeof SECTION_MESSAGES] as Record<string, unknown> | undefined)?.[
                  field.name
                ]
              : undefined,
          today: today(),
        });
        await assertReferencesExist(
          tx,
          plan.changes,
          plan.next,
          (change) => `${change.section}.${change.field}`,
        );
        await guardCaseWrite(tx, caseId, caller.userId);
        if (plan.changes.length === 0) return { row: before, changed: false };
        await writeSectionChanges(tx, caseId, plan.changes, caller.userId);
        await commitChange(tx, caller, before, {
          changes: plan.changes,
          before: stored.content,
          after: plan.next,
          action: "form_update",
        });
        return { row: await loadCaseRow(tx, caller, caseId), changed: true };
      });
      if (changed) publishUpdate(caller, row);
      return formMessage(await loadView(db, caller, row));
    },

    async listFindings(request, context) {
      const caller = callerOf(context);
      const row = await loadLodCase(db, caller, resourceId("parent", request.parent));
      const view = await loadView(db, caller, row);
      return create(ListFindingsResponseSchema, { findings: formMessage(view).findings });
    },

    async recordFinding(request, context) {
      const caller = callerOf(context);
      const caseId = resourceId("parent", request.parent);
      const input = request.finding;
      if (!input) throw invalidArgument("finding", "required");
      const role = formRoleOf(caller.roleId)?.key;
      if (!role || !isFindingRole(role))
        throw permissionDenied(`findings: your role (${caller.roleName}) records no finding on the AF 348`);
      const section = `findings.${role}` as const;
      const fields = SECTIONS[section].fields;
      if (input.concur !== undefined && !fields.some((field) => field.name === "concur"))
        throw invalidArgument(
          "finding.concur",
          "the unit commander's recommendation is the first: there is none to concur with",
        );
      const values: Record<string, unknown> = {
        finding: input.finding,
        concur: input.concur,
        byReasonOfId: input.byReasonOfId,
        explanation: input.explanation,
      };
      const fieldPath = (_section: SectionName, field: string) => `finding.${field}`;
      const { row, changed } = await db.transaction(async (tx) => {
        const before = await loadLodCase(tx, caller, caseId, true);
        const stored = await loadForm(tx, caseId);
        const plan = planFormEdit(stored.content, editorOf(caller, before), {
          paths: fields.map((field) => `${section}.${field.name}`),
          valueOf: (_section, field) => values[field.name],
          fieldPath,
          today: today(),
        });
        await assertReferencesExist(tx, plan.changes, plan.next, (change) =>
          fieldPath(change.section, change.field),
        );
        await guardCaseWrite(tx, caseId, caller.userId);
        if (plan.changes.length === 0) return { row: before, changed: false };
        await writeFinding(tx, caseId, role, plan.next[section], caller.userId);
        await commitChange(tx, caller, before, {
          changes: plan.changes,
          before: stored.content,
          after: plan.next,
          action: "finding_record",
        });
        return { row: await loadCaseRow(tx, caller, caseId), changed: true };
      });
      if (changed) publishUpdate(caller, row);
      return reviewerFinding(await loadView(db, caller, row), role);
    },
  };
}
