import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Caller } from "../../auth/caller-context.js";
import type { Db, Queryable } from "../../db/db.js";
import { assertMayLock, type LockActor, lockExpiry, planRelease } from "../../domain/case-lock.js";
import { INVESTIGATING_OFFICER_ROLE_ID } from "../../domain/investigation/investigation-sections.js";
import { assertMaySign } from "../../domain/may-sign.js";
import { alreadyExists, notFound } from "../../errors.js";
import { type CaseLock, CaseLockSchema, Module } from "../../gen/ect/v1/resources_pb.js";
import { recordAudit } from "../audit.js";
import { bindSignature } from "../form/form-signatures.js";
import { bindInvestigationSignature } from "../investigation/investigation-signatures.js";
import { actingCaller } from "./acting-caller.js";
import { loadCaseLock, managerRolesOf, renewLock, writeLock } from "./case-locks.js";
import { actorOf } from "./case-moves.js";
import { loadCaseRow } from "./case-queries.js";

/** The case a signature is asked for, as both services load it (case row already locked FOR UPDATE). */
export interface SignTarget {
  id: number;
  moduleId: number;
  workflowId: number;
  workStatusId: number;
  holderRoleId: number | null;
  isFinal: boolean;
}

/** The sign target of a case row as both services load it. */
export function signTargetOf(row: {
  id: number;
  module_id: number;
  workflow_id: number;
  work_status_id: number;
  holder_role_id: number | null;
  is_final: boolean;
}): SignTarget {
  return {
    id: row.id,
    moduleId: row.module_id,
    workflowId: row.workflow_id,
    workStatusId: row.work_status_id,
    holderRoleId: row.holder_role_id,
    isFinal: row.is_final,
  };
}

/** A signature to record: by `userId` for role `roleId` (their current role when null) at `atWorkStatusId`. */
export interface SignatureRequest {
  target: SignTarget;
  atWorkStatusId: number;
  userId: number;
  roleId: number | null;
  /** Who asked (the audit actor) and what else the audit row should say. */
  actor: string;
  audit?: Record<string, unknown>;
}

/**
 * Records a signature under the one signing rule of both services (assertMaySign: the holding role's active
 * user, at the current status, not against another user's lock) and one valid signature per role and
 * status; an LOD signature stores the content hash of the form sections it covers; the signer's own lock is
 * renewed. NOT_FOUND for an unknown user or role.
 */
export async function recordSignature(
  tx: Queryable,
  request: SignatureRequest,
): Promise<{ id: number; roleId: number; signedAt: string }> {
  const { target, userId } = request;
  const signers = await tx.query<{
    role_id: number | null;
    name_and_rank: string;
    title: string | null;
    active: boolean;
  }>(
    `SELECT r.id AS role_id, trim(u.rank || ' ' || u.first_name || ' ' || u.last_name) AS name_and_rank,
            coalesce(t.title, r.sign_title) AS title,
            (u.account_status = 'active' AND (u.expiration_date IS NULL OR u.expiration_date >= current_date)
             AND (EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = u.id AND ur.role_id = r.id
                           AND ur.status = 'approved' AND ur.active)
                  -- The Investigating Officer role comes with the appointment to this case.
                  OR (r.id = $4 AND EXISTS (SELECT 1 FROM investigations i
                                            WHERE i.case_id = $3 AND i.io_user_id = u.id)))) AS active
     FROM users u LEFT JOIN roles r ON r.id = coalesce($2::int, u.current_role_id)
     LEFT JOIN user_alt_titles t ON t.user_id = u.id AND t.role_id = r.id
     WHERE u.id = $1`,
    [userId, request.roleId, target.id, INVESTIGATING_OFFICER_ROLE_ID],
  );
  if (signers.rows.length === 0) throw notFound("user", userId);
  const signer = signers.rows[0];
  if (signer.role_id === null || signer.title === null)
    throw notFound("role", request.roleId ?? "of the user");
  const roleId = signer.role_id;
  const { lock, now } = await loadCaseLock(tx, target.id);
  assertMaySign({
    case: { workStatusId: target.workStatusId, holderRoleId: target.holderRoleId, isFinal: target.isFinal },
    atWorkStatusId: request.atWorkStatusId,
    signer: { userId, roleId, active: signer.active },
    lock,
    now,
  });
  // A signature a later change to the form invalidated does not count: the role signs again.
  const existing = await tx.query(
    `SELECT 1 FROM signatures
     WHERE case_id = $1 AND work_status_id = $2 AND role_id = $3 AND invalidated_at IS NULL`,
    [target.id, request.atWorkStatusId, roleId],
  );
  if (existing.rowCount > 0) {
    throw alreadyExists(
      `case ${target.id} is already signed by role ${roleId} at work status ${request.atWorkStatusId}`,
    );
  }
  const { rows } = await tx.query<{ id: number; signed_at: string }>(
    `INSERT INTO signatures (case_id, module_id, workflow_id, work_status_id, role_id, user_id, name_and_rank, title)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     RETURNING id, to_char(signed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS signed_at`,
    [
      target.id,
      target.moduleId,
      target.workflowId,
      request.atWorkStatusId,
      roleId,
      userId,
      signer.name_and_rank,
      signer.title,
    ],
  );
  // An LOD signature signs the AF 348 sections its role covers: their SHA-256 as they stand now.
  if (target.moduleId === Module.LOD) await bindSignature(tx, target.id, rows[0].id, roleId);
  // At a formal review status it also signs the investigation section its role writes there.
  await bindInvestigationSignature(tx, target.id, rows[0].id, roleId, request.atWorkStatusId);
  await renewLock(tx, target.id, userId);
  await recordAudit(tx, {
    entityType: "case",
    entityId: target.id,
    action: "sign",
    actor: request.actor,
    after: {
      signatureId: rows[0].id,
      workStatusId: request.atWorkStatusId,
      roleId,
      userId,
      ...request.audit,
    },
  });
  return { id: rows[0].id, roleId, signedAt: rows[0].signed_at };
}

/** Signs a case as the caller's role at its current status (the holding role only); returns the signature id. */
export async function signCase(db: Db, caller: Caller, caseId: number): Promise<number> {
  return db.transaction(async (tx) => {
    const row = await loadCaseRow(tx, caller, caseId, true);
    const signature = await recordSignature(tx, {
      target: signTargetOf(row),
      atWorkStatusId: row.work_status_id,
      userId: caller.userId,
      roleId: actingCaller(caller, row).roleId,
      actor: caller.username,
    });
    return signature.id;
  });
}

/** The lock rules' view of a caller: administrators (workflowAdmin) act for any role. */
function lockActorOf(caller: Caller): LockActor {
  return { ...actorOf(caller), userId: caller.userId };
}

/**
 * Takes (or renews) the caller's edit lock for `ttlMs`: only the holding role or an administrator;
 * FAILED_PRECONDITION while another user's lock is in force (an expired one is simply replaced).
 */
export async function acquireLock(db: Db, caller: Caller, caseId: number, ttlMs: number): Promise<CaseLock> {
  return db.transaction(async (tx) => {
    const row = await loadCaseRow(tx, caller, caseId, true);
    const { lock, now } = await loadCaseLock(tx, caseId);
    assertMayLock(
      { holderRoleId: row.holder_role_id, isFinal: row.is_final },
      lockActorOf(actingCaller(caller, row)),
      lock,
      now,
    );
    await writeLock(tx, {
      caseId,
      moduleId: row.module_id,
      userId: caller.userId,
      lockTime: now,
      expiresAt: lockExpiry(now, ttlMs),
    });
    return create(CaseLockSchema, {
      userId: caller.userId,
      username: caller.username,
      lockTime: timestampFromDate(now),
    });
  });
}

/**
 * Releases the caller's own lock, or breaks another user's (in force or stale) when the caller is an
 * administrator or in a role that manages the lock holder's current role (role_managed_by), audited as
 * break_lock. Anyone else is refused while the lock is in force. True when a lock was removed.
 */
export async function releaseLock(db: Db, caller: Caller, caseId: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    await loadCaseRow(tx, caller, caseId, true);
    const { lock, now } = await loadCaseLock(tx, caseId);
    const managers =
      lock && lock.userId !== caller.userId ? await managerRolesOf(tx, lock.holderRoleId) : new Set<number>();
    const release = planRelease(lock, lockActorOf(caller), managers, now);
    if (release.kind === "none") return false;
    await tx.query("DELETE FROM case_locks WHERE case_id = $1", [caseId]);
    if (release.kind === "break") {
      await recordAudit(tx, {
        entityType: "case",
        entityId: caseId,
        action: "break_lock",
        actor: caller.username,
        before: {
          lockUserId: release.lock.userId,
          lockUsername: release.lock.username,
          lockTime: release.lock.lockTime.toISOString(),
          expiresAt: release.lock.expiresAt.toISOString(),
          expired: release.expired,
        },
      });
    }
    return true;
  });
}
