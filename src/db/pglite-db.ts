import { PGlite, types } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import type { Db, PoolStats, Queryable, QueryOptions, QueryResult, Row, TransactionOptions } from "./db.js";

/** The embedded database: real PostgreSQL compiled to WASM, one session, same SQL as production. */
export class PgliteDb implements Db {
  readonly kind = "pglite" as const;
  private busy = 0;

  private constructor(private readonly pglite: PGlite) {}

  /** Opens the database in a directory, or in memory when dataDir is "memory". */
  static async open(dataDir: string): Promise<PgliteDb> {
    const parsers = {
      [types.INT8]: (value: string) => Number(value),
      [types.DATE]: (value: string) => value,
    };
    // pg_trgm: case search's name index (migration 018), as PostgreSQL's contrib provides it.
    const options = { parsers, extensions: { pg_trgm } };
    const pglite = dataDir === "memory" ? new PGlite(options) : new PGlite(dataDir, options);
    await pglite.waitReady;
    return new PgliteDb(pglite);
  }

  async query<R = Row>(sql: string, params: readonly unknown[] = [], options: QueryOptions = {}) {
    options.signal?.throwIfAborted();
    this.busy++;
    try {
      return toResult<R>(await this.pglite.query<R>(sql, params as unknown[]));
    } finally {
      this.busy--;
    }
  }

  /** A stream's page: the embedded database has one session and nothing to cancel, so a plain query. */
  page<R = Row>(sql: string, params: readonly unknown[], options: QueryOptions = {}) {
    return this.query<R>(sql, params, options);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    options.signal?.throwIfAborted();
    this.busy++;
    try {
      return await this.pglite.transaction(async (transaction) =>
        work({
          query: async <R = Row>(
            sql: string,
            params: readonly unknown[] = [],
            queryOptions: QueryOptions = {},
          ) => {
            (queryOptions.signal ?? options.signal)?.throwIfAborted();
            return toResult<R>(await transaction.query<R>(sql, params as unknown[]));
          },
          exec: async (script: string) => {
            await transaction.exec(script);
          },
        }),
      );
    } finally {
      this.busy--;
    }
  }

  /** LISTENs on a channel in-process (db-notifications.ts); resolves to the UNLISTEN. */
  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    const unlisten = await this.pglite.listen(channel, onPayload);
    return () => unlisten();
  }

  /** Runs a script of several statements (migrations). */
  async exec(sql: string): Promise<void> {
    await this.pglite.exec(sql);
  }

  poolStats(): PoolStats {
    return { total: 1, idle: this.busy > 0 ? 0 : 1, waiting: Math.max(0, this.busy - 1) };
  }

  async close(): Promise<void> {
    await this.pglite.close();
  }
}

function toResult<R>(result: { rows: R[]; affectedRows?: number }): QueryResult<R> {
  return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
}
