import type { Queryable } from "../../db/db.js";
import type { Icd10Entry } from "./cms-code-file.js";

/**
 * Inserts or updates codes in one statement: the batch goes in as three arrays (unnest), so a batch
 * of thousands is one round trip with three parameters. A later entry of the same code in the batch
 * wins, as a later line of a file would (one statement may not update a row twice).
 */
export async function upsertIcd10Codes(tx: Queryable, entries: readonly Icd10Entry[]): Promise<void> {
  const byCode = new Map(entries.map((entry) => [entry.code, entry]));
  if (byCode.size === 0) return;
  const rows = [...byCode.values()];
  await tx.query(
    `INSERT INTO icd10_codes (code, description, billable)
     SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[])
     ON CONFLICT (code) DO UPDATE SET description = EXCLUDED.description, billable = EXCLUDED.billable`,
    [rows.map((row) => row.code), rows.map((row) => row.description), rows.map((row) => row.billable)],
  );
}
