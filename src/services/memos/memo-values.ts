import type { Queryable } from "../../db/db.js";
import type { MemoValues } from "../../domain/print/memo-text.js";

/** The approving authority's role (src/seed/reference-data.ts Role.ApprovingAuthority): its finding decides. */
const APPROVING_AUTHORITY_ROLE_ID = 11;

/** A user's name as a memo prints it: "Brig Gen Helen Ward". */
const USER_NAME = "trim(u.rank || ' ' || u.first_name || ' ' || u.last_name)";

/**
 * What every memo of a case may say about it, from the member snapshot taken when the case started (never
 * the member's SSN beyond its masked form) and the case's determination as it stands.
 */
export async function caseMemoValues(
  db: Queryable,
  caseId: number,
  actorUserId: number,
): Promise<MemoValues> {
  const { rows } = await db.query<{
    case_number: string;
    member_name: string;
    member_rank_name: string;
    masked_ssn: string;
    unit_name: string;
    incident_description: string | null;
    nature_of_event: string | null;
    determination: string | null;
    by_reason_of: string | null;
    actor: string;
  }>(
    `SELECT c.case_number, trim(cm.first_name || ' ' || cm.last_name) AS member_name,
            trim(cm.rank || ' ' || cm.first_name || ' ' || cm.last_name) AS member_rank_name, cm.masked_ssn,
            cm.unit_name, ld.incident_description, med.nature_of_event, f.description AS determination,
            (SELECT fr.reason FROM case_findings cf JOIN finding_reasons fr ON fr.id = cf.reason_id
             WHERE cf.case_id = c.id AND cf.role_id = $3) AS by_reason_of,
            (SELECT ${USER_NAME} FROM users u WHERE u.id = $2) AS actor
     FROM cases c JOIN case_members cm ON cm.case_id = c.id
     LEFT JOIN lod_details ld ON ld.case_id = c.id LEFT JOIN findings f ON f.id = ld.finding_id
     LEFT JOIN case_medical med ON med.case_id = c.id
     WHERE c.id = $1`,
    [caseId, actorUserId, APPROVING_AUTHORITY_ROLE_ID],
  );
  const row = rows[0];
  if (!row) return {};
  return {
    caseNumber: row.case_number,
    memberName: row.member_name,
    memberRankName: row.member_rank_name,
    maskedSsn: row.masked_ssn,
    unitName: row.unit_name,
    incidentDescription: row.incident_description ?? "",
    natureOfEvent: row.nature_of_event ?? "injury or illness",
    determination: row.determination ?? "",
    byReasonOf: row.by_reason_of ?? "the reasons recorded in the case file",
    approvingAuthority: row.actor,
    appointingAuthority: row.actor,
  };
}

/** The current appointment of a case's investigating officer, for the appointment memo. */
export async function appointmentMemoValues(db: Queryable, caseId: number): Promise<MemoValues> {
  const { rows } = await db.query<{
    officer: string;
    officer_unit: string;
    suspense_date: string;
    reason: string;
  }>(
    `SELECT ${USER_NAME} AS officer, ou.name AS officer_unit,
            to_char(a.suspense_date, 'YYYY-MM-DD') AS suspense_date, a.reason
     FROM investigation_appointments a JOIN users u ON u.id = a.io_user_id JOIN units ou ON ou.id = u.unit_id
     WHERE a.case_id = $1 AND a.ended_at IS NULL ORDER BY a.id DESC LIMIT 1`,
    [caseId],
  );
  const row = rows[0];
  if (!row) return {};
  return {
    investigatingOfficer: row.officer,
    investigatingOfficerUnit: row.officer_unit,
    suspenseDate: row.suspense_date,
    reason: row.reason,
  };
}

/** A date as Air Force correspondence writes it: "27 November 2026" (UTC). */
export function memoDate(date: Date): string {
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(date);
}
