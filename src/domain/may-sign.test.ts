import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import type { CaseLockFacts } from "./case-lock.js";
import { assertMaySign, type SigningAttempt } from "./may-sign.js";

const UNIT_CC = 4;
const WING_CC = 6;
const now = new Date("2026-05-01T12:00:00.000Z");
const otherUsersLock: CaseLockFacts = {
  userId: 99,
  username: "unitcc2",
  holderRoleId: UNIT_CC,
  lockTime: new Date(now.getTime() - 60_000),
  expiresAt: new Date(now.getTime() + 60_000),
};

/** The unit commander signing a case at the unit commander's status 112, unlocked. */
function attempt(overrides: Partial<SigningAttempt> = {}): SigningAttempt {
  return {
    case: { workStatusId: 112, holderRoleId: UNIT_CC, isFinal: false },
    atWorkStatusId: 112,
    signer: { userId: 7, roleId: UNIT_CC, active: true },
    lock: null,
    now,
    ...overrides,
  };
}

function refused(overrides: Partial<SigningAttempt>, code: Code, pattern: RegExp): void {
  assert.throws(
    () => assertMaySign(attempt(overrides)),
    (error: unknown) => {
      assert.ok(error instanceof ConnectError);
      assert.equal(Code[error.code], Code[code], error.message);
      assert.match(error.rawMessage, pattern);
      return true;
    },
  );
}

describe("the signing rule", () => {
  it("lets an active user of the holding role sign at the current status", () => {
    assertMaySign(attempt());
    assertMaySign(attempt({ lock: { ...otherUsersLock, userId: 7 } }));
    assertMaySign(attempt({ lock: { ...otherUsersLock, expiresAt: now } }));
  });

  it("refuses another role, administrators included", () => {
    refused({ signer: { userId: 7, roleId: WING_CC, active: true } }, Code.PermissionDenied, /role 4/);
    refused({ signer: { userId: 1, roleId: 1, active: true } }, Code.PermissionDenied, /holding the case/);
  });

  it("refuses a status that is not the current one", () => {
    refused({ atWorkStatusId: 114 }, Code.FailedPrecondition, /current work status 112, not 114/);
  });

  it("refuses inactive users", () => {
    refused(
      { signer: { userId: 7, roleId: UNIT_CC, active: false } },
      Code.PermissionDenied,
      /not an active user/,
    );
  });

  it("refuses a final case", () => {
    refused(
      { case: { workStatusId: 119, holderRoleId: null, isFinal: true }, atWorkStatusId: 119 },
      Code.FailedPrecondition,
      /final/,
    );
  });

  it("refuses while another user's lock is in force, naming who and until when", () => {
    refused({ lock: otherUsersLock }, Code.FailedPrecondition, /unitcc2 until 2026-05-01T12:01:00.000Z/);
  });
});
