import type pg from "pg";
import { FIRST_PAGE, PAGE, type PageQuery } from "./rows.js";

/**
 * The plain keyset read a user would write with `pg`: a small first page, then pages of 1,000, each page
 * queried after the previous one arrived (no prefetch). Peers and the raw-driver scenario share it.
 */
export async function* pgPages<R extends { id: number }>(
  db: pg.Pool | pg.Client,
  query: PageQuery,
  signal?: AbortSignal,
  limit = 0,
): AsyncGenerator<R[]> {
  const cap = limit > 0 ? limit : Number.POSITIVE_INFINITY;
  let after: number | undefined;
  let size = Math.min(FIRST_PAGE, cap);
  let read = 0;
  for (;;) {
    signal?.throwIfAborted();
    const { sql, params } = query(after, size);
    const { rows } = await db.query<R>(sql, params);
    if (rows.length > 0) yield rows;
    read += rows.length;
    if (rows.length < size || read >= cap) return;
    after = rows[rows.length - 1].id;
    size = Math.min(PAGE, cap - read);
  }
}
