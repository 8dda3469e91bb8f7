import { create } from "@bufbuild/protobuf";
import { DocumentService, UploadDocumentRequestSchema } from "../../src/gen/ect/v1/document_service_pb.js";
import { grpcClient } from "./clients.js";

/** A small, valid PDF: what a medical record upload looks like to the server's content check. */
export const SMALL_PDF = new TextEncoder().encode(
  "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
    "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n" +
    "trailer << /Root 1 0 R >>\n%%EOF\n",
);

/**
 * Adds a medical record to the case over gRPC as `token`'s user (the medical technician or the medical
 * officer): the document the medical officer's forward requires (required_documents, migration 015).
 */
export async function addMedicalRecord(
  baseUrl: string,
  token: string | undefined,
  caseName: string,
): Promise<void> {
  const documents = grpcClient(baseUrl, DocumentService, token);
  async function* messages() {
    yield create(UploadDocumentRequestSchema, {
      parent: caseName,
      category: "medical_records",
      filename: "medical-record.pdf",
      file: { contentType: "application/pdf", data: SMALL_PDF },
    });
  }
  await documents.uploadDocument(messages());
}
