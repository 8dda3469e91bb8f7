import { useState } from "react";
import type { GetNextActionsResponse } from "../../../src/gen/ect/v1/case_service_pb.js";
import type { NextAction } from "../../../src/gen/ect/v1/resources_pb.js";
import { valueLabel } from "../form/field-labels.js";

/**
 * One forward option as a button. An option that records a finding records the one the caller's role
 * entered on the form (`recordedFinding`, a finding code); without a form (a reinvestigation request) the
 * finding is chosen here. Test ids: forward, finding, forward-finding.
 */
export function ForwardAction(props: {
  action: NextAction;
  next: GetNextActionsResponse;
  /** The caller's role's finding code on the form, "" when not recorded; undefined when there is no form. */
  recordedFinding: string | undefined;
  /** Where on the form the finding is entered, e.g. "Legal". */
  findingTab: string | undefined;
  signed: boolean;
  busy: boolean;
  onForward: (findingId: number) => void;
}) {
  const { action, next, recordedFinding } = props;
  const [chosen, setChosen] = useState(0);
  const onForm = recordedFinding !== undefined;
  // The server takes the recorded finding when the request names none; naming it keeps the request explicit.
  const recordedId = next.findings.find((finding) => finding.code === recordedFinding)?.id ?? 0;
  const findingId = action.requiresFinding ? (onForm ? recordedId : chosen) : 0;
  const findingMissing = action.requiresFinding && (onForm ? !recordedFinding : !chosen);
  return (
    <div className="buttons">
      {action.requiresFinding && onForm && (
        <span data-testid="forward-finding">
          {recordedFinding
            ? `Records the finding: ${valueLabel(recordedFinding)}`
            : `Record your finding on the ${props.findingTab ?? "form"} tab first.`}
        </span>
      )}
      {action.requiresFinding && !onForm && (
        <label>
          Finding{" "}
          <select data-testid="finding" value={chosen} onChange={(e) => setChosen(Number(e.target.value))}>
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
        disabled={props.busy || (action.requiresSignature && !props.signed) || findingMissing}
        onClick={() => props.onForward(findingId)}
      >
        {action.label} → {action.targetStatus?.description}
      </button>
    </div>
  );
}
