import type { AuditEvent } from "../../../src/gen/ect/v1/admin_service_pb.js";
import { formatTime } from "../format.js";

/** The case's audit trail, for auditors. */
export function CaseAudit({ audit }: { audit: readonly AuditEvent[] }) {
  return (
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
            {audit.map((event) => (
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
  );
}
