import { createHash } from "node:crypto";
import type { Queryable } from "../db/db.js";
import { ws } from "./reference-data.js";

/** The demo medical record: a one-page PDF with no content, the same bytes on every case. */
const DEMO_MEDICAL_RECORD = Buffer.from(
  "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
    "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n" +
    "trailer << /Root 1 0 R >>\n%%EOF\n",
);

/**
 * Gives every demo LOD case that left Medical Officer Review a medical record, uploaded by the case's creator
 * when the review ended: the document the medical officer's forward requires (required_documents), so the
 * demo data looks as the workflow would have left it. Two set-based statements, whatever the demo size.
 */
export async function seedDemoDocuments(tx: Queryable): Promise<void> {
  const sha256 = createHash("sha256").update(DEMO_MEDICAL_RECORD).digest("hex");
  await tx.query(
    `INSERT INTO documents (case_id, category_id, file_name, content_type, size_bytes, sha256, uploaded_by,
                            uploaded_at)
     SELECT c.id, dc.id, 'medical-record.pdf', 'application/pdf', $2, $3, c.created_by, reviewed.at
     FROM cases c
     JOIN document_categories dc ON dc.workflow_id = c.workflow_id AND dc.code = 'medical_records'
     CROSS JOIN LATERAL (SELECT min(t.end_time) AS at FROM tracking t
                         WHERE t.case_id = c.id AND t.work_status_id = $1 AND t.end_time IS NOT NULL) reviewed
     WHERE reviewed.at IS NOT NULL
     ORDER BY c.id`,
    [ws(11), DEMO_MEDICAL_RECORD.length, sha256],
  );
  await tx.query(
    `INSERT INTO document_chunks (document_id, seq, bytes)
     SELECT d.id, 0, $1 FROM documents d WHERE d.sha256 = $2
       AND NOT EXISTS (SELECT 1 FROM document_chunks k WHERE k.document_id = d.id)`,
    [DEMO_MEDICAL_RECORD, sha256],
  );
}
