import type { Caller } from "../../auth/caller-context.js";
import type { Queryable } from "../../db/db.js";
import { INVESTIGATING_OFFICER_ROLE_ID } from "../../domain/investigation/investigation-sections.js";
import { enqueueCaseNotice } from "./enqueue-notice.js";
import { roleHolders } from "./recipients.js";

/** The Unit Commander: told that a formal investigation of one of their members was directed. */
const UNIT_COMMANDER_ROLE_ID = 4;

/**
 * The notifications of the appointing authority's actions, in their transaction: the appointed IO is told
 * (io_appointed, with the suspense), and when the investigation is first directed the unit commanders of the
 * case's chain are told too (investigation_directed).
 */
export async function enqueueInvestigationNotifications(
  tx: Queryable,
  action: { caller: Caller; caseId: number; kind: "directed" | "appointed" },
): Promise<void> {
  const base = { caseId: action.caseId, actorUserId: action.caller.userId };
  await enqueueCaseNotice(tx, {
    ...base,
    event: "io_appointed",
    roleId: INVESTIGATING_OFFICER_ROLE_ID,
    recipients: await roleHolders(tx, action.caseId, INVESTIGATING_OFFICER_ROLE_ID),
  });
  if (action.kind !== "directed") return;
  await enqueueCaseNotice(tx, {
    ...base,
    event: "investigation_directed",
    roleId: UNIT_COMMANDER_ROLE_ID,
    recipients: await roleHolders(tx, action.caseId, UNIT_COMMANDER_ROLE_ID),
  });
}
