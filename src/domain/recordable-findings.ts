import { findingSection } from "./form/finding-rules.js";
import { FINDING_ROLE_KEYS, type FindingRoleKey, formRoleOf } from "./form/form-roles.js";

/**
 * The finding codes the role holding a case may record when it moves the case on: its choices on the form
 * (the approving authority: the four determinations, never "recommend formal investigation"). Undefined for
 * a role the form gives no finding (the workflow's own list applies, as in a reinvestigation).
 */
export function recordableFindingCodes(holderRoleId: number | null): readonly string[] | undefined {
  const key = holderRoleId === null ? undefined : formRoleOf(holderRoleId)?.key;
  if (!key || !(FINDING_ROLE_KEYS as readonly string[]).includes(key)) return undefined;
  return findingSection(key as FindingRoleKey).fields.find((field) => field.name === "finding")?.values;
}

/** The findings of a workflow's list the holding role may record (all of them when the form says nothing). */
export function recordableFindings<F extends { code: string }>(
  workflowFindings: readonly F[],
  holderRoleId: number | null,
): F[] {
  const codes = recordableFindingCodes(holderRoleId);
  return codes ? workflowFindings.filter((finding) => codes.includes(finding.code)) : [...workflowFindings];
}
