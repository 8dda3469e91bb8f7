import type { Caller } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
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
const EDITABLE = new Set(["incident_description"]);

/**
 * Why a mask path cannot be changed here. The formal investigation flag is set only by directing one
 * (InvestigationService.DirectFormalInvestigation), which takes a reason and an investigating officer and moves
 * the case onto the formal path in the same transaction: a bare flag would leave a formal case with no IO.
 */
function notEditable(path: string): string {
  if (path === "formal_investigation") {
    return (
      "formal_investigation is set by directing a formal investigation (POST " +
      "/ect/v1/cases/{id}:directFormalInvestigation, with a reason and an investigating officer)"
    );
  }
  return `"${path}" cannot be changed (allowed: ${[...EDITABLE].join(", ")})`;
}

/** A validated UpdateCase request: the case and its new incident description. */
interface CaseEdit {
  caseId: number;
  description: string;
}

/** Validates an UpdateCase request (INVALID_ARGUMENT naming the field). */
function caseEdit(request: UpdateCaseRequest): CaseEdit {
  if (!request.case) throw invalidArgument("case", "required");
  const caseId = resourceId("case.name", request.case.name);
  const paths = request.updateMask?.paths ?? [];
  if (paths.length === 0) throw invalidArgument("update_mask", "name at least one field to change");
  for (const path of paths) {
    if (!EDITABLE.has(path)) throw invalidArgument("update_mask", notEditable(path));
  }
  return {
    caseId,
    description: text("case.incident_description", request.case.incidentDescription, { min: 1, max: 2000 }),
  };
}

/**
 * UpdateCase: the role holding the case changes its LOD details, under its edit lock, audited with the
 * values before and after, and published once committed.
 */
export async function updateCase(
  deps: { db: Db; events: CaseEvents },
  caller: Caller,
  request: UpdateCaseRequest,
): Promise<Case> {
  const { caseId, description } = caseEdit(request);
  const row = await deps.db.transaction(async (tx) => {
    const before = await loadCaseRow(tx, caller, caseId, true);
    const facts = await loadCaseFacts(tx, before);
    if (!actorHoldsCase(facts, actorOf(actingCaller(caller, before)))) {
      throw permissionDenied("only the role holding the case may edit it");
    }
    await guardCaseWrite(tx, caseId, caller.userId);
    await tx.query("UPDATE lod_details SET incident_description = $2 WHERE case_id = $1", [
      caseId,
      description,
    ]);
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
    return after;
  });
  publishAfterCommit(deps.events, caller, CaseEventType.UPDATED, row);
  return caseFromRow(row);
}
