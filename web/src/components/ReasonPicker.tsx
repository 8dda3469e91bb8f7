import { useState } from "react";
import type { Reason } from "../../../src/gen/ect/v1/resources_pb.js";

/**
 * A reason list and the button that acts with the chosen reason, disabled until one is chosen: how a case
 * is returned without action (RWOA) and how it is cancelled. Test ids: `${testId}-reason` and `testId`.
 */
export function ReasonPicker(props: {
  /** The list's label, e.g. "RWOA reason". */
  label: string;
  reasons: readonly Reason[];
  /** The button's text. */
  action: string;
  testId: string;
  danger?: boolean;
  busy: boolean;
  onPick: (reasonId: number) => void;
}) {
  const [reasonId, setReasonId] = useState(0);
  return (
    <div className="buttons">
      <label>
        {props.label}{" "}
        <select
          data-testid={`${props.testId}-reason`}
          value={reasonId}
          onChange={(e) => setReasonId(Number(e.target.value))}
        >
          <option value={0}>Choose a reason…</option>
          {props.reasons.map((r) => (
            <option key={r.id} value={r.id}>
              {r.description}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className={props.danger ? "danger" : undefined}
        data-testid={props.testId}
        disabled={props.busy || !reasonId}
        onClick={() => props.onPick(reasonId)}
      >
        {props.action}
      </button>
    </div>
  );
}
