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

/** Where a received span came from: anyone with a telemetry-write token can say anything in a span. */
export interface ExternalOrigin {
  /** Username of the caller who posted it, or "" when the receiver was not told. */
  submittedBy: string;
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
  /** Set on spans received over OTLP (not recorded by this server); its attributes are the sender's claims. */
  external?: ExternalOrigin;
}

/** Renders an attribute value as text. */
export function attributeText(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value, bigintAsString) ?? "");
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

// V8 keeps a string in 1 byte per character when it can and 2 when it must; count 2 so the estimate
// stays above the truth. Each string and object also carries a header, each property a slot.
const STRING_HEADER = 24;
const SPAN_OBJECT = 320;
const EVENT_OBJECT = 96;
const PROPERTY = 48;

/**
 * An upper estimate of the heap a stored span holds (its strings, objects and properties), for the
 * trace store's byte budget. Approximate, but never far below the truth for any span shape.
 */
export function storedSpanBytes(span: StoredSpan): number {
  let bytes =
    SPAN_OBJECT +
    text(span.traceId) +
    text(span.spanId) +
    text(span.parentSpanId ?? "") +
    text(span.name) +
    text(span.serviceName) +
    text(span.statusMessage) +
    text(span.external?.submittedBy ?? "") +
    textMap(span.attributes);
  for (const event of span.events) bytes += EVENT_OBJECT + text(event.name) + textMap(event.attributes);
  return bytes;
}

function text(value: string): number {
  return STRING_HEADER + 2 * value.length;
}

function textMap(map: Record<string, string>): number {
  let bytes = PROPERTY;
  for (const key in map) bytes += PROPERTY + text(key) + text(map[key]);
  return bytes;
}
