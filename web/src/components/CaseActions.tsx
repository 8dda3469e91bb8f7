import { useState } from "react";
import type { GetNextActionsResponse } from "../../../src/gen/ect/v1/case_service_pb.js";
import { ActionKind, type Case } from "../../../src/gen/ect/v1/resources_pb.js";
import { api } from "../api.js";
import { errorText } from "../call-errors.js";
import type { Session } from "../session.js";
import { ErrorAlert } from "./ErrorAlert.js";
import { ReasonPicker } from "./ReasonPicker.js";

/** The next actions open to the caller as buttons: sign, forward (with finding), RWOA and cancel with reasons. */
export function CaseActions(props: {
  item: Case;
  next: GetNextActionsResponse;
  session: Session;
  onChanged: () => Promise<void>;
}) {
  const { item, next, session } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [finding, setFinding] = useState(0);
  const name = item.name;
  const forward = next.actions.filter((a) => a.kind === ActionKind.ADVANCE);
  const canReturn = next.actions.some((a) => a.kind === ActionKind.RETURN) && next.rwoaReasons.length > 0;
  const canCancel = next.actions.some((a) => a.kind === ActionKind.CANCEL) && next.cancelReasons.length > 0;
  const needsSignature = next.actions.some((a) => a.requiresSignature) && !next.signedByCaller;
  const lockedByMe = item.lock?.username === session.username;

  async function run(work: () => Promise<unknown>) {
    setBusy(true);
    setError("");
    try {
      await work();
      await props.onChanged();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  if (next.actions.length === 0) {
    return (
      <section aria-labelledby="actions-title" className="panel">
        <h2 id="actions-title">Actions</h2>
        <p data-testid="no-actions">No actions open to {session.roleName} on this case.</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="actions-title" className="panel actions">
      <h2 id="actions-title">Actions</h2>
      <ErrorAlert text={error} />
      <div className="buttons">
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            run(() => (lockedByMe ? api.cases.releaseLock({ name }) : api.cases.acquireLock({ name })))
          }
        >
          {lockedByMe ? "Release lock" : "Take lock"}
        </button>
        {needsSignature && (
          <button
            type="button"
            className="primary"
            data-testid="sign"
            disabled={busy}
            onClick={() => run(() => api.cases.signCase({ name }))}
          >
            Sign as {session.roleName}
          </button>
        )}
        {next.signedByCaller && <span data-testid="signed">✔ Signed</span>}
      </div>
      {forward.map((action) => (
        <div className="buttons" key={action.optionId}>
          {action.requiresFinding && (
            <label>
              Finding{" "}
              <select
                data-testid="finding"
                value={finding}
                onChange={(e) => setFinding(Number(e.target.value))}
              >
                <option value={0}>Choose a finding…</option>
                {next.findings.map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.code} – {f.description}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button
            type="button"
            className="primary"
            data-testid="forward"
            disabled={
              busy ||
              (action.requiresSignature && !next.signedByCaller) ||
              (action.requiresFinding && !finding)
            }
            onClick={() =>
              run(() =>
                api.cases.takeAction({
                  name,
                  optionId: action.optionId,
                  findingId: action.requiresFinding ? finding : 0,
                  expectedVersion: item.version,
                }),
              )
            }
          >
            {action.label} → {action.targetStatus?.description}
          </button>
        </div>
      ))}
      {canReturn && (
        <ReasonPicker
          label="RWOA reason"
          reasons={next.rwoaReasons}
          action="Return without action"
          testId="rwoa"
          busy={busy}
          onPick={(reasonId) => run(() => api.cases.returnWithoutAction({ name, reasonId }))}
        />
      )}
      {canCancel && (
        <ReasonPicker
          label="Cancel reason"
          reasons={next.cancelReasons}
          action="Cancel case"
          testId="cancel"
          danger
          busy={busy}
          onPick={(reasonId) => run(() => api.cases.cancelCase({ name, reasonId }))}
        />
      )}
    </section>
  );
}
