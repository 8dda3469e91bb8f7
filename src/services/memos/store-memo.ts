import type { Caller } from "../../auth/caller-context.js";
import type { Queryable } from "../../db/db.js";
import { type MemoValues, renderMemoText } from "../../domain/print/memo-text.js";
import { Module } from "../../gen/ect/v1/resources_pb.js";
import { recordAudit } from "../audit.js";
import type { CaseRow } from "../cases/case-row.js";
import { storeDocument } from "../documents/document-store.js";
import { determinationTemplate, type MemoTemplateRow, memoTemplate } from "./memo-templates.js";
import { appointmentMemoValues, caseMemoValues, memoDate } from "./memo-values.js";
import { renderMemo } from "./render-memo.js";

/**
 * Stored chunk size and limit for a memo: a memo is a page or two that the server renders itself, so it is
 * stored in the documents' default chunk size and never comes near the upload limit.
 */
const MEMO_CHUNK_BYTES = 256 * 1024;
const MEMO_MAX_BYTES = 25 * 1024 * 1024;

/** Who files a memo: the user whose move or appointment it records. */
export type MemoAuthor = Pick<Caller, "userId" | "username">;

/** The case facts that decide whether a move files a determination memo. */
export type DecidedCase = Pick<CaseRow, "id" | "module_id" | "is_final" | "is_cancel" | "finding_code">;

/**
 * Files the determination memo when a move completes an LOD case with the approving authority's determination
 * (ILOD, NILOD not due to misconduct, NILOD due to misconduct, EPTS): rendered from its template and stored as a
 * document of the case, category determination_memo, in the move's transaction, so the record shows exactly
 * what was sent. Does nothing for any other move. `at` is when the decision was made (now, but for the demo).
 */
export async function storeDecisionMemo(
  tx: Queryable,
  author: MemoAuthor,
  after: DecidedCase,
  at = new Date(),
): Promise<void> {
  if (after.module_id !== Module.LOD || !after.is_final || after.is_cancel || !after.finding_code) return;
  const template = await determinationTemplate(tx, after.finding_code);
  if (!template) return;
  await storeMemo(tx, author, after.id, template, await caseMemoValues(tx, after.id, author.userId), at);
}

/**
 * Files the investigating officer's appointment memo for the case's current appointment, in the appointment's
 * transaction (category appointment_memo). `at` is when the officer was appointed (now, but for the demo).
 */
export async function storeAppointmentMemo(
  tx: Queryable,
  author: MemoAuthor,
  caseId: number,
  at = new Date(),
): Promise<void> {
  const template = await memoTemplate(tx, "io_appointment");
  if (!template) return;
  const values = {
    ...(await caseMemoValues(tx, caseId, author.userId)),
    ...(await appointmentMemoValues(tx, caseId)),
  };
  await storeMemo(tx, author, caseId, template, values, at);
}

const CATEGORY = { determination: "determination_memo", appointment: "appointment_memo" } as const;

async function storeMemo(
  tx: Queryable,
  author: MemoAuthor,
  caseId: number,
  template: MemoTemplateRow,
  values: MemoValues,
  at: Date,
): Promise<void> {
  const text = renderMemoText(template, values, memoDate(at));
  const caseNumber = values.caseNumber ?? String(caseId);
  const pdf = await renderMemo(text, caseNumber);
  const stored = await storeDocument(tx, {
    caseId,
    categoryCode: CATEGORY[template.kind],
    fileName: `${CATEGORY[template.kind].replace("_", "-")}-${caseNumber}.pdf`,
    contentType: "application/pdf",
    content: pdf,
    uploadedBy: null,
    uploadedAt: at,
    chunkBytes: MEMO_CHUNK_BYTES,
    maxBytes: MEMO_MAX_BYTES,
  });
  await tx.query(
    "INSERT INTO case_memos (document_id, case_id, template_key, title, created_by) VALUES ($1, $2, $3, $4, $5)",
    [stored.id, caseId, template.key, text.title, author.userId],
  );
  await recordAudit(tx, {
    entityType: "case",
    entityId: caseId,
    action: "memo_filed",
    actor: author.username,
    at,
    after: {
      document: `cases/${caseId}/documents/${stored.id}`,
      template: template.key,
      sha256: stored.sha256,
    },
  });
}
