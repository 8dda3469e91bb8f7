import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type GradeRule, ioIneligibility } from "./io-eligibility.js";

const grade = (name: string, seniority: number, mayInvestigate: boolean): GradeRule => ({
  grade: name,
  seniority,
  mayInvestigate,
});
const SSGT = grade("E-5", 5, false);
const SECOND_LT = grade("O-1", 21, false);
const CAPT = grade("O-3", 23, true);
const MAJ = grade("O-4", 24, true);

/** A member of the 729th Airlift Squadron (102) under the 452nd AMW (10), 4th AF (2) and HQ AFRC (1). */
const member = (memberGrade: GradeRule) => ({ grade: memberGrade, chainUnitIds: new Set([102, 10, 2, 1]) });
const officer = (rank: string, officerGrade: GradeRule | undefined, unitId = 101, active = true) => ({
  rank,
  grade: officerGrade,
  unitId,
  active,
});

describe("who may investigate a member", () => {
  it("an active officer of an IO grade, senior to the member, from a unit outside the member's chain", () => {
    assert.equal(ioIneligibility(officer("Capt", CAPT), member(SSGT)), undefined);
  });

  it("refuses a grade the rule does not allow as too junior, even when senior to the member", () => {
    assert.match(ioIneligibility(officer("2d Lt", SECOND_LT), member(SSGT)) ?? "", /^too junior: 2d Lt/);
    assert.match(ioIneligibility(officer("SSgt", SSGT), member(SSGT)) ?? "", /^too junior/);
    assert.match(ioIneligibility(officer("Mr.", undefined), member(SSGT)) ?? "", /^too junior/);
  });

  it("refuses an officer not senior to the member as too junior", () => {
    assert.match(
      ioIneligibility(officer("Capt", CAPT), member(MAJ)) ?? "",
      /not senior to the member \(O-4\)/,
    );
    assert.match(ioIneligibility(officer("Capt", CAPT), member(CAPT)) ?? "", /not senior/);
  });

  it("refuses an officer of the member's unit or a unit above it as in the member's chain", () => {
    for (const unitId of [102, 10, 2, 1])
      assert.match(
        ioIneligibility(officer("Maj", MAJ, unitId), member(SSGT)) ?? "",
        /^in the member's chain/,
      );
  });

  it("refuses an inactive account", () => {
    assert.equal(ioIneligibility(officer("Maj", MAJ, 101, false), member(SSGT)), "not an active account");
  });
});
