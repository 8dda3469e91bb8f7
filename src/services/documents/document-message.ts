import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type Document, DocumentSchema } from "../../gen/ect/v1/document_service_pb.js";
import type { DocumentRow } from "./document-queries.js";

/** The resource name of a document. */
export function documentResourceName(caseId: number, documentId: number): string {
  return `cases/${caseId}/documents/${documentId}`;
}

/** A document row as the API's Document. */
export function documentMessage(row: DocumentRow): Document {
  const name = (id: number | null) => (id === null ? "" : documentResourceName(row.case_id, id));
  return create(DocumentSchema, {
    name: name(row.id),
    id: row.id,
    category: row.category,
    categoryName: row.category_name,
    filename: row.file_name,
    contentType: row.content_type,
    sizeBytes: BigInt(row.size_bytes),
    sha256: row.sha256,
    uploadedBy: row.uploaded_by ?? "system",
    uploadTime: timestampFromDate(new Date(row.uploaded_at)),
    supersedes: name(row.supersedes),
    supersededBy: name(row.superseded_by),
    withdrawTime: row.withdrawn_at ? timestampFromDate(new Date(row.withdrawn_at)) : undefined,
    withdrawnBy: row.withdrawn_by ?? "",
    withdrawReason: row.withdraw_reason ?? "",
  });
}
