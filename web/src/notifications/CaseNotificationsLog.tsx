import { useState } from "react";
import {
  type CaseNotification,
  NotificationChannel,
  NotificationState,
} from "../../../src/gen/ect/v1/notification_service_pb.js";
import { ErrorAlert } from "../components/ErrorAlert.js";
import { formatTime } from "../format.js";
import { useAbortable } from "../hooks/useAbortable.js";
import { notificationsApi } from "./notifications-api.js";

const channelText: Record<NotificationChannel, string> = {
  [NotificationChannel.UNSPECIFIED]: "–",
  [NotificationChannel.EMAIL]: "Email",
  [NotificationChannel.IN_APP]: "In app",
};

const stateText: Record<NotificationState, string> = {
  [NotificationState.UNSPECIFIED]: "–",
  [NotificationState.PENDING]: "Pending",
  [NotificationState.DELIVERED]: "Delivered",
  [NotificationState.FAILED]: "Failed, will retry",
  [NotificationState.DEAD]: "Failed, gave up",
  [NotificationState.NOT_CONFIGURED]: "Not sent: email not configured",
};

/** Every notification sent for a case: to whom, when, on which channel and how it stands. */
export function CaseNotificationsLog({ caseName }: { caseName: string }) {
  const [rows, setRows] = useState<CaseNotification[]>();
  const { error } = useAbortable(
    async (signal) => {
      const answer = await notificationsApi.listCaseNotifications(
        { parent: caseName, pageSize: 1000 },
        { signal },
      );
      setRows(answer.notifications);
    },
    [caseName],
  );
  const operator = rows?.some((row) => row.lastError !== "");
  return (
    <section aria-labelledby="case-notifications-title" className="panel">
      <h2 id="case-notifications-title">Notifications sent</h2>
      <ErrorAlert text={error} />
      {rows === undefined && !error && <p role="status">Loading notifications…</p>}
      {rows?.length === 0 && <p>No notifications were sent for this case.</p>}
      {rows && rows.length > 0 && (
        <div className="table-wrap">
          <table data-testid="case-notifications">
            <caption className="sr-only">Notifications sent for this case, oldest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">To</th>
                <th scope="col">Channel</th>
                <th scope="col">Subject</th>
                <th scope="col">State</th>
                {operator && <th scope="col">Last error</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.name} data-testid="case-notification">
                  <td>{formatTime(row.createTime)}</td>
                  <td>
                    {row.recipientName} ({row.recipientRole || row.recipientUsername})
                  </td>
                  <td>{channelText[row.channel]}</td>
                  <td>{row.subject}</td>
                  <td>
                    {stateText[row.state]}
                    {row.sentTime && row.state === NotificationState.DELIVERED
                      ? `, ${formatTime(row.sentTime)}`
                      : ""}
                    {row.attempts > 1 ? ` (${row.attempts} attempts)` : ""}
                  </td>
                  {operator && <td>{row.lastError}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
