import type { Caller } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
import { deadlineExceeded, invalidArgument } from "../../errors.js";
import type { UploadDocumentRequest } from "../../gen/ect/v1/document_service_pb.js";
import { recordAudit } from "../audit.js";
import { loadCaseRow } from "../cases/case-queries.js";
import { resourceId } from "../validation.js";
import { assertMayAddCategory } from "./category-access.js";
import { documentName } from "./document-name.js";
import { storeDocument } from "./document-store.js";

/** The limits an upload is held to (config.documents). */
export interface UploadLimits {
  maxBytes: number;
  chunkBytes: number;
  allowedTypes: readonly string[];
  uploadTimeoutMs: number;
  uploadIdleMs: number;
}

/**
 * Stores an upload: the first message names the case, category and file and declares the type; the bytes of
 * every message stream into the database inside one transaction, which rolls back on any refusal, failure or
 * cancellation. The case's scope and the category's access are checked before any byte is stored. Returns the
 * new document's id and case. The transaction lasts as long as the client takes to send the file, so it is
 * bounded by the upload's own limits (ECT_DOCUMENT_UPLOAD_TIMEOUT_MS in all, ECT_DOCUMENT_UPLOAD_IDLE_MS
 * between pieces) instead of the unary timeout, which a large file on a slow link would outlast.
 */
export async function uploadDocument(
  db: Db,
  limits: UploadLimits,
  caller: Caller,
  requests: AsyncIterable<UploadDocumentRequest>,
  signal: AbortSignal,
): Promise<{ caseId: number; documentId: number }> {
  const messages = requests[Symbol.asyncIterator]();
  const next = () => nextWithin(messages, limits.uploadIdleMs);
  const first = await next();
  if (first.done) throw invalidArgument("parent", "required: the first message names the case");
  const head = first.value;
  const caseId = resourceId("parent", head.parent);
  const supersedes = head.supersedes ? documentName("supersedes", head.supersedes) : undefined;
  if (supersedes && supersedes.caseId !== caseId)
    throw invalidArgument("supersedes", `must be a document of ${head.parent}`);
  if (!head.category) throw invalidArgument("category", "required (e.g. medical_records)");
  if (!head.file?.contentType)
    throw invalidArgument("file.content_type", "required: the file's content type");
  const row = await loadCaseRow(db, caller, caseId);
  await assertMayAddCategory(db, caller, row, head.category);
  async function* content(): AsyncIterable<Uint8Array> {
    if (head.file?.data.length) yield head.file.data;
    for (let piece = await next(); !piece.done; piece = await next()) {
      if (piece.value.file?.data.length) yield piece.value.file.data;
    }
  }
  const stored = await db.transaction(
    async (tx) => {
      const document = await storeDocument(tx, {
        caseId,
        categoryCode: head.category,
        fileName: head.filename,
        contentType: head.file?.contentType ?? "",
        content: content(),
        uploadedBy: caller.userId,
        supersedes: supersedes?.documentId,
        chunkBytes: limits.chunkBytes,
        maxBytes: limits.maxBytes,
        allowedTypes: limits.allowedTypes,
        signal,
      });
      await recordAudit(tx, {
        entityType: "case",
        entityId: caseId,
        action: "document_added",
        actor: caller.username,
        after: {
          document: document.id,
          category: document.categoryCode,
          fileName: document.fileName,
          contentType: document.contentType,
          sizeBytes: document.sizeBytes,
          sha256: document.sha256,
          supersedes: document.supersedes,
        },
      });
      return document;
    },
    { timeoutMs: limits.uploadTimeoutMs },
  );
  return { caseId, documentId: stored.id };
}

/** The client's next message, or DEADLINE_EXCEEDED when it sends nothing for `idleMs`. */
async function nextWithin<T>(messages: AsyncIterator<T>, idleMs: number): Promise<IteratorResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(deadlineExceeded(`the upload sent nothing for ${idleMs} ms (ECT_DOCUMENT_UPLOAD_IDLE_MS)`)),
      idleMs,
    );
  });
  try {
    return await Promise.race([messages.next(), stalled]);
  } finally {
    clearTimeout(timer);
  }
}
