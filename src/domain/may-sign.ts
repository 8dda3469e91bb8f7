import { failedPrecondition, permissionDenied } from "../errors.js";
import { assertUnlockedFor, type CaseLockFacts } from "./case-lock.js";
import type { CaseFacts } from "./workflow-model.js";

/** A signature someone asks to record on a case. */
export interface SigningAttempt {
  case: Pick<CaseFacts, "workStatusId" | "holderRoleId" | "isFinal">;
  /** The work status the signature is for. */
  atWorkStatusId: number;
  signer: {
    userId: number;
    /** The role the signature is recorded for. */
    roleId: number;
    /** The account is active and unexpired, and holds `roleId` approved and active. */
    active: boolean;
  };
  /** The case's edit lock as stored (expired or not), if any. */
  lock: CaseLockFacts | null;
  now: Date;
}

/**
 * The one signing rule of both services: only an active user of the role holding the case signs, only at
 * its current status, and not while another user's lock is in force. Administrators are no exception
 * (a signature records which role signed; an administrator acts for a holder through that holder).
 * PERMISSION_DENIED for who may not sign, FAILED_PRECONDITION for when the case cannot be signed.
 */
export function assertMaySign(attempt: SigningAttempt): void {
  const { case: facts, signer } = attempt;
  if (!signer.active) {
    throw permissionDenied(`user ${signer.userId} is not an active user holding role ${signer.roleId}`);
  }
  if (facts.isFinal || facts.holderRoleId === null) {
    throw failedPrecondition("the case is at a final status: there is nothing to sign");
  }
  if (attempt.atWorkStatusId !== facts.workStatusId) {
    throw failedPrecondition(
      `signatures are taken at the case's current work status ${facts.workStatusId}, not ${attempt.atWorkStatusId}`,
    );
  }
  if (signer.roleId !== facts.holderRoleId) {
    throw permissionDenied(
      `only the role holding the case (role ${facts.holderRoleId}) may sign at its current status, not role ${signer.roleId}`,
    );
  }
  assertUnlockedFor(attempt.lock, signer.userId, attempt.now);
}
