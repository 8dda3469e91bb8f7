import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type AdministeredUser,
  SYSTEM_ADMINISTRATOR_ROLE,
  type UserAdministrator,
  type UserChange,
  userChangeRefusal,
} from "./user-administration.js";

const MEDTECH = 2;
const OFFICER = 3;
const PROGRAM_MANAGER = 10;

/** A program manager (user 7) managing every role but the System Administrator and its own. */
const programManager: UserAdministrator = {
  userId: 7,
  roleId: PROGRAM_MANAGER,
  roleName: "LOD Program Manager",
  managedRoleIds: new Set([MEDTECH, OFFICER, 4, 5, 6]),
};
const systemAdministrator: UserAdministrator = {
  userId: 1,
  roleId: SYSTEM_ADMINISTRATOR_ROLE,
  roleName: "System Administrator",
  managedRoleIds: new Set([MEDTECH, OFFICER, PROGRAM_MANAGER]),
};
const medtech: AdministeredUser = { userId: 20, inCallerUnits: true, heldRoleIds: [MEDTECH] };
const grant = (...roleIds: number[]): UserChange => ({ roleIds, changesAccess: true });
const statusOnly: UserChange = { roleIds: [], changesAccess: true };

describe("who may change whose account", () => {
  it("a manager changes a user of their units whose roles their role manages", () => {
    assert.equal(userChangeRefusal(programManager, medtech, grant(OFFICER)), null);
    assert.equal(userChangeRefusal(programManager, medtech, statusOnly), null);
  });

  it("only a System Administrator grants the System Administrator role, to anyone", () => {
    assert.match(
      userChangeRefusal(programManager, medtech, grant(SYSTEM_ADMINISTRATOR_ROLE)) ?? "",
      /only a System Administrator/,
    );
    const anotherAdmin = { ...medtech, userId: 21 };
    assert.equal(
      userChangeRefusal(systemAdministrator, anotherAdmin, grant(SYSTEM_ADMINISTRATOR_ROLE)),
      null,
    );
  });

  it("nobody changes their own roles, status or expiry, not even a System Administrator", () => {
    const self = { userId: programManager.userId, inCallerUnits: true, heldRoleIds: [MEDTECH] };
    assert.match(userChangeRefusal(programManager, self, grant(MEDTECH)) ?? "", /their own roles/);
    assert.match(userChangeRefusal(programManager, self, statusOnly) ?? "", /their own roles/);
    const adminSelf = { userId: 1, inCallerUnits: true, heldRoleIds: [SYSTEM_ADMINISTRATOR_ROLE] };
    assert.match(userChangeRefusal(systemAdministrator, adminSelf, statusOnly) ?? "", /their own roles/);
  });

  it("a change that leaves roles and status alone is not a self-change", () => {
    const self = { userId: programManager.userId, inCallerUnits: true, heldRoleIds: [MEDTECH] };
    assert.equal(userChangeRefusal(programManager, self, { roleIds: [MEDTECH], changesAccess: false }), null);
  });

  it("a user outside the caller's units is refused, whoever the caller", () => {
    const elsewhere = { ...medtech, inCallerUnits: false };
    assert.equal(userChangeRefusal(programManager, elsewhere, statusOnly), "user 20 is outside your units");
    assert.equal(
      userChangeRefusal(systemAdministrator, elsewhere, statusOnly),
      "user 20 is outside your units",
    );
  });

  it("a role the caller's role does not manage is refused, granted or already held", () => {
    assert.equal(
      userChangeRefusal(programManager, medtech, grant(PROGRAM_MANAGER)),
      "your role (LOD Program Manager) does not manage role 10",
    );
    const otherManager = { userId: 30, inCallerUnits: true, heldRoleIds: [PROGRAM_MANAGER, MEDTECH] };
    assert.equal(
      userChangeRefusal(programManager, otherManager, statusOnly),
      "your role (LOD Program Manager) does not manage role 10 held by user 30",
    );
    const admin = { userId: 1, inCallerUnits: true, heldRoleIds: [SYSTEM_ADMINISTRATOR_ROLE] };
    assert.match(userChangeRefusal(programManager, admin, statusOnly) ?? "", /does not manage role 1 held/);
  });

  it("a System Administrator manages every role, listed in role_managed_by or not", () => {
    const boardLegal = { userId: 40, inCallerUnits: true, heldRoleIds: [8] };
    assert.equal(userChangeRefusal(systemAdministrator, boardLegal, grant(9)), null);
  });
});
