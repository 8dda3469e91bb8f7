import type { PageReader, Row } from "./db.js";

/** How to read one keyset page: rows after `after` (undefined for the first page), at most `limit`. */
export interface KeysetQuery<R, K> {
  page(after: K | undefined, limit: number): { sql: string; params: unknown[] };
  /** The key of a row; the last row's key starts the next page. */
  keyOf(row: R): K;
}

/** Page sizes and cancellation of a keyset stream. */
export interface KeysetOptions {
  /** A small first page gets the first item out fast. */
  firstPageSize: number;
  pageSize: number;
  /** Stop after this many rows; 0 or undefined for all. */
  limit?: number;
  signal?: AbortSignal;
}

/** Each page after the first is this many times the one before, up to `pageSize`. */
const PAGE_GROWTH = 4;

/**
 * Streams a query page by page over a covering index, yielding each page as it arrives and fetching
 * the next one while the consumer writes the current one. Never holds more than two pages. Pages
 * grow from the small first one (50, 200, 800, then 1,000 by default): a client that stops after a
 * few items leaves a small prefetched page behind, not a full one, while long streams soon read
 * full pages.
 */
export async function* keysetPages<R = Row, K = unknown>(
  db: PageReader,
  query: KeysetQuery<R, K>,
  options: KeysetOptions,
): AsyncGenerator<R[]> {
  const { signal } = options;
  const cap = options.limit && options.limit > 0 ? options.limit : Number.POSITIVE_INFINITY;
  let sent = 0;
  let size = Math.min(options.firstPageSize, cap);
  let pageIndex = 0;
  const fetchPage = (after: K | undefined, limit: number) => {
    const { sql, params } = query.page(after, limit);
    return db.page<R>(sql, params, { signal, pageIndex: pageIndex++ }).then((result) => result.rows);
  };
  let pending: Promise<R[]> | undefined = fetchPage(undefined, size);
  while (pending) {
    const rows: R[] = await pending;
    pending = undefined;
    signal?.throwIfAborted();
    const full = rows.length === size;
    sent += rows.length;
    if (full && sent < cap) {
      size = Math.min(size * PAGE_GROWTH, options.pageSize, cap - sent);
      pending = fetchPage(query.keyOf(rows[rows.length - 1]), size);
      // A page left unread because the consumer stopped must not surface as an unhandled rejection.
      pending.catch(() => {});
    }
    if (rows.length > 0) yield rows;
  }
}
