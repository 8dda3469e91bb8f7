import type { Case } from "../../../src/gen/ect/v1/resources_pb.js";
import { CaseState } from "../../../src/gen/ect/v1/resources_pb.js";

/**
 * How long an open case has sat in its status: "3 d", or "Overdue · 12 d in status" in words and outline (not by
 * colour alone) once past the overdue threshold. Nothing on a closed case.
 */
export function StatusAgeBadge({ item }: { item: Case }) {
  if (item.state !== CaseState.OPEN || !item.statusStartTime) return null;
  const days = `${item.daysInStatus} ${item.daysInStatus === 1 ? "day" : "days"} in status`;
  return (
    <span
      className={item.statusOverdue ? "badge overdue" : "badge"}
      data-testid="status-age"
      data-overdue={item.statusOverdue}
    >
      {item.statusOverdue ? `Overdue · ${days}` : days}
    </span>
  );
}
