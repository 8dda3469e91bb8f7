import type { MessageInitShape } from "@bufbuild/protobuf";
import type { FieldValue, Witness } from "../../../src/domain/form/field-declarations.js";
import type { FindingRoleKey } from "../../../src/domain/form/form-roles.js";
import type {
  RecordFindingRequestSchema,
  UpdateFormRequestSchema,
} from "../../../src/gen/ect/v1/form_service_pb.js";
import { type OtherPersonDraft, otherPersonsOf } from "../investigation/other-persons.js";
import type { FixedSection, FormField } from "./form-fields.js";

/** A value being edited: a stored field value, or the report of investigation's list of other persons. */
export type DraftValue = FieldValue | readonly OtherPersonDraft[];

/** The values of one section being edited, by JSON name: null when not answered. */
export type Draft = Readonly<Record<string, DraftValue>>;

/** A value as the form compares and sends it: text trimmed, blank text and id 0 "not answered". */
export function answered(field: Pick<FormField, "kind">, value: unknown): DraftValue {
  if (field.kind === "persons") return otherPersonsOf(value);
  if (value === undefined || value === null) return field.kind === "witnesses" ? [] : null;
  if (field.kind === "witnesses")
    return (value as readonly Witness[]).map(({ name, contact, statement }) => ({
      name,
      contact,
      statement,
    }));
  if (typeof value === "string") return value.trim() === "" ? null : value.trim();
  if (field.kind === "reference" && value === 0) return null;
  return value as DraftValue;
}

/** A section's values from its message (MedicalSection, ReviewerFinding…) for the given fields. */
export function draftOf(message: object | undefined, fields: readonly FormField[]): Draft {
  const values = (message ?? {}) as Record<string, unknown>;
  return Object.fromEntries(fields.map((field) => [field.name, answered(field, values[field.name])]));
}

/** The names of the fields whose value differs between the saved section and the draft. */
export function changedFields(fields: readonly FormField[], saved: Draft, draft: Draft): string[] {
  return fields
    .filter((field) => !field.readOnly)
    .filter(
      (field) =>
        JSON.stringify(answered(field, saved[field.name])) !==
        JSON.stringify(answered(field, draft[field.name])),
    )
    .map((field) => field.name);
}

/**
 * UpdateForm for the changed fields of a fixed section: the mask names exactly them (`medical.treatmentDate`),
 * and a field cleared in the draft is named but left unset, which clears it.
 */
export function updateFormRequest(
  formName: string,
  section: FixedSection,
  fields: readonly FormField[],
  draft: Draft,
  changed: readonly string[],
): MessageInitShape<typeof UpdateFormRequestSchema> {
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    if (!changed.includes(field.name)) continue;
    const value = answered(field, draft[field.name]);
    if (value !== null) values[field.name] = value;
  }
  return {
    form: { name: formName, [section]: values },
    updateMask: { paths: changed.map((name) => `${section}.${name}`) },
  };
}

/** RecordFinding for the caller's role: the whole finding replaces the role's previous one. */
export function recordFindingRequest(
  caseName: string,
  role: FindingRoleKey,
  draft: Draft,
): MessageInitShape<typeof RecordFindingRequestSchema> {
  const concur = draft.concur;
  return {
    parent: caseName,
    finding: {
      role,
      finding: (draft.finding as string | null) ?? "",
      concur: typeof concur === "boolean" ? concur : undefined,
      byReasonOfId: (draft.byReasonOfId as number | null) ?? 0,
      explanation: ((draft.explanation as string | null) ?? "").trim(),
    },
  };
}

/** Whether a field must be filled now: the role must fill it, and its condition (if any) holds in the draft. */
export function requiredNow(field: FormField, requiredPaths: readonly string[], draft: Draft): boolean {
  if (!requiredPaths.includes(field.path)) return false;
  const condition = field.requiredWhen;
  return !condition || condition.equals.some((value) => value === draft[condition.field]);
}
