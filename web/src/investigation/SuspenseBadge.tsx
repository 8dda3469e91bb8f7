import { type Suspense, suspenseText } from "./suspense-text.js";

/** A formal case's suspense as a badge: days left, or overdue in words and outline (not by colour alone). */
export function SuspenseBadge({ suspense, testId }: { suspense: Suspense; testId?: string }) {
  const text = suspenseText(suspense);
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
