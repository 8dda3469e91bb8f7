import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import {
  MedicalSectionSchema,
  ReviewerFindingSchema,
  UnitSectionSchema,
} from "../../../src/gen/ect/v1/form_service_pb.js";
import {
  changedFields,
  draftOf,
  recordFindingRequest,
  requiredNow,
  updateFormRequest,
} from "./form-draft.js";
import { findingFields, sectionFields } from "./form-fields.js";

const medical = sectionFields("medical");
const unit = sectionFields("unit");

describe("a section being edited in the web form", () => {
  it("reads unset fields as not answered, and keeps the answered ones", () => {
    const draft = draftOf(
      create(MedicalSectionSchema, { treatmentFacility: "Base clinic", deathInvolved: false }),
      medical,
    );
    assert.equal(draft.treatmentFacility, "Base clinic");
    assert.equal(draft.deathInvolved, false);
    assert.equal(draft.treatmentDate, null);
    assert.equal(draft.icd10Code, null);
  });

  it("masks only the fields that changed, and clears a field emptied by naming it without a value", () => {
    const saved = draftOf(
      create(MedicalSectionSchema, {
        treatmentFacility: "Base clinic",
        eventDetails: "Fell",
        deathInvolved: false,
      }),
      medical,
    );
    const draft = {
      ...saved,
      treatmentFacility: "  Wright-Patterson clinic ",
      eventDetails: "",
      deathInvolved: false,
    };
    const changed = changedFields(medical, saved, draft);
    assert.deepEqual(changed, ["eventDetails", "treatmentFacility"]);
    const request = updateFormRequest("cases/7/form", "medical", medical, draft, changed);
    assert.deepEqual(request.updateMask, { paths: ["medical.eventDetails", "medical.treatmentFacility"] });
    assert.deepEqual(request.form, {
      name: "cases/7/form",
      medical: { treatmentFacility: "Wright-Patterson clinic" },
    });
  });

  it("sees no change when only blanks were typed into an unanswered field", () => {
    const saved = draftOf(create(MedicalSectionSchema, {}), medical);
    assert.deepEqual(changedFields(medical, saved, { ...saved, otherTests: "   " }), []);
  });

  it("sends the witness list whole when any witness changed", () => {
    const saved = draftOf(
      create(UnitSectionSchema, { witnesses: [{ name: "SSgt Lee", contact: "", statement: "" }] }),
      unit,
    );
    const witnesses = [
      { name: "SSgt Lee", contact: "DSN 555-0100", statement: "" },
      { name: "A1C Park", contact: "", statement: "Saw the fall" },
    ];
    const changed = changedFields(unit, saved, { ...saved, witnesses });
    assert.deepEqual(changed, ["witnesses"]);
    assert.deepEqual(
      updateFormRequest("cases/7/form", "unit", unit, { ...saved, witnesses }, changed).form?.unit,
      {
        witnesses,
      },
    );
  });

  it("records a finding whole: no concur for the unit commander, id 0 and empty text for what is unanswered", () => {
    const fields = findingFields("unitCommander");
    const draft = draftOf(create(ReviewerFindingSchema, { finding: "ILOD" }), fields);
    assert.deepEqual(recordFindingRequest("cases/7", "unitCommander", draft), {
      parent: "cases/7",
      finding: {
        role: "unitCommander",
        finding: "ILOD",
        concur: undefined,
        byReasonOfId: 0,
        explanation: "",
      },
    });
    const legal = draftOf(
      create(ReviewerFindingSchema, { concur: false, explanation: " Facts do not support it " }),
      findingFields("wingJa"),
    );
    assert.deepEqual(recordFindingRequest("cases/7", "wingJa", legal).finding, {
      role: "wingJa",
      finding: "",
      concur: false,
      byReasonOfId: 0,
      explanation: "Facts do not support it",
    });
  });

  it("marks a conditional field required only while its condition holds in the draft", () => {
    const result = medical.find((field) => field.name === "alcoholTestResult")!;
    const required = ["medical.alcoholTestDone", "medical.alcoholTestResult"];
    const draft = draftOf(create(MedicalSectionSchema, {}), medical);
    assert.equal(requiredNow(result, required, draft), false);
    assert.equal(requiredNow(result, required, { ...draft, alcoholTestDone: true }), true);
    assert.equal(
      requiredNow(result, [], { ...draft, alcoholTestDone: true }),
      false,
      "not this role's field",
    );
  });
});
