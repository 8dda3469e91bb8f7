import type { FieldDeclaration, SectionDeclaration } from "./field-declarations.js";
import type { FindingRoleKey } from "./form-roles.js";

/**
 * The findings each reviewer records, as data (legacy FORM348_findings: one row per case and reviewer).
 * Codes are the seeded `findings.code` values (src/seed/reference-data.ts).
 */

/** The approving authority's determinations: the only findings that close a case. */
export const DETERMINATIONS = ["ILOD", "NILOD-NOT-MISCONDUCT", "NILOD-MISCONDUCT", "EPTS-LOD-NA"] as const;

/** What a reviewer below the approving authority may recommend (formal investigation excepted). */
const RECOMMENDATIONS = [...DETERMINATIONS, "EPTS-SA"] as const;

/** Findings that need a "by reason of" (the legacy wing commander's NILOD by-reason-of). */
export const FINDINGS_NEEDING_REASON = ["NILOD-NOT-MISCONDUCT", "NILOD-MISCONDUCT"] as const;

/** "Recommend formal investigation": the unit commander may recommend it, the appointing authority direct it. */
export const FORMAL_INVESTIGATION = "FORMAL";

interface FindingRule {
  /** The finding codes the role may pick. */
  findings: readonly string[];
  /** Whether the role concurs or not with the previous recommendation (the first reviewer has none). */
  concurs: boolean;
  /** The role must pick a finding before forwarding (else only when it does not concur). */
  findingRequired: boolean;
}

const rules: Record<FindingRoleKey, FindingRule> = {
  unitCommander: {
    findings: [...RECOMMENDATIONS, FORMAL_INVESTIGATION],
    concurs: false,
    findingRequired: true,
  },
  // Legal sufficiency: concur or not, with an explanation (and the finding JA would make) when not.
  wingJa: { findings: RECOMMENDATIONS, concurs: true, findingRequired: false },
  wingCommander: {
    findings: [...RECOMMENDATIONS, FORMAL_INVESTIGATION],
    concurs: true,
    findingRequired: true,
  },
  boardTechnician: { findings: RECOMMENDATIONS, concurs: true, findingRequired: true },
  boardMedical: { findings: RECOMMENDATIONS, concurs: true, findingRequired: true },
  boardLegal: { findings: RECOMMENDATIONS, concurs: true, findingRequired: true },
  approvingAuthority: { findings: DETERMINATIONS, concurs: true, findingRequired: true },
};

/** The finding section of one reviewer role: finding, concur, byReasonOfId, explanation. */
export function findingSection(role: FindingRoleKey): SectionDeclaration {
  const rule = rules[role];
  const writers = [role] as const;
  const nonConcur = { field: "concur", equals: [false] };
  const fields: FieldDeclaration[] = [
    {
      name: "finding",
      type: "enum",
      values: rule.findings,
      writers,
      requiredOf: [role],
      ...(rule.findingRequired ? {} : { requiredWhen: nonConcur }),
    },
    ...(rule.concurs ? [{ name: "concur", type: "boolean", writers, requiredOf: [role] } as const] : []),
    {
      name: "byReasonOfId",
      type: "reference",
      reference: "finding_reasons",
      writers,
      requiredOf: [role],
      requiredWhen: { field: "finding", equals: FINDINGS_NEEDING_REASON },
    },
    {
      name: "explanation",
      type: "text",
      maxLength: 4000,
      writers,
      ...(rule.concurs ? { requiredOf: [role], requiredWhen: nonConcur } : {}),
    },
  ];
  return { fields, pageId: findingPage[role] };
}

/** The seeded page of each reviewer's finding (Unit Commander 4, Wing JA 5, Wing Commander 6, LOD Board 7). */
const findingPage: Record<FindingRoleKey, number> = {
  unitCommander: 4,
  wingJa: 5,
  wingCommander: 6,
  boardTechnician: 7,
  boardMedical: 7,
  boardLegal: 7,
  approvingAuthority: 7,
};
