import type { Caller } from "../../auth/caller-context.js";
import { actorHoldsCase, openOptions } from "../../domain/next-actions.js";
import { failedPrecondition, permissionDenied } from "../../errors.js";
import type { TakeActionResponse } from "../../gen/ect/v1/case_service_pb.js";
import { positiveId, resourceId, text } from "../validation.js";
import { applyMove, type MoveDeps } from "./apply-move.js";
import { actorOf } from "./case-moves.js";
import { loadCaseRow } from "./case-queries.js";
import { loadCaseFacts, loadOptions } from "./workflow-config.js";

/** A ReturnWithoutAction or CancelCase request. */
export interface KindMove {
  kind: "return" | "cancel";
  name: string;
  reasonId: number;
  comment: string;
}

/**
 * ReturnWithoutAction and CancelCase: moves the case by the open option of that kind at its status,
 * with the reason. PERMISSION_DENIED when another role holds the case, FAILED_PRECONDITION when its
 * status has no such option.
 */
export async function moveByKind(
  deps: MoveDeps,
  caller: Caller,
  move: KindMove,
): Promise<TakeActionResponse> {
  const { db } = deps;
  const { kind, reasonId } = move;
  const caseId = resourceId("name", move.name);
  positiveId("reason_id", reasonId);
  const row = await loadCaseRow(db, caller, caseId);
  const facts = await loadCaseFacts(db, row);
  const option = openOptions(facts, actorOf(caller), await loadOptions(db, row.work_status_id)).find(
    (open) => open.option.kind === kind,
  );
  if (!option) {
    if (!actorHoldsCase(facts, actorOf(caller)))
      throw permissionDenied("the case is held by another role at its current status");
    throw failedPrecondition(
      `the case cannot be ${kind === "return" ? "returned without action" : "cancelled"} at its current status`,
    );
  }
  return applyMove(deps, caller, {
    caseId,
    optionId: option.option.id,
    comment: text("comment", move.comment, { max: 2000 }),
    reasonId,
  });
}
