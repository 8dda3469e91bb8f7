/**
 * Who may investigate a member (AFI 36-2910, legacy core_lkupIOGrades and Form348_sp_AssignIo): an active
 * officer whose grade the IO grade rule allows (io_grades.may_investigate), senior in grade to the member, and
 * outside the member's chain. The chain is the member's unit and every unit above it up to HQ AFRC (unit_tree
 * ancestors of the case's unit): the commanders and staff of those units already decide or review the case,
 * so an officer of a sibling unit (another group or squadron of the wing) investigates, never one of the chain.
 */

/** A grade as the IO grade rule knows it. */
export interface GradeRule {
  grade: string;
  /** Higher is senior (E-1 1 … E-9 9, O-1 21 … O-10 30). */
  seniority: number;
  mayInvestigate: boolean;
}

/** A user the appointing authority may consider. */
export interface IoCandidate {
  /** Their rank as the user record holds it ("Capt"); undefined grade when it is no seeded grade's rank. */
  rank: string;
  grade: GradeRule | undefined;
  unitId: number;
  /** Active account, not expired. */
  active: boolean;
}

/** The member investigated: their grade's rule and the units of their chain. */
export interface InvestigatedMember {
  grade: GradeRule | undefined;
  chainUnitIds: ReadonlySet<number>;
}

/** Why the candidate may not be appointed; undefined when they may. */
export function ioIneligibility(candidate: IoCandidate, member: InvestigatedMember): string | undefined {
  if (!candidate.active) return "not an active account";
  const grade = candidate.grade;
  if (!grade?.mayInvestigate)
    return `too junior: ${candidate.rank || "no grade"} may not serve as investigating officer (captain or above)`;
  if (member.grade && grade.seniority <= member.grade.seniority)
    return `too junior: ${candidate.rank} is not senior to the member (${member.grade.grade})`;
  if (member.chainUnitIds.has(candidate.unitId))
    return "in the member's chain: their unit is the member's unit or one above it";
  return undefined;
}
