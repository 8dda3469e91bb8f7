import assert from "node:assert/strict";
import { test } from "node:test";
import { fieldLabel, fieldText, NOT_ANSWERED, signatureState } from "./print-document.js";

test("a field's JSON name prints as words, known abbreviations as written", () => {
  assert.equal(fieldLabel("treatmentFacilityType"), "Treatment facility type");
  assert.equal(fieldLabel("maskedSsn"), "SSN");
  assert.equal(fieldLabel("icd10Code"), "ICD-10 code");
});

test("values print in words: yes/no, enum codes without underscores, unanswered as such", () => {
  assert.equal(fieldText(true), "Yes");
  assert.equal(fieldText(false), "No");
  assert.equal(fieldText("ad_over_30_days"), "ad over 30 days");
  assert.equal(fieldText("Base clinic_2"), "Base clinic_2");
  assert.equal(fieldText(undefined), NOT_ANSWERED);
  assert.equal(fieldText(""), NOT_ANSWERED);
});

test("an invalidated signature prints INVALID with when and by whom; a valid one VALID", () => {
  const signature = { name: "Capt A", grade: "O-3", role: "Medical Officer", signedAt: new Date(0) };
  assert.equal(signatureState({ ...signature, valid: true }), "VALID");
  assert.equal(
    signatureState({
      ...signature,
      valid: false,
      invalidatedAt: new Date("2026-11-02T10:00:00Z"),
      invalidatedBy: "medofficer",
    }),
    "INVALID (the signed content changed on 2026-11-02 by medofficer)",
  );
});
