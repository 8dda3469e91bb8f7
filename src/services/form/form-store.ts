import type { Queryable } from "../../db/db.js";
import { SECTIONS } from "../../domain/form/af348-sections.js";
import { type FieldValue, snakeCase, type Witness } from "../../domain/form/field-declarations.js";
import { completeForm, type FormContent } from "../../domain/form/form-content.js";
import {
  FINDING_ROLE_KEYS,
  type FindingRoleKey,
  formRole,
  type SectionName,
} from "../../domain/form/form-roles.js";
import type { FieldChange } from "../../domain/form/plan-form-edit.js";

/** What the form shows beside its content: the snapshot's time, list entries in words, who recorded findings. */
export interface FormDetails {
  snapshotTime: Date | null;
  /** Snapshot columns that are not form fields (the unit id). */
  unitId: number;
  proximateCause: string;
  findings: Partial<
    Record<
      FindingRoleKey,
      { findingDescription: string; byReasonOf: string; updatedBy: string; updatedAt: Date }
    >
  >;
}

/** A case's AF 348 as stored: the domain's content and the details around it. */
export interface StoredForm {
  content: FormContent;
  details: FormDetails;
}

type Row = Record<string, unknown>;

/** The columns of a section's table are the snake_case names of its declared fields (witnesses apart). */
function columnsOf(section: "member" | "medical" | "unit"): string[] {
  return SECTIONS[section].fields
    .filter((field) => field.type !== "witnesses")
    .map((field) => snakeCase(field.name));
}

/** A row's values as section content: declared fields by JSON name, empty text as not answered. */
function contentOf(section: SectionName, row: Row | undefined): Record<string, FieldValue> {
  const content: Record<string, FieldValue> = {};
  if (!row) return content;
  for (const field of SECTIONS[section].fields) {
    const value = row[snakeCase(field.name)];
    if (value !== undefined) content[field.name] = value === "" ? null : (value as FieldValue);
  }
  return content;
}

/** Reads a case's AF 348 (the caller has already checked the case is in scope). */
export async function loadForm(db: Queryable, caseId: number): Promise<StoredForm> {
  const [member, medical, unit, witnesses, findings] = await Promise.all([
    db.query(
      `SELECT ${columnsOf("member").join(", ")}, unit_id, taken_at FROM case_members WHERE case_id = $1`,
      [caseId],
    ),
    db.query(`SELECT ${columnsOf("medical").join(", ")} FROM case_medical WHERE case_id = $1`, [caseId]),
    db.query<Row & { proximate_cause: string | null }>(
      `SELECT ${columnsOf("unit")
        .map((column) => `cu.${column}`)
        .join(", ")}, pc.description AS proximate_cause
       FROM case_unit cu LEFT JOIN proximate_causes pc ON pc.id = cu.proximate_cause_id WHERE cu.case_id = $1`,
      [caseId],
    ),
    db.query<Witness>(
      "SELECT name, contact, statement FROM case_unit_witnesses WHERE case_id = $1 ORDER BY position",
      [caseId],
    ),
    db.query<{
      role_id: number;
      finding: string | null;
      finding_description: string | null;
      concur: boolean | null;
      by_reason_of_id: number | null;
      by_reason_of: string | null;
      explanation: string;
      updated_by: string;
      updated_at: Date;
    }>(
      `SELECT cf.role_id, f.code AS finding, f.description AS finding_description, cf.concur,
              cf.reason_id AS by_reason_of_id, fr.reason AS by_reason_of, cf.explanation,
              u.username AS updated_by, cf.updated_at
       FROM case_findings cf LEFT JOIN findings f ON f.id = cf.finding_id
       LEFT JOIN finding_reasons fr ON fr.id = cf.reason_id JOIN users u ON u.id = cf.updated_by
       WHERE cf.case_id = $1`,
      [caseId],
    ),
  ]);
  const sections: Partial<Record<SectionName, Record<string, FieldValue>>> = {
    member: contentOf("member", member.rows[0]),
    medical: contentOf("medical", medical.rows[0]),
    unit: { ...contentOf("unit", unit.rows[0]), witnesses: witnesses.rows },
  };
  const details: FormDetails = {
    snapshotTime: (member.rows[0]?.taken_at as Date | undefined) ?? null,
    unitId: (member.rows[0]?.unit_id as number | undefined) ?? 0,
    proximateCause: unit.rows[0]?.proximate_cause ?? "",
    findings: {},
  };
  for (const row of findings.rows) {
    const key = FINDING_ROLE_KEYS.find((candidate) => formRole(candidate).roleId === row.role_id);
    if (!key) continue;
    sections[`findings.${key}`] = contentOf(`findings.${key}`, row);
    details.findings[key] = {
      findingDescription: row.finding_description ?? "",
      byReasonOf: row.by_reason_of ?? "",
      updatedBy: row.updated_by,
      updatedAt: new Date(row.updated_at),
    };
  }
  return { content: completeForm(sections), details };
}

/**
 * Writes the changed fields of the member, medical and unit sections (a section's row is created on its
 * first write), recording who changed it; the witness list is replaced as a whole.
 */
export async function writeSectionChanges(
  tx: Queryable,
  caseId: number,
  changes: readonly FieldChange[],
  userId: number,
): Promise<void> {
  const member = changes.filter((change) => change.section === "member");
  if (member.length > 0) {
    // Only the recorded duty status is writable; the snapshot's own trigger refuses anything else.
    const sets = member.map((change, index) => `${snakeCase(change.field)} = $${index + 2}`);
    await tx.query(`UPDATE case_members SET ${sets.join(", ")} WHERE case_id = $1`, [
      caseId,
      ...member.map((change) => change.after),
    ]);
  }
  for (const section of ["medical", "unit"] as const) {
    const columns = changes.filter((change) => change.section === section && change.field !== "witnesses");
    const table = section === "medical" ? "case_medical" : "case_unit";
    if (changes.some((change) => change.section === section)) {
      const names = columns.map((change) => snakeCase(change.field));
      const placeholders = columns.map((_, index) => `$${index + 3}`);
      await tx.query(
        `INSERT INTO ${table} (case_id, updated_by${names.map((name) => `, ${name}`).join("")})
         VALUES ($1, $2${placeholders.map((placeholder) => `, ${placeholder}`).join("")})
         ON CONFLICT (case_id) DO UPDATE SET updated_by = excluded.updated_by, updated_at = now()${names
           .map((name) => `, ${name} = excluded.${name}`)
           .join("")}`,
        [caseId, userId, ...columns.map((change) => change.after)],
      );
    }
  }
  const witnesses = changes.find((change) => change.section === "unit" && change.field === "witnesses");
  if (witnesses) {
    const list = (witnesses.after ?? []) as readonly Witness[];
    await tx.query("DELETE FROM case_unit_witnesses WHERE case_id = $1", [caseId]);
    await tx.query(
      `INSERT INTO case_unit_witnesses (case_id, position, name, contact, statement)
       SELECT $1, w.position, w.name, w.contact, w.statement
       FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS w (name, contact, statement, position)`,
      [
        caseId,
        list.map((witness) => witness.name),
        list.map((witness) => witness.contact),
        list.map((witness) => witness.statement),
      ],
    );
  }
}

/** Records (replaces) a reviewer role's finding: the finding by code, concur, by reason of, explanation. */
export async function writeFinding(
  tx: Queryable,
  caseId: number,
  role: FindingRoleKey,
  finding: Readonly<Record<string, FieldValue>>,
  userId: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO case_findings (case_id, role_id, finding_id, concur, reason_id, explanation, updated_by)
     VALUES ($1, $2, (SELECT id FROM findings WHERE code = $3), $4, $5, $6, $7)
     ON CONFLICT (case_id, role_id) DO UPDATE SET finding_id = excluded.finding_id, concur = excluded.concur,
       reason_id = excluded.reason_id, explanation = excluded.explanation, updated_by = excluded.updated_by,
       updated_at = now()`,
    [
      caseId,
      formRole(role).roleId,
      finding.finding ?? null,
      finding.concur ?? null,
      finding.byReasonOfId ?? null,
      finding.explanation ?? "",
      userId,
    ],
  );
}
