import type { Caller } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
import type { CalendarClock } from "../../domain/investigation/calendar-clock.js";
import type { InvestigationSectionName } from "../../domain/investigation/investigation-sections.js";
import { planInvestigationEdit } from "../../domain/investigation/plan-investigation-edit.js";
import { invalidArgument, notFound } from "../../errors.js";
import type { UpdateInvestigationRequest } from "../../gen/ect/v1/investigation_service_pb.js";
import { CaseEventType } from "../../gen/ect/v1/resources_pb.js";
import { recordAudit } from "../audit.js";
import { actingCaller } from "../cases/acting-caller.js";
import type { CaseEvents } from "../cases/case-events.js";
import { guardCaseWrite } from "../cases/case-locks.js";
import { loadCaseRow } from "../cases/case-queries.js";
import type { CaseRow } from "../cases/case-row.js";
import { publishAfterCommit } from "../cases/publish-after-commit.js";
import { resourceId } from "../validation.js";
import { invalidateInvestigationSignatures } from "./investigation-signatures.js";
import { loadContent, writeChanges } from "./investigation-store.js";

/** The case id of "cases/{id}/investigation" (INVALID_ARGUMENT naming the field otherwise). */
export function investigationCaseId(field: string, name: string): number {
  const match = /^(cases\/\d{1,9})\/investigation$/.exec(name);
  if (!match) throw invalidArgument(field, `must look like "cases/42/investigation", got "${name}"`);
  return resourceId(field, match[1]);
}

/**
 * UpdateInvestigation: the section's writer at its formal status changes the fields the mask names (the
 * domain decides, planInvestigationEdit), under the case's edit lock; the signatures the change breaks are
 * invalidated; the case's version moves; audited as investigation_updated with the changed fields.
 */
export async function updateInvestigation(
  deps: { db: Db; events: CaseEvents; clock: CalendarClock },
  user: Caller,
  request: UpdateInvestigationRequest,
): Promise<CaseRow> {
  if (!request.investigation) throw invalidArgument("investigation", "required");
  const caseId = investigationCaseId("investigation.name", request.investigation.name);
  const sent = request.investigation;
  const raw: Record<InvestigationSectionName, Record<string, unknown> | undefined> = {
    report: sent.report as unknown as Record<string, unknown> | undefined,
    legalReview: sent.legalReview as unknown as Record<string, unknown> | undefined,
    appointingAuthorityReview: sent.appointingAuthorityReview as unknown as
      | Record<string, unknown>
      | undefined,
  };
  const result = await deps.db.transaction(async (tx) => {
    const before = await loadCaseRow(tx, user, caseId, true);
    if (before.io_user_id === null) throw notFound("investigation", `cases/${caseId}/investigation`);
    const caller = actingCaller(user, before);
    const stored = await loadContent(tx, caseId);
    const plan = planInvestigationEdit(
      stored.content,
      {
        roleId: caller.roleId,
        roleName: caller.roleName,
        statusCodeId: before.status_code_id,
        isFinal: before.is_final,
      },
      {
        paths: request.updateMask?.paths ?? [],
        valueOf: (section, field) => {
          const value = raw[section]?.[field.name];
          // An unset optional field arrives as undefined (cleared); the list arrives as messages.
          if (field.type === "otherPersons" && Array.isArray(value))
            return value.map((person: Record<string, unknown>) => ({
              name: person.name,
              grade: person.grade,
              unit: person.unit,
              involvement: person.involvement,
            }));
          return value;
        },
        today: deps.clock.today(),
      },
    );
    if (plan.changes.length === 0) return { row: before, changed: false };
    await guardCaseWrite(tx, caseId, user.userId);
    await writeChanges(tx, caseId, plan.changes, plan.next, user.userId);
    const sections = [...new Set(plan.changes.map((change) => change.section))];
    const invalidated = await invalidateInvestigationSignatures(
      tx,
      caseId,
      { before: stored.content, after: plan.next, sections },
      { userId: user.userId, username: user.username },
    );
    await tx.query("UPDATE investigations SET version = version + 1 WHERE case_id = $1", [caseId]);
    await tx.query("UPDATE cases SET version = version + 1, updated_at = now() WHERE id = $1", [caseId]);
    await recordAudit(tx, {
      entityType: "case",
      entityId: caseId,
      action: "investigation_updated",
      actor: user.username,
      after: {
        fields: plan.changes.map((change) => `${change.section}.${change.field}`),
        invalidatedSignatures: invalidated,
      },
    });
    return { row: await loadCaseRow(tx, user, caseId), changed: true };
  });
  if (result.changed) publishAfterCommit(deps.events, user, CaseEventType.UPDATED, result.row);
  return result.row;
}
