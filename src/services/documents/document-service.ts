import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { Caller } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
import { attachmentDisposition } from "../../domain/documents/content-disposition.js";
import { failedPrecondition, notFound, permissionDenied } from "../../errors.js";
import {
  DocumentCategorySchema,
  type DocumentService,
  ListDocumentCategoriesResponseSchema,
  ListDocumentsResponseSchema,
} from "../../gen/ect/v1/document_service_pb.js";
import { HttpBodySchema } from "../../gen/google/api/httpbody_pb.js";
import { recordAudit } from "../audit.js";
import { callerOf } from "../call-caller.js";
import { loadCaseRow } from "../cases/case-queries.js";
import { resourceId, text } from "../validation.js";
import { caseCategoryAccess } from "./category-access.js";
import { documentMessage } from "./document-message.js";
import { documentName } from "./document-name.js";
import { listCaseDocuments, loadCaseDocument } from "./document-queries.js";
import { readDocumentChunks } from "./document-store.js";
import { type UploadLimits, uploadDocument } from "./upload-document.js";

/** What the document service needs. */
export interface DocumentServiceDeps {
  db: Db;
  /** config.documents. */
  limits: UploadLimits;
}

/** Response header naming the file of a download; the REST transcoder sends it as the HTTP header. */
const CONTENT_DISPOSITION = "content-disposition";

/** ect.v1.DocumentService: a case's documents, streamed in and out, withdrawn but never deleted. */
export function documentService(deps: DocumentServiceDeps): ServiceImpl<typeof DocumentService> {
  const { db } = deps;
  return {
    async uploadDocument(requests, context) {
      const caller = callerOf(context);
      const { caseId, documentId } = await uploadDocument(db, deps.limits, caller, requests, context.signal);
      return documentMessage(await loadCaseDocument(db, caseId, documentId));
    },

    async *downloadDocument(request, context) {
      const caller = callerOf(context);
      const { caseId, documentId } = documentName("name", request.name);
      const document = await readableDocument(db, caller, caseId, documentId);
      await recordAudit(db, {
        entityType: "case",
        entityId: caseId,
        action: "document_read",
        actor: caller.username,
        after: { document: documentId, category: document.category, fileName: document.file_name },
      });
      setDisposition(context, document.file_name);
      let first = true;
      for await (const data of readDocumentChunks(db, documentId, context.signal)) {
        yield create(HttpBodySchema, { contentType: first ? document.content_type : "", data });
        first = false;
      }
      if (first) yield create(HttpBodySchema, { contentType: document.content_type });
    },

    async listDocuments(request, context) {
      const caller = callerOf(context);
      const caseId = resourceId("parent", request.parent);
      if (request.showWithdrawn && !caller.permissions.has("auditView"))
        throw permissionDenied(
          `show_withdrawn needs the "auditView" permission, which ${caller.roleName} lacks`,
        );
      await loadCaseRow(db, caller, caseId);
      const rows = await listCaseDocuments(db, caseId, request.showWithdrawn);
      return create(ListDocumentsResponseSchema, { documents: rows.map(documentMessage) });
    },

    async withdrawDocument(request, context) {
      const caller = callerOf(context);
      const { caseId, documentId } = documentName("name", request.name);
      const reason = text("reason", request.reason, { min: 1, max: 1000 });
      await db.transaction(async (tx) => {
        await loadCaseRow(tx, caller, caseId);
        const before = await loadCaseDocument(tx, caseId, documentId);
        const { rowCount } = await tx.query(
          `UPDATE documents SET withdrawn_at = now(), withdrawn_by = $2, withdraw_reason = $3
           WHERE id = $1 AND withdrawn_at IS NULL`,
          [documentId, caller.userId, reason],
        );
        if (rowCount === 0) throw failedPrecondition(`document ${request.name} is already withdrawn`);
        await recordAudit(tx, {
          entityType: "case",
          entityId: caseId,
          action: "document_withdrawn",
          actor: caller.username,
          before: { document: documentId, category: before.category, fileName: before.file_name },
          after: { document: documentId, withdrawn: true, reason },
        });
      });
      return documentMessage(await loadCaseDocument(db, caseId, documentId));
    },

    async listDocumentCategories(request, context) {
      const caller = callerOf(context);
      const row = await loadCaseRow(db, caller, resourceId("parent", request.parent));
      const categories = await caseCategoryAccess(db, caller, row);
      return create(ListDocumentCategoriesResponseSchema, {
        categories: categories.map((c) =>
          create(DocumentCategorySchema, {
            code: c.code,
            name: c.name,
            systemOnly: c.systemOnly,
            mayAdd: c.mayAdd,
          }),
        ),
      });
    },
  };
}

/**
 * A document the caller may read: its case in their scope (NOT_FOUND otherwise, as for GetCase); a withdrawn one
 * only for an auditor, who may list it (NOT_FOUND for anyone else, who cannot see it exists).
 */
async function readableDocument(db: Db, caller: Caller, caseId: number, documentId: number) {
  await loadCaseRow(db, caller, caseId);
  const document = await loadCaseDocument(db, caseId, documentId);
  if (document.withdrawn_at && !caller.permissions.has("auditView"))
    throw notFound("document", `cases/${caseId}/documents/${documentId}`);
  return document;
}

function setDisposition(context: HandlerContext, fileName: string): void {
  context.responseHeader.set(CONTENT_DISPOSITION, attachmentDisposition(fileName));
}
