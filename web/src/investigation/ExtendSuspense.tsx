import { type FormEvent, useId, useState } from "react";
import { api } from "../api.js";
import { errorText } from "../call-errors.js";
import { ReasonField } from "./ReasonField.js";

/**
 * The appointing authority's "Extend suspense": a later date and the reason, both required. Test ids:
 * extend-suspense, extend-date, extend-reason, extend-submit, extend-error.
 */
export function ExtendSuspense(props: {
  caseName: string;
  current: string;
  onExtended: () => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  const [date, setDate] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const id = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError("");
    if (!date) return setError("Choose the new suspense date.");
    if (!reason.trim()) return setError("Give the reason for the extension.");
    setBusy(true);
    try {
      await api.investigations.extendSuspense({
        name: props.caseName,
        suspenseDate: date,
        reason: reason.trim(),
      });
      setOpen(false);
      setDate("");
      setReason("");
      await props.onExtended();
    } catch (e) {
      setError(`Not extended: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="extend">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        data-testid="extend-suspense"
        onClick={() => setOpen(!open)}
      >
        {open ? "Close" : "Extend suspense"}
      </button>
      {open && (
        <form id={id} className="stack" noValidate onSubmit={submit} aria-label="Extend suspense">
          <div className="field">
            <label htmlFor={`${id}-date`}>
              New suspense date (after {props.current})
              <span className="required" aria-hidden="true">
                {" "}
                *
              </span>
            </label>
            <input
              id={`${id}-date`}
              data-testid="extend-date"
              type="date"
              required
              min={props.current}
              value={date}
              onChange={(e) => {
                setDate(e.target.value);
                setError("");
              }}
            />
          </div>
          <ReasonField
            id={`${id}-reason`}
            testId="extend-reason"
            value={reason}
            onChange={(value) => {
              setReason(value);
              setError("");
            }}
          />
          {error && (
            <p role="alert" className="error" data-testid="extend-error">
              {error}
            </p>
          )}
          <div className="buttons">
            <button type="submit" className="primary" disabled={busy} data-testid="extend-submit">
              Extend suspense
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
