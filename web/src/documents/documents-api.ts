import { createClient } from "@connectrpc/connect";
import { DocumentService } from "../../../src/gen/ect/v1/document_service_pb.js";
import { MemoService } from "../../../src/gen/ect/v1/memo_service_pb.js";
import { PrintService } from "../../../src/gen/ect/v1/print_service_pb.js";
import { transport } from "../api.js";
import { loadSession } from "../session.js";

/** The document, memo and print clients, on the app's one transport. */
export const documentsApi = {
  documents: createClient(DocumentService, transport),
  memos: createClient(MemoService, transport),
  print: createClient(PrintService, transport),
};

/** A document's metadata as the REST upload answers it (JSON names). */
export interface UploadedDocument {
  name: string;
  filename: string;
  category: string;
}

/**
 * Uploads a file over REST with the file itself as the body (POST /ect/v1/cases/{id}/documents), reporting
 * progress from the XMLHttpRequest upload events (fetch cannot report upload progress). Rejects with the
 * server's message on a refusal.
 */
export function uploadDocument(
  caseName: string,
  category: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<UploadedDocument> {
  return new Promise((resolve, reject) => {
    const query = new URLSearchParams({ category, filename: file.name });
    const request = new XMLHttpRequest();
    request.open("POST", `/ect/v1/${caseName}/documents?${query}`);
    const token = loadSession()?.token;
    if (token) request.setRequestHeader("authorization", `Bearer ${token}`);
    // The declared type is the browser's guess from the name; the server checks it against the bytes.
    request.setRequestHeader("content-type", file.type || "application/octet-stream");
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      let body: { message?: string } & Partial<UploadedDocument> = {};
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // A body that is not JSON: the status line says enough.
      }
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve(body as UploadedDocument);
      } else reject(new Error(body.message || `upload failed (HTTP ${request.status})`));
    };
    request.onerror = () => reject(new Error("upload failed: the server could not be reached"));
    request.send(file);
  });
}

/** Collects a streamed file (HttpBody chunks) into a Blob of the type its first chunk names. */
export async function streamedBlob(
  chunks: AsyncIterable<{ contentType: string; data: Uint8Array }>,
  fallbackType: string,
): Promise<Blob> {
  const parts: BlobPart[] = [];
  let type = fallbackType;
  for await (const chunk of chunks) {
    if (chunk.contentType) type = chunk.contentType;
    parts.push(new Uint8Array(chunk.data));
  }
  return new Blob(parts, { type });
}
