/** Overall state of a case from its status flags. */
export type CaseStateName = "open" | "completed" | "cancelled";

/** A final cancel status is cancelled, any other final status completed, everything else open. */
export function caseState(status: { isFinal: boolean; isCancel: boolean }): CaseStateName {
  if (status.isCancel) return "cancelled";
  return status.isFinal ? "completed" : "open";
}

/** A reinvestigation may only reopen an LOD that reached a final, not cancelled, status. */
export function canReinvestigate(status: { isFinal: boolean; isCancel: boolean }): boolean {
  return status.isFinal && !status.isCancel;
}
