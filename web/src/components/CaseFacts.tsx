import type { Case } from "../../../src/gen/ect/v1/resources_pb.js";
import { stateText } from "../caseStream.js";
import { formatTime } from "../format.js";

/** What a case is and where it stands: member, unit, status, state, holder, lock, incident and last reasons. */
export function CaseFacts({ item }: { item: Case }) {
  const lock = item.lock;
  return (
    <dl className="facts">
      <dt>Member</dt>
      <dd>
        {item.member?.grade} {item.member?.lastName}, {item.member?.firstName} ({item.member?.maskedSsn})
      </dd>
      <dt>Unit</dt>
      <dd>{item.unit?.name}</dd>
      <dt>Status</dt>
      <dd data-testid="case-status">{item.status?.description}</dd>
      <dt>State</dt>
      <dd data-testid="case-state">
        {stateText(item.state)}
        {item.finding && ` · finding ${item.finding}`}
      </dd>
      <dt>Held by</dt>
      <dd data-testid="case-holder">{item.status?.holderRoleName || "–"}</dd>
      <dt>Lock</dt>
      <dd data-testid="case-lock">
        {lock?.username ? `🔒 Locked by ${lock.username} since ${formatTime(lock.lockTime)}` : "Unlocked"}
      </dd>
      <dt>Incident</dt>
      <dd>{item.incidentDescription}</dd>
      {item.rwoaReason && (
        <>
          <dt>Last return</dt>
          <dd>{item.rwoaReason}</dd>
        </>
      )}
      {item.cancelReason && (
        <>
          <dt>Cancelled</dt>
          <dd>{item.cancelReason}</dd>
        </>
      )}
    </dl>
  );
}
