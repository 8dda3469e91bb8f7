import { type Attributes, type Span, SpanKind, trace } from "@opentelemetry/api";
import type { Logger } from "pino";
import { currentCorrelationId } from "./correlation.js";
import type { EctMetrics } from "./metrics.js";
import { recordSpanError } from "./span-error.js";
import { TRACER_NAME } from "./tracing.js";

const tracer = trace.getTracer(TRACER_NAME);

/**
 * Runs fn inside a new INTERNAL span (child of the active one) that records its error (a stack only
 * for a bug, see recordSpanError) and ends with it.
 */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  const correlationId = currentCorrelationId();
  const all = correlationId ? { ...attributes, "correlation.id": correlationId } : attributes;
  return tracer.startActiveSpan(name, { attributes: all }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      recordSpanError(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Traces one database statement: `traceDbQuery(sql, "SELECT", () => client.query(sql, params))`. */
export type QueryTracer = <T>(statement: string, operation: string, fn: () => Promise<T>) => Promise<T>;

/** Options of createQueryTracer. */
export interface QueryTracerOptions {
  /** Queries slower than this are logged as warnings; default 1,000 ms. */
  slowQueryMs?: number;
  logger?: Pick<Logger, "warn">;
  metrics?: Pick<EctMetrics, "dbQueryDuration">;
  /** db.system attribute; default "postgresql" (PGlite is PostgreSQL too). */
  dbSystem?: string;
}

/** Longest statement text kept on a span or log line. */
const MAX_STATEMENT = 2_000;

/**
 * Creates the function the database layer wraps every statement in: a CLIENT span (db.system,
 * db.statement, db.operation, returned rows from a rowCount), the query duration histogram, and a
 * warning for slow queries.
 */
export function createQueryTracer(options: QueryTracerOptions = {}): QueryTracer {
  const slowQueryMs = options.slowQueryMs ?? 1_000;
  const dbSystem = options.dbSystem ?? "postgresql";
  const { logger, metrics } = options;
  return (statement, operation, fn) => {
    const text = statement.length > MAX_STATEMENT ? `${statement.slice(0, MAX_STATEMENT)}…` : statement;
    const attributes: Attributes = { "db.system": dbSystem, "db.statement": text, "db.operation": operation };
    const correlationId = currentCorrelationId();
    if (correlationId) attributes["correlation.id"] = correlationId;
    return tracer.startActiveSpan(
      `${operation} ${dbSystem}`,
      { kind: SpanKind.CLIENT, attributes },
      async (span) => {
        const started = performance.now();
        let rowCount: number | undefined;
        try {
          const result = await fn();
          rowCount = rowCountOf(result);
          if (rowCount !== undefined) span.setAttribute("db.response.returned_rows", rowCount);
          return result;
        } catch (error) {
          recordSpanError(span, error);
          throw error;
        } finally {
          const ms = performance.now() - started;
          span.end();
          metrics?.dbQueryDuration.observe({ operation }, ms / 1000);
          if (ms > slowQueryMs) {
            logger?.warn({ durationMs: Math.round(ms), operation, statement: text, rowCount }, "slow query");
          }
        }
      },
    );
  };
}

/** The first SQL keyword, upper-cased ("SELECT", "INSERT", "WITH", …), for the operation argument. */
export function sqlOperation(statement: string): string {
  return /^\s*(\w+)/.exec(statement)?.[1]?.toUpperCase() ?? "UNKNOWN";
}

function rowCountOf(result: unknown): number | undefined {
  if (typeof result !== "object" || result === null || !("rowCount" in result)) return undefined;
  return typeof result.rowCount === "number" ? result.rowCount : undefined;
}
