import type { Caller } from "../../auth/caller-context.js";
import { cancelOption, returnOption } from "../../domain/plan-move.js";
import type { TakeActionResponse } from "../../gen/ect/v1/case_service_pb.js";
import { positiveId, resourceId, text } from "../validation.js";
import { actingCaller } from "./acting-caller.js";
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
  /** ReturnWithoutAction: the earlier role to return to; 0 for one step back. */
  returnToRoleId?: number;
}

/**
 * ReturnWithoutAction and CancelCase: moves the case by the open option of that kind at its status, with
 * the reason (the domain's returnOption and cancelOption pick it: a return to the earlier role named, a
 * cancel only where the workflow declares one). PERMISSION_DENIED when another role holds the case or may
 * not cancel, FAILED_PRECONDITION when there is nowhere to return to, INVALID_ARGUMENT naming
 * return_to_role_id for a role that did not hold the case earlier.
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
  const comment = text("comment", move.comment, { max: 2000 });
  const row = await loadCaseRow(db, caller, caseId);
  const facts = await loadCaseFacts(db, row);
  const options = await loadOptions(db, row.work_status_id);
  const actor = actorOf(actingCaller(caller, row));
  const option =
    kind === "return"
      ? returnOption(facts, actor, options, move.returnToRoleId)
      : cancelOption(facts, actor, options);
  return applyMove(deps, caller, { caseId, optionId: option.id, comment, reasonId });
}
