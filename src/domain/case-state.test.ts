import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canReinvestigate, caseState } from "./case-state.js";

describe("case state", () => {
  it("derives open, completed and cancelled from the status flags", () => {
    assert.equal(caseState({ isFinal: false, isCancel: false }), "open");
    assert.equal(caseState({ isFinal: true, isCancel: false }), "completed");
    assert.equal(caseState({ isFinal: true, isCancel: true }), "cancelled");
  });

  it("allows a reinvestigation only of a final, not cancelled, case", () => {
    assert.equal(canReinvestigate({ isFinal: true, isCancel: false }), true);
    assert.equal(canReinvestigate({ isFinal: true, isCancel: true }), false);
    assert.equal(canReinvestigate({ isFinal: false, isCancel: false }), false);
  });
});
