import type { FieldDeclaration, SectionDeclaration } from "./field-declarations.js";
import { findingSection } from "./finding-rules.js";
import { FINDING_ROLE_KEYS, type SectionName } from "./form-roles.js";

/**
 * The sections of the AF 348 as data: every field's JSON name, type, limits, writers and who must fill it.
 * Meanings follow the legacy Form348, Form348_Medical and Form348_Unit tables (../shared/DOMAIN.md §7).
 */

const medicalTechnician = ["medicalTechnician", "medicalOfficer"] as const;
const medicalOfficer = ["medicalOfficer"] as const;
const unitCommander = ["unitCommander"] as const;

/** Recorded from the member record when the case starts; nobody edits it. */
const snapshot = (name: string): FieldDeclaration => ({ name, type: "text", writers: [] });

/** The member section: the snapshot, plus the member's status at the time, as the medical technician records it. */
const member: SectionDeclaration = {
  pageId: 2,
  fields: [
    snapshot("lastName"),
    snapshot("firstName"),
    snapshot("middleName"),
    snapshot("grade"),
    snapshot("rank"),
    snapshot("maskedSsn"),
    snapshot("unitName"),
    snapshot("pasCode"),
    snapshot("component"),
    {
      name: "dutyStatus",
      type: "enum",
      values: [
        "regular_or_ead",
        "ad_over_30_days",
        "ad_30_days_or_less",
        "inactive_duty_training",
        "short_tour_training",
      ],
      writers: medicalTechnician,
      requiredOf: medicalTechnician,
    },
  ],
};

/** Proximate cause 13 is "Other (specify)" (seeded by migration 010, as in the legacy list). */
export const PROXIMATE_CAUSE_OTHER = 13;

/** The medical section: the medical technician's facts, then the medical officer's assessment. */
const medical: SectionDeclaration = {
  pageId: 3,
  fields: [
    {
      name: "natureOfEvent",
      type: "enum",
      values: ["injury", "illness", "disease", "death"],
      writers: medicalTechnician,
      requiredOf: medicalTechnician,
    },
    {
      name: "eventDetails",
      type: "text",
      maxLength: 4000,
      writers: medicalTechnician,
      requiredOf: medicalTechnician,
    },
    {
      name: "treatmentFacility",
      type: "text",
      maxLength: 500,
      writers: medicalTechnician,
      requiredOf: medicalTechnician,
    },
    {
      name: "treatmentFacilityType",
      type: "enum",
      values: ["military", "civilian"],
      writers: medicalTechnician,
      requiredOf: medicalTechnician,
    },
    {
      name: "treatmentDate",
      type: "date",
      notFuture: true,
      writers: medicalTechnician,
      requiredOf: medicalTechnician,
    },
    { name: "icd10Code", type: "icd10Code", writers: medicalTechnician, requiredOf: medicalOfficer },
    {
      name: "diagnosisText",
      type: "text",
      maxLength: 1000,
      writers: medicalTechnician,
      requiredOf: medicalOfficer,
    },
    { name: "seventhCharacter", type: "seventhCharacter", writers: medicalTechnician },
    { name: "deathInvolved", type: "boolean", writers: medicalTechnician, requiredOf: medicalTechnician },
    {
      name: "motorVehicleAccident",
      type: "boolean",
      writers: medicalTechnician,
      requiredOf: medicalTechnician,
    },
    { name: "alcoholTestDone", type: "boolean", writers: medicalTechnician, requiredOf: medicalOfficer },
    {
      name: "alcoholTestResult",
      type: "text",
      maxLength: 200,
      writers: medicalTechnician,
      requiredOf: medicalOfficer,
      requiredWhen: { field: "alcoholTestDone", equals: [true] },
    },
    { name: "drugTestDone", type: "boolean", writers: medicalTechnician, requiredOf: medicalOfficer },
    {
      name: "drugTestResult",
      type: "text",
      maxLength: 200,
      writers: medicalTechnician,
      requiredOf: medicalOfficer,
      requiredWhen: { field: "drugTestDone", equals: [true] },
    },
    { name: "psychiatricEvaluation", type: "boolean", writers: medicalOfficer, requiredOf: medicalOfficer },
    {
      name: "psychiatricEvaluationDate",
      type: "date",
      notFuture: true,
      writers: medicalOfficer,
      requiredOf: medicalOfficer,
      requiredWhen: { field: "psychiatricEvaluation", equals: [true] },
    },
    { name: "otherTests", type: "text", maxLength: 500, writers: medicalTechnician },
    { name: "otherTestsDate", type: "date", notFuture: true, writers: medicalTechnician },
    { name: "existedPriorToService", type: "boolean", writers: medicalOfficer, requiredOf: medicalOfficer },
    {
      name: "serviceAggravated",
      type: "boolean",
      writers: medicalOfficer,
      requiredOf: medicalOfficer,
      requiredWhen: { field: "existedPriorToService", equals: [true] },
    },
    { name: "mobilityStandardsMet", type: "boolean", writers: medicalOfficer, requiredOf: medicalOfficer },
    { name: "medicalOfficerComments", type: "text", maxLength: 4000, writers: medicalOfficer },
  ],
};

/** The unit commander's section. */
const unit: SectionDeclaration = {
  pageId: 4,
  fields: [
    {
      name: "dutyStatus",
      type: "enum",
      values: [
        "present_for_duty",
        "absent_with_authority",
        "absent_without_authority",
        "inactive_duty_training",
        "annual_training",
        "travel_to_or_from_duty",
        "other",
      ],
      writers: unitCommander,
      requiredOf: unitCommander,
    },
    {
      name: "dutyStatusOther",
      type: "text",
      maxLength: 100,
      writers: unitCommander,
      requiredOf: unitCommander,
      requiredWhen: { field: "dutyStatus", equals: ["other"] },
    },
    { name: "dutyFrom", type: "date", writers: unitCommander, requiredOf: unitCommander },
    { name: "dutyTo", type: "date", notBefore: "dutyFrom", writers: unitCommander },
    { name: "onOrders", type: "boolean", writers: unitCommander, requiredOf: unitCommander },
    { name: "activated", type: "boolean", writers: unitCommander },
    {
      name: "absentFrom",
      type: "date",
      writers: unitCommander,
      requiredOf: unitCommander,
      requiredWhen: { field: "dutyStatus", equals: ["absent_without_authority"] },
    },
    { name: "absentTo", type: "date", notBefore: "absentFrom", writers: unitCommander },
    {
      name: "informationSource",
      type: "enum",
      values: ["member", "witness", "medical_records", "police_report", "commander_inquiry", "other"],
      writers: unitCommander,
      requiredOf: unitCommander,
    },
    {
      name: "informationSourceOther",
      type: "text",
      maxLength: 100,
      writers: unitCommander,
      requiredOf: unitCommander,
      requiredWhen: { field: "informationSource", equals: ["other"] },
    },
    {
      name: "circumstances",
      type: "text",
      maxLength: 4000,
      writers: unitCommander,
      requiredOf: unitCommander,
    },
    { name: "witnesses", type: "witnesses", maxLength: 4000, writers: unitCommander },
    {
      name: "proximateCauseId",
      type: "reference",
      reference: "proximate_causes",
      writers: unitCommander,
      requiredOf: unitCommander,
    },
    {
      name: "proximateCauseOther",
      type: "text",
      maxLength: 100,
      writers: unitCommander,
      requiredOf: unitCommander,
      requiredWhen: { field: "proximateCauseId", equals: [PROXIMATE_CAUSE_OTHER] },
    },
    { name: "memberCredible", type: "boolean", writers: unitCommander, requiredOf: unitCommander },
    {
      name: "travelOccurrence",
      type: "enum",
      values: ["not_travelling", "travelling_to_duty", "travelling_from_duty"],
      writers: unitCommander,
      requiredOf: unitCommander,
    },
    { name: "proofOfStatusVerified", type: "boolean", writers: unitCommander, requiredOf: unitCommander },
  ],
};

/** Every section's declaration by name. */
export const SECTIONS: Readonly<Record<SectionName, SectionDeclaration>> = {
  member,
  medical,
  unit,
  ...(Object.fromEntries(FINDING_ROLE_KEYS.map((key) => [`findings.${key}`, findingSection(key)])) as Record<
    `findings.${(typeof FINDING_ROLE_KEYS)[number]}`,
    SectionDeclaration
  >),
};
