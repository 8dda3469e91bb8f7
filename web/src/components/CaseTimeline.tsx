import type { Signature, TrackingEntry } from "../../../src/gen/ect/v1/resources_pb.js";
import { formatDuration, formatTime } from "../format.js";

/** Whether a signature was given during a tracking entry (at its status, between its start and end). */
function signedDuring(signature: Signature, entry: TrackingEntry): boolean {
  const at = Number(signature.signTime?.seconds ?? 0);
  const start = Number(entry.startTime?.seconds ?? 0);
  const end = entry.endTime ? Number(entry.endTime.seconds) : Number.POSITIVE_INFINITY;
  return signature.workStatusId === entry.status?.workStatusId && at >= start && at <= end;
}

/**
 * The tracking timeline: each status with its time in status and who moved the case on, and the signatures
 * given there with whether each still signs the form (`validity` by signature id; absent: not bound to it).
 */
export function CaseTimeline(props: {
  tracking: readonly TrackingEntry[];
  signatures: readonly Signature[];
  validity: ReadonlyMap<number, boolean>;
}) {
  return (
    <section aria-labelledby="timeline-title" className="panel">
      <h2 id="timeline-title">Timeline</h2>
      <ol className="timeline" data-testid="timeline">
        {props.tracking.map((entry) => (
          <li key={entry.id} className={entry.endTime ? "" : "current"}>
            <strong>{entry.status?.description}</strong>{" "}
            <span>
              {formatTime(entry.startTime)} · {entry.endTime ? "" : "so far "}
              {formatDuration(entry.timeInStatus)}
            </span>
            {entry.completedBy && (
              <span>
                {" "}
                · {entry.actionLabel} by {entry.completedBy}
              </span>
            )}
            <ul className="plain">
              {props.signatures
                .filter((signature) => signedDuring(signature, entry))
                .map((signature) => (
                  <li key={signature.id} data-testid="timeline-signature">
                    Signed by {signature.nameAndRank} ({signature.roleName}), {formatTime(signature.signTime)}
                    {props.validity.get(signature.id) === false ? (
                      <strong className="sig-invalid"> · ✖ invalid: the form changed after signing</strong>
                    ) : props.validity.get(signature.id) ? (
                      <span className="sig-valid"> · ✔ valid</span>
                    ) : null}
                  </li>
                ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}
