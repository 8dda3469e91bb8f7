import type { FieldValue } from "../domain/form/field-declarations.js";
import { completeForm, type FormContent } from "../domain/form/form-content.js";
import {
  type FindingRoleKey,
  type FormRoleKey,
  isFindingRole,
  type SectionName,
} from "../domain/form/form-roles.js";
import type { DemoCasePlan } from "./demo-case-plan.js";
import { addDays, baseOfUnit, type DemoCaseContent, peopleOf } from "./demo-scenario.js";

/** The member snapshot the database took when the seed inserted the case (case_members). */
export interface DemoSnapshot {
  lastName: string;
  firstName: string;
  middleName: string;
  grade: string;
  rank: string;
  maskedSsn: string;
  unitId: number;
  unitName: string;
  pasCode: string;
  component: string;
}

/** The medical technician's entries a just-started case already holds. */
const DRAFT_FIELDS = ["natureOfEvent", "eventDetails", "treatmentFacility", "treatmentFacilityType"];

/** A case's form as far as its plan has gone, and what goes beside it. */
export interface DemoForm {
  /** The form as GetForm will read it back: what every seeded signature's hash is computed over. */
  form: FormContent;
  incident: string;
  /** The approving authority's determination on a completed case (lod_details.finding_id). */
  determination: string | null;
}

/**
 * The AF 348 of a planned case: the member snapshot, then each part of its scenario whose role has written
 * it (plan.writes), or the first of the medical technician's entries on a draft. The event happened one to
 * three days before the case was started, so every date the form holds lies before the case's moves.
 */
export function demoFormContent(plan: DemoCasePlan, snapshot: DemoSnapshot, createdAt: Date): DemoForm {
  const eventDate = addDays(createdAt.toISOString().slice(0, 10), -(1 + (plan.caseId % 3)));
  const content = plan.scenario.content({
    member: `${snapshot.rank} ${snapshot.lastName}`,
    unitName: snapshot.unitName,
    base: baseOfUnit(snapshot.unitId),
    eventDate,
    people: peopleOf(plan.caseId),
  });
  const sections: Partial<Record<SectionName, Record<string, FieldValue>>> = {
    member: { ...snapshotContent(snapshot) },
    medical: {},
    unit: {},
  };
  if (plan.draft) {
    for (const field of DRAFT_FIELDS)
      sections.medical = { ...sections.medical, [field]: content.technician[field] };
  }
  for (const write of plan.writes) Object.assign(sections, partOf(write.role, content, sections));
  const written = new Set(plan.writes.map((write) => write.role));
  const determination = written.has("approvingAuthority")
    ? (content.findings.approvingAuthority?.finding ?? null)
    : null;
  return { form: completeForm(sections), incident: content.incident, determination };
}

/** The snapshot as the member section holds it (empty text is not answered, as the form store reads it). */
function snapshotContent(snapshot: DemoSnapshot): Record<string, FieldValue> {
  const { unitId: _unitId, ...fields } = snapshot;
  return Object.fromEntries(
    Object.entries(fields).map(([name, value]) => [name, value === "" ? null : value]),
  );
}

/** The sections a role's part changes, merged over what the form holds already. */
function partOf(
  role: FormRoleKey,
  content: DemoCaseContent,
  sections: Partial<Record<SectionName, Record<string, FieldValue>>>,
): Partial<Record<SectionName, Record<string, FieldValue>>> {
  switch (role) {
    case "medicalTechnician":
      return {
        member: { ...sections.member, dutyStatus: content.memberDutyStatus },
        medical: { ...sections.medical, ...content.technician },
      };
    case "medicalOfficer":
      return { medical: { ...sections.medical, ...content.officer } };
    case "unitCommander":
      return { unit: { ...content.unit }, ...findingPart("unitCommander", content) };
    default:
      return isFindingRole(role) ? findingPart(role, content) : {};
  }
}

function findingPart(role: FindingRoleKey, content: DemoCaseContent) {
  const finding = content.findings[role];
  if (!finding) throw new Error(`the scenario records no finding of ${role}`);
  return {
    [`findings.${role}`]: {
      finding: finding.finding ?? null,
      concur: finding.concur ?? null,
      byReasonOfId: finding.byReasonOfId ?? null,
      explanation: finding.explanation,
    },
  };
}
