import type { MessageInitShape } from "@bufbuild/protobuf";
import type { FormSectionState } from "../../../src/gen/ect/v1/form_service_pb.js";
import type { UpdateInvestigationRequestSchema } from "../../../src/gen/ect/v1/investigation_service_pb.js";
import { valueLabel } from "../form/field-labels.js";
import { answered, type Draft } from "../form/form-draft.js";
import type { FieldKind, FormField, WriterKey } from "../form/form-fields.js";

/** The parts of an investigation the case page edits, by their field name in the Investigation message. */
export type InvestigationSection = "report" | "legalReview" | "appointingAuthorityReview";

/** One field as declared here: JSON name, label, kind, and for lists their values. */
interface Declared {
  name: string;
  label: string;
  kind: FieldKind;
  values?: readonly string[];
  maxLength?: number;
  requiredWhen?: FormField["requiredWhen"];
}

/** The member's status values, as the AF 348's member section spells them. */
const MEMBER_STATUSES = [
  "regular_or_ead",
  "ad_over_30_days",
  "ad_30_days_or_less",
  "inactive_duty_training",
  "short_tour_training",
];

/** The findings the IO may recommend (proto InvestigationReport.recommended_finding). */
const RECOMMENDED_FINDINGS = ["ILOD", "NILOD-NOT-MISCONDUCT", "NILOD-MISCONDUCT", "EPTS-LOD-NA", "EPTS-SA"];

/** Each section's fields in the order the proto declares them, its title and who writes it. */
const DECLARED: Record<InvestigationSection, { title: string; writer: WriterKey; fields: Declared[] }> = {
  report: {
    title: "Report of investigation",
    writer: "investigatingOfficer",
    fields: [
      { name: "reportDate", label: "Report date", kind: "date" },
      {
        name: "investigationOf",
        label: "Investigation of",
        kind: "enum",
        values: ["injury", "illness", "disease", "death"],
      },
      { name: "memberStatus", label: "Status of the member", kind: "enum", values: MEMBER_STATUSES },
      {
        name: "inactiveDutyTraining",
        label: "Inactive-duty training detail",
        kind: "text",
        maxLength: 500,
        requiredWhen: { field: "memberStatus", equals: ["inactive_duty_training"] },
      },
      { name: "investigationStartDate", label: "Investigation period from", kind: "date" },
      { name: "investigationEndDate", label: "Investigation period to", kind: "date" },
      { name: "place", label: "Place", kind: "text", maxLength: 500 },
      { name: "howSustained", label: "How sustained", kind: "longText", maxLength: 4000 },
      { name: "medicalDiagnosis", label: "Medical diagnosis", kind: "longText", maxLength: 1000 },
      { name: "presentForDuty", label: "Present for duty", kind: "boolean" },
      { name: "absentWithAuthority", label: "Absent with authority", kind: "boolean" },
      { name: "absentWithoutAuthority", label: "Absent without authority", kind: "boolean" },
      { name: "intentionalMisconduct", label: "Intentional misconduct", kind: "boolean" },
      { name: "mentallySound", label: "Mentally sound", kind: "boolean" },
      { name: "otherPersons", label: "Other persons involved", kind: "persons" },
      { name: "remarks", label: "Remarks", kind: "longText", maxLength: 4000 },
      {
        name: "recommendedFinding",
        label: "The IO's recommended finding",
        kind: "enum",
        values: RECOMMENDED_FINDINGS,
      },
    ],
  },
  legalReview: {
    title: "Formal wing JA review",
    writer: "wingJa",
    fields: [
      { name: "legallySufficient", label: "The investigation is legally sufficient", kind: "boolean" },
      { name: "concur", label: "Concur with the IO's recommended finding", kind: "boolean" },
      { name: "explanation", label: "Explanation", kind: "longText", maxLength: 4000 },
    ],
  },
  appointingAuthorityReview: {
    title: "Formal appointing authority review",
    writer: "wingCommander",
    fields: [
      { name: "concur", label: "Concur with the IO's recommended finding", kind: "boolean" },
      { name: "explanation", label: "Explanation", kind: "longText", maxLength: 4000 },
    ],
  },
};

/** The investigation's sections in the order the case reaches them. */
export const INVESTIGATION_SECTIONS: readonly InvestigationSection[] = [
  "report",
  "legalReview",
  "appointingAuthorityReview",
];

/** A section's title in words. */
export function investigationSectionTitle(section: InvestigationSection): string {
  return DECLARED[section].title;
}

/** The role that writes a section while the case waits on it. */
export function investigationWriter(section: InvestigationSection): WriterKey {
  return DECLARED[section].writer;
}

/** A section's fields as the form renders them. */
function fieldsOf(section: InvestigationSection): FormField[] {
  const { writer, fields } = DECLARED[section];
  return fields.map((field) => ({
    section,
    name: field.name,
    path: `${section}.${field.name}`,
    label: field.label,
    kind: field.kind,
    choices: field.values?.map((value) => ({ value, label: valueLabel(value) })),
    maxLength: field.maxLength,
    readOnly: false,
    writers: [writer],
    requiredWhen: field.requiredWhen,
  }));
}

/** Each section's fields, built once (the forms compare them by identity). */
export const INVESTIGATION_FIELDS: Readonly<Record<InvestigationSection, readonly FormField[]>> = {
  report: fieldsOf("report"),
  legalReview: fieldsOf("legalReview"),
  appointingAuthorityReview: fieldsOf("appointingAuthorityReview"),
};

/** The section of a `section.field` path the investigation holds, or undefined for another path. */
export function investigationSectionOf(path: string): InvestigationSection | undefined {
  const section = path.slice(0, path.indexOf("."));
  return INVESTIGATION_SECTIONS.find((candidate) => candidate === section);
}

/** A field's label with its section ("Report of investigation: Place"), or undefined for another path. */
export function investigationFieldTitle(path: string): string | undefined {
  const section = investigationSectionOf(path);
  if (!section) return undefined;
  const field = INVESTIGATION_FIELDS[section].find((candidate) => candidate.path === path);
  return `${DECLARED[section].title}: ${field?.label ?? path}`;
}

/**
 * The server's state of a section ("investigation.report") with its field paths as the form spells them
 * ("report.place"): the server may name them with the "investigation." prefix.
 */
export function sectionStateOf(
  sections: readonly FormSectionState[],
  section: InvestigationSection,
): FormSectionState | undefined {
  const state = sections.find((candidate) => candidate.section === `investigation.${section}`);
  if (!state) return undefined;
  const unprefixed = (path: string) => path.replace(/^investigation\./, "");
  return {
    ...state,
    requiredFields: state.requiredFields.map(unprefixed),
    missingFields: state.missingFields.map(unprefixed),
  };
}

/**
 * UpdateInvestigation for the changed fields of a section: the mask names exactly them (`report.place`), and
 * a field cleared in the draft is named but left unset, which clears it.
 */
export function updateInvestigationRequest(
  name: string,
  section: InvestigationSection,
  draft: Draft,
  changed: readonly string[],
): MessageInitShape<typeof UpdateInvestigationRequestSchema> {
  const values: Record<string, unknown> = {};
  for (const field of INVESTIGATION_FIELDS[section]) {
    if (!changed.includes(field.name)) continue;
    const value = answered(field, draft[field.name]);
    if (value !== null) values[field.name] = value;
  }
  return {
    investigation: { name, [section]: values },
    updateMask: { paths: changed.map((field) => `${section}.${field}`) },
  };
}
