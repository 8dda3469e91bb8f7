import type { Queryable } from "../../db/db.js";
import { investigationSha256 } from "../../domain/investigation/investigation-hash.js";
import {
  INVESTIGATION_SECTIONS,
  type InvestigationContent,
  type InvestigationSectionName,
  sectionAtStatus,
} from "../../domain/investigation/investigation-sections.js";
import { markSignaturesInvalid } from "../form/form-signatures.js";
import { loadContent } from "./investigation-store.js";

/** A signature bound to investigation sections, judged against the content as it stands. */
export interface InvestigationSignature {
  id: number;
  roleId: number;
  workStatusId: number;
  sections: InvestigationSectionName[];
  contentSha256: string;
  invalidatedAt: Date | null;
  valid: boolean;
  signer: string;
  nameAndRank: string;
  roleName: string;
  signedAt: Date;
  invalidatedBy: string;
}

/** The investigation section a role's signature at a work status covers (its writer there), if any. */
function coveredAt(roleId: number, workStatusId: number): InvestigationSectionName | undefined {
  const section = sectionAtStatus(workStatusId - 100);
  return section?.writerRoleId === roleId ? section.name : undefined;
}

/**
 * Binds a just-recorded signature to the investigation section its role writes at that status, like an AF 348
 * signature: the SHA-256 of the section as it stands. Nothing for signatures at other statuses.
 */
export async function bindInvestigationSignature(
  tx: Queryable,
  caseId: number,
  signatureId: number,
  roleId: number,
  workStatusId: number,
): Promise<void> {
  const section = coveredAt(roleId, workStatusId);
  if (!section) return;
  const { content } = await loadContent(tx, caseId);
  await tx.query(
    `INSERT INTO investigation_signatures (signature_id, case_id, sections, content_sha256)
     VALUES ($1, $2, $3::text[], $4)`,
    [signatureId, caseId, [section], investigationSha256(content, [section])],
  );
}

/** The case's investigation signatures, each judged against `content`. */
export async function loadInvestigationSignatures(
  db: Queryable,
  caseId: number,
  content: InvestigationContent,
): Promise<InvestigationSignature[]> {
  const { rows } = await db.query<{
    id: number;
    role_id: number;
    work_status_id: number;
    sections: string[];
    content_sha256: string;
    invalidated_at: Date | null;
    signer: string;
    name_and_rank: string;
    role_name: string;
    signed_at: Date;
    invalidated_by: string | null;
  }>(
    `SELECT s.id, s.role_id, s.work_status_id, b.sections, b.content_sha256, s.invalidated_at,
            u.username AS signer, s.name_and_rank, r.name AS role_name, s.signed_at, iu.username AS invalidated_by
     FROM investigation_signatures b JOIN signatures s ON s.id = b.signature_id
     JOIN users u ON u.id = s.user_id JOIN roles r ON r.id = s.role_id LEFT JOIN users iu ON iu.id = s.invalidated_by
     WHERE b.case_id = $1 ORDER BY s.signed_at, s.id`,
    [caseId],
  );
  const known = new Set<string>(INVESTIGATION_SECTIONS.map((section) => section.name));
  return rows.map((row) => {
    const sections = row.sections.filter((name): name is InvestigationSectionName => known.has(name));
    const invalidatedAt = row.invalidated_at ? new Date(row.invalidated_at) : null;
    return {
      id: row.id,
      roleId: row.role_id,
      workStatusId: row.work_status_id,
      sections,
      contentSha256: row.content_sha256,
      invalidatedAt,
      valid: invalidatedAt === null && investigationSha256(content, sections) === row.content_sha256,
      signer: row.signer,
      nameAndRank: row.name_and_rank,
      roleName: row.role_name,
      signedAt: new Date(row.signed_at),
      invalidatedBy: row.invalidated_by ?? "",
    };
  });
}

/**
 * Marks invalid, in the edit's transaction, the signatures that a change from `before` to `after` breaks
 * (valid before, covering a changed section, hashing differently after), each audited as
 * `signature_invalidated`; returns their ids.
 */
export async function invalidateInvestigationSignatures(
  tx: Queryable,
  caseId: number,
  change: {
    before: InvestigationContent;
    after: InvestigationContent;
    sections: readonly InvestigationSectionName[];
  },
  actor: { userId: number; username: string },
): Promise<number[]> {
  const signatures = await loadInvestigationSignatures(tx, caseId, change.before);
  const broken = signatures.filter(
    (signature) =>
      signature.valid &&
      signature.sections.some((section) => change.sections.includes(section)) &&
      investigationSha256(change.after, signature.sections) !== signature.contentSha256,
  );
  await markSignaturesInvalid(
    tx,
    caseId,
    broken.map((signature) => ({
      ...signature,
      sections: signature.sections.map((name) => `investigation.${name}`),
    })),
    change.sections.map((name) => `investigation.${name}`),
    actor,
  );
  return broken.map((signature) => signature.id);
}
