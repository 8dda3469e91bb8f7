import type { DescMessage } from "@bufbuild/protobuf";
import { SECTIONS } from "../../../src/domain/form/af348-sections.js";
import type { FieldCondition, FieldDeclaration } from "../../../src/domain/form/field-declarations.js";
import type { FindingRoleKey, FormRoleKey, SectionName } from "../../../src/domain/form/form-roles.js";
import {
  MedicalSectionSchema,
  MemberSectionSchema,
  ReviewerFindingSchema,
  UnitSectionSchema,
} from "../../../src/gen/ect/v1/form_service_pb.js";
import { FIELD_LABELS, spelledOut, valueLabel } from "./field-labels.js";

/**
 * How a field is entered: its declared type, with long text (a textarea) told apart from short, and the
 * report of investigation's list of other persons involved.
 */
export type FieldKind = FieldDeclaration["type"] | "longText" | "persons";

/** Who writes a field: a role on the AF 348, or the investigating officer appointed to the case. */
export type WriterKey = FormRoleKey | "investigatingOfficer";

/** One choice of a list field. */
export interface Choice {
  value: string;
  label: string;
}

/** One field of the AF 348 (or of a formal investigation) as the web form renders it. */
export interface FormField {
  /** "medical", "findings.wingJa", "report"… */
  section: string;
  /** The JSON name, as in the message and the update mask. */
  name: string;
  /** `section.field`: the update mask path and the name the server's errors use. */
  path: string;
  label: string;
  kind: FieldKind;
  /** enum: the values the role may pick, in words. */
  choices?: readonly Choice[];
  /** reference: the seeded list its id comes from. */
  reference?: FieldDeclaration["reference"];
  maxLength?: number;
  /** Recorded data nobody edits (the member snapshot). */
  readOnly: boolean;
  /** The roles that write the field (while their section is editable for them). */
  writers: readonly WriterKey[];
  /** Required only while another field holds one of some values. */
  requiredWhen?: FieldCondition;
}

/** The message of each fixed section. */
const SECTION_SCHEMAS = {
  member: MemberSectionSchema,
  medical: MedicalSectionSchema,
  unit: UnitSectionSchema,
} as const satisfies Record<string, DescMessage>;

/** The fixed sections, each with its own message. */
export type FixedSection = keyof typeof SECTION_SCHEMAS;

/** Text longer than this is written in a multi-line box. */
const LONG_TEXT = 500;

/**
 * The fields of a section in the order its message declares them, each typed by its declaration in
 * src/domain/form. Message fields without a declaration (output-only companions such as unitId, snapshotTime
 * and the proximate cause in words) are left to the section's tab.
 */
function fieldsOf(section: SectionName, schema: DescMessage, labelKey: string): FormField[] {
  const declared = SECTIONS[section].fields;
  return schema.fields.flatMap((field): FormField[] => {
    const declaration = declared.find((candidate) => candidate.name === field.jsonName);
    if (!declaration) return [];
    const { name, type, values, maxLength } = declaration;
    return [
      {
        section,
        name,
        path: `${section}.${name}`,
        label: FIELD_LABELS[`${labelKey}.${name}`] ?? spelledOut(name),
        kind: type === "text" && (maxLength ?? 0) > LONG_TEXT ? "longText" : type,
        choices: values?.map((value) => ({ value, label: valueLabel(value) })),
        reference: declaration.reference,
        maxLength,
        readOnly: declaration.writers.length === 0,
        writers: declaration.writers,
        requiredWhen: declaration.requiredWhen,
      },
    ];
  });
}

/** The fields of a fixed section (member, medical, unit). */
export function sectionFields(section: FixedSection): FormField[] {
  return fieldsOf(section, SECTION_SCHEMAS[section], section);
}

/** The fields of one reviewer's finding: the findings that role may pick, concur, by reason of, explanation. */
export function findingFields(role: FindingRoleKey): FormField[] {
  return fieldsOf(`findings.${role}`, ReviewerFindingSchema, "finding");
}
