import type { AuditEvent } from "../../../src/gen/ect/v1/admin_service_pb.js";
import type { Signature, TrackingEntry } from "../../../src/gen/ect/v1/resources_pb.js";
import { formatDuration, formatTime } from "../format.js";

/** Tracking timeline with time in each status, the signatures, and (for auditors) the audit trail. */
export function CaseHistory(props: {
  tracking: TrackingEntry[];
  signatures: Signature[];
  audit: AuditEvent[] | undefined;
}) {
  return (
    <>
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
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="signatures-title" className="panel">
        <h2 id="signatures-title">Signatures</h2>
        {props.signatures.length === 0 ? (
          <p>None yet.</p>
        ) : (
          <ul data-testid="signatures">
            {props.signatures.map((s) => (
              <li key={s.id}>
                {s.nameAndRank}, {s.title} ({s.roleName}) at {s.statusDescription} · {formatTime(s.signTime)}
              </li>
            ))}
          </ul>
        )}
      </section>
      {props.audit && (
        <section aria-labelledby="audit-title" className="panel">
          <h2 id="audit-title">Audit history</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Correlation id</th>
                </tr>
              </thead>
              <tbody>
                {props.audit.map((event) => (
                  <tr key={String(event.id)}>
                    <td>{formatTime(event.eventTime)}</td>
                    <td>{event.action}</td>
                    <td>{event.actor}</td>
                    <td>
                      <code>{event.correlationId}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  );
}
