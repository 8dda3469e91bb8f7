import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  assertMayDirectFormalInvestigation,
  formalInvestigationAuditAction,
} from "./formal-investigation.js";

const UNIT_COMMANDER = 4;
const WING_COMMANDER = 6;
const atWingCommander = { holderRoleId: WING_COMMANDER, isFinal: false };
const atUnitCommander = { holderRoleId: UNIT_COMMANDER, isFinal: false };

function refusal(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    const connect = ConnectError.from(error);
    return `${Code[connect.code]} ${connect.rawMessage}`;
  }
  return "allowed";
}

describe("the formal investigation flag", () => {
  it("may be set by the wing commander while the case is at the Wing Commander Review", () => {
    const wingCommander = { roleId: WING_COMMANDER, isAdministrator: false };
    assert.equal(
      refusal(() => assertMayDirectFormalInvestigation(atWingCommander, wingCommander)),
      "allowed",
    );
  });

  it("is refused to the unit commander holding the case, naming the field", () => {
    const unitCommander = { roleId: UNIT_COMMANDER, isAdministrator: false };
    assert.match(
      refusal(() => assertMayDirectFormalInvestigation(atUnitCommander, unitCommander)),
      /^PermissionDenied formal_investigation: only the appointing authority/,
    );
  });

  it("is refused to the wing commander at any other status, and to roles not holding the case", () => {
    const wingCommander = { roleId: WING_COMMANDER, isAdministrator: false };
    assert.match(
      refusal(() => assertMayDirectFormalInvestigation(atUnitCommander, wingCommander)),
      /^PermissionDenied/,
    );
    assert.match(
      refusal(() => assertMayDirectFormalInvestigation({ holderRoleId: null, isFinal: true }, wingCommander)),
      /^PermissionDenied/,
    );
    const unitCommander = { roleId: UNIT_COMMANDER, isAdministrator: false };
    assert.match(
      refusal(() => assertMayDirectFormalInvestigation(atWingCommander, unitCommander)),
      /^PermissionDenied/,
    );
  });

  it("lets an administrator act for the appointing authority only at its review", () => {
    const admin = { roleId: 1, isAdministrator: true };
    assert.equal(
      refusal(() => assertMayDirectFormalInvestigation(atWingCommander, admin)),
      "allowed",
    );
    assert.match(
      refusal(() => assertMayDirectFormalInvestigation(atUnitCommander, admin)),
      /^PermissionDenied/,
    );
  });

  it("names the audit action of a change: directed or withdrawn, none when unchanged", () => {
    assert.equal(formalInvestigationAuditAction(false, true), "formal_investigation_directed");
    assert.equal(formalInvestigationAuditAction(true, false), "formal_investigation_withdrawn");
    assert.equal(formalInvestigationAuditAction(true, true), undefined);
  });
});
