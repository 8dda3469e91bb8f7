import { type FormEvent, useId, useState } from "react";
import { errorText } from "../call-errors.js";
import { documentsApi } from "./documents-api.js";

/** "Withdraw" for one document: a required reason, then the withdrawal. Test ids: withdraw-*, by file name. */
export function WithdrawDocument(props: {
  name: string;
  filename: string;
  onWithdrawn: () => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const id = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError("");
    if (!reason.trim()) return setError("Give the reason for withdrawing the document.");
    setBusy(true);
    try {
      await documentsApi.documents.withdrawDocument({ name: props.name, reason: reason.trim() });
      setOpen(false);
      setReason("");
      await props.onWithdrawn();
    } catch (e) {
      setError(`Not withdrawn: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        aria-label={`Withdraw ${props.filename}`}
        data-testid="withdraw-open"
        onClick={() => setOpen(!open)}
      >
        {open ? "Cancel" : "Withdraw"}
      </button>
      {open && (
        <form
          id={id}
          className="stack"
          noValidate
          onSubmit={submit}
          aria-label={`Withdraw ${props.filename}`}
        >
          <div className="field">
            <label htmlFor={`${id}-reason`}>
              Reason
              <span className="required" aria-hidden="true">
                {" "}
                *
              </span>
            </label>
            <textarea
              id={`${id}-reason`}
              data-testid="withdraw-reason"
              rows={2}
              maxLength={1000}
              aria-required
              value={reason}
              onChange={(e) => {
                setReason(e.target.value);
                setError("");
              }}
            />
          </div>
          {error && (
            <p role="alert" className="error" data-testid="withdraw-error">
              {error}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy} data-testid="withdraw-submit">
            Withdraw document
          </button>
        </form>
      )}
    </div>
  );
}
