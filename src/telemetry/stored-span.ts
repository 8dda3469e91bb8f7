/** The role of a span in its call. */
export type StoredSpanKind = "unspecified" | "internal" | "server" | "client" | "producer" | "consumer";

/** The outcome a span reported. */
export type StoredSpanStatus = "unset" | "ok" | "error";

/** A timestamped note on a span, such as a recorded exception. */
export interface StoredEvent {
  name: string;
  /** Epoch milliseconds (fractional). */
  timeMs: number;
  attributes: Record<string, string>;
}

/** A finished span as the trace store keeps it: plain data, whatever produced it (this SDK or OTLP/JSON). */
export interface StoredSpan {
  traceId: string;
  spanId: string;
  /** Undefined for a root span. */
  parentSpanId: string | undefined;
  name: string;
  kind: StoredSpanKind;
  serviceName: string;
  /** Epoch milliseconds (fractional). */
  startMs: number;
  durationMs: number;
  status: StoredSpanStatus;
  statusMessage: string;
  /** Attribute values as text; numbers, booleans and arrays as JSON. */
  attributes: Record<string, string>;
  events: StoredEvent[];
}

/** Renders an attribute value as text. */
export function attributeText(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value, bigintAsString) ?? "");
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
