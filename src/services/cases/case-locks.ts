import type { Queryable } from "../../db/db.js";
import { assertUnlockedFor, type CaseLockFacts } from "../../domain/case-lock.js";

/** A case's lock as stored (in force or expired), with the database's clock to judge it by. */
export interface StoredLock {
  lock: CaseLockFacts | null;
  /** The transaction's now(): lock times are written with the database clock, so they are judged by it. */
  now: Date;
}

/** Reads a case's edit lock and the database time; call with the case row already locked (FOR UPDATE). */
export async function loadCaseLock(db: Queryable, caseId: number): Promise<StoredLock> {
  const { rows } = await db.query<{
    now: Date;
    user_id: number | null;
    username: string | null;
    role_id: number | null;
    lock_time: Date | null;
    expires_at: Date | null;
  }>(
    `SELECT now() AS now, l.user_id, u.username, u.current_role_id AS role_id, l.lock_time, l.expires_at
     FROM (SELECT 1) AS one
     LEFT JOIN case_locks l ON l.case_id = $1
     LEFT JOIN users u ON u.id = l.user_id`,
    [caseId],
  );
  const row = rows[0];
  const now = new Date(row.now);
  if (row.user_id === null || row.lock_time === null || row.expires_at === null) return { lock: null, now };
  return {
    lock: {
      userId: row.user_id,
      username: row.username ?? `user ${row.user_id}`,
      holderRoleId: row.role_id,
      lockTime: new Date(row.lock_time),
      expiresAt: new Date(row.expires_at),
    },
    now,
  };
}

/**
 * Guards a write by `userId` on a case inside its transaction (case row already locked): FAILED_PRECONDITION
 * naming holder and expiry while another user's lock is in force; a write by the lock holder renews it.
 */
export async function guardCaseWrite(db: Queryable, caseId: number, userId: number): Promise<void> {
  const stored = await loadCaseLock(db, caseId);
  assertUnlockedFor(stored.lock, userId, stored.now);
  await renewLock(db, caseId, userId);
}

/** A write by the lock holder is activity: their lock in force starts again from now, for its own duration. */
export async function renewLock(db: Queryable, caseId: number, userId: number): Promise<void> {
  await db.query(
    `UPDATE case_locks SET expires_at = now() + (expires_at - lock_time), lock_time = now()
     WHERE case_id = $1 AND user_id = $2 AND expires_at > now()`,
    [caseId, userId],
  );
}

/** Takes (or retakes) the lock for `userId` from `lockTime` until `expiresAt`, replacing an expired lock of anyone else. */
export async function writeLock(
  db: Queryable,
  lock: { caseId: number; moduleId: number; userId: number; lockTime: Date; expiresAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO case_locks (case_id, module_id, user_id, lock_time, expires_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (case_id) DO UPDATE
       SET user_id = excluded.user_id, lock_time = excluded.lock_time, expires_at = excluded.expires_at`,
    [lock.caseId, lock.moduleId, lock.userId, lock.lockTime, lock.expiresAt],
  );
}

/** The roles that manage `roleId` (role_managed_by): the supervisors who may break its users' locks. */
export async function managerRolesOf(db: Queryable, roleId: number | null): Promise<Set<number>> {
  if (roleId === null) return new Set();
  const { rows } = await db.query<{ managed_by_role_id: number }>(
    "SELECT managed_by_role_id FROM role_managed_by WHERE role_id = $1",
    [roleId],
  );
  return new Set(rows.map((row) => row.managed_by_role_id));
}
