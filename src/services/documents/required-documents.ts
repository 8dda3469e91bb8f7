import type { Queryable } from "../../db/db.js";
import { failedPrecondition } from "../../errors.js";

/** The categories an option requires that the case has no current (not withdrawn) document of, by name. */
export async function missingRequiredDocuments(
  db: Queryable,
  caseId: number,
  optionId: number,
): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT dc.name FROM required_documents r
     JOIN document_categories dc ON dc.id = r.category_id
     WHERE r.option_id = $2
       AND NOT EXISTS (SELECT 1 FROM documents d
                       WHERE d.case_id = $1 AND d.category_id = r.category_id AND d.withdrawn_at IS NULL)
     ORDER BY dc.sort_order, dc.id`,
    [caseId, optionId],
  );
  return rows.map((row) => row.name);
}

/**
 * Refuses a move whose option requires a document category the case lacks (required_documents):
 * FAILED_PRECONDITION naming every missing category.
 */
export async function assertRequiredDocuments(
  tx: Queryable,
  caseId: number,
  optionId: number,
): Promise<void> {
  const missing = await missingRequiredDocuments(tx, caseId, optionId);
  if (missing.length > 0)
    throw failedPrecondition(`a document is required before this step: ${missing.join(", ")}`);
}
