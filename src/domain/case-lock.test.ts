import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  assertMayLock,
  assertUnlockedFor,
  type CaseLockFacts,
  type LockActor,
  lockExpiry,
  lockInForce,
  lockRefusal,
  planRelease,
} from "./case-lock.js";

const UNIT_CC = 4;
const PROGRAM_MANAGER = 10;
const now = new Date("2026-05-01T12:00:00.000Z");
const minutes = (n: number) => n * 60_000;

/** unitcc's lock, taken 10 minutes ago for 30 minutes (in force until 12:20). */
const lock: CaseLockFacts = {
  userId: 7,
  username: "unitcc",
  holderRoleId: UNIT_CC,
  lockTime: new Date(now.getTime() - minutes(10)),
  expiresAt: new Date(now.getTime() + minutes(20)),
};
const expired: CaseLockFacts = { ...lock, expiresAt: new Date(now.getTime() - 1) };

const holder: LockActor = { userId: 7, roleId: UNIT_CC, isAdministrator: false };
const otherCommander: LockActor = { userId: 8, roleId: UNIT_CC, isAdministrator: false };
const administrator: LockActor = { userId: 1, roleId: 1, isAdministrator: true };
const programManager: LockActor = { userId: 12, roleId: PROGRAM_MANAGER, isAdministrator: false };
const atUnitCommander = { holderRoleId: UNIT_CC, isFinal: false };

function throwsCode(fn: () => unknown, code: Code, pattern?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ConnectError);
    assert.equal(Code[error.code], Code[code], error.message);
    if (pattern) assert.match(error.rawMessage, pattern);
    return true;
  });
}

describe("a case lock", () => {
  it("is in force until it expires; an expired lock counts as no lock", () => {
    assert.equal(lockInForce(lock, now), lock);
    assert.equal(lockInForce(expired, now), null);
    assert.equal(lockInForce({ ...lock, expiresAt: now }, now), null, "it lapses at its expiry");
    assert.equal(lockInForce(null, now), null);
    assert.deepEqual(lockExpiry(now, minutes(30)), new Date("2026-05-01T12:30:00.000Z"));
  });

  it("refuses writes by anyone but its holder with FAILED_PRECONDITION naming the holder and the expiry", () => {
    assert.equal(lockRefusal(lock, holder.userId, now), null);
    assert.equal(
      lockRefusal(lock, otherCommander.userId, now),
      "case is locked for editing by unitcc until 2026-05-01T12:20:00.000Z",
    );
    throwsCode(
      () => assertUnlockedFor(lock, administrator.userId, now),
      Code.FailedPrecondition,
      /unitcc until 2026-05-01T12:20/,
    );
    assert.equal(lockRefusal(expired, otherCommander.userId, now), null, "an expired lock refuses nobody");
    assert.equal(lockRefusal(null, otherCommander.userId, now), null);
  });

  it("is taken only by the role holding the case at its current status, or an administrator", () => {
    assertMayLock(atUnitCommander, holder, null, now);
    assertMayLock(atUnitCommander, administrator, null, now);
    throwsCode(
      () => assertMayLock(atUnitCommander, { userId: 9, roleId: 3, isAdministrator: false }, null, now),
      Code.PermissionDenied,
      /only the role holding the case/,
    );
    throwsCode(
      () => assertMayLock({ holderRoleId: null, isFinal: true }, administrator, null, now),
      Code.PermissionDenied,
    );
  });

  it("held by another user in force blocks the holding role; an expired one is simply replaced", () => {
    throwsCode(
      () => assertMayLock(atUnitCommander, otherCommander, lock, now),
      Code.FailedPrecondition,
      /unitcc/,
    );
    throwsCode(() => assertMayLock(atUnitCommander, administrator, lock, now), Code.FailedPrecondition);
    assertMayLock(atUnitCommander, otherCommander, expired, now);
    assertMayLock(atUnitCommander, holder, lock, now);
  });

  it("is released by its holder and broken by an administrator or a role managing the holder's, stale or not", () => {
    const managers = new Set([1, PROGRAM_MANAGER]);
    assert.deepEqual(planRelease(lock, holder, managers, now), { kind: "own" });
    assert.deepEqual(planRelease(expired, holder, managers, now), { kind: "own" });
    assert.deepEqual(planRelease(lock, administrator, new Set(), now), {
      kind: "break",
      lock,
      expired: false,
    });
    assert.deepEqual(planRelease(lock, programManager, managers, now), {
      kind: "break",
      lock,
      expired: false,
    });
    assert.deepEqual(planRelease(expired, programManager, managers, now), {
      kind: "break",
      lock: expired,
      expired: true,
    });
    assert.deepEqual(planRelease(null, programManager, managers, now), { kind: "none" });
  });

  it("cannot be released by anyone else while in force; an expired one is no lock to them", () => {
    const managers = new Set([1, PROGRAM_MANAGER]);
    throwsCode(
      () => planRelease(lock, otherCommander, managers, now),
      Code.PermissionDenied,
      /locked by unitcc until 2026-05-01T12:20:00.000Z/,
    );
    throwsCode(() => planRelease(lock, programManager, new Set([1]), now), Code.PermissionDenied);
    assert.deepEqual(planRelease(expired, otherCommander, managers, now), { kind: "none" });
  });
});
