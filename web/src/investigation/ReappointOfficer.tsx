import { type FormEvent, useId, useState } from "react";
import type { InvestigatingOfficer } from "../../../src/gen/ect/v1/investigation_service_pb.js";
import { api } from "../api.js";
import { errorText } from "../call-errors.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { useAbortable } from "../hooks/useAbortable.js";
import { officerChoice } from "./DirectFormalInvestigation.js";
import { ReasonField } from "./ReasonField.js";

/**
 * The appointing authority's "Appoint a different officer": another eligible officer and the reason, both
 * required; the suspense stays. Test ids: reappoint, reappoint-picker, reappoint-reason, reappoint-submit,
 * reappoint-error.
 */
export function ReappointOfficer(props: {
  caseName: string;
  current: string;
  onAppointed: () => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <div className="extend">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        data-testid="reappoint"
        onClick={() => setOpen(!open)}
      >
        {open ? "Close" : "Appoint a different officer"}
      </button>
      {open && <ReappointForm id={id} {...props} />}
    </div>
  );
}

function ReappointForm(props: {
  id: string;
  caseName: string;
  current: string;
  onAppointed: () => Promise<void>;
}) {
  const { id } = props;
  const [officers, setOfficers] = useState<InvestigatingOfficer[]>();
  const [officer, setOfficer] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const loadError = useAbortable(
    async (signal) => {
      const found = await api.investigations.listInvestigatingOfficers({ case: props.caseName }, { signal });
      setOfficers(found.investigatingOfficers.filter((candidate) => candidate.username !== props.current));
    },
    [props.caseName, props.current],
  ).error;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError("");
    if (!officer) return setError("Choose the new investigating officer.");
    if (!reason.trim()) return setError("Give the reason for the new appointment.");
    setBusy(true);
    try {
      await api.investigations.appointInvestigatingOfficer({
        name: props.caseName,
        investigatingOfficer: officer,
        reason: reason.trim(),
      });
      await props.onAppointed();
    } catch (e) {
      setError(`Not appointed: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form id={id} className="stack" noValidate onSubmit={submit} aria-label="Appoint a different officer">
      <ErrorAlert text={loadError && `Investigating officers not loaded: ${loadError}`} />
      <div className="field">
        <label htmlFor={`${id}-officer`}>
          New investigating officer
          <span className="required" aria-hidden="true">
            {" "}
            *
          </span>
        </label>
        <select
          id={`${id}-officer`}
          data-testid="reappoint-picker"
          aria-required
          value={officer}
          disabled={!officers}
          onChange={(e) => {
            setOfficer(e.target.value);
            setError("");
          }}
        >
          <option value="">{officers ? "Choose an officer…" : "Loading officers…"}</option>
          {officers?.map((candidate) => (
            <option key={candidate.username} value={candidate.username}>
              {officerChoice(candidate)}
            </option>
          ))}
        </select>
      </div>
      <ReasonField
        id={`${id}-reason`}
        testId="reappoint-reason"
        value={reason}
        onChange={(value) => {
          setReason(value);
          setError("");
        }}
      />
      {error && (
        <p role="alert" className="error" data-testid="reappoint-error">
          {error}
        </p>
      )}
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy} data-testid="reappoint-submit">
          Appoint the officer
        </button>
      </div>
    </form>
  );
}
