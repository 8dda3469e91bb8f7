import type { Queryable } from "../../db/db.js";
import { formRoleOf, type SectionName } from "../../domain/form/form-roles.js";
import { missingRequired } from "../../domain/form/missing-required.js";
import { failedPrecondition } from "../../errors.js";
import { Module } from "../../gen/ect/v1/resources_pb.js";
import { loadFormSignatures } from "./form-signatures.js";
import { loadForm } from "./form-store.js";

/** What keeps a role from forwarding a case: its required fields not filled, its signature no longer valid. */
export interface FormBlockers {
  /** `section.field` JSON names (`medical.treatmentDate`, `findings.wingJa.concur`), in form order. */
  missing: string[];
  /** The role's signatures at the case's current status when none of them still signs the form. */
  invalidSignatures: { id: number; roleId: number; workStatusId: number; sections: SectionName[] }[];
}

/**
 * What blocks `roleId` from forwarding the case now (read in `tx`, the case row already loaded in scope).
 * Nothing for a reinvestigation request (it has no AF 348) or a role with no part in the form.
 */
export async function formBlockers(tx: Queryable, caseId: number, roleId: number): Promise<FormBlockers> {
  const role = formRoleOf(roleId);
  const found = await tx.query<{ module_id: number; work_status_id: number }>(
    "SELECT module_id, work_status_id FROM cases WHERE id = $1",
    [caseId],
  );
  const target = found.rows[0];
  if (!role || !target || target.module_id !== Module.LOD) return { missing: [], invalidSignatures: [] };
  const { content } = await loadForm(tx, caseId);
  const signatures = (await loadFormSignatures(tx, caseId, content)).filter(
    (signature) => signature.roleId === roleId && signature.workStatusId === target.work_status_id,
  );
  const invalid = signatures.some((signature) => signature.valid) ? [] : signatures;
  return {
    missing: missingRequired(content, role.key),
    invalidSignatures: invalid.map((signature) => ({
      id: signature.id,
      roleId: signature.roleId,
      workStatusId: signature.workStatusId,
      sections: signature.covers,
    })),
  };
}

/** FAILED_PRECONDITION listing every missing field and every invalid signature; nothing when there are none. */
export function assertNoFormBlockers(blockers: FormBlockers): void {
  const reasons: string[] = [];
  if (blockers.missing.length > 0) reasons.push(`required fields missing: ${blockers.missing.join(", ")}`);
  for (const signature of blockers.invalidSignatures) {
    reasons.push(
      `signature ${signature.id} is invalid: ${signature.sections.join(", ")} changed after signing; sign again`,
    );
  }
  if (reasons.length > 0) throw failedPrecondition(`the case cannot be forwarded: ${reasons.join("; ")}`);
}
