import { useState } from "react";
import type { CaseMemo } from "../../../src/gen/ect/v1/memo_service_pb.js";
import { errorText } from "../call-errors.js";
import { saveBlob } from "../download.js";
import { useAbortable } from "../hooks/useAbortable.js";
import { documentsApi, streamedBlob } from "./documents-api.js";

/**
 * "Print AF 348" (the form rendered as a PDF now) and a link per memo filed on the case (the determination
 * memo, the IO appointment memo). Test ids: print-form, case-memo, print-error.
 */
export function CasePrintLinks({ caseName, caseNumber }: { caseName: string; caseNumber: string }) {
  const [memos, setMemos] = useState<CaseMemo[]>([]);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  useAbortable(
    async (signal) => {
      setMemos((await documentsApi.memos.listCaseMemos({ parent: caseName }, { signal })).memos);
    },
    [caseName],
  );

  async function save(
    what: string,
    filename: string,
    chunks: () => AsyncIterable<{ contentType: string; data: Uint8Array }>,
  ) {
    setError("");
    setBusy(true);
    try {
      saveBlob(await streamedBlob(chunks(), "application/pdf"), filename);
    } catch (e) {
      setError(`${what} failed: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="buttons" data-testid="case-print-links">
      <button
        type="button"
        data-testid="print-form"
        disabled={busy}
        onClick={() =>
          save("Printing", `AF348-${caseNumber}.pdf`, () =>
            documentsApi.print.printForm({ name: `${caseName}/form` }),
          )
        }
      >
        Print AF 348
      </button>
      {memos.map((memo) => (
        <button
          key={memo.name}
          type="button"
          data-testid="case-memo"
          disabled={busy}
          onClick={() =>
            save("The memo's download", memo.filename, () =>
              documentsApi.documents.downloadDocument({ name: memo.name }),
            )
          }
        >
          {memo.title} (PDF)
        </button>
      ))}
      {error && (
        <p role="alert" className="error" data-testid="print-error">
          {error}
        </p>
      )}
    </div>
  );
}
