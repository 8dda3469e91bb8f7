import type { Actor, CaseFacts, OptionRule, WorkflowOption } from "./workflow-model.js";

/** An option open to an actor now, with what taking it will demand. */
export interface OpenOption {
  option: WorkflowOption;
  requiresSignature: boolean;
  requiresFinding: boolean;
}

/** True when the actor's role holds the case at its current status (administrators act for anyone). */
export function actorHoldsCase(facts: Pick<CaseFacts, "isFinal" | "holderRoleId">, actor: Actor): boolean {
  if (facts.isFinal || facts.holderRoleId === null) return false;
  return actor.isAdministrator || facts.holderRoleId === actor.roleId;
}

/**
 * The options open to the actor on a case now: only the holding role acts, inactive options and options
 * whose guards fail are left out, and a return goes back only to a status the case has been in (a formal
 * investigation that skipped the board's medical review cannot be returned there); a signature rule does
 * not hide an option, it marks it.
 */
export function openOptions(
  facts: CaseFacts,
  actor: Actor,
  options: readonly WorkflowOption[],
): OpenOption[] {
  if (!actorHoldsCase(facts, actor)) return [];
  return options
    .filter((option) => option.active && option.fromWorkStatusId === facts.workStatusId)
    .filter((option) => option.rules.every((rule) => guardPasses(rule, facts)))
    .filter((option) => option.kind !== "return" || facts.visitedWorkStatusIds.has(option.toWorkStatusId))
    .sort((a, b) => a.sortOrder - b.sortOrder || a.id - b.id)
    .map((option) => ({
      option,
      requiresSignature: option.rules.some((rule) => rule.type === "signatureRequired"),
      requiresFinding: option.actions.some((action) => action.type === "recordFinding"),
    }));
}

/** Evaluates one guard; rules the engine does not know fail closed. */
export function guardPasses(rule: OptionRule, facts: CaseFacts): boolean {
  switch (rule.type) {
    case "signatureRequired":
      return true; // checked when the option is taken, so the UI can offer "sign first"
    case "previouslyInStatus":
      return facts.visitedWorkStatusIds.has(Number(rule.data));
    case "formalInvestigation":
      return facts.formalInvestigation === (rule.data === "true");
    default:
      return false;
  }
}
