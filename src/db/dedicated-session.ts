import pg from "pg";
import type { Db, QueryResult, Row } from "./db.js";
import { PG_SESSION_OPTIONS, PgDb } from "./pg-db.js";
import { PgliteDb } from "./pglite-db.js";
import { ReadRoutedDb } from "./read-routed-db.js";

/**
 * One database session kept for session-scoped state (advisory locks) that a pool would hand to
 * someone else. `generation` changes whenever the session was lost and a new one opened: whatever
 * the old session held is gone.
 */
export interface DedicatedSession {
  query<R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  readonly generation: number;
  close(): Promise<void>;
}

/** A dedicated session on the process's database (the primary when a replica is configured). */
export function dedicatedSession(db: Db, applicationName = "ect-session"): DedicatedSession {
  if (db instanceof ReadRoutedDb) return dedicatedSession(db.primary, applicationName);
  if (db instanceof PgDb) return new PgDedicatedSession(db.connectionString, applicationName);
  // The embedded database is one session already.
  if (db instanceof PgliteDb)
    return { query: (sql, params) => db.query(sql, params), generation: 0, close: async () => {} };
  throw new Error(`no dedicated session for database kind ${db.kind}`);
}

/** A pg.Client opened on first use and re-opened on the next query after it was lost. */
class PgDedicatedSession implements DedicatedSession {
  private client: Promise<pg.Client> | undefined;
  generation = 0;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly applicationName: string,
  ) {}

  async query<R = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const client = await this.open();
    const result = await client.query({ text: sql, values: params as unknown[] });
    return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await (await client?.catch(() => undefined))?.end().catch(() => {});
  }

  private open(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error("session closed"));
    if (this.client) return this.client;
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: this.applicationName,
      options: PG_SESSION_OPTIONS,
      connectionTimeoutMillis: 5000,
      keepAlive: true,
    });
    const opening = client.connect().then(() => {
      this.generation++;
      return client;
    });
    this.client = opening;
    // Lost (restart, pg_terminate_backend): the next query opens a new session instead of crashing the process.
    const lost = () => {
      if (this.client === opening) this.client = undefined;
      client.end().catch(() => {});
    };
    client.on("error", lost);
    client.on("end", lost);
    opening.catch(lost);
    return opening;
  }
}
