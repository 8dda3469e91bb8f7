/** A database row as the drivers return it. */
export type Row = Record<string, unknown>;

/** Rows of one statement and how many it touched. */
export interface QueryResult<R = Row> {
  rows: R[];
  rowCount: number;
}

/** Options every statement takes. */
export interface QueryOptions {
  /** Aborting cancels the statement in the database (PostgreSQL) or before it starts (embedded). */
  signal?: AbortSignal;
}

/** Something that runs parameterised SQL: the database or an open transaction. */
export interface Queryable {
  query<R = Row>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations, seed). */
  exec(script: string): Promise<void>;
}

/** Options of one keyset page. */
export interface PageOptions extends QueryOptions {
  /** The page's place in its stream (0: the first page); lower indexes get a connection first. */
  pageIndex?: number;
}

/** Reads the keyset pages of server streams (src/db/keyset.ts). */
export interface PageReader {
  /**
   * One page of a server stream. The stream limits admitted the stream, so its pages bypass the unary
   * bulkhead and are cut only by the stream idle timeout; a cancelled page may finish on its
   * connection for a short grace instead of costing a cancel and a new connection (PostgreSQL).
   */
  page<R = Row>(sql: string, params: readonly unknown[], options?: PageOptions): Promise<QueryResult<R>>;
}

/** Connection pool usage, for metrics and health. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** Options of a transaction. */
export interface TransactionOptions extends QueryOptions {
  /** Safe to run again after a transient failure (an idempotency key, or a repeatable statement). */
  idempotent?: boolean;
  /** The transaction's time limit in place of the unary timeout (an upload paced by its client). */
  timeoutMs?: number;
}

/** The Db port: the only way services reach the database; both adapters run the same SQL. */
export interface Db extends Queryable, PageReader {
  readonly kind: "postgres" | "pglite";
  transaction<T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  poolStats(): PoolStats;
  close(): Promise<void>;
}
