import { type FormEvent, useId, useState } from "react";
import type { InvestigatingOfficer } from "../../../src/gen/ect/v1/investigation_service_pb.js";
import { api } from "../api.js";
import { errorText } from "../call-errors.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { useAbortable } from "../hooks/useAbortable.js";
import { ReasonField } from "./ReasonField.js";

/** An officer as the picker lists them: "Capt Erin Walsh (O-3), 452nd Operations Group". */
export function officerChoice(officer: InvestigatingOfficer): string {
  return `${officer.displayName} (${officer.grade})${officer.unitName ? `, ${officer.unitName}` : ""}`;
}

/**
 * The appointing authority's "Direct formal investigation": a button that opens a form with the reason, the
 * investigating officer (only the users the server says are eligible for this case, with their grade) and
 * an optional suspense date. Test ids: direct-formal, direct-reason-input, io-picker, suspense-input,
 * direct-submit, direct-error.
 */
export function DirectFormalInvestigation(props: { caseName: string; onDirected: () => Promise<void> }) {
  const [open, setOpen] = useState(false);
  const formId = useId();
  return (
    <section aria-labelledby={`${formId}-title`} className="panel" data-testid="direct-formal-panel">
      <h2 id={`${formId}-title`}>Formal investigation</h2>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={formId}
        data-testid="direct-formal"
        onClick={() => setOpen(!open)}
      >
        {open ? "Close" : "Direct formal investigation"}
      </button>
      {open && <DirectForm id={formId} caseName={props.caseName} onDirected={props.onDirected} />}
    </section>
  );
}

function DirectForm(props: { id: string; caseName: string; onDirected: () => Promise<void> }) {
  const [officers, setOfficers] = useState<InvestigatingOfficer[]>();
  const [reason, setReason] = useState("");
  const [officer, setOfficer] = useState("");
  const [suspenseDate, setSuspenseDate] = useState("");
  const [error, setError] = useState("");
  const [invalid, setInvalid] = useState<"reason" | "officer" | undefined>();
  const [busy, setBusy] = useState(false);
  const loadError = useAbortable(
    async (signal) => {
      const found = await api.investigations.listInvestigatingOfficers({ case: props.caseName }, { signal });
      setOfficers(found.investigatingOfficers);
    },
    [props.caseName],
  ).error;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError("");
    if (!reason.trim()) {
      setInvalid("reason");
      return setError("Give the reason the case needs a formal investigation.");
    }
    if (!officer) {
      setInvalid("officer");
      return setError("Choose the investigating officer.");
    }
    setInvalid(undefined);
    setBusy(true);
    try {
      await api.investigations.directFormalInvestigation({
        name: props.caseName,
        reason: reason.trim(),
        investigatingOfficer: officer,
        suspenseDate,
      });
      await props.onDirected();
    } catch (e) {
      setError(`Not directed: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  }

  // The field the user corrects drops the error that named it.
  function clearError() {
    setInvalid(undefined);
    setError("");
  }
  const errorId = `${props.id}-error`;
  const describedBy = (field: "reason" | "officer") => (invalid === field ? errorId : undefined);
  return (
    <form
      id={props.id}
      className="stack"
      noValidate
      onSubmit={submit}
      aria-label="Direct formal investigation"
    >
      <ErrorAlert text={loadError && `Investigating officers not loaded: ${loadError}`} />
      <ReasonField
        id={`${props.id}-reason`}
        testId="direct-reason-input"
        rows={3}
        invalid={invalid === "reason"}
        describedBy={describedBy("reason")}
        value={reason}
        onChange={(value) => {
          setReason(value);
          if (invalid === "reason") clearError();
        }}
      />
      <div className="field">
        <label htmlFor={`${props.id}-officer`}>
          Investigating officer
          <span className="required" aria-hidden="true">
            {" "}
            *
          </span>
        </label>
        <select
          id={`${props.id}-officer`}
          data-testid="io-picker"
          aria-required
          aria-invalid={invalid === "officer"}
          aria-describedby={[`${props.id}-officer-hint`, describedBy("officer")].filter(Boolean).join(" ")}
          value={officer}
          disabled={!officers}
          onChange={(e) => {
            setOfficer(e.target.value);
            if (invalid === "officer") clearError();
          }}
        >
          <option value="">{officers ? "Choose an officer…" : "Loading officers…"}</option>
          {officers?.map((candidate) => (
            <option key={candidate.username} value={candidate.username}>
              {officerChoice(candidate)}
            </option>
          ))}
        </select>
        <p id={`${props.id}-officer-hint`} className="muted">
          Only officers eligible for this case are listed: of an IO grade, senior to the member and outside
          the member's chain
          {officers && ` (${officers.length} eligible)`}.
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${props.id}-suspense`}>Suspense date (optional)</label>
        <input
          id={`${props.id}-suspense`}
          data-testid="suspense-input"
          type="date"
          aria-describedby={`${props.id}-suspense-hint`}
          value={suspenseDate}
          onChange={(e) => setSuspenseDate(e.target.value)}
        />
        <p id={`${props.id}-suspense-hint`} className="muted">
          Leave empty for the standard suspense.
        </p>
      </div>
      {error && (
        <p id={errorId} role="alert" className="error" data-testid="direct-error">
          {error}
        </p>
      )}
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy} data-testid="direct-submit">
          Direct formal investigation and appoint the officer
        </button>
      </div>
    </form>
  );
}
