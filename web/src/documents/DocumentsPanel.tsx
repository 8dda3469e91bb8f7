import { useState } from "react";
import type { Document, DocumentCategory } from "../../../src/gen/ect/v1/document_service_pb.js";
import { errorText } from "../call-errors.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { saveBlob } from "../download.js";
import { formatTime } from "../format.js";
import { useAbortable } from "../hooks/useAbortable.js";
import { documentsApi, streamedBlob } from "./documents-api.js";
import { formatBytes } from "./format-bytes.js";
import { UploadDocument } from "./UploadDocument.js";
import { WithdrawDocument } from "./WithdrawDocument.js";

/**
 * The case's Documents tab: its documents (size, type, who, when) with download and withdraw, and the upload
 * limited to the categories the caller may add now. Test ids: documents-table, document-row, document-download.
 */
export function DocumentsPanel({ caseName, mayWithdraw }: { caseName: string; mayWithdraw: boolean }) {
  const [documents, setDocuments] = useState<Document[]>();
  const [categories, setCategories] = useState<DocumentCategory[]>([]);
  const [actionError, setActionError] = useState("");
  const { error, reload } = useAbortable(
    async (signal) => {
      const [list, open] = await Promise.all([
        documentsApi.documents.listDocuments({ parent: caseName }, { signal }),
        documentsApi.documents.listDocumentCategories({ parent: caseName }, { signal }),
      ]);
      setDocuments(list.documents);
      setCategories(open.categories);
    },
    [caseName],
  );

  async function download(document: Document) {
    setActionError("");
    try {
      const blob = await streamedBlob(
        documentsApi.documents.downloadDocument({ name: document.name }),
        document.contentType,
      );
      saveBlob(blob, document.filename);
    } catch (e) {
      setActionError(`Not downloaded: ${errorText(e)}`);
    }
  }

  return (
    <section aria-labelledby="documents-title" className="panel">
      <h2 id="documents-title">Documents</h2>
      <ErrorAlert text={error || actionError} />
      {documents === undefined && !error && <p role="status">Loading documents…</p>}
      {documents?.length === 0 && <p>No documents on this case yet.</p>}
      {documents && documents.length > 0 && (
        <div className="table-wrap">
          <table data-testid="documents-table">
            <caption className="sr-only">Documents of this case, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Category</th>
                <th scope="col">Type</th>
                <th scope="col">Size</th>
                <th scope="col">Added by</th>
                <th scope="col">When</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {documents.map((document) => (
                <tr key={document.name} data-testid="document-row">
                  <td>{document.filename}</td>
                  <td>{document.categoryName}</td>
                  <td>{document.contentType}</td>
                  <td>{formatBytes(document.sizeBytes)}</td>
                  <td>{document.uploadedBy}</td>
                  <td>{formatTime(document.uploadTime)}</td>
                  <td>
                    <div className="buttons">
                      <button
                        type="button"
                        aria-label={`Download ${document.filename}`}
                        data-testid="document-download"
                        onClick={() => download(document)}
                      >
                        Download
                      </button>
                      {mayWithdraw && (
                        <WithdrawDocument
                          name={document.name}
                          filename={document.filename}
                          onWithdrawn={reload}
                        />
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {documents !== undefined && (
        <UploadDocument caseName={caseName} categories={categories} onUploaded={reload} />
      )}
    </section>
  );
}
