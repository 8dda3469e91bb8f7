import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { Db } from "../../db/db.js";
import { type MemoTemplateText, templateProblem } from "../../domain/print/memo-text.js";
import { invalidArgument, notFound } from "../../errors.js";
import {
  CaseMemoSchema,
  ListCaseMemosResponseSchema,
  ListMemoTemplatesResponseSchema,
  type MemoService,
  type MemoTemplate,
  MemoTemplateSchema,
} from "../../gen/ect/v1/memo_service_pb.js";
import { recordAudit } from "../audit.js";
import { callerOf } from "../call-caller.js";
import { loadCaseRow } from "../cases/case-queries.js";
import { resourceId } from "../validation.js";
import {
  listMemoTemplates,
  type MemoTemplateRow,
  memoTemplate,
  writeMemoTemplate,
} from "./memo-templates.js";

/** What the memo service needs. */
export interface MemoServiceDeps {
  db: Db;
}

/** The editable text fields: mask path (JSON and proto spelling) → the field and its longest value. */
const EDITABLE: Record<string, { field: keyof MemoTemplateText; max: number }> = {
  title: { field: "title", max: 200 },
  memorandumFor: { field: "memorandumFor", max: 300 },
  memorandum_for: { field: "memorandumFor", max: 300 },
  sender: { field: "sender", max: 300 },
  subject: { field: "subject", max: 300 },
  body: { field: "body", max: 20000 },
  signatureBlock: { field: "signatureBlock", max: 1000 },
  signature_block: { field: "signatureBlock", max: 1000 },
  fontSize: { field: "fontSize", max: 0 },
  font_size: { field: "fontSize", max: 0 },
};

function templateMessage(row: MemoTemplateRow): MemoTemplate {
  return create(MemoTemplateSchema, {
    name: `memoTemplates/${row.key}`,
    key: row.key,
    title: row.title,
    memorandumFor: row.memorandumFor,
    sender: row.sender,
    subject: row.subject,
    body: row.body,
    signatureBlock: row.signatureBlock,
    moduleId: row.moduleId,
    fontSize: row.fontSize,
    updatedBy: row.updatedBy,
    updateTime: timestampFromDate(row.updatedAt),
  });
}

/** The template key of "memoTemplates/{key}". */
function templateKey(field: string, name: string): string {
  const match = /^memoTemplates\/([a-z][a-z0-9_]{0,63})$/.exec(name);
  if (!match)
    throw invalidArgument(field, `must look like "memoTemplates/determination_ilod", got "${name}"`);
  return match[1];
}

/** The template's text with the masked fields replaced by the request's values, each checked. */
function editedText(
  current: MemoTemplateText,
  template: MemoTemplate,
  paths: readonly string[],
): MemoTemplateText {
  if (paths.length === 0) throw invalidArgument("update_mask", "name at least one field to change");
  const next: MemoTemplateText = { ...current };
  for (const path of paths) {
    const editable = EDITABLE[path];
    if (!editable)
      throw invalidArgument(
        "update_mask",
        `"${path}" is not editable (title, memorandum_for, sender, subject, body, signature_block, font_size)`,
      );
    const field = editable.field;
    if (field === "fontSize") {
      if (!Number.isInteger(template.fontSize) || template.fontSize < 8 || template.fontSize > 16)
        throw invalidArgument("template.font_size", "must be 8-16 points");
      next.fontSize = template.fontSize;
      continue;
    }
    const value = (template[field] as string).trim();
    const name = `template.${path}`;
    if (value.length === 0 && field !== "signatureBlock") throw invalidArgument(name, "required");
    if (value.length > editable.max) throw invalidArgument(name, `at most ${editable.max} characters`);
    const problem = templateProblem(value);
    if (problem) throw invalidArgument(name, problem);
    next[field] = value;
  }
  return next;
}

/** ect.v1.MemoService: memo templates, and the memos stored on a case. */
export function memoService(deps: MemoServiceDeps): ServiceImpl<typeof MemoService> {
  const { db } = deps;
  return {
    async listCaseMemos(request, context) {
      const caller = callerOf(context);
      const caseId = resourceId("parent", request.parent);
      await loadCaseRow(db, caller, caseId);
      const { rows } = await db.query<{
        document_id: number;
        category: string;
        template_key: string;
        title: string;
        file_name: string;
        size_bytes: string;
        sha256: string;
        created_by: string;
        uploaded_at: Date;
      }>(
        `SELECT m.document_id, dc.code AS category, m.template_key, m.title, d.file_name, d.size_bytes, d.sha256,
                u.username AS created_by, d.uploaded_at
         FROM case_memos m JOIN documents d ON d.id = m.document_id
         JOIN document_categories dc ON dc.id = d.category_id JOIN users u ON u.id = m.created_by
         WHERE m.case_id = $1 ORDER BY m.document_id`,
        [caseId],
      );
      return create(ListCaseMemosResponseSchema, {
        memos: rows.map((row) => {
          const name = `cases/${caseId}/documents/${row.document_id}`;
          return create(CaseMemoSchema, {
            name,
            category: row.category,
            template: `memoTemplates/${row.template_key}`,
            title: row.title,
            filename: row.file_name,
            sizeBytes: BigInt(row.size_bytes),
            sha256: row.sha256,
            createdBy: row.created_by,
            createTime: timestampFromDate(new Date(row.uploaded_at)),
            downloadUri: `/ect/v1/${name}:download`,
          });
        }),
      });
    },

    async listMemoTemplates() {
      return create(ListMemoTemplatesResponseSchema, {
        templates: (await listMemoTemplates(db)).map(templateMessage),
      });
    },

    async updateMemoTemplate(request, context) {
      const caller = callerOf(context);
      const template = request.template;
      if (!template) throw invalidArgument("template", "required");
      const key = templateKey("template.name", template.name);
      const updated = await db.transaction(async (tx) => {
        const current = await memoTemplate(tx, key, true);
        if (!current) throw notFound("memo template", template.name);
        const next = editedText(current, template, request.updateMask?.paths ?? []);
        await writeMemoTemplate(tx, key, next, caller.userId);
        const changed = (Object.keys(next) as (keyof MemoTemplateText)[]).filter(
          (field) => next[field] !== current[field],
        );
        await recordAudit(tx, {
          entityType: "memo_template",
          entityId: `memoTemplates/${key}`,
          action: "memo_template_update",
          actor: caller.username,
          before: Object.fromEntries(changed.map((field) => [field, current[field]])),
          after: Object.fromEntries(changed.map((field) => [field, next[field]])),
        });
        return (await memoTemplate(tx, key))!;
      });
      return templateMessage(updated);
    },
  };
}
