import { context, isSpanContextValid, trace } from "@opentelemetry/api";
import { type DestinationStream, type Logger, type LoggerOptions as PinoOptions, pino } from "pino";
import { getCallContext } from "./correlation.js";

/** Options of createLogger. */
export interface LoggerOptions {
  /** pino level name; default "info". */
  level?: string;
  /** Human-readable output through pino-pretty; default: only when stdout is a terminal. */
  pretty?: boolean;
  /** Where JSON lines go (tests pass a stream); default stdout. */
  destination?: DestinationStream;
}

/** Adds the current call's correlation id, method, user and trace/span ids to every line. */
function callFields(): object {
  const call = getCallContext();
  const spanContext = trace.getSpan(context.active())?.spanContext();
  const traced = spanContext !== undefined && isSpanContextValid(spanContext);
  // pino merges the line into this object, so it must be a fresh one each time.
  const fields: Record<string, string> = {};
  if (call) {
    fields.correlationId = call.correlationId;
    if (call.method) fields.method = call.method;
    if (call.user) fields.user = call.user;
  }
  if (traced) {
    fields.traceId = spanContext.traceId;
    fields.spanId = spanContext.spanId;
  }
  return fields;
}

/** Fields of a database error that carry row or parameter values (an SSN in a duplicate key, say). */
const DATABASE_VALUE_FIELDS = new Set(["params", "detail", "where", "internalQuery", "queryOptions"]);

/** The SQLSTATE of a driver's database error (pg and PGlite set a string code and a severity), or "". */
function sqlStateOf(error: Record<string, unknown>): string {
  const { code, severity } = error;
  return typeof code === "string" && typeof severity === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : "";
}

/** Data exceptions (class 22) quote the offending input in their message: `invalid input syntax …: "123-45-6789"`. */
function databaseMessage(sqlState: string, message: string): string {
  return sqlState.startsWith("22") ? message.replace(/"(?:[^"]|"")*"/g, '"…"') : message;
}

function isErrorLike(value: unknown): value is Error & Record<string, unknown> {
  return typeof value === "object" && value !== null && typeof (value as Error).message === "string";
}

/**
 * The pino serializer of `err` (and `error`): what a log line may keep of an error. A database error keeps
 * its SQLSTATE, its message (input values quoted by a data exception masked) and its statement text, never
 * its parameter values, `detail` or `where`; any other error keeps its own fields but those. Causes and
 * aggregated errors are serialized the same way.
 */
export function serializeError(value: unknown, seen = new Set<unknown>()): unknown {
  if (!isErrorLike(value)) return value;
  const type = typeof value.constructor === "function" ? value.constructor.name : value.name;
  if (seen.has(value)) return { type, message: "(circular cause)" };
  seen.add(value);
  const sqlState = sqlStateOf(value);
  const message = sqlState ? databaseMessage(sqlState, value.message) : value.message;
  // A V8 stack begins with the message: it must not bring back what the message left out.
  const stack = typeof value.stack === "string" ? value.stack.replace(value.message, message) : undefined;
  const out: Record<string, unknown> = { type, message, stack };
  if (sqlState) {
    out.code = sqlState;
    if (typeof value.query === "string") out.statement = value.query;
  } else {
    for (const key in value) {
      if (key in out || key === "cause" || key === "errors" || DATABASE_VALUE_FIELDS.has(key)) continue;
      out[key] = isErrorLike(value[key]) ? serializeError(value[key], seen) : value[key];
    }
  }
  if (isErrorLike(value.cause)) out.cause = serializeError(value.cause, seen);
  if (Array.isArray(value.errors)) out.errors = value.errors.map((error) => serializeError(error, seen));
  return out;
}

/** A pino JSON logger whose lines carry the call context; pretty on a terminal. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const pretty = options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  const base: PinoOptions = {
    level: options.level ?? "info",
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: callFields,
    serializers: { err: serializeError, error: serializeError },
  };
  if (pretty) {
    return pino({
      ...base,
      transport: {
        target: "pino-pretty",
        options: { colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" },
      },
    });
  }
  const json: PinoOptions = { ...base, formatters: { level: (label) => ({ level: label }) } };
  return options.destination ? pino(json, options.destination) : pino(json);
}
