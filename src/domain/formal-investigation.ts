import { formRole } from "./form/form-roles.js";
import { actorHoldsCase } from "./next-actions.js";
import type { Actor, CaseFacts } from "./workflow-model.js";

/** The appointing authority (the wing commander), as the form declares the role. */
const appointingAuthority = formRole("wingCommander");

/**
 * Why the actor may not direct (or withdraw) a formal investigation, naming the field; null when it may.
 * Only the appointing authority does, while the case waits at its review; an administrator may act for it
 * there.
 */
export function formalInvestigationRefusal(
  facts: Pick<CaseFacts, "holderRoleId" | "isFinal">,
  actor: Actor,
): string | null {
  if (facts.holderRoleId === appointingAuthority.roleId && actorHoldsCase(facts, actor)) return null;
  return (
    "formal_investigation: only the appointing authority (wing commander) may direct a formal " +
    "investigation, while the case is at the Wing Commander Review"
  );
}

/** The audit action of a change of the flag: directed when set, withdrawn when cleared. */
export function formalInvestigationAuditAction(before: boolean, after: boolean): string | undefined {
  if (before === after) return undefined;
  return after ? "formal_investigation_directed" : "formal_investigation_withdrawn";
}
