import type { Queryable } from "../../db/db.js";
import type { MemoTemplateText } from "../../domain/print/memo-text.js";

/** A memo template as stored. */
export interface MemoTemplateRow extends MemoTemplateText {
  key: string;
  moduleId: number;
  findingCode: string | null;
  kind: "determination" | "appointment";
  updatedBy: string;
  updatedAt: Date;
}

const COLUMNS = `t.key, t.module_id, t.finding_code, t.kind, t.title, t.memorandum_for, t.sender, t.subject, t.body,
  t.signature_block, t.font_size, coalesce(u.username, '') AS updated_by, t.updated_at`;

interface Row {
  key: string;
  module_id: number;
  finding_code: string | null;
  kind: "determination" | "appointment";
  title: string;
  memorandum_for: string;
  sender: string;
  subject: string;
  body: string;
  signature_block: string;
  font_size: number;
  updated_by: string;
  updated_at: Date;
}

function templateOf(row: Row): MemoTemplateRow {
  return {
    key: row.key,
    moduleId: row.module_id,
    findingCode: row.finding_code,
    kind: row.kind,
    title: row.title,
    memorandumFor: row.memorandum_for,
    sender: row.sender,
    subject: row.subject,
    body: row.body,
    signatureBlock: row.signature_block,
    fontSize: row.font_size,
    updatedBy: row.updated_by,
    updatedAt: new Date(row.updated_at),
  };
}

/** Every template, by key. */
export async function listMemoTemplates(db: Queryable): Promise<MemoTemplateRow[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM memo_templates t LEFT JOIN users u ON u.id = t.updated_by ORDER BY t.key`,
  );
  return rows.map(templateOf);
}

/** One template by key (FOR UPDATE when `lock`), or undefined. */
export async function memoTemplate(
  db: Queryable,
  key: string,
  lock = false,
): Promise<MemoTemplateRow | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM memo_templates t LEFT JOIN users u ON u.id = t.updated_by WHERE t.key = $1
     ${lock ? "FOR UPDATE OF t" : ""}`,
    [key],
  );
  return rows[0] ? templateOf(rows[0]) : undefined;
}

/** The determination template answering a finding code (ILOD, NILOD-MISCONDUCT…), or undefined. */
export async function determinationTemplate(
  db: Queryable,
  findingCode: string,
): Promise<MemoTemplateRow | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM memo_templates t LEFT JOIN users u ON u.id = t.updated_by
     WHERE t.kind = 'determination' AND t.finding_code = $1`,
    [findingCode],
  );
  return rows[0] ? templateOf(rows[0]) : undefined;
}

/** The template's editable text, written back (the key and kind never change). */
export async function writeMemoTemplate(
  tx: Queryable,
  key: string,
  text: MemoTemplateText,
  userId: number,
): Promise<void> {
  await tx.query(
    `UPDATE memo_templates SET title = $2, memorandum_for = $3, sender = $4, subject = $5, body = $6,
       signature_block = $7, font_size = $8, updated_by = $9, updated_at = now() WHERE key = $1`,
    [
      key,
      text.title,
      text.memorandumFor,
      text.sender,
      text.subject,
      text.body,
      text.signatureBlock,
      text.fontSize,
      userId,
    ],
  );
}
