import type { Caller } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
import {
  formalInvestigationAuditAction,
  formalInvestigationRefusal,
} from "../../domain/formal-investigation.js";
import { actorHoldsCase } from "../../domain/next-actions.js";
import { invalidArgument, permissionDenied } from "../../errors.js";
import type { UpdateCaseRequest } from "../../gen/ect/v1/case_service_pb.js";
import { type Case, CaseEventType } from "../../gen/ect/v1/resources_pb.js";
import { recordAudit } from "../audit.js";
import { resourceId, text } from "../validation.js";
import { actingCaller } from "./acting-caller.js";
import type { CaseEvents } from "./case-events.js";
import { guardCaseWrite } from "./case-locks.js";
import { actorOf } from "./case-moves.js";
import { loadCaseRow } from "./case-queries.js";
import { caseFromRow } from "./case-row.js";
import { publishAfterCommit } from "./publish-after-commit.js";
import { loadCaseFacts } from "./workflow-config.js";

/** The fields UpdateCase may change (update_mask paths). */
const EDITABLE = new Set(["incident_description", "formal_investigation"]);

/** A validated UpdateCase request: the case and the new values of the fields its mask names. */
interface CaseEdit {
  caseId: number;
  description: string | undefined;
  formalInvestigation: boolean | undefined;
}

/** Validates an UpdateCase request (INVALID_ARGUMENT naming the field). */
function caseEdit(request: UpdateCaseRequest): CaseEdit {
  if (!request.case) throw invalidArgument("case", "required");
  const caseId = resourceId("case.name", request.case.name);
  const paths = request.updateMask?.paths ?? [];
  if (paths.length === 0) throw invalidArgument("update_mask", "name at least one field to change");
  for (const path of paths) {
    if (!EDITABLE.has(path))
      throw invalidArgument(
        "update_mask",
        `"${path}" cannot be changed (allowed: ${[...EDITABLE].join(", ")})`,
      );
  }
  return {
    caseId,
    description: paths.includes("incident_description")
      ? text("case.incident_description", request.case.incidentDescription, { min: 1, max: 2000 })
      : undefined,
    formalInvestigation: paths.includes("formal_investigation")
      ? request.case.formalInvestigation
      : undefined,
  };
}

/**
 * UpdateCase: the role holding the case changes its LOD details, under its edit lock, audited with the
 * values before and after, and published once committed. The formal investigation flag is the appointing
 * authority's alone (PERMISSION_DENIED naming formal_investigation for anyone else, the refusal audited as
 * formal_investigation_denied); a change of it is audited as formal_investigation_directed or _withdrawn.
 */
export async function updateCase(
  deps: { db: Db; events: CaseEvents },
  caller: Caller,
  request: UpdateCaseRequest,
): Promise<Case> {
  const edit = caseEdit(request);
  const { caseId } = edit;
  const refused: { reason?: string } = {};
  const row = await deps.db
    .transaction(async (tx) => {
      const before = await loadCaseRow(tx, caller, caseId, true);
      const facts = await loadCaseFacts(tx, before);
      const actor = actorOf(actingCaller(caller, before));
      if (edit.formalInvestigation !== undefined) {
        refused.reason = formalInvestigationRefusal(facts, actor) ?? undefined;
        if (refused.reason) throw permissionDenied(refused.reason);
      }
      if (!actorHoldsCase(facts, actor)) {
        throw permissionDenied("only the role holding the case may edit it");
      }
      await guardCaseWrite(tx, caseId, caller.userId);
      await tx.query(
        `UPDATE lod_details SET incident_description = coalesce($2, incident_description),
         formal_investigation = coalesce($3, formal_investigation) WHERE case_id = $1`,
        [caseId, edit.description ?? null, edit.formalInvestigation ?? null],
      );
      await tx.query("UPDATE cases SET version = version + 1, updated_at = now() WHERE id = $1", [caseId]);
      const after = await loadCaseRow(tx, caller, caseId);
      await recordAudit(tx, {
        entityType: "case",
        entityId: caseId,
        action: "update",
        actor: caller.username,
        before: {
          incidentDescription: before.incident_description,
          formalInvestigation: before.formal_investigation,
        },
        after: {
          incidentDescription: after.incident_description,
          formalInvestigation: after.formal_investigation,
        },
      });
      const formalAction = formalInvestigationAuditAction(
        before.formal_investigation ?? false,
        after.formal_investigation ?? false,
      );
      if (formalAction) {
        await recordAudit(tx, {
          entityType: "case",
          entityId: caseId,
          action: formalAction,
          actor: caller.username,
          before: { formalInvestigation: before.formal_investigation },
          after: { formalInvestigation: after.formal_investigation, roleId: caller.roleId },
        });
      }
      return after;
    })
    .catch(async (error: unknown) => {
      // The refusal's audit row goes in after the rollback, so it is the only thing the attempt leaves.
      if (refused.reason !== undefined) {
        await recordAudit(deps.db, {
          entityType: "case",
          entityId: caseId,
          action: "formal_investigation_denied",
          actor: caller.username,
          after: { attempted: { formalInvestigation: edit.formalInvestigation }, reason: refused.reason },
        });
      }
      throw error;
    });
  publishAfterCommit(deps.events, caller, CaseEventType.UPDATED, row);
  return caseFromRow(row);
}
