import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formalInvestigationRefusal } from "./formal-investigation.js";

const UNIT_COMMANDER = 4;
const WING_COMMANDER = 6;
const atWingCommander = { holderRoleId: WING_COMMANDER, isFinal: false, workStatusId: 114 };
const atUnitCommander = { holderRoleId: UNIT_COMMANDER, isFinal: false, workStatusId: 112 };
const atFormalReview = { holderRoleId: WING_COMMANDER, isFinal: false, workStatusId: 123 };

/** "allowed", or the refusal naming the field. */
function refusal(
  facts: { holderRoleId: number | null; isFinal: boolean; workStatusId: number },
  actor: { roleId: number; isAdministrator: boolean },
): string {
  return formalInvestigationRefusal(facts, actor) ?? "allowed";
}

describe("the formal investigation flag", () => {
  it("may be set by the wing commander while the case is at the Wing Commander Review", () => {
    const wingCommander = { roleId: WING_COMMANDER, isAdministrator: false };
    assert.equal(refusal(atWingCommander, wingCommander), "allowed");
  });

  it("is refused to the unit commander holding the case, naming the field", () => {
    const unitCommander = { roleId: UNIT_COMMANDER, isAdministrator: false };
    assert.match(
      refusal(atUnitCommander, unitCommander),
      /^formal_investigation: only the appointing authority/,
    );
  });

  it("is refused to the wing commander at any other status, and to roles not holding the case", () => {
    const wingCommander = { roleId: WING_COMMANDER, isAdministrator: false };
    assert.match(refusal(atUnitCommander, wingCommander), /^formal_investigation: /);
    assert.match(
      refusal({ holderRoleId: null, isFinal: true, workStatusId: 119 }, wingCommander),
      /^formal_investigation: /,
    );
    assert.match(
      refusal(atFormalReview, wingCommander),
      /^formal_investigation: /,
      "the formal path's appointing authority review directs nothing",
    );
    const unitCommander = { roleId: UNIT_COMMANDER, isAdministrator: false };
    assert.match(refusal(atWingCommander, unitCommander), /^formal_investigation: /);
  });

  it("lets an administrator act for the appointing authority only at its review", () => {
    const admin = { roleId: 1, isAdministrator: true };
    assert.equal(refusal(atWingCommander, admin), "allowed");
    assert.match(refusal(atUnitCommander, admin), /^formal_investigation: /);
  });
});
