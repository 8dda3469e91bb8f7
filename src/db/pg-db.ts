import { createHash } from "node:crypto";
import pg from "pg";
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
import { PageLane } from "./page-lane.js";
import { timestamptzParser } from "./timestamptz.js";

// int8 (counts, bigserial ids) as numbers and dates as ISO strings, the same as the embedded adapter;
// timestamptz as pg reads it, the usual shape faster (timestamptz.ts).
pg.types.setTypeParser(20, (value) => Number(value));
pg.types.setTypeParser(1082, (value) => value);
pg.types.setTypeParser(1184, timestamptzParser(pg.types.getTypeParser(1184, "text")));

/**
 * Session settings of every ECT connection. ECT's working set is cached or on SSD, where an index
 * probe costs about as much as a sequential page read: with the default random_page_cost (4, tuned
 * for spinning disks) the planner hash-joins a page of 1,000 cases against whole tables (30–45 ms)
 * instead of probing indexes (≈ 7 ms). 1.1 is the usual value for SSD-backed PostgreSQL.
 *
 * JIT off: PostgreSQL compiles a plan whose cost passes jit_above_cost, which ECT's reports do on a large
 * database, and the compile costs more than it saves. Measured over REST on 1,000,425 cases (PostgreSQL 15):
 * days to complete 2.25 s with JIT, 0.72 s without; RWOA reasons 2.36 → 1.2 s; LOD statistics 5.0–7.0 →
 * 3.5–4.3 s.
 */
export const PG_SESSION_OPTIONS = "-c random_page_cost=1.1 -c jit=off";

/** Settings of the PostgreSQL adapter. */
export interface PgDbOptions {
  connectionString: string;
  poolMin: number;
  poolMax: number;
  statementTimeoutMs: number;
  applicationName?: string;
  /**
   * This process's id among the instances sharing the database, set as the session setting
   * ect.instance on every connection: migration 020's trigger names the writer of a case change with it.
   */
  instanceId?: string;
  /** Stream page queries running at once (config.streaming.pageConcurrency); unbounded when unset. */
  pageConcurrency?: number;
}

/**
 * Checks out a pooled client for one piece of work. pg-pool listens for errors only on idle clients,
 * so a connection the server ends while it is checked out but between statements (a restart, an
 * administrator's pg_terminate_backend) would emit an unhandled 'error' and end the process; here it
 * marks the client broken instead, and `release` drops a broken or cancelled connection.
 */
async function checkout(pool: pg.Pool): Promise<{ client: pg.PoolClient; release(error?: Error): void }> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost = error;
  };
  client.on("error", onError);
  return {
    client,
    release(error) {
      client.off("error", onError);
      client.release(error ?? lost ?? cancelledConnection(client));
    },
  };
}

/** PostgreSQL through a `pg` pool; an aborted signal cancels the running statement in the server. */
export class PgDb implements Db {
  readonly kind = "postgres" as const;
  readonly pool: pg.Pool;
  /** Where the pool connects; a dedicated LISTEN connection (db-notifications.ts) opens the same. */
  readonly connectionString: string;
  /** Stream pages take their connections here: first pages first, never bound to a new connection. */
  private readonly pages: PageLane<pg.PoolClient>;

  constructor(options: PgDbOptions) {
    this.connectionString = options.connectionString;
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      min: options.poolMin,
      max: options.poolMax,
      statement_timeout: options.statementTimeoutMs,
      application_name: options.applicationName ?? "ect",
      options: options.instanceId
        ? `${PG_SESSION_OPTIONS} -c ect.instance=${options.instanceId}`
        : PG_SESSION_OPTIONS,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
    });
    // An idle client losing its connection (PostgreSQL restarted) must not crash the process.
    this.pool.on("error", () => {});
    const pool = this.pool;
    this.pages = new PageLane<pg.PoolClient>(
      {
        take: () => pool.connect(),
        give: (client, error) => client.release(error),
        idle: () => pool.idleCount,
        othersWaiting: () => pool.waitingCount > 0,
      },
      options.pageConcurrency,
    );
  }

  async query<R = Row>(sql: string, params: readonly unknown[] = [], options: QueryOptions = {}) {
    options.signal?.throwIfAborted();
    const { client, release } = await checkout(this.pool);
    let broken: Error | undefined;
    try {
      return await runCancellable<R>(this.pool, client, sql, params, options.signal);
    } catch (error) {
      if (isConnectionError(error)) broken = error as Error;
      throw error;
    } finally {
      release(broken);
    }
  }

  /**
   * One keyset page of a stream. A page is short work bounded by its page size, so when its stream
   * is cancelled the caller is answered at once but the page may finish on its connection for up to
   * PAGE_CANCEL_GRACE_MS: cancelling it at once would cost a second connection for the cancel and
   * discard this one, a few milliseconds of connection set-up for every cancelled stream. A page
   * still running after the grace (blocked on a lock) is cancelled in the server as any statement.
   */
  async page<R = Row>(
    sql: string,
    params: readonly unknown[],
    options: PageOptions = {},
  ): Promise<QueryResult<R>> {
    const { signal } = options;
    signal?.throwIfAborted();
    const { client, release } = await this.checkoutPage(options.pageIndex ?? 0, signal);
    let cancelTimer: NodeJS.Timeout | undefined;
    let settled = false;
    // Keyset pages repeat one statement many times: a named statement is planned once per connection.
    const running = client.query({ text: sql, values: params as unknown[], name: statementName(sql) }).then(
      (result) => {
        settled = true;
        clearTimeout(cancelTimer);
        release();
        return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
      },
      (error: unknown) => {
        settled = true;
        clearTimeout(cancelTimer);
        release(isConnectionError(error) ? (error as Error) : undefined);
        throw error;
      },
    );
    if (!signal) return running;
    if (signal.aborted) running.catch(() => {});
    return new Promise<QueryResult<R>>((resolve, reject) => {
      const onAbort = () => {
        running.catch(() => {});
        reject(signal.reason);
        // Never cancel once settled: the connection may already run someone else's statement.
        cancelTimer = setTimeout(() => {
          if (!settled) cancelBackend(this.pool, client);
        }, PAGE_CANCEL_GRACE_MS).unref();
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      running.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  /** A connection for a stream's page from the page lane; `release` as checkout's. */
  private async checkoutPage(
    pageIndex: number,
    signal: AbortSignal | undefined,
  ): Promise<{ client: pg.PoolClient; release(error?: Error): void }> {
    const client = await this.pages.acquire(pageIndex, signal);
    let lost: Error | undefined;
    const onError = (error: Error) => {
      lost = error;
    };
    client.on("error", onError);
    return {
      client,
      release: (error) => {
        client.off("error", onError);
        this.pages.release(client, error ?? lost ?? cancelledConnection(client));
      },
    };
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    options.signal?.throwIfAborted();
    const { client, release } = await checkout(this.pool);
    let broken: Error | undefined;
    const tx: Queryable = {
      query: <R = Row>(sql: string, params: readonly unknown[] = [], queryOptions: QueryOptions = {}) =>
        runCancellable<R>(this.pool, client, sql, params, queryOptions.signal ?? options.signal),
      exec: async (script: string) => {
        await client.query(script);
      },
    };
    try {
      await client.query("BEGIN");
      const result = await work(tx);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      if (isConnectionError(error)) broken = error as Error;
      else await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      release(broken);
    }
  }

  async exec(script: string): Promise<void> {
    // No parameters: pg sends the simple query protocol, which allows several statements.
    await this.pool.query(script);
  }

  poolStats(): PoolStats {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** How long a cancelled stream's page may keep running before it is cancelled in the server. */
const PAGE_CANCEL_GRACE_MS = 1000;

/** pg has no AbortSignal support: cancels the backend's statement from another connection. */
function cancelBackend(pool: pg.Pool, client: pg.PoolClient): void {
  const pid = (client as unknown as { processID?: number }).processID;
  if (!pid) return;
  cancelled.add(client);
  pool.query("SELECT pg_cancel_backend($1)", [pid]).catch(() => {});
}

async function runCancellable<R>(
  pool: pg.Pool,
  client: pg.PoolClient,
  sql: string,
  params: readonly unknown[],
  signal: AbortSignal | undefined,
): Promise<QueryResult<R>> {
  signal?.throwIfAborted();
  const onAbort = () => cancelBackend(pool, client);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const result = await client.query({ text: sql, values: params as unknown[] });
    return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
  } catch (error) {
    if (signal?.aborted && (error as { code?: string }).code === "57014") throw signal.reason ?? error;
    throw error;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Connections whose statement was cancelled from another connection. The cancel arrives asynchronously
 * and could hit whatever the connection runs next, so such a connection is never reused.
 */
const cancelled = new WeakSet<pg.PoolClient>();

function cancelledConnection(client: pg.PoolClient): Error | undefined {
  return cancelled.has(client) ? new Error("statement cancelled; connection discarded") : undefined;
}

/** A stable name for a statement text (PostgreSQL allows 63 bytes). */
function statementName(sql: string): string {
  return `ect_${createHash("sha1").update(sql).digest("hex").slice(0, 24)}`;
}

function isConnectionError(error: unknown): boolean {
  // Only driver errors carry a string SQLSTATE; a ConnectError's numeric code means the work itself refused.
  const raw = (error as { code?: unknown }).code;
  const code = typeof raw === "string" ? raw : "";
  if (typeof raw === "number") return false;
  const message = (error as Error).message ?? "";
  return (
    code.startsWith("08") || code.startsWith("57P") || /terminat|ECONN|EPIPE|not queryable/i.test(message)
  );
}
