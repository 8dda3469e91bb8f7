import type { Queryable } from "../../db/db.js";
import { SECTIONS } from "../../domain/form/af348-sections.js";
import type { FormContent } from "../../domain/form/form-content.js";
import type { FieldChange } from "../../domain/form/plan-form-edit.js";
import { invalidArgument } from "../../errors.js";

/**
 * Checks what only the database knows about changed values, naming the field: a list id names a row of its
 * seeded list, a finding code is a seeded finding, and an ICD-10-CM code is in icd10_codes once that table
 * (migration 011) holds codes. `next` is the form after the edit; `fieldPath` names fields as the request does.
 */
export async function assertReferencesExist(
  db: Queryable,
  changes: readonly FieldChange[],
  next: FormContent,
  fieldPath: (change: FieldChange) => string,
): Promise<void> {
  for (const change of changes) {
    if (change.after === null) continue;
    const field = SECTIONS[change.section].fields.find((candidate) => candidate.name === change.field);
    if (field?.type === "reference" && field.reference) {
      // The table name comes from the declaration, never from the request.
      const { rowCount } = await db.query(`SELECT 1 FROM ${field.reference} WHERE id = $1`, [change.after]);
      if (rowCount === 0)
        throw invalidArgument(fieldPath(change), `${change.after} is not an id of its list`);
    } else if (change.section.startsWith("findings.") && change.field === "finding") {
      const { rowCount } = await db.query("SELECT 1 FROM findings WHERE code = $1", [change.after]);
      if (rowCount === 0) throw invalidArgument(fieldPath(change), `${change.after} is not a seeded finding`);
    } else if (
      field?.type === "icd10Code" &&
      !(await icd10CodeKnown(db, change.after as string, next.medical.seventhCharacter))
    ) {
      throw invalidArgument(fieldPath(change), `${change.after} is not in the ICD-10-CM code list`);
    }
  }
}

/**
 * Whether an ICD-10-CM code (as stored, with the dot) is in icd10_codes, alone or completed by the form's
 * 7th character (padded with X to six characters, as ICD-10-CM does). True while the table does not exist or
 * holds no codes: the code's shape was checked already.
 */
async function icd10CodeKnown(db: Queryable, code: string, seventh: unknown): Promise<boolean> {
  const table = await db.query<{ present: boolean }>(
    "SELECT to_regclass('icd10_codes') IS NOT NULL AS present",
  );
  if (!table.rows[0].present) return true;
  const base = code.replace(".", "");
  const candidates = [base];
  if (typeof seventh === "string" && base.length <= 6) candidates.push(base.padEnd(6, "X") + seventh);
  const { rows } = await db.query<{ any: boolean; found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM icd10_codes) AS any,
            EXISTS (SELECT 1 FROM icd10_codes WHERE code = ANY($1::text[])) AS found`,
    [candidates],
  );
  return !rows[0].any || rows[0].found;
}
