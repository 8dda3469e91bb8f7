import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SECTIONS } from "../../../src/domain/form/af348-sections.js";
import { FINDING_ROLE_KEYS } from "../../../src/domain/form/form-roles.js";
import { FIELD_LABELS } from "./field-labels.js";
import { findingFields, sectionFields } from "./form-fields.js";

describe("the AF 348 field list of the web form", () => {
  it("holds every declared field of each fixed section, in the message's order, with its worded label", () => {
    for (const section of ["member", "medical", "unit"] as const) {
      const fields = sectionFields(section);
      assert.deepEqual(
        fields.map((field) => field.name).sort(),
        SECTIONS[section].fields.map((field) => field.name).sort(),
        `${section}: the same fields as src/domain/form declares`,
      );
      for (const field of fields) assert.ok(FIELD_LABELS[field.path], `${field.path} has a label`);
    }
    assert.deepEqual(
      sectionFields("medical")
        .slice(0, 3)
        .map((field) => field.path),
      ["medical.natureOfEvent", "medical.eventDetails", "medical.treatmentFacility"],
    );
  });

  it("types each field from its declaration: dates, yes/no, lists in words, long text, the ICD-10 code", () => {
    const medical = new Map(sectionFields("medical").map((field) => [field.name, field]));
    assert.equal(medical.get("treatmentDate")?.kind, "date");
    assert.equal(medical.get("deathInvolved")?.kind, "boolean");
    assert.equal(medical.get("icd10Code")?.kind, "icd10Code");
    assert.equal(medical.get("eventDetails")?.kind, "longText");
    assert.equal(medical.get("treatmentFacility")?.kind, "text");
    assert.deepEqual(medical.get("treatmentFacilityType")?.choices, [
      { value: "military", label: "Military" },
      { value: "civilian", label: "Civilian" },
    ]);
    assert.deepEqual(
      medical.get("psychiatricEvaluation")?.writers,
      ["medicalOfficer"],
      "the officer's alone",
    );
    assert.deepEqual(medical.get("alcoholTestResult")?.requiredWhen, {
      field: "alcoholTestDone",
      equals: [true],
    });
  });

  it("shows the member snapshot read-only, but lets the member status at the time be recorded", () => {
    const member = new Map(sectionFields("member").map((field) => [field.name, field]));
    assert.equal(member.get("lastName")?.readOnly, true);
    assert.equal(member.get("maskedSsn")?.readOnly, true);
    assert.equal(member.get("dutyStatus")?.readOnly, false);
  });

  it("offers the approving authority determinations only, and the appointing authority a formal investigation", () => {
    const choices = (role: (typeof FINDING_ROLE_KEYS)[number]) =>
      findingFields(role)
        .find((field) => field.name === "finding")
        ?.choices?.map((choice) => choice.value);
    assert.deepEqual(choices("approvingAuthority"), [
      "ILOD",
      "NILOD-NOT-MISCONDUCT",
      "NILOD-MISCONDUCT",
      "EPTS-LOD-NA",
    ]);
    assert.ok(choices("wingCommander")?.includes("FORMAL"));
    assert.ok(!choices("boardLegal")?.includes("FORMAL"));
  });

  it("gives every reviewer but the first the concur question, and each finding its by-reason-of list", () => {
    for (const role of FINDING_ROLE_KEYS) {
      const names = findingFields(role).map((field) => field.name);
      const expected =
        role === "unitCommander"
          ? ["finding", "byReasonOfId", "explanation"]
          : ["finding", "concur", "byReasonOfId", "explanation"];
      assert.deepEqual(names, expected, role);
      assert.equal(
        findingFields(role).find((field) => field.name === "byReasonOfId")?.reference,
        "finding_reasons",
      );
      assert.equal(findingFields(role)[0].path, `findings.${role}.finding`);
    }
  });
});
