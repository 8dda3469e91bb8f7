import type { Queryable } from "../db/db.js";
import { investigationSha256 } from "../domain/investigation/investigation-hash.js";
import { completeContent, type InvestigationValue } from "../domain/investigation/investigation-sections.js";
import { addDays } from "../domain/investigation/suspense.js";
import { formalScenarioOf } from "./demo-case-plan.js";
import { seedDemoForms } from "./demo-forms.js";
import { ws } from "./reference-data.js";

/**
 * Formal investigations of the demo (issue 17): one case at each status of the formal path (Investigating
 * Officer 21 through Formal Approving Authority Review 27), one more at the investigating officer past its
 * suspense, and one completed. Members of the 729th Airlift Squadron (102); the 452nd AMW's wing commander
 * directed each, and Capt Walsh (iocapt) or Maj Reyes (iomaj) investigates. Dates count back from `today`.
 */
interface FormalDemoCase {
  /** The status code the case waits at (19: completed). */
  status: number;
  io: "iocapt" | "iomaj";
  /** Days from today to the suspense (negative: past it). */
  suspenseInDays: number;
  /** Days since the investigation was directed. */
  directedDaysAgo: number;
  /** Why the appointing authority directed it. */
  reason: string;
}

/** What the investigating officer found, per formal scenario (demo-scenarios-contested.ts), as the report says it. */
const REPORTS: Readonly<Record<string, Readonly<Record<string, InvestigationValue>>>> = {
  "alcohol-balcony-fall": {
    investigationOf: "injury",
    memberStatus: "ad_30_days_or_less",
    place: "Temporary lodging, building 402, second-floor walkway",
    howSustained:
      "Fell over the walkway railing at about 0100 after an evening at an off-base bar; blood alcohol 0.14 g/dL " +
      "at the emergency department. Off duty; the railing met code and was undamaged.",
    medicalDiagnosis: "Concussion with brief loss of consciousness (S06.0X1A) and a scalp laceration",
    presentForDuty: true,
    absentWithAuthority: false,
    absentWithoutAuthority: false,
    intentionalMisconduct: true,
    mentallySound: true,
    otherPersons: [
      {
        name: "SrA Devon Hale",
        grade: "E-4",
        unit: "729th Airlift Squadron",
        involvement: "Witness: with the member that evening",
      },
      {
        name: "Mr. Carl Ostrowski",
        grade: "",
        unit: "Lodging night manager",
        involvement: "Witness: found the member",
      },
    ],
    remarks:
      "Statements of both witnesses, the lodging incident log and the emergency department record are attached. " +
      "Voluntary intoxication was the proximate cause of the fall.",
    recommendedFinding: "NILOD-MISCONDUCT",
  },
  "dining-hall-assault": {
    investigationOf: "injury",
    memberStatus: "ad_30_days_or_less",
    place: "Dining facility, main serving line",
    howSustained:
      "Struck in the face by another airman during an argument the member did not start; two witnesses and the " +
      "security forces report agree the member did not strike back.",
    medicalDiagnosis: "Closed fracture of the nasal bones (S02.2XXA)",
    presentForDuty: true,
    absentWithAuthority: false,
    absentWithoutAuthority: false,
    intentionalMisconduct: false,
    mentallySound: true,
    otherPersons: [
      {
        name: "A1C Jordan Pike",
        grade: "E-3",
        unit: "452nd Maintenance Group",
        involvement: "Struck the member",
      },
      { name: "SSgt Lee Park", grade: "E-5", unit: "729th Airlift Squadron", involvement: "Witness" },
    ],
    remarks: "Security forces report and two witness statements attached; the other airman was disciplined.",
    recommendedFinding: "ILOD",
  },
};

export const FORMAL_DEMO_CASES: readonly FormalDemoCase[] = [
  {
    status: 21,
    io: "iocapt",
    suspenseInDays: 38,
    directedDaysAgo: 12,
    reason: "Possible misconduct: witnesses' accounts conflict with the member's",
  },
  {
    status: 21,
    io: "iomaj",
    suspenseInDays: -6,
    directedDaysAgo: 56,
    reason: "Misconduct alleged by a witness; the member's account differs",
  },
  ...[22, 23, 24, 25, 26, 27, 19].map((status, index) => ({
    status,
    io: (index % 2 === 0 ? "iocapt" : "iomaj") as "iocapt" | "iomaj",
    suspenseInDays: 10 - index * 4,
    directedDaysAgo: 40 + index * 6,
    reason:
      "Misconduct may have caused the injury: the facts must be established by an investigating officer",
  })),
];

/**
 * Inserts the formal demo cases and writes everything they carry: the path (informal route to the appointing
 * authority, the direction, the formal route) and the AF 348 as far as it went, by the same plans and writer as
 * every demo case (demo-case-plan.ts planFormalCase, demo-forms.ts), then the investigation: the appointment,
 * the report, the formal reviews and their signatures, dated by the path's own moves.
 */
export async function seedFormalDemoCases(tx: Queryable, today: string): Promise<void> {
  const ids = await insertFormalDemoCases(tx, today);
  await seedDemoForms(tx, Math.min(...ids) - 1);
  for (const [index, plan] of FORMAL_DEMO_CASES.entries()) await completeInvestigation(tx, ids[index], plan);
}

/** The case rows, their LOD part (flagged formal) and the investigation as directed; returns the case ids. */
async function insertFormalDemoCases(tx: Queryable, today: string): Promise<number[]> {
  const ids: number[] = [];
  const members = await tx.query<{ id: number }>(
    "SELECT id FROM members WHERE unit_id = 102 AND grade LIKE 'E-%' ORDER BY id DESC LIMIT $1",
    [FORMAL_DEMO_CASES.length],
  );
  for (const [index, plan] of FORMAL_DEMO_CASES.entries()) {
    // Started ten days before the direction; waiting at its status since today (a completed one since 3 days).
    const started = addDays(today, -(plan.directedDaysAgo + 10));
    const lastMove = plan.status === 19 ? addDays(today, -3) : today;
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO cases (case_number, module_id, workflow_id, work_status_id, unit_id, member_id, created_by,
                          created_at, updated_at)
       SELECT to_char($1::date, 'YYYYMMDD') || '-F' || lpad($2::text, 6, '0'), 2, 1, $3, m.unit_id, m.id,
              (SELECT id FROM users WHERE username = 'medtech'), $1::date + interval '9 hours', $4::date
       FROM members m WHERE m.id = $5 RETURNING id`,
      [started, index + 1, ws(plan.status), lastMove, members.rows[index % members.rows.length].id],
    );
    const caseId = rows[0].id;
    ids.push(caseId);
    await tx.query(
      "INSERT INTO lod_details (case_id, incident_description, formal_investigation) VALUES ($1, '', true)",
      [caseId],
    );
    // Dated for now; completeInvestigation dates it by the move that directed it.
    await tx.query(
      `INSERT INTO investigations (case_id, directed_by, direct_reason, io_user_id, suspense_date)
       SELECT $1, wingcc.id, $2, io.id, $3
       FROM users wingcc, users io WHERE wingcc.username = 'wingcc' AND io.username = $4`,
      [caseId, plan.reason, addDays(today, plan.suspenseInDays), plan.io],
    );
  }
  return ids;
}

/** The appointment, report, formal reviews and investigation signatures of one case, dated by its tracking. */
async function completeInvestigation(tx: Queryable, caseId: number, plan: FormalDemoCase): Promise<void> {
  const moves = await tx.query<{ status: number; left: Date | null }>(
    "SELECT work_status_id - 100 AS status, end_time AS left FROM tracking WHERE case_id = $1 ORDER BY id",
    [caseId],
  );
  const leftAt = (status: number) => moves.rows.find((move) => move.status === status)?.left ?? null;
  const day = (at: Date) => new Date(at).toISOString().slice(0, 10);
  const directedAt = leftAt(14);
  if (!directedAt) throw new Error(`formal demo case ${caseId} has no direction`);
  const directed = day(directedAt);
  await tx.query("UPDATE investigations SET directed_at = $2 WHERE case_id = $1", [caseId, directedAt]);
  await tx.query(
    `INSERT INTO investigation_appointments (case_id, io_user_id, appointed_by, appointed_at, reason, suspense_date)
     SELECT case_id, io_user_id, directed_by, directed_at, direct_reason, suspense_date FROM investigations
     WHERE case_id = $1`,
    [caseId],
  );
  const reportedAt = leftAt(21);
  const reportDate = reportedAt ? day(reportedAt) : null;
  const content = completeContent({
    report: {
      ...REPORTS[formalScenarioOf(plan.status).key],
      reportDate,
      investigationStartDate: reportDate ? addDays(directed, 1) : null,
      investigationEndDate: reportDate ? addDays(reportDate, -1) : null,
    },
    legalReview: { legallySufficient: true, concur: true },
    appointingAuthorityReview: { concur: true },
  });
  const io = await tx.query<{ id: number }>("SELECT id FROM users WHERE username = $1", [plan.io]);
  await insertReport(tx, caseId, content.report, io.rows[0].id);
  if (leftAt(22))
    await tx.query(
      `INSERT INTO formal_legal_reviews (case_id, legally_sufficient, concur, updated_by)
       SELECT $1, true, true, id FROM users WHERE username = 'wingja'`,
      [caseId],
    );
  if (leftAt(23))
    await tx.query(
      `INSERT INTO formal_appointing_authority_reviews (case_id, concur, updated_by)
       SELECT $1, true, id FROM users WHERE username = 'wingcc'`,
      [caseId],
    );
  // Each reviewer that passed the case on signed its section shortly before the move, bound to its content.
  const signers: [number, string, "report" | "legalReview" | "appointingAuthorityReview", number][] = [
    [21, plan.io, "report", 13],
    [22, "wingja", "legalReview", 5],
    [23, "wingcc", "appointingAuthorityReview", 6],
  ];
  for (const [status, signer, section, roleId] of signers) {
    const left = leftAt(status);
    if (!left) continue;
    const signed = await tx.query<{ id: number }>(
      `INSERT INTO signatures (case_id, module_id, workflow_id, work_status_id, role_id, user_id, signed_at, name_and_rank, title)
       SELECT $1, 2, 1, $2, $3, u.id, $4::timestamptz - interval '10 minutes',
              trim(u.rank || ' ' || u.first_name || ' ' || u.last_name), r.sign_title
       FROM users u JOIN roles r ON r.id = $3 WHERE u.username = $5 RETURNING id`,
      [caseId, ws(status), roleId, left, signer],
    );
    await tx.query(
      "INSERT INTO investigation_signatures (signature_id, case_id, sections, content_sha256) VALUES ($1, $2, $3::text[], $4)",
      [signed.rows[0].id, caseId, [section], investigationSha256(content, [section])],
    );
  }
}

async function insertReport(
  tx: Queryable,
  caseId: number,
  values: Readonly<Record<string, InvestigationValue>>,
  userId: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO investigation_reports (case_id, report_date, investigation_of, member_status, inactive_duty_training,
       investigation_start_date, investigation_end_date, place, how_sustained, medical_diagnosis, present_for_duty,
       absent_with_authority, absent_without_authority, intentional_misconduct, mentally_sound, remarks,
       recommended_finding, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
    [
      caseId,
      values.reportDate,
      values.investigationOf,
      values.memberStatus,
      values.inactiveDutyTraining,
      values.investigationStartDate,
      values.investigationEndDate,
      values.place,
      values.howSustained,
      values.medicalDiagnosis,
      values.presentForDuty,
      values.absentWithAuthority,
      values.absentWithoutAuthority,
      values.intentionalMisconduct,
      values.mentallySound,
      values.remarks,
      values.recommendedFinding,
      userId,
    ],
  );
  const persons = (values.otherPersons ?? []) as readonly {
    name: string;
    grade: string;
    unit: string;
    involvement: string;
  }[];
  for (const [position, person] of persons.entries()) {
    await tx.query(
      `INSERT INTO investigation_other_persons (case_id, position, name, grade, unit, involvement)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [caseId, position, person.name, person.grade, person.unit, person.involvement],
    );
  }
}
