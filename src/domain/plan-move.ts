import { failedPrecondition, invalidArgument, permissionDenied } from "../errors.js";
import { actorHoldsCase, openOptions } from "./next-actions.js";
import type { Actor, CaseFacts, WorkflowOption } from "./workflow-model.js";

/** What the actor supplies with an option. */
export interface MoveInput {
  optionId: number;
  findingId?: number;
  /** Required for return and cancel options. */
  reasonId?: number;
  /**
   * The finding the holding role recorded on its part of the form (the approving authority's determination):
   * what a finding-recording option records when the request names none.
   */
  recordedFindingId?: number;
  /** Finding ids the holding role may record here (the approving authority: determinations only). */
  allowedFindingIds: ReadonlySet<number>;
  /** Reason ids valid for the option's kind in this workflow. */
  allowedReasonIds: ReadonlySet<number>;
}

/** One effect of a move, for the service to apply inside the move's transaction. */
export type MoveEffect =
  /**
   * Void the signatures at a status; `andSince` also those at every status the case entered after it was
   * last there, because a return sends the case back through them and each of those roles signs again.
   */
  | { type: "removeSignatures"; workStatusId: number; andSince: boolean }
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
        effects.push({
          type: "removeSignatures",
          workStatusId: action.target || option.toWorkStatusId,
          andSince: option.kind === "return",
        });
        break;
      case "notifyHolder":
        if (action.target) effects.push({ type: "notifyHolder", roleId: action.target });
        break;
      case "recordFinding":
        effects.push({ type: "recordFinding", findingId: findingToRecord(input) });
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

/**
 * The finding a finding-recording option records: the one the request names, else the one recorded on the
 * form; it must be one the role may record (INVALID_ARGUMENT naming finding_id otherwise, e.g. "recommend
 * formal investigation" to the approving authority) and agree with the form's when both are there.
 */
function findingToRecord(input: MoveInput): number {
  const findingId = input.findingId || input.recordedFindingId;
  if (!findingId) throw invalidArgument("finding_id", "this option records a finding: choose one");
  if (!input.allowedFindingIds.has(findingId)) {
    throw invalidArgument("finding_id", `${findingId} is not a finding this role may record here`);
  }
  if (input.recordedFindingId && findingId !== input.recordedFindingId) {
    throw invalidArgument(
      "finding_id",
      `${findingId} differs from the finding recorded on the form (${input.recordedFindingId})`,
    );
  }
  return findingId;
}

/**
 * The return-without-action option that sends the case back to `returnToRoleId`, or, when no role is
 * named, the first open return (one step back). PERMISSION_DENIED when the actor does not hold the case,
 * FAILED_PRECONDITION when nothing is open to return to, INVALID_ARGUMENT naming `return_to_role_id` when
 * that role held no earlier status the case has been in.
 */
export function returnOption(
  facts: CaseFacts,
  actor: Actor,
  options: readonly WorkflowOption[],
  returnToRoleId?: number,
): WorkflowOption {
  const returns = openOfKind(facts, actor, options, "return");
  if (returns.length === 0) {
    throw failedPrecondition("the case cannot be returned without action at its current status");
  }
  if (!returnToRoleId) return returns[0];
  const chosen = returns.find((option) => option.targetHolderRoleId === returnToRoleId);
  if (!chosen) {
    const roles = [...new Set(returns.map((option) => option.targetHolderRoleId))].join(", ");
    throw invalidArgument(
      "return_to_role_id",
      `role ${returnToRoleId} is not an earlier role of this case (it may go back to roles ${roles})`,
    );
  }
  return chosen;
}

/**
 * The cancel option open to the actor. Cancel is open only where the workflow declares it (the medical
 * officer, the appointing authority and the approving authority in the LOD), so a holding role without
 * one is refused: PERMISSION_DENIED, as is a role that does not hold the case.
 */
export function cancelOption(
  facts: CaseFacts,
  actor: Actor,
  options: readonly WorkflowOption[],
): WorkflowOption {
  const [cancel] = openOfKind(facts, actor, options, "cancel");
  if (!cancel) throw permissionDenied("the role holding the case at its current status may not cancel it");
  return cancel;
}

/** The open options of one kind; PERMISSION_DENIED when the actor does not hold the case. */
function openOfKind(
  facts: CaseFacts,
  actor: Actor,
  options: readonly WorkflowOption[],
  kind: WorkflowOption["kind"],
): WorkflowOption[] {
  if (!actorHoldsCase(facts, actor)) {
    throw permissionDenied("the case is held by another role at its current status");
  }
  return openOptions(facts, actor, options)
    .filter((open) => open.option.kind === kind)
    .map((open) => open.option);
}
