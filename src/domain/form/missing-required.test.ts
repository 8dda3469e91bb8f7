import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { completeForm } from "./form-content.js";
import { missingRequired } from "./missing-required.js";

describe("the fields a role must fill before it forwards", () => {
  it("lists every required field of the medical technician's part, as section.field", () => {
    assert.deepEqual(missingRequired(completeForm({}), "medicalTechnician"), [
      "member.dutyStatus",
      "medical.natureOfEvent",
      "medical.eventDetails",
      "medical.treatmentFacility",
      "medical.treatmentFacilityType",
      "medical.treatmentDate",
      "medical.deathInvolved",
      "medical.motorVehicleAccident",
    ]);
  });

  it("asks for a conditional field only while its condition holds", () => {
    const officerDone = {
      natureOfEvent: "injury",
      eventDetails: "Fell",
      treatmentFacility: "Clinic",
      treatmentFacilityType: "military",
      treatmentDate: "2026-04-02",
      deathInvolved: false,
      motorVehicleAccident: false,
      icd10Code: "S93.401",
      diagnosisText: "Sprain",
      alcoholTestDone: false,
      drugTestDone: true,
      psychiatricEvaluation: false,
      existedPriorToService: false,
      mobilityStandardsMet: true,
    };
    const form = completeForm({ member: { dutyStatus: "inactive_duty_training" }, medical: officerDone });
    assert.deepEqual(missingRequired(form, "medicalOfficer"), ["medical.drugTestResult"]);
    const epts = completeForm({
      member: { dutyStatus: "inactive_duty_training" },
      medical: { ...officerDone, drugTestResult: "Negative", existedPriorToService: true },
    });
    assert.deepEqual(missingRequired(epts, "medicalOfficer"), ["medical.serviceAggravated"]);
  });

  it("names the unit commander's section and finding, with the specify fields of 'other'", () => {
    const form = completeForm({
      unit: { dutyStatus: "other", proximateCauseId: 13, informationSource: "member" },
      "findings.unitCommander": { finding: "NILOD-MISCONDUCT" },
    });
    assert.deepEqual(missingRequired(form, "unitCommander"), [
      "unit.dutyStatusOther",
      "unit.dutyFrom",
      "unit.onOrders",
      "unit.circumstances",
      "unit.proximateCauseOther",
      "unit.memberCredible",
      "unit.travelOccurrence",
      "unit.proofOfStatusVerified",
      "findings.unitCommander.byReasonOfId",
    ]);
  });

  it("asks a reviewer who does not concur for an explanation (and the wing JA for its finding)", () => {
    assert.deepEqual(missingRequired(completeForm({}), "wingJa"), ["findings.wingJa.concur"]);
    const nonConcur = completeForm({ "findings.wingJa": { concur: false } });
    assert.deepEqual(missingRequired(nonConcur, "wingJa"), [
      "findings.wingJa.finding",
      "findings.wingJa.explanation",
    ]);
    assert.deepEqual(missingRequired(completeForm({}), "approvingAuthority"), [
      "findings.approvingAuthority.finding",
      "findings.approvingAuthority.concur",
    ]);
    const concurs = completeForm({ "findings.approvingAuthority": { finding: "ILOD", concur: true } });
    assert.deepEqual(missingRequired(concurs, "approvingAuthority"), []);
  });
});
