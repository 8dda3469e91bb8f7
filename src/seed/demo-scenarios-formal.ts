import type { Queryable } from "../db/db.js";
import { investigationSha256 } from "../domain/investigation/investigation-hash.js";
import { completeContent, type InvestigationValue } from "../domain/investigation/investigation-sections.js";
import { addDays } from "../domain/investigation/suspense.js";
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
  incident: string;
  reason: string;
  report: Readonly<Record<string, InvestigationValue>>;
}

const report = (place: string, howSustained: string, finding: string, misconduct: boolean) => ({
  reportDate: null,
  investigationOf: "injury",
  memberStatus: "inactive_duty_training",
  inactiveDutyTraining: "Unit training assembly, Saturday second period",
  place,
  howSustained,
  medicalDiagnosis: "Closed fracture of the right radius",
  presentForDuty: true,
  absentWithAuthority: false,
  absentWithoutAuthority: false,
  intentionalMisconduct: misconduct,
  mentallySound: true,
  otherPersons: [
    { name: "SSgt Lee Park", grade: "E-5", unit: "729th Airlift Squadron", involvement: "Witness" },
  ],
  remarks: "Statements of the member and one witness attached.",
  recommendedFinding: finding,
});

export const FORMAL_DEMO_CASES: readonly FormalDemoCase[] = [
  {
    status: 21,
    io: "iocapt",
    suspenseInDays: 38,
    directedDaysAgo: 12,
    incident: "Injured in a vehicle rollover returning from drill; alcohol suspected",
    reason: "Possible misconduct: the member's blood alcohol was not tested",
    report: { place: "State Route 60, Riverside County" },
  },
  {
    status: 21,
    io: "iomaj",
    suspenseInDays: -6,
    directedDaysAgo: 56,
    incident: "Fractured wrist during an off-base altercation on a drill weekend",
    reason: "Misconduct alleged by a civilian witness",
    report: {},
  },
  ...[22, 23, 24, 25, 26, 27, 19].map((status, index) => ({
    status,
    io: (index % 2 === 0 ? "iocapt" : "iomaj") as "iocapt" | "iomaj",
    suspenseInDays: 10 - index * 4,
    directedDaysAgo: 40 + index * 6,
    incident: `Fell from a loading ramp during an exercise (formal case ${index + 1})`,
    reason: "Duty status at the time of the injury unclear",
    report: report(
      "Ramp 2, March Air Reserve Base",
      "Slipped on hydraulic fluid while guiding a pallet off the ramp",
      index % 3 === 2 ? "NILOD-MISCONDUCT" : "ILOD",
      index % 3 === 2,
    ),
  })),
];

/** The informal route a formal case passed before it was directed, then the formal one. */
const INFORMAL = [10, 11, 12, 13, 14];
const FORMAL = [21, 22, 23, 24, 25, 26, 27, 19];

/** Inserts the formal demo cases with their history, investigation, report, reviews and signatures. */
export async function seedFormalDemoCases(tx: Queryable, today: string): Promise<void> {
  const people = await tx.query<{ username: string; id: number; name: string }>(
    `SELECT username, id, trim(rank || ' ' || first_name || ' ' || last_name) AS name FROM users
     WHERE username IN ('medtech', 'wingcc', 'wingja', 'iocapt', 'iomaj')`,
  );
  const user = new Map(people.rows.map((row) => [row.username, row]));
  const members = await tx.query<{ id: number }>(
    "SELECT id FROM members WHERE unit_id = 102 AND grade LIKE 'E-%' ORDER BY id DESC LIMIT $1",
    [FORMAL_DEMO_CASES.length],
  );
  for (const [index, plan] of FORMAL_DEMO_CASES.entries()) {
    const directed = addDays(today, -plan.directedDaysAgo);
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO cases (case_number, module_id, workflow_id, work_status_id, unit_id, member_id, created_by,
                          created_at, updated_at)
       SELECT to_char($1::date, 'YYYYMMDD') || '-F' || lpad($2::text, 6, '0'), 2, 1, $3, m.unit_id, m.id, $4,
              $1::date - 10, now()
       FROM members m WHERE m.id = $5 RETURNING id`,
      [
        directed,
        index + 1,
        ws(plan.status),
        user.get("medtech")!.id,
        members.rows[index % members.rows.length].id,
      ],
    );
    const caseId = rows[0].id;
    await tx.query(
      "INSERT INTO lod_details (case_id, incident_description, formal_investigation, finding_id) VALUES ($1, $2, true, $3)",
      [caseId, plan.incident, plan.status === 19 ? 1 : null],
    );
    const path = [...INFORMAL, ...FORMAL.slice(0, FORMAL.indexOf(plan.status) + 1)];
    for (const [step, status] of path.entries()) {
      const last = step === path.length - 1;
      await tx.query(
        `INSERT INTO tracking (case_id, module_id, workflow_id, work_status_id, start_time, end_time, action_label)
         VALUES ($1, 2, 1, $2, $3::date - 10 + $4::int, CASE WHEN $5 THEN NULL ELSE $3::date - 10 + $4::int + 1 END, $6)`,
        [
          caseId,
          ws(status),
          directed,
          step * 2,
          last && status !== 19,
          last ? "" : status === 14 ? "Formal investigation directed" : "Forward",
        ],
      );
    }
    const io = user.get(plan.io)!;
    const suspense = addDays(today, plan.suspenseInDays);
    await tx.query(
      `INSERT INTO investigations (case_id, directed_by, directed_at, direct_reason, io_user_id, suspense_date)
       VALUES ($1, $2, $3::date, $4, $5, $6)`,
      [caseId, user.get("wingcc")!.id, directed, plan.reason, io.id, suspense],
    );
    await tx.query(
      `INSERT INTO investigation_appointments (case_id, io_user_id, appointed_by, appointed_at, reason, suspense_date)
       VALUES ($1, $2, $3, $4::date, $5, $6)`,
      [caseId, io.id, user.get("wingcc")!.id, directed, plan.reason, suspense],
    );
    const reported = plan.status !== 21;
    const content = completeContent({
      report: {
        ...plan.report,
        reportDate: reported ? addDays(directed, 20) : null,
        investigationStartDate: reported ? addDays(directed, 1) : null,
        investigationEndDate: reported ? addDays(directed, 19) : null,
      },
      legalReview: { legallySufficient: true, concur: true },
      appointingAuthorityReview: { concur: true },
    });
    await insertReport(tx, caseId, content.report, io.id);
    if (FORMAL.indexOf(plan.status) > 1)
      await tx.query(
        "INSERT INTO formal_legal_reviews (case_id, legally_sufficient, concur, updated_by) VALUES ($1, true, true, $2)",
        [caseId, user.get("wingja")!.id],
      );
    if (FORMAL.indexOf(plan.status) > 2)
      await tx.query(
        "INSERT INTO formal_appointing_authority_reviews (case_id, concur, updated_by) VALUES ($1, true, $2)",
        [caseId, user.get("wingcc")!.id],
      );
    // Each reviewer that passed the case on signed its section, bound to the content as it stands.
    const signers: [number, string, "report" | "legalReview" | "appointingAuthorityReview", number][] = [
      [21, plan.io, "report", 13],
      [22, "wingja", "legalReview", 5],
      [23, "wingcc", "appointingAuthorityReview", 6],
    ];
    for (const [status, signer, section, roleId] of signers) {
      if (FORMAL.indexOf(plan.status) <= FORMAL.indexOf(status)) continue;
      const signed = await tx.query<{ id: number }>(
        `INSERT INTO signatures (case_id, module_id, workflow_id, work_status_id, role_id, user_id, signed_at, name_and_rank, title)
         SELECT $1, 2, 1, $2, $3, u.id, $4::date, trim(u.rank || ' ' || u.first_name || ' ' || u.last_name), r.sign_title
         FROM users u JOIN roles r ON r.id = $3 WHERE u.username = $5 RETURNING id`,
        [caseId, ws(status), roleId, addDays(directed, 20 + FORMAL.indexOf(status) * 2), signer],
      );
      await tx.query(
        "INSERT INTO investigation_signatures (signature_id, case_id, sections, content_sha256) VALUES ($1, $2, $3::text[], $4)",
        [signed.rows[0].id, caseId, [section], investigationSha256(content, [section])],
      );
    }
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
