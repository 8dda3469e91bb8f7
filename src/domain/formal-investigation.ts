import { formRole } from "./form/form-roles.js";
import { actorHoldsCase } from "./next-actions.js";
import type { Actor, CaseFacts } from "./workflow-model.js";

/** The appointing authority (the wing commander), as the form declares the role. */
const appointingAuthority = formRole("wingCommander");

/** Wing Commander Review (status code 14): the one status where the appointing authority directs one. */
export const DIRECT_AT_WORK_STATUS_ID = 114;

/**
 * Why the actor may not direct (or withdraw) a formal investigation, naming the field; null when it may.
 * Only the appointing authority does, while the case waits at its review; an administrator may act for it
 * there.
 */
export function formalInvestigationRefusal(
  facts: Pick<CaseFacts, "holderRoleId" | "isFinal" | "workStatusId">,
  actor: Actor,
): string | null {
  // The appointing authority also holds the formal path's review (123): directing happens before it only.
  if (
    facts.workStatusId === DIRECT_AT_WORK_STATUS_ID &&
    facts.holderRoleId === appointingAuthority.roleId &&
    actorHoldsCase(facts, actor)
  )
    return null;
  return (
    "formal_investigation: only the appointing authority (wing commander) may direct a formal " +
    "investigation, while the case is at the Wing Commander Review"
  );
}
