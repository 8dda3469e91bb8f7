import type { Queryable } from "../../db/db.js";
import { notFound } from "../../errors.js";

/** A document with its category and people, as the API shows it. */
export interface DocumentRow {
  id: number;
  case_id: number;
  category: string;
  category_name: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_by: string | null;
  uploaded_at: Date;
  supersedes: number | null;
  superseded_by: number | null;
  withdrawn_at: Date | null;
  withdrawn_by: string | null;
  withdraw_reason: string | null;
}

const DOCUMENT_SELECT = `
  SELECT d.id, d.case_id, dc.code AS category, dc.name AS category_name, d.file_name, d.content_type,
         d.size_bytes::float8 AS size_bytes, d.sha256, u.username AS uploaded_by, d.uploaded_at, d.supersedes,
         (SELECT n.id FROM documents n WHERE n.supersedes = d.id) AS superseded_by,
         d.withdrawn_at, w.username AS withdrawn_by, d.withdraw_reason
  FROM documents d
  JOIN document_categories dc ON dc.id = d.category_id
  LEFT JOIN users u ON u.id = d.uploaded_by
  LEFT JOIN users w ON w.id = d.withdrawn_by`;

/** The documents of a case, oldest first; withdrawn ones only when asked. */
export async function listCaseDocuments(
  db: Queryable,
  caseId: number,
  withWithdrawn: boolean,
): Promise<DocumentRow[]> {
  const { rows } = await db.query<DocumentRow>(
    `${DOCUMENT_SELECT} WHERE d.case_id = $1 AND ($2 OR d.withdrawn_at IS NULL) ORDER BY d.id`,
    [caseId, withWithdrawn],
  );
  return rows;
}

/** One document of a case; NOT_FOUND if the case has no such document. */
export async function loadCaseDocument(
  db: Queryable,
  caseId: number,
  documentId: number,
): Promise<DocumentRow> {
  const { rows } = await db.query<DocumentRow>(`${DOCUMENT_SELECT} WHERE d.case_id = $1 AND d.id = $2`, [
    caseId,
    documentId,
  ]);
  if (rows.length === 0) throw notFound("document", `cases/${caseId}/documents/${documentId}`);
  return rows[0];
}
