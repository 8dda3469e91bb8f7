import type { DatabasePolicies } from "../resilience/policies.js";
import type { QueryTracer } from "../telemetry/spans.js";
import { sqlOperation } from "../telemetry/spans.js";
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

/** Statements that only read, and so are safe to retry after a transient failure. */
const READ_ONLY = /^\s*(SELECT|WITH\s[\s\S]*?\)\s*SELECT|SHOW|VALUES)\b/i;

/**
 * The Db every service uses: each statement traced (a span that covers the query) and run under the
 * database policies (timeout → retry → circuit breaker → bulkhead). Reads retry; writes retry only as a
 * transaction marked idempotent. A keyset stream's page queries pass here too, so a page is retried
 * before it is yielded and never after.
 */
export class GuardedDb implements Db {
  readonly kind: Db["kind"];

  constructor(
    private readonly inner: Db,
    private readonly policies: DatabasePolicies,
    private readonly trace: QueryTracer,
  ) {
    this.kind = inner.kind;
  }

  query<R = Row>(
    sql: string,
    params: readonly unknown[] = [],
    options: QueryOptions = {},
  ): Promise<QueryResult<R>> {
    return this.statement(sql, options, false, (signal) => this.inner.query<R>(sql, params, { signal }));
  }

  page<R = Row>(sql: string, params: readonly unknown[], options: PageOptions = {}): Promise<QueryResult<R>> {
    const { pageIndex } = options;
    return this.statement(sql, options, true, (signal) =>
      this.inner.page<R>(sql, params, { signal, pageIndex }),
    );
  }

  /** One traced statement under the policies; a stream's page passes as one (see UnaryOptions.streamPage). */
  private statement<T>(
    sql: string,
    options: QueryOptions,
    streamPage: boolean,
    run: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const operation = sqlOperation(sql);
    return this.policies.unary((signal) => this.trace(sql, operation, () => run(signal)), {
      idempotent: READ_ONLY.test(sql),
      method: operation,
      signal: options.signal,
      streamPage,
    });
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.policies.unary(
      (signal) =>
        this.inner.transaction(
          (tx) =>
            work({
              query: <R = Row>(sql: string, params?: readonly unknown[], queryOptions?: QueryOptions) =>
                this.trace(sql, sqlOperation(sql), () => tx.query<R>(sql, params, queryOptions)),
              exec: (script: string) => this.trace(script, "SCRIPT", () => tx.exec(script)),
            }),
          { signal },
        ),
      {
        idempotent: options.idempotent ?? false,
        method: "TRANSACTION",
        signal: options.signal,
        timeoutMs: options.timeoutMs,
      },
    );
  }

  exec(script: string): Promise<void> {
    return this.trace(script, "SCRIPT", () => this.inner.exec(script));
  }

  poolStats(): PoolStats {
    return this.inner.poolStats();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
