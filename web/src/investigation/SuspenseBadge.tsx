import { type Suspense, suspenseText } from "./suspense-text.js";

/** A formal case's suspense as a badge: days left, or overdue in words and outline (not by colour alone). */
export function SuspenseBadge(props: { suspense: Suspense; closed?: boolean; testId?: string }) {
  const { suspense, testId } = props;
  const text = suspenseText(suspense, props.closed);
  if (!text) return null;
  return (
    <span
      className={suspense.suspenseOverdue ? "badge overdue" : "badge"}
      data-testid={testId ?? "suspense"}
      data-overdue={suspense.suspenseOverdue}
    >
      {text}
    </span>
  );
}
