import type { Queryable } from "../../db/db.js";
import { contentSha256 } from "../../domain/form/content-hash.js";
import type { FormContent } from "../../domain/form/form-content.js";
import { formRoleOf, type SectionName } from "../../domain/form/form-roles.js";
import {
  type BoundSignature,
  coveredSections,
  signaturesInvalidatedBy,
  signatureValid,
} from "../../domain/form/signature-binding.js";
import { recordAudit } from "../audit.js";
import { loadForm } from "./form-store.js";

/** A signature on a case with what it covers and whether it still signs the form. */
export interface FormSignatureRow extends BoundSignature {
  signer: string;
  nameAndRank: string;
  roleName: string;
  workStatusId: number;
  signedAt: Date;
  invalidatedBy: string;
  covers: SectionName[];
  valid: boolean;
}

/** The signatures recorded on a case, oldest first, each judged against the form as it stands. */
export async function loadFormSignatures(
  db: Queryable,
  caseId: number,
  form: FormContent,
): Promise<FormSignatureRow[]> {
  const { rows } = await db.query<{
    id: number;
    role_id: number;
    role_name: string;
    signer: string;
    name_and_rank: string;
    work_status_id: number;
    signed_at: Date;
    content_sha256: string | null;
    sections: string[] | null;
    invalidated_at: Date | null;
    invalidated_by: string | null;
  }>(
    `SELECT s.id, s.role_id, r.name AS role_name, u.username AS signer, s.name_and_rank, s.work_status_id,
            s.signed_at, s.content_sha256, s.sections, s.invalidated_at, iu.username AS invalidated_by
     FROM signatures s JOIN users u ON u.id = s.user_id JOIN roles r ON r.id = s.role_id
     LEFT JOIN users iu ON iu.id = s.invalidated_by
     WHERE s.case_id = $1 ORDER BY s.signed_at, s.id`,
    [caseId],
  );
  return rows.map((row) => {
    const bound: BoundSignature = {
      id: row.id,
      roleId: row.role_id,
      sections: row.sections,
      contentSha256: row.content_sha256,
      invalidatedAt: row.invalidated_at ? new Date(row.invalidated_at) : null,
    };
    return {
      ...bound,
      signer: row.signer,
      nameAndRank: row.name_and_rank,
      roleName: row.role_name,
      workStatusId: row.work_status_id,
      signedAt: new Date(row.signed_at),
      invalidatedBy: row.invalidated_by ?? "",
      covers: coveredSections(bound),
      valid: signatureValid(bound, form),
    };
  });
}

/**
 * Marks invalid, inside the edit's transaction, exactly the signatures the change from `before` to `after`
 * breaks (signaturesInvalidatedBy), each audited as `signature_invalidated`; returns their ids.
 */
export async function invalidateSignatures(
  tx: Queryable,
  caseId: number,
  change: { before: FormContent; after: FormContent; sections: readonly SectionName[] },
  actor: { userId: number; username: string },
): Promise<number[]> {
  const signatures = await loadFormSignatures(tx, caseId, change.before);
  const broken = signaturesInvalidatedBy(signatures, change.sections, change.before, change.after);
  await markSignaturesInvalid(
    tx,
    caseId,
    broken.map((signature) => ({ ...signature, sections: coveredSections(signature) })),
    change.sections,
    actor,
  );
  return broken.map((signature) => signature.id);
}

/**
 * Marks signatures invalid inside an edit's transaction, each audited as `signature_invalidated` with the sections
 * it covers and those the edit changed: one way for the AF 348's signatures and the investigation's.
 */
export async function markSignaturesInvalid(
  tx: Queryable,
  caseId: number,
  broken: readonly { id: number; roleId: number; sections: readonly string[] }[],
  changedSections: readonly string[],
  actor: { userId: number; username: string },
): Promise<void> {
  for (const signature of broken) {
    await tx.query("UPDATE signatures SET invalidated_at = now(), invalidated_by = $2 WHERE id = $1", [
      signature.id,
      actor.userId,
    ]);
    await recordAudit(tx, {
      entityType: "case",
      entityId: caseId,
      action: "signature_invalidated",
      actor: actor.username,
      before: { signatureId: signature.id, roleId: signature.roleId, valid: true },
      after: {
        signatureId: signature.id,
        roleId: signature.roleId,
        valid: false,
        sections: signature.sections,
        changedSections,
      },
    });
  }
}

/**
 * The SHA-256 of the canonical content of the sections `roleId`'s signature covers (form-roles.ts), as the
 * case's form stands in `tx`, and those sections; empty sections and no hash for a role with no part in the form.
 */
export async function signedContentHash(
  tx: Queryable,
  caseId: number,
  roleId: number,
): Promise<{ sha256: string | null; sections: SectionName[] }> {
  const sections = [...(formRoleOf(roleId)?.signatureCovers ?? [])];
  if (sections.length === 0) return { sha256: null, sections };
  const { content } = await loadForm(tx, caseId);
  return { sha256: contentSha256(content, sections, formRoleOf(roleId)?.key), sections };
}

/** Binds a just-recorded signature to the content it signs: stores signedContentHash's hash and sections. */
export async function bindSignature(
  tx: Queryable,
  caseId: number,
  signatureId: number,
  roleId: number,
): Promise<void> {
  const { sha256, sections } = await signedContentHash(tx, caseId, roleId);
  if (sha256 === null) return;
  await tx.query(
    "UPDATE signatures SET content_sha256 = $3, sections = $4::text[] WHERE id = $1 AND case_id = $2",
    [signatureId, caseId, sha256, sections],
  );
}
