import { useState } from "react";
import type { CaseStatus, Reason } from "../../../src/gen/ect/v1/resources_pb.js";

/** What a return without action sends: the reason, the role to return to (0: one step back), the explanation. */
export interface RwoaChoice {
  reasonId: number;
  returnToRoleId: number;
  comment: string;
}

/**
 * Return without action: a reason, the earlier role the case goes back to (GetNextActions' return targets,
 * one step back by default) and an explanation the receiving role reads. Test ids: rwoa-reason, rwoa-role,
 * rwoa-comment, rwoa.
 */
export function RwoaPicker(props: {
  reasons: readonly Reason[];
  targets: readonly CaseStatus[];
  busy: boolean;
  onReturn: (choice: RwoaChoice) => void;
}) {
  const [reasonId, setReasonId] = useState(0);
  const [returnToRoleId, setRole] = useState(0);
  const [comment, setComment] = useState("");
  // A role may have held the case at more than one earlier status: it is offered once.
  const roles = props.targets.filter(
    (target, index) =>
      props.targets.findIndex((other) => other.holderRoleId === target.holderRoleId) === index,
  );
  return (
    <fieldset className="rwoa">
      <legend>Return without action</legend>
      <div className="buttons">
        <label>
          Reason{" "}
          <select
            data-testid="rwoa-reason"
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
        <label>
          Return to{" "}
          <select
            data-testid="rwoa-role"
            value={returnToRoleId}
            onChange={(e) => setRole(Number(e.target.value))}
          >
            <option value={0}>One step back</option>
            {roles.map((target) => (
              <option key={target.holderRoleId} value={target.holderRoleId}>
                {target.holderRoleName} ({target.description})
              </option>
            ))}
          </select>
        </label>
      </div>
      <label className="stack-label">
        Explanation for the role receiving the case
        <textarea
          data-testid="rwoa-comment"
          rows={2}
          maxLength={2000}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
        />
      </label>
      <div className="buttons">
        <button
          type="button"
          data-testid="rwoa"
          disabled={props.busy || !reasonId}
          onClick={() => props.onReturn({ reasonId, returnToRoleId, comment: comment.trim() })}
        >
          Return without action
        </button>
      </div>
    </fieldset>
  );
}
