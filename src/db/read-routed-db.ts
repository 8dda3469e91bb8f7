import { getCallContext } from "../telemetry/correlation.js";
import type {
  Db,
  PageOptions,
  PoolStats,
  Queryable,
  QueryOptions,
  QueryResult,
  Row,
  TransactionOptions,
} from "./db.js";
import type { PgDb } from "./pg-db.js";

/** How far the replica is behind the primary, for health. */
export interface ReplicaLag {
  /** WAL the replica has received but not yet replayed, plus what it has not received (bytes). */
  bytes: number;
  /** Seconds since the last transaction the replica replayed committed on the primary (null: none yet). */
  seconds: number | null;
  /** Replay paused by an operator (pg_wal_replay_pause). */
  paused: boolean;
}

/** Callers remembered at once with a write the replica may not have yet; the oldest are forgotten first. */
const MAX_PENDING_WRITERS = 10_000;

/**
 * The primary plus a streaming read replica (ECT_DATABASE_READ_URL). Stream pages — StreamCases, the
 * lookup streams, member search — read the replica; every other statement, every transaction and
 * everything run before the schema exists uses the primary. Read-your-writes: after a caller's
 * transaction commits, the primary's WAL position is noted for that caller, and their stream pages read
 * the primary until the replica has replayed past it; other callers may see the replica's older rows
 * meanwhile (that is what a replica is). A replica that cannot be reached is skipped: the page reads
 * the primary.
 */
export class ReadRoutedDb implements Db {
  readonly kind = "postgres" as const;
  /** Per caller: the primary's WAL position after their last write, until the replica has replayed it. */
  private readonly pendingWrites = new Map<string, string>();

  constructor(
    readonly primary: PgDb,
    readonly replica: PgDb,
    private readonly callerOf: () => string | undefined = () => getCallContext()?.user,
  ) {}

  query<R = Row>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>> {
    return this.primary.query<R>(sql, params, options);
  }

  async page<R = Row>(
    sql: string,
    params: readonly unknown[],
    options?: PageOptions,
  ): Promise<QueryResult<R>> {
    if (!(await this.replicaServes(this.callerOf()))) return this.primary.page<R>(sql, params, options);
    try {
      return await this.replica.page<R>(sql, params, options);
    } catch (error) {
      if (options?.signal?.aborted || !isConnectionError(error)) throw error;
      return this.primary.page<R>(sql, params, options);
    }
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T> {
    const result = await this.primary.transaction(work, options);
    const caller = this.callerOf();
    if (caller) await this.noteWrite(caller);
    return result;
  }

  exec(script: string): Promise<void> {
    return this.primary.exec(script);
  }

  poolStats(): PoolStats {
    return this.primary.poolStats();
  }

  /** The replica's lag behind the primary; throws when either cannot be reached. */
  async replicaLag(signal?: AbortSignal): Promise<ReplicaLag> {
    const [primary, replica] = await Promise.all([
      this.primary.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn", [], { signal }),
      this.replica.query<{ replayed: string | null; seconds: number | null; paused: boolean }>(
        `SELECT pg_last_wal_replay_lsn()::text AS replayed,
                extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS seconds,
                pg_is_wal_replay_paused() AS paused`,
        [],
        { signal },
      ),
    ]);
    const { replayed, seconds, paused } = replica.rows[0];
    const diff = await this.primary.query<{ bytes: number }>(
      "SELECT greatest(0, pg_wal_lsn_diff($1::pg_lsn, coalesce($2, '0/0')::pg_lsn))::float8 AS bytes",
      [primary.rows[0].lsn, replayed],
      { signal },
    );
    return { bytes: diff.rows[0].bytes, seconds: seconds === null ? null : Math.max(0, seconds), paused };
  }

  async close(): Promise<void> {
    await Promise.all([this.primary.close(), this.replica.close()]);
  }

  /** Notes where the primary's WAL is now: the caller's commit is at or before it. */
  private async noteWrite(caller: string): Promise<void> {
    const { rows } = await this.primary.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
    this.pendingWrites.delete(caller);
    this.pendingWrites.set(caller, rows[0].lsn);
    if (this.pendingWrites.size > MAX_PENDING_WRITERS) {
      const oldest = this.pendingWrites.keys().next().value;
      if (oldest !== undefined) this.pendingWrites.delete(oldest);
    }
  }

  /** Whether the caller's page may read the replica: they wrote nothing the replica has not replayed. */
  private async replicaServes(caller: string | undefined): Promise<boolean> {
    const lsn = caller === undefined ? undefined : this.pendingWrites.get(caller);
    if (lsn === undefined) return true;
    try {
      const { rows } = await this.replica.query<{ caught_up: boolean }>(
        "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS caught_up",
        [lsn],
      );
      if (!rows[0].caught_up) return false;
    } catch {
      return false;
    }
    if (this.pendingWrites.get(caller as string) === lsn) this.pendingWrites.delete(caller as string);
    return true;
  }
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  const message = (error as Error).message ?? "";
  return (
    (typeof code === "string" && (code.startsWith("08") || code.startsWith("57P"))) ||
    /terminat|ECONN|EPIPE|not queryable|timeout exceeded when trying to connect/i.test(message)
  );
}
