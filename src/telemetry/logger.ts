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

/** A pino JSON logger whose lines carry the call context; pretty on a terminal. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const pretty = options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  const base: PinoOptions = {
    level: options.level ?? "info",
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: callFields,
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
