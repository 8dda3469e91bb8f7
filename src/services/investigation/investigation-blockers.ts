import type { Queryable } from "../../db/db.js";
import { sectionAtStatus } from "../../domain/investigation/investigation-sections.js";
import { missingInvestigationFields } from "../../domain/investigation/plan-investigation-edit.js";
import { failedPrecondition } from "../../errors.js";
import { loadInvestigationSignatures } from "./investigation-signatures.js";
import { loadContent } from "./investigation-store.js";

/** What keeps the holder of a formal review status from forwarding: its section's gaps, its signature broken. */
export interface InvestigationBlockers {
  /** `investigation.section.field` names, in declaration order. */
  missing: string[];
  /** The holder's signatures at the status when none of them still signs the section. */
  invalidSignatureIds: number[];
}

/**
 * What blocks the case's holder from forwarding at a formal review status (the IO's report, the formal wing
 * JA's and the appointing authority's reviews); nothing at any other status.
 */
export async function investigationBlockers(
  tx: Queryable,
  row: { id: number; status_code_id: number; work_status_id: number; holder_role_id: number | null },
): Promise<InvestigationBlockers> {
  const section = sectionAtStatus(row.status_code_id);
  if (!section || section.writerRoleId !== row.holder_role_id)
    return { missing: [], invalidSignatureIds: [] };
  const { content } = await loadContent(tx, row.id);
  const signatures = (await loadInvestigationSignatures(tx, row.id, content)).filter(
    (signature) => signature.roleId === section.writerRoleId && signature.workStatusId === row.work_status_id,
  );
  return {
    missing: missingInvestigationFields(content, section).map((name) => `investigation.${name}`),
    invalidSignatureIds: signatures.some((signature) => signature.valid)
      ? []
      : signatures.map(({ id }) => id),
  };
}

/** FAILED_PRECONDITION listing every missing field and invalid signature; nothing when there are none. */
export function assertNoInvestigationBlockers(blockers: InvestigationBlockers): void {
  const reasons: string[] = [];
  if (blockers.missing.length > 0) reasons.push(`required fields missing: ${blockers.missing.join(", ")}`);
  for (const id of blockers.invalidSignatureIds)
    reasons.push(`signature ${id} is invalid: the investigation changed after signing; sign again`);
  if (reasons.length > 0) throw failedPrecondition(`the case cannot be forwarded: ${reasons.join("; ")}`);
}
