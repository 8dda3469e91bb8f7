/**
 * The words the AF 348 shows for its fields and coded values. Which fields exist, their types and their
 * values come from the proto and src/domain/form (form-fields.ts); only the wording lives here.
 */

/** Field labels by `section.field`; a finding field of any reviewer is `finding.field`. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  "member.lastName": "Last name",
  "member.firstName": "First name",
  "member.middleName": "Middle name",
  "member.grade": "Grade",
  "member.rank": "Rank",
  "member.maskedSsn": "SSN",
  "member.unitName": "Unit",
  "member.pasCode": "PAS code",
  "member.component": "Component",
  "member.dutyStatus": "Member status at the time",
  "medical.natureOfEvent": "Nature of the event",
  "medical.eventDetails": "Details of the event",
  "medical.treatmentFacility": "Treatment facility",
  "medical.treatmentFacilityType": "Type of facility",
  "medical.treatmentDate": "First treatment date",
  "medical.icd10Code": "Diagnosis (ICD-10-CM code)",
  "medical.diagnosisText": "Diagnosis in words",
  "medical.seventhCharacter": "ICD-10-CM 7th character",
  "medical.deathInvolved": "Death involved",
  "medical.motorVehicleAccident": "Motor-vehicle accident involved",
  "medical.alcoholTestDone": "Alcohol test done",
  "medical.alcoholTestResult": "Alcohol test result",
  "medical.drugTestDone": "Drug test done",
  "medical.drugTestResult": "Drug test result",
  "medical.psychiatricEvaluation": "Psychiatric evaluation done",
  "medical.psychiatricEvaluationDate": "Psychiatric evaluation date",
  "medical.otherTests": "Other relevant tests",
  "medical.otherTestsDate": "Other tests date",
  "medical.existedPriorToService": "Existed prior to service (EPTS)",
  "medical.serviceAggravated": "Service aggravated",
  "medical.mobilityStandardsMet": "Mobility / medical standards met",
  "medical.medicalOfficerComments": "Medical officer's comments",
  "unit.dutyStatus": "Duty status at the time",
  "unit.dutyStatusOther": "Other duty status (specify)",
  "unit.dutyFrom": "Duty from",
  "unit.dutyTo": "Duty to",
  "unit.onOrders": "On orders",
  "unit.activated": "Activated",
  "unit.absentFrom": "Absent without authority from",
  "unit.absentTo": "Absent without authority to",
  "unit.informationSource": "Source of information",
  "unit.informationSourceOther": "Other source (specify)",
  "unit.circumstances": "Circumstances",
  "unit.witnesses": "Witnesses",
  "unit.proximateCauseId": "Proximate cause",
  "unit.proximateCauseOther": "Other proximate cause (specify)",
  "unit.memberCredible": "The member's account is credible",
  "unit.travelOccurrence": "Travel occurrence",
  "unit.proofOfStatusVerified": "Proof of status verified",
  "finding.finding": "Finding",
  "finding.concur": "Concur with the previous recommendation",
  "finding.byReasonOfId": "By reason of",
  "finding.explanation": "Explanation",
};

/** Coded values (enums and finding codes) in words. */
const VALUE_LABELS: Readonly<Record<string, string>> = {
  regular_or_ead: "Regular or extended active duty",
  ad_over_30_days: "Active duty, more than 30 days",
  ad_30_days_or_less: "Active duty, 30 days or less",
  inactive_duty_training: "Inactive duty training",
  short_tour_training: "Short tour of active duty for training",
  injury: "Injury",
  illness: "Illness",
  disease: "Disease",
  death: "Death",
  military: "Military",
  civilian: "Civilian",
  present_for_duty: "Present for duty",
  absent_with_authority: "Absent with authority",
  absent_without_authority: "Absent without authority",
  annual_training: "Annual training",
  travel_to_or_from_duty: "Travelling to or from duty",
  other: "Other",
  member: "The member",
  witness: "A witness",
  medical_records: "Medical records",
  police_report: "Police report",
  commander_inquiry: "Commander's inquiry",
  not_travelling: "Not travelling",
  travelling_to_duty: "Travelling to duty",
  travelling_from_duty: "Travelling from duty",
  ILOD: "In line of duty",
  "NILOD-NOT-MISCONDUCT": "Not in line of duty, not due to misconduct",
  "NILOD-MISCONDUCT": "Not in line of duty, due to misconduct",
  "EPTS-LOD-NA": "Existed prior to service, LOD not applicable",
  "EPTS-SA": "Existed prior to service, service aggravated",
  FORMAL: "Recommend a formal investigation",
};

/** A coded value in words (the code itself, spaced, when it has none). */
export function valueLabel(value: string): string {
  return VALUE_LABELS[value] ?? value.replaceAll("_", " ");
}

/** "treatmentFacility" → "Treatment facility": the label of a field with none declared. */
export function spelledOut(jsonName: string): string {
  const words = jsonName.replace(/([A-Z])/g, " $1").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Section names in words, for titles and for what a signature covers. */
const SECTION_TITLES: Readonly<Record<string, string>> = {
  member: "Member",
  medical: "Medical",
  unit: "Unit commander",
  "findings.unitCommander": "Unit commander's finding",
  "findings.wingJa": "Wing JA's legal review",
  "findings.wingCommander": "Appointing authority's finding",
  "findings.boardTechnician": "LOD board technician's finding",
  "findings.boardMedical": "LOD board medical finding",
  "findings.boardLegal": "LOD board legal finding",
  "findings.approvingAuthority": "Approving authority's determination",
};

/** A section's name in words ("findings.wingJa" → "Wing JA's legal review"). */
export function sectionTitle(section: string): string {
  return SECTION_TITLES[section] ?? section;
}
