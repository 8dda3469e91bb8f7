/** Plain data the workflow engine reasons about; loaded by services, never by the domain itself. */

/** A guard on an option, as configured (option_rules). */
export interface OptionRule {
  type: "signatureRequired" | "previouslyInStatus" | "formalInvestigation" | string;
  data: string;
}

/** A side effect of taking an option, as configured (option_actions). */
export interface OptionAction {
  type: "addSignature" | "removeSignatures" | "notifyHolder" | "recordFinding" | "releaseLock" | string;
  target: number;
  data: number;
}

/** A transition out of a work status. */
export interface WorkflowOption {
  id: number;
  fromWorkStatusId: number;
  toWorkStatusId: number;
  label: string;
  kind: "advance" | "return" | "cancel";
  active: boolean;
  sortOrder: number;
  rules: OptionRule[];
  actions: OptionAction[];
  /** The role holding the target status (null at a final status): whom a return sends the case to. */
  targetHolderRoleId?: number | null;
}

/** What the engine needs to know about a case. */
export interface CaseFacts {
  workStatusId: number;
  /** The role holding the case at its current status; null at a final status. */
  holderRoleId: number | null;
  isFinal: boolean;
  formalInvestigation: boolean;
  /** Work statuses the case has been in before (tracking history). */
  visitedWorkStatusIds: ReadonlySet<number>;
  /** Roles that have signed at the current status. */
  signedRoleIds: ReadonlySet<number>;
}

/** Who is acting. */
export interface Actor {
  roleId: number;
  /** System administrators may act for any role. */
  isAdministrator: boolean;
}
