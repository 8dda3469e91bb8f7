import { useState } from "react";
import type { GetNextActionsResponse } from "../../../src/gen/ect/v1/case_service_pb.js";
import { ActionKind, type Case } from "../../../src/gen/ect/v1/resources_pb.js";
import { api, errorText } from "../api.js";
import type { Session } from "../session.js";

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
  const [rwoaReason, setRwoaReason] = useState(0);
  const [cancelReason, setCancelReason] = useState(0);
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
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
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
        <div className="buttons">
          <label>
            RWOA reason{" "}
            <select
              data-testid="rwoa-reason"
              value={rwoaReason}
              onChange={(e) => setRwoaReason(Number(e.target.value))}
            >
              <option value={0}>Choose a reason…</option>
              {next.rwoaReasons.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.description}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            data-testid="rwoa"
            disabled={busy || !rwoaReason}
            onClick={() => run(() => api.cases.returnWithoutAction({ name, reasonId: rwoaReason }))}
          >
            Return without action
          </button>
        </div>
      )}
      {canCancel && (
        <div className="buttons">
          <label>
            Cancel reason{" "}
            <select
              data-testid="cancel-reason"
              value={cancelReason}
              onChange={(e) => setCancelReason(Number(e.target.value))}
            >
              <option value={0}>Choose a reason…</option>
              {next.cancelReasons.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.description}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="danger"
            data-testid="cancel"
            disabled={busy || !cancelReason}
            onClick={() => run(() => api.cases.cancelCase({ name, reasonId: cancelReason }))}
          >
            Cancel case
          </button>
        </div>
      )}
    </section>
  );
}
