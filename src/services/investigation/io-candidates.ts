import type { Queryable } from "../../db/db.js";
import { type GradeRule, ioIneligibility } from "../../domain/investigation/io-eligibility.js";
import { invalidArgument } from "../../errors.js";
import { OFFICER_COLUMNS, type OfficerRow } from "./investigation-store.js";

/** An officer the appointing authority may consider, with why they may not be appointed (undefined: eligible). */
export interface IoCandidate extends OfficerRow {
  ineligibleReason: string | undefined;
  seniority: number;
}

/** The case facts eligibility is judged against: the member's grade (as on the case) and the case's unit. */
async function memberOf(
  db: Queryable,
  caseId: number,
): Promise<{ grade: GradeRule | undefined; chainUnitIds: Set<number> }> {
  const { rows } = await db.query<{
    grade: string | null;
    seniority: number | null;
    may: boolean | null;
    chain: number[];
  }>(
    `SELECT cm.grade, g.seniority, g.may_investigate AS may,
            array(SELECT ancestor_id FROM unit_tree WHERE descendant_id = c.unit_id) AS chain
     FROM cases c LEFT JOIN case_members cm ON cm.case_id = c.id LEFT JOIN io_grades g ON g.grade = cm.grade
     WHERE c.id = $1`,
    [caseId],
  );
  const row = rows[0];
  return {
    grade:
      row?.grade && row.seniority !== null
        ? { grade: row.grade, seniority: row.seniority, mayInvestigate: row.may ?? false }
        : undefined,
    chainUnitIds: new Set(row?.chain ?? []),
  };
}

/** The columns and joins of a candidate: officer, grade rule, whether the account is active and may act. */
const CANDIDATE_SELECT = `
  SELECT ${OFFICER_COLUMNS}, g.seniority, g.may_investigate,
         (o.account_status = 'active' AND (o.expiration_date IS NULL OR o.expiration_date >= current_date)
          AND EXISTS (SELECT 1 FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id
                      WHERE rp.role_id = o.current_role_id AND p.name = 'lodAct')) AS active
  FROM users o JOIN units ou ON ou.id = o.unit_id
  LEFT JOIN grade_ranks gr ON gr.rank = o.rank
  LEFT JOIN io_grades g ON g.grade = gr.grade`;

type CandidateRow = OfficerRow & {
  seniority: number | null;
  may_investigate: boolean | null;
  active: boolean;
};

function judged(row: CandidateRow, member: Awaited<ReturnType<typeof memberOf>>): IoCandidate {
  const grade =
    row.grade && row.seniority !== null
      ? { grade: row.grade, seniority: row.seniority, mayInvestigate: row.may_investigate ?? false }
      : undefined;
  return {
    ...row,
    seniority: row.seniority ?? 0,
    ineligibleReason: ioIneligibility(
      { rank: row.rank, grade, unitId: row.unit_id, active: row.active },
      member,
    ),
  };
}

/**
 * The officers (users whose rank carries an officer grade) in the appointing authority's units, each judged by
 * the IO rule for the case; eligible first, then senior first, then by name.
 */
export async function listIoCandidates(
  db: Queryable,
  caseId: number,
  unitId: number,
): Promise<IoCandidate[]> {
  const member = await memberOf(db, caseId);
  const { rows } = await db.query<CandidateRow>(
    `${CANDIDATE_SELECT}
     WHERE o.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = $1) AND gr.grade LIKE 'O-%'
     ORDER BY o.last_name, o.first_name, o.id`,
    [unitId],
  );
  return rows
    .map((row) => judged(row, member))
    .sort(
      (a, b) =>
        Number(a.ineligibleReason !== undefined) - Number(b.ineligibleReason !== undefined) ||
        b.seniority - a.seniority,
    );
}

/**
 * The officer to appoint by username, checked by the IO rule (INVALID_ARGUMENT naming investigating_officer
 * with the reason): an unknown user or one outside the appointing authority's units is refused as not found.
 */
export async function eligibleOfficer(
  db: Queryable,
  caseId: number,
  unitId: number,
  username: string,
): Promise<IoCandidate> {
  if (username.trim() === "") throw invalidArgument("investigating_officer", "required (a username)");
  const { rows } = await db.query<CandidateRow>(
    `${CANDIDATE_SELECT}
     WHERE o.username = $1 AND o.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = $2)`,
    [username.trim(), unitId],
  );
  if (rows.length === 0)
    throw invalidArgument("investigating_officer", `no user "${username}" in your units`);
  const candidate = judged(rows[0], await memberOf(db, caseId));
  if (candidate.ineligibleReason)
    throw invalidArgument(
      "investigating_officer",
      `${username} may not be appointed: ${candidate.ineligibleReason}`,
    );
  return candidate;
}
