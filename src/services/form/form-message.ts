import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { SECTIONS } from "../../domain/form/af348-sections.js";
import type { FieldDeclaration, FieldValue } from "../../domain/form/field-declarations.js";
import {
  FINDING_ROLE_KEYS,
  type FindingRoleKey,
  formRole,
  SECTION_NAMES,
  type SectionName,
} from "../../domain/form/form-roles.js";
import { missingRequired } from "../../domain/form/missing-required.js";
import { type FormEditor, maySectionEdit } from "../../domain/form/plan-form-edit.js";
import {
  type Form,
  FormSchema,
  FormSectionStateSchema,
  FormSignatureSchema,
  MedicalSectionSchema,
  MemberSectionSchema,
  type ReviewerFinding,
  ReviewerFindingSchema,
  UnitSectionSchema,
} from "../../gen/ect/v1/form_service_pb.js";
import type { FormSignatureRow } from "./form-signatures.js";
import type { StoredForm } from "./form-store.js";

/** The message of each fixed section; its fields carry the declared JSON names (checked in form-message.test.ts). */
export const SECTION_MESSAGES = {
  member: MemberSectionSchema,
  medical: MedicalSectionSchema,
  unit: UnitSectionSchema,
} as const satisfies Record<string, DescMessage>;

/** What the caller may see and do, as GetForm reports it. */
export interface FormView {
  caseId: number;
  version: number;
  stored: StoredForm;
  signatures: readonly FormSignatureRow[];
  editor: FormEditor;
  /** Another user's edit lock is in force: nothing is editable for the caller. */
  lockedByOther: boolean;
  /** Seeded page access of the caller's role at the case's status: page id → 0 none, 1 read, 2 write. */
  pageAccess: ReadonlyMap<number, number>;
  /** Role names by id. */
  roleNames: ReadonlyMap<number, string>;
}

/** The value a message field takes for a stored value: unset when not answered. */
function messageValue(field: FieldDeclaration, value: FieldValue): unknown {
  if (field.type === "witnesses") return value ?? [];
  return value === null ? undefined : value;
}

/** A fixed section's content as init fields of its message (empty when the caller may not read it). */
function sectionInit(view: FormView, section: "member" | "medical" | "unit"): Record<string, unknown> {
  if (!readable(view, section)) return {};
  const content = view.stored.content[section];
  const init: Record<string, unknown> = {};
  for (const field of SECTIONS[section].fields) {
    const value = messageValue(field, content[field.name] ?? null);
    if (value !== undefined) init[field.name] = value;
  }
  if (section === "member") {
    init.unitId = view.stored.details.unitId;
    if (view.stored.details.snapshotTime)
      init.snapshotTime = timestampFromDate(view.stored.details.snapshotTime);
  }
  if (section === "unit") init.proximateCause = view.stored.details.proximateCause;
  return init;
}

function readable(view: FormView, section: SectionName): boolean {
  return (view.pageAccess.get(SECTIONS[section].pageId) ?? 0) >= 1;
}

/** One reviewer's finding as the API shows it (content only when the caller may read it). */
export function reviewerFinding(view: FormView, role: FindingRoleKey): ReviewerFinding {
  const roleId = formRole(role).roleId;
  const base = { role, roleId, roleName: view.roleNames.get(roleId) ?? "" };
  const section = `findings.${role}` as const;
  const recorded = view.stored.details.findings[role];
  if (!readable(view, section) || !recorded) return create(ReviewerFindingSchema, base);
  const content = view.stored.content[section];
  return create(ReviewerFindingSchema, {
    ...base,
    finding: (content.finding as string | null) ?? "",
    findingDescription: recorded.findingDescription,
    concur: (content.concur as boolean | null) ?? undefined,
    byReasonOfId: (content.byReasonOfId as number | null) ?? 0,
    byReasonOf: recorded.byReasonOf,
    explanation: (content.explanation as string | null) ?? "",
    updatedBy: recorded.updatedBy,
    updateTime: timestampFromDate(recorded.updatedAt),
  });
}

/** The whole form as GetForm returns it: content, per-section access, required fields and signatures. */
export function formMessage(view: FormView): Form {
  const role = view.editor.role;
  const missing = role ? missingRequired(view.stored.content, role.key) : [];
  const sections = SECTION_NAMES.map((section) => {
    const required = role
      ? SECTIONS[section].fields
          .filter((field) => field.requiredOf?.includes(role.key))
          .map((field) => `${section}.${field.name}`)
      : [];
    return create(FormSectionStateSchema, {
      section,
      readable: readable(view, section),
      editable: readable(view, section) && !view.lockedByOther && maySectionEdit(section, view.editor),
      requiredFields: required,
      missingFields: missing.filter((name) => required.includes(name)),
      signatures: view.signatures
        .filter((signature) => signature.covers.includes(section))
        .map((signature) =>
          create(FormSignatureSchema, {
            id: signature.id,
            signer: signature.signer,
            nameAndRank: signature.nameAndRank,
            roleId: signature.roleId,
            roleName: signature.roleName,
            signTime: timestampFromDate(signature.signedAt),
            sections: signature.covers,
            valid: signature.valid,
            invalidateTime: signature.invalidatedAt ? timestampFromDate(signature.invalidatedAt) : undefined,
            invalidatedBy: signature.invalidatedBy,
          }),
        ),
    });
  });
  return create(FormSchema, {
    name: `cases/${view.caseId}/form`,
    version: view.version,
    member: sectionInit(view, "member") as MessageInitShape<typeof MemberSectionSchema>,
    medical: sectionInit(view, "medical") as MessageInitShape<typeof MedicalSectionSchema>,
    unit: sectionInit(view, "unit") as MessageInitShape<typeof UnitSectionSchema>,
    findings: FINDING_ROLE_KEYS.map((key) => reviewerFinding(view, key)),
    sections,
  });
}
