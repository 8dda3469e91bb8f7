import type { Caller } from "../../auth/caller-context.js";
import type { Queryable } from "../../db/db.js";
import type { MovePlan } from "../../domain/plan-move.js";
import type { CaseRow } from "../cases/case-row.js";
import { enqueueCaseNotice } from "./enqueue-notice.js";
import { caseParticipants, roleHolders } from "./recipients.js";

/** What a committed-to-be move tells the outbox. */
export interface MoveNotice {
  caller: Caller;
  before: CaseRow;
  after: CaseRow;
  plan: MovePlan;
  reasonText: string;
}

/**
 * The notifications of a case move, in the move's transaction: a forward tells the role each notifyHolder
 * action names (case_arrived); a return without action tells the holder of the status it returned to
 * (case_returned, with the reason); a cancel tells everyone who worked on the case (case_cancelled).
 */
export async function enqueueMoveNotifications(tx: Queryable, move: MoveNotice): Promise<void> {
  const { caller, after, plan } = move;
  const base = { caseId: after.id, actorUserId: caller.userId };
  if (plan.option.kind === "advance") {
    for (const effect of plan.effects) {
      if (effect.type !== "notifyHolder") continue;
      const recipients = await roleHolders(tx, after.id, effect.roleId);
      await enqueueCaseNotice(tx, { ...base, event: "case_arrived", roleId: effect.roleId, recipients });
    }
  } else if (plan.option.kind === "return") {
    if (after.holder_role_id === null) return;
    const recipients = await roleHolders(tx, after.id, after.holder_role_id);
    await enqueueCaseNotice(tx, { ...base, event: "case_returned", reason: move.reasonText, recipients });
  } else if (plan.option.kind === "cancel") {
    const recipients = await caseParticipants(tx, after.id);
    await enqueueCaseNotice(tx, { ...base, event: "case_cancelled", reason: move.reasonText, recipients });
  }
}
