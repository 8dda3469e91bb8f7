import type { Queryable } from "../db/db.js";
import { SECTIONS } from "../domain/form/af348-sections.js";
import { type FieldType, snakeCase, type Witness } from "../domain/form/field-declarations.js";
import { type FormRoleKey, formRole, isFindingRole } from "../domain/form/form-roles.js";
import type { DemoActor } from "./demo-actors.js";
import type { DemoCase } from "./demo-case.js";
import { writeJsonRows } from "./demo-json-rows.js";

/** The SQL type of a field's column, as the form's declarations type the field. */
const SQL_TYPES: Record<FieldType, string> = {
  text: "text",
  enum: "text",
  boolean: "boolean",
  date: "date",
  icd10Code: "text",
  seventhCharacter: "text",
  reference: "int",
  witnesses: "jsonb",
};

/**
 * Writes the AF 348 of planned cases as the form service stores it (services/form/form-store.ts): the member's
 * recorded duty status, the medical and unit sections with who wrote them last and when, the witnesses in
 * their order, and each reviewer's finding.
 */
export async function writeDemoFormSections(tx: Queryable, cases: readonly DemoCase[]): Promise<void> {
  await writeJsonRows(
    tx,
    `UPDATE case_members m SET duty_status = x.duty_status
     FROM jsonb_to_recordset($1::jsonb) AS x (case_id int, duty_status text) WHERE m.case_id = x.case_id`,
    cases
      .filter(({ form }) => form.member.dutyStatus !== null)
      .map(({ caseId, form }) => ({ case_id: caseId, duty_status: form.member.dutyStatus })),
  );
  await writeSection(tx, "medical", cases, (demo) =>
    lastWrite(demo, ["medicalTechnician", "medicalOfficer"]),
  );
  await writeSection(tx, "unit", cases, (demo) => lastWrite(demo, ["unitCommander"]));
  await writeJsonRows(
    tx,
    `INSERT INTO case_unit_witnesses (case_id, position, name, contact, statement)
     SELECT case_id, position, name, contact, statement
     FROM jsonb_to_recordset($1::jsonb) AS w (case_id int, position int, name text, contact text, statement text)`,
    cases.flatMap(({ caseId, form }) =>
      (form.unit.witnesses as readonly Witness[]).map((entry, index) => ({
        case_id: caseId,
        position: index + 1,
        ...entry,
      })),
    ),
  );
  await writeJsonRows(
    tx,
    `INSERT INTO case_findings (case_id, role_id, finding_id, concur, reason_id, explanation, updated_by, updated_at)
     SELECT x.case_id, x.role_id, f.id, x.concur, x.reason_id, x.explanation, x.updated_by, x.updated_at
     FROM jsonb_to_recordset($1::jsonb) AS x (case_id int, role_id int, finding text, concur boolean,
       reason_id int, explanation text, updated_by int, updated_at timestamptz)
     LEFT JOIN findings f ON f.code = x.finding`,
    cases.flatMap((demo) =>
      demo.plan.writes.flatMap(({ role, roleId, at }) => {
        if (!isFindingRole(role)) return [];
        const content = demo.form[`findings.${role}`];
        return [
          {
            case_id: demo.caseId,
            role_id: formRole(role).roleId,
            finding: content.finding,
            concur: content.concur ?? null,
            reason_id: content.byReasonOfId,
            explanation: content.explanation ?? "",
            updated_by: demo.actorOf(roleId).id,
            updated_at: at,
          },
        ];
      }),
    ),
  );
}

/** Who last wrote a section of a case (one of `roles`), and when; the technician of a draft; else nobody. */
function lastWrite(
  demo: DemoCase,
  roles: readonly FormRoleKey[],
): { actor: DemoActor; at: Date } | undefined {
  const write = demo.plan.writes.filter((entry) => roles.includes(entry.role)).at(-1);
  if (write) return { actor: demo.actorOf(write.roleId), at: write.at };
  if (!demo.plan.draft || !roles.includes("medicalTechnician")) return undefined;
  return { actor: demo.actorOf(formRole("medicalTechnician").roleId), at: demo.plan.steps[0].start };
}

/** Inserts the medical or unit section of each case someone wrote it for; the columns come from the declarations. */
async function writeSection(
  tx: Queryable,
  section: "medical" | "unit",
  cases: readonly DemoCase[],
  writerOf: (demo: DemoCase) => { actor: DemoActor; at: Date } | undefined,
): Promise<void> {
  const columns = SECTIONS[section].fields
    .filter((field) => field.type !== "witnesses")
    .map((field) => ({ field: field.name, column: snakeCase(field.name), type: SQL_TYPES[field.type] }));
  const names = columns.map(({ column }) => column).join(", ");
  await writeJsonRows(
    tx,
    `INSERT INTO ${section === "medical" ? "case_medical" : "case_unit"} (case_id, updated_by, updated_at, ${names})
     SELECT case_id, updated_by, updated_at, ${names}
     FROM jsonb_to_recordset($1::jsonb) AS x (case_id int, updated_by int, updated_at timestamptz,
       ${columns.map(({ column, type }) => `${column} ${type}`).join(", ")})`,
    cases.flatMap((demo) => {
      const writer = writerOf(demo);
      if (!writer) return [];
      const content = demo.form[section];
      return [
        {
          case_id: demo.caseId,
          updated_by: writer.actor.id,
          updated_at: writer.at,
          ...Object.fromEntries(columns.map(({ field, column }) => [column, content[field]])),
        },
      ];
    }),
  );
}
