import type { Queryable } from "../db/db.js";

/**
 * Runs one set-based statement over rows passed as a single JSON parameter (`$1`, read with
 * jsonb_to_recordset): one round trip per table however many rows, the same SQL on PostgreSQL and PGlite,
 * and no 65,535-parameter limit. Nothing runs for no rows.
 */
export async function writeJsonRows(tx: Queryable, sql: string, rows: readonly object[]): Promise<void> {
  if (rows.length > 0) await tx.query(sql, [JSON.stringify(rows)]);
}
