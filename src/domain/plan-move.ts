import { failedPrecondition, invalidArgument, permissionDenied } from "../errors.js";
import { actorHoldsCase, openOptions } from "./next-actions.js";
import type { Actor, CaseFacts, WorkflowOption } from "./workflow-model.js";

/** What the actor supplies with an option. */
export interface MoveInput {
  optionId: number;
  findingId?: number;
  /** Required for return and cancel options. */
  reasonId?: number;
  /** Finding ids the workflow offers. */
  allowedFindingIds: ReadonlySet<number>;
  /** Reason ids valid for the option's kind in this workflow. */
  allowedReasonIds: ReadonlySet<number>;
}

/** One effect of a move, for the service to apply inside the move's transaction. */
export type MoveEffect =
  | { type: "removeSignatures"; workStatusId: number }
  | { type: "notifyHolder"; roleId: number }
  | { type: "recordFinding"; findingId: number }
  | { type: "releaseLock" };

/** The decided move: where the case goes and what else happens. */
export interface MovePlan {
  option: WorkflowOption;
  toWorkStatusId: number;
  effects: MoveEffect[];
}

/**
 * Decides whether the actor may take an option on a case and what it does. Throws PERMISSION_DENIED when
 * the actor's role does not hold the case, FAILED_PRECONDITION when the option is not open or a required
 * signature is missing, INVALID_ARGUMENT for a missing or unknown finding or reason.
 */
export function planMove(
  facts: CaseFacts,
  actor: Actor,
  options: readonly WorkflowOption[],
  input: MoveInput,
): MovePlan {
  if (facts.isFinal) throw failedPrecondition("the case is at a final status and cannot move");
  if (!actorHoldsCase(facts, actor)) {
    throw permissionDenied("the case is held by another role at its current status");
  }
  const open = openOptions(facts, actor, options).find((candidate) => candidate.option.id === input.optionId);
  if (!open) throw failedPrecondition(`option ${input.optionId} is not open on this case now`);
  if (open.requiresSignature && !facts.signedRoleIds.has(actor.roleId) && !actor.isAdministrator) {
    throw failedPrecondition("sign the case at its current status before taking this option");
  }
  const { option } = open;
  if (option.kind !== "advance") {
    if (!input.reasonId) throw invalidArgument("reason_id", "required to return or cancel a case");
    if (!input.allowedReasonIds.has(input.reasonId)) {
      throw invalidArgument("reason_id", `${input.reasonId} is not a ${option.kind} reason of this workflow`);
    }
  }
  const effects: MoveEffect[] = [];
  for (const action of option.actions) {
    switch (action.type) {
      case "removeSignatures":
        effects.push({ type: "removeSignatures", workStatusId: action.target || option.toWorkStatusId });
        break;
      case "notifyHolder":
        if (action.target) effects.push({ type: "notifyHolder", roleId: action.target });
        break;
      case "recordFinding":
        if (!input.findingId)
          throw invalidArgument("finding_id", "this option records a finding: choose one");
        if (!input.allowedFindingIds.has(input.findingId)) {
          throw invalidArgument("finding_id", `${input.findingId} is not a finding of this workflow`);
        }
        effects.push({ type: "recordFinding", findingId: input.findingId });
        break;
      case "releaseLock":
        effects.push({ type: "releaseLock" });
        break;
      default:
        break;
    }
  }
  return { option, toWorkStatusId: option.toWorkStatusId, effects };
}

/** The option of a given kind an actor may take now (RWOA and cancel are options of kind return/cancel). */
export function findOpenOptionOfKind(
  facts: CaseFacts,
  actor: Actor,
  options: readonly WorkflowOption[],
  kind: WorkflowOption["kind"],
): WorkflowOption | undefined {
  return openOptions(facts, actor, options).find((open) => open.option.kind === kind)?.option;
}
