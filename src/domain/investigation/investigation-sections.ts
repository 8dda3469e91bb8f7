import type { FieldCondition } from "../form/field-declarations.js";

/**
 * The investigation's sections as data, like the AF 348's (src/domain/form/af348-sections.ts): the report of
 * investigation (AF 1271, legacy Form261) written by the appointed investigating officer, the formal wing JA
 * review and the formal appointing authority review. Each section has one writing role at one formal status,
 * and that role's signature there covers the section.
 */

/** A section of the investigation. */
export type InvestigationSectionName = "report" | "legalReview" | "appointingAuthorityReview";

/** One other person involved (legacy Form261 other personnel). */
export interface OtherPerson {
  name: string;
  grade: string;
  unit: string;
  involvement: string;
}

/** A stored value: null when not answered. */
export type InvestigationValue = string | boolean | null | readonly OtherPerson[];

/** The kinds of field; text, enum, boolean and date validate as on the AF 348 (form/field-values.ts). */
export type InvestigationFieldType = "text" | "enum" | "boolean" | "date" | "otherPersons";

/** One field, declared once. */
export interface InvestigationField {
  /** JSON name; the proto field and the column are its snake_case spelling. */
  name: string;
  type: InvestigationFieldType;
  maxLength?: number;
  values?: readonly string[];
  /** Must be filled before the writing role forwards the case. */
  required?: boolean;
  /** Required only while this holds. */
  requiredWhen?: FieldCondition;
  /** Not after today. */
  notFuture?: boolean;
  /** Not before the date in this other field of the section. */
  notBefore?: string;
}

/** A section: who writes it, where, and its fields. */
export interface InvestigationSection {
  name: InvestigationSectionName;
  /** The seeded role that writes it (src/seed/reference-data.ts Role). */
  writerRoleId: number;
  /** The formal status code at which that role writes it and signs it. */
  statusCodeId: number;
  fields: readonly InvestigationField[];
}

/** The IO's recommended finding: a determination, never "recommend formal investigation". */
export const RECOMMENDABLE_FINDINGS = [
  "ILOD",
  "NILOD-MISCONDUCT",
  "NILOD-NOT-MISCONDUCT",
  "EPTS-LOD-NA",
  "EPTS-SA",
] as const;

/** Most other persons a report lists. */
export const MAX_OTHER_PERSONS = 20;

/** The Investigating Officer role (seeded id 13): held on a case by its appointed IO. */
export const INVESTIGATING_OFFICER_ROLE_ID = 13;

const report: InvestigationSection = {
  name: "report",
  writerRoleId: INVESTIGATING_OFFICER_ROLE_ID,
  statusCodeId: 21,
  fields: [
    { name: "reportDate", type: "date", required: true, notFuture: true },
    {
      name: "investigationOf",
      type: "enum",
      values: ["injury", "illness", "disease", "death"],
      required: true,
    },
    {
      name: "memberStatus",
      type: "enum",
      values: [
        "regular_or_ead",
        "ad_over_30_days",
        "ad_30_days_or_less",
        "inactive_duty_training",
        "short_tour_training",
      ],
      required: true,
    },
    {
      name: "inactiveDutyTraining",
      type: "text",
      maxLength: 500,
      required: true,
      requiredWhen: { field: "memberStatus", equals: ["inactive_duty_training"] },
    },
    { name: "investigationStartDate", type: "date", required: true, notFuture: true },
    {
      name: "investigationEndDate",
      type: "date",
      required: true,
      notFuture: true,
      notBefore: "investigationStartDate",
    },
    { name: "place", type: "text", maxLength: 500, required: true },
    { name: "howSustained", type: "text", maxLength: 4000, required: true },
    { name: "medicalDiagnosis", type: "text", maxLength: 1000, required: true },
    { name: "presentForDuty", type: "boolean", required: true },
    { name: "absentWithAuthority", type: "boolean" },
    { name: "absentWithoutAuthority", type: "boolean" },
    { name: "intentionalMisconduct", type: "boolean", required: true },
    { name: "mentallySound", type: "boolean", required: true },
    { name: "otherPersons", type: "otherPersons" },
    { name: "remarks", type: "text", maxLength: 4000 },
    { name: "recommendedFinding", type: "enum", values: RECOMMENDABLE_FINDINGS, required: true },
  ],
};

const legalReview: InvestigationSection = {
  name: "legalReview",
  writerRoleId: 5,
  statusCodeId: 22,
  fields: [
    { name: "legallySufficient", type: "boolean", required: true },
    { name: "concur", type: "boolean", required: true },
    {
      name: "explanation",
      type: "text",
      maxLength: 4000,
      required: true,
      requiredWhen: { field: "concur", equals: [false] },
    },
  ],
};

const appointingAuthorityReview: InvestigationSection = {
  name: "appointingAuthorityReview",
  writerRoleId: 6,
  statusCodeId: 23,
  fields: [
    { name: "concur", type: "boolean", required: true },
    {
      name: "explanation",
      type: "text",
      maxLength: 4000,
      required: true,
      requiredWhen: { field: "concur", equals: [false] },
    },
  ],
};

/** Every section, in the order the case reaches them. */
export const INVESTIGATION_SECTIONS: readonly InvestigationSection[] = [
  report,
  legalReview,
  appointingAuthorityReview,
];

/** The section written at a formal status code; undefined at the statuses after the reviews. */
export function sectionAtStatus(statusCodeId: number): InvestigationSection | undefined {
  return INVESTIGATION_SECTIONS.find((section) => section.statusCodeId === statusCodeId);
}

/** The investigation's content: each section's values by field JSON name (null: not answered). */
export type InvestigationContent = Readonly<
  Record<InvestigationSectionName, Readonly<Record<string, InvestigationValue>>>
>;

/** Content with every declared field present, unset ones null (or an empty list). */
export function completeContent(
  partial: Partial<Record<InvestigationSectionName, Readonly<Record<string, InvestigationValue>>>>,
): InvestigationContent {
  const content = {} as Record<InvestigationSectionName, Record<string, InvestigationValue>>;
  for (const section of INVESTIGATION_SECTIONS) {
    const given = partial[section.name] ?? {};
    content[section.name] = Object.fromEntries(
      section.fields.map((field) => [
        field.name,
        given[field.name] ?? (field.type === "otherPersons" ? [] : null),
      ]),
    );
  }
  return content;
}
