import { useState } from "react";
import type { GetNextActionsResponse } from "../../../src/gen/ect/v1/case_service_pb.js";
import type { Form } from "../../../src/gen/ect/v1/form_service_pb.js";
import { ActionKind, type Case } from "../../../src/gen/ect/v1/resources_pb.js";
import { api } from "../api.js";
import { formErrors } from "../form/form-errors.js";
import { signatureBroken } from "../form/form-signatures.js";
import { FORM_TABS } from "../form/form-tabs.js";
import type { Session } from "../session.js";
import { ErrorAlert } from "./ErrorAlert.js";
import { ForwardAction } from "./ForwardAction.js";
import { ReasonPicker } from "./ReasonPicker.js";
import { RwoaPicker } from "./RwoaPicker.js";

/**
 * The next actions open to the caller: the lock, signing (again, once a change broke the caller's
 * signature), forward, RWOA to a chosen earlier role, cancel. A refused call is shown here and handed to
 * `onRefused`, so the form can show the fields it names.
 */
export function CaseActions(props: {
  item: Case;
  next: GetNextActionsResponse;
  form: Form | undefined;
  session: Session;
  onChanged: () => Promise<void>;
  onRefused: (error: unknown) => void;
}) {
  const { item, next, form, session } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const name = item.name;
  const forward = next.actions.filter((a) => a.kind === ActionKind.ADVANCE);
  const canReturn = next.actions.some((a) => a.kind === ActionKind.RETURN) && next.rwoaReasons.length > 0;
  const canCancel = next.actions.some((a) => a.kind === ActionKind.CANCEL) && next.cancelReasons.length > 0;
  const broken = signatureBroken(form, session.roleId);
  const signed = next.signedByCaller && !broken;
  const needsSignature = next.actions.some((a) => a.requiresSignature) && !signed;
  const lockedByMe = item.lock?.username === session.username;
  const myFinding = form?.findings.find((finding) => finding.roleId === session.roleId);
  const findingTab = FORM_TABS.find((tab) => tab.sections.some((s) => s === `findings.${myFinding?.role}`));

  async function run(work: () => Promise<unknown>) {
    setBusy(true);
    setError("");
    try {
      await work();
      await props.onChanged();
    } catch (e) {
      setError(formErrors(e).summary);
      props.onRefused(e);
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
      <ErrorAlert text={error} testId="action-error" />
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
            {broken ? "Sign again" : "Sign"} as {session.roleName}
          </button>
        )}
        {broken && (
          <span data-testid="signature-broken">
            ✖ Your signature is no longer valid: the form changed after you signed.
          </span>
        )}
        {signed && <span data-testid="signed">✔ Signed</span>}
      </div>
      {forward.map((action) => (
        <ForwardAction
          key={action.optionId}
          action={action}
          next={next}
          recordedFinding={form ? (myFinding?.finding ?? "") : undefined}
          findingTab={findingTab?.label}
          signed={signed}
          busy={busy}
          onForward={(findingId) =>
            run(() =>
              api.cases.takeAction({
                name,
                optionId: action.optionId,
                findingId,
                expectedVersion: item.version,
              }),
            )
          }
        />
      ))}
      {canReturn && (
        <RwoaPicker
          reasons={next.rwoaReasons}
          targets={next.returnTargets}
          busy={busy}
          onReturn={(choice) => run(() => api.cases.returnWithoutAction({ name, ...choice }))}
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
