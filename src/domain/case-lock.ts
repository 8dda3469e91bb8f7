import { failedPrecondition, permissionDenied } from "../errors.js";
import { actorHoldsCase } from "./next-actions.js";
import type { Actor, CaseFacts } from "./workflow-model.js";

/**
 * The edit lock on a case (REQUIREMENTS §9): only the holding role or an administrator takes it; it
 * lapses `lockTtlMs` after its holder's last write on the case; an expired lock counts as no lock;
 * the lock holder's supervisor role or an administrator may break it, and that is audited.
 */

/** An edit lock as stored. */
export interface CaseLockFacts {
  userId: number;
  username: string;
  /** The lock holder's current role: whose supervisors may break the lock. */
  holderRoleId: number | null;
  /** When the lock was taken or last renewed by its holder's activity. */
  lockTime: Date;
  /** When it lapses unless renewed. */
  expiresAt: Date;
}

/** Who asks to lock, write or release. */
export interface LockActor extends Actor {
  userId: number;
}

/** The lock still in force at `now`, or null: an expired lock counts as no lock. */
export function lockInForce<L extends CaseLockFacts>(lock: L | null | undefined, now: Date): L | null {
  if (!lock) return null;
  return lock.expiresAt.getTime() > now.getTime() ? lock : null;
}

/** When a lock taken (or renewed) at `now` lapses. */
export function lockExpiry(now: Date, ttlMs: number): Date {
  return new Date(now.getTime() + ttlMs);
}

/** Why `userId` may not write to the case now: another user's lock in force (who and until when), or null. */
export function lockRefusal(
  lock: CaseLockFacts | null | undefined,
  userId: number,
  now: Date,
): string | null {
  const held = lockInForce(lock, now);
  if (held === null || held.userId === userId) return null;
  return `case is locked for editing by ${held.username} until ${held.expiresAt.toISOString()}`;
}

/** FAILED_PRECONDITION, naming the holder and the expiry, while another user's lock is in force. */
export function assertUnlockedFor(lock: CaseLockFacts | null | undefined, userId: number, now: Date): void {
  const refusal = lockRefusal(lock, userId, now);
  if (refusal !== null) throw failedPrecondition(refusal);
}

/**
 * Decides an AcquireLock: PERMISSION_DENIED unless the actor's role holds the case at its current status
 * (or the actor is an administrator); FAILED_PRECONDITION while another user's lock is in force.
 */
export function assertMayLock(
  facts: Pick<CaseFacts, "holderRoleId" | "isFinal">,
  actor: LockActor,
  lock: CaseLockFacts | null | undefined,
  now: Date,
): void {
  if (!actorHoldsCase(facts, actor)) {
    throw permissionDenied(
      "only the role holding the case at its current status (or an administrator) may lock it",
    );
  }
  assertUnlockedFor(lock, actor.userId, now);
}

/** What a ReleaseLock does: release one's own lock, break another user's (audited), or nothing. */
export type LockRelease =
  | { kind: "none" }
  | { kind: "own" }
  | { kind: "break"; lock: CaseLockFacts; expired: boolean };

/**
 * Decides a ReleaseLock. The holder releases their own lock; an administrator or a role that manages the
 * lock holder's role (`managerRoleIds`, from role_managed_by) breaks anyone's, in force or stale; anyone
 * else is refused while the lock is in force (PERMISSION_DENIED naming holder and expiry), and an expired
 * lock of someone else is no lock to them.
 */
export function planRelease(
  lock: CaseLockFacts | null | undefined,
  actor: LockActor,
  managerRoleIds: ReadonlySet<number>,
  now: Date,
): LockRelease {
  if (!lock) return { kind: "none" };
  if (lock.userId === actor.userId) return { kind: "own" };
  const expired = lockInForce(lock, now) === null;
  if (actor.isAdministrator || managerRoleIds.has(actor.roleId)) return { kind: "break", lock, expired };
  if (expired) return { kind: "none" };
  throw permissionDenied(
    `case is locked by ${lock.username} until ${lock.expiresAt.toISOString()}: only the lock holder, ` +
      "a role that manages theirs or an administrator may release it",
  );
}
