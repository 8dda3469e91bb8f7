import { attributeText, type StoredEvent, type StoredSpan, type StoredSpanKind } from "./stored-span.js";
import type { TraceStore } from "./trace-store.js";

/** An OTLP/JSON body that does not follow ExportTraceServiceRequest; the message names the bad field. */
export class OtlpFormatError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = "OtlpFormatError";
  }
}

/** Limits on one OTLP/JSON request, and who sent it. */
export interface OtlpLimits {
  /** Spans in one request; default 1,000 (OpenTelemetry SDKs export at most 512 at a time). */
  maxSpans?: number;
  /**
   * UTF-8 bytes of any text kept from the request (attribute values, names, messages): longer text is
   * cut to fit and ends in "…[truncated]". Default 4 KiB, config.otlpReceiver.maxAttributeBytes.
   */
  maxAttributeBytes?: number;
  /** Username of the caller who posted the spans, kept on each of them. */
  submittedBy?: string;
}

/** Attributes of one span, event or resource: OpenTelemetry SDKs send at most 128 by default. */
export const MAX_ATTRIBUTES = 128;
/** Events of one span: OpenTelemetry SDKs send at most 128 by default. */
export const MAX_EVENTS = 128;
/** An attribute key is a name, not a payload. */
const MAX_KEY_BYTES = 256;
/** Arrays and key-value lists nested deeper than this are refused (and would only end up as text). */
const MAX_VALUE_DEPTH = 8;
const DEFAULT_MAX_SPANS = 1_000;
const DEFAULT_MAX_ATTRIBUTE_BYTES = 4096;
const TRUNCATED = "…[truncated]";
const TRUNCATED_BYTES = Buffer.byteLength(TRUNCATED);

type Json = Record<string, unknown>;

const TRACE_ID = /^[0-9a-fA-F]{32}$/;
const SPAN_ID = /^[0-9a-fA-F]{16}$/;
const NANOS = /^\d{1,20}$/;
const KIND_NAMES: StoredSpanKind[] = ["unspecified", "internal", "server", "client", "producer", "consumer"];
const STATUS_NAMES = ["unset", "ok", "error"] as const;

/**
 * Validates an OTLP/HTTP JSON ExportTraceServiceRequest (object or JSON text) and adds its spans to
 * the store, each marked external (with who sent it, if given). Nothing is stored unless the whole
 * body is valid and within the limits; throws OtlpFormatError otherwise. Over-long text is truncated
 * rather than refused: SDKs put no bound on attribute values, so a real span may carry a long one.
 */
export function ingestOtlpJson(
  body: unknown,
  store: TraceStore,
  limits: OtlpLimits = {},
): { accepted: number } {
  const spans = decodeOtlpJson(body, limits);
  for (const span of spans) store.add(span);
  return { accepted: spans.length };
}

/** Decodes an OTLP/HTTP JSON ExportTraceServiceRequest into external stored spans, or throws OtlpFormatError. */
export function decodeOtlpJson(body: unknown, limits: OtlpLimits = {}): StoredSpan[] {
  const maxSpans = limits.maxSpans ?? DEFAULT_MAX_SPANS;
  const maxText = limits.maxAttributeBytes ?? DEFAULT_MAX_ATTRIBUTE_BYTES;
  const external = { submittedBy: limits.submittedBy ?? "" };
  const request = object(parseBody(body), "body");
  const spans: StoredSpan[] = [];
  array(request.resourceSpans ?? [], "resourceSpans").forEach((rawResource, r) => {
    const resourcePath = `resourceSpans[${r}]`;
    const resourceSpans = object(rawResource, resourcePath);
    const resource =
      resourceSpans.resource === undefined ? {} : object(resourceSpans.resource, `${resourcePath}.resource`);
    const resourceAttributes = attributes(
      resource.attributes,
      `${resourcePath}.resource.attributes`,
      maxText,
    );
    const serviceName = resourceAttributes["service.name"] ?? "unknown_service";
    array(resourceSpans.scopeSpans ?? [], `${resourcePath}.scopeSpans`).forEach((rawScope, s) => {
      const scopePath = `${resourcePath}.scopeSpans[${s}]`;
      const scopeSpans = object(rawScope, scopePath);
      array(scopeSpans.spans ?? [], `${scopePath}.spans`).forEach((rawSpan, i) => {
        if (spans.length >= maxSpans) throw new OtlpFormatError("body", `more than ${maxSpans} spans`);
        spans.push({ ...span(rawSpan, `${scopePath}.spans[${i}]`, serviceName, maxText), external });
      });
    });
  });
  return spans;
}

function parseBody(body: unknown): unknown {
  if (body instanceof Uint8Array) body = new TextDecoder().decode(body);
  if (typeof body !== "string") return body;
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new OtlpFormatError("body", `not JSON (${(error as Error).message})`);
  }
}

function span(raw: unknown, path: string, serviceName: string, maxText: number): StoredSpan {
  const json = object(raw, path);
  const traceId = id(json.traceId, TRACE_ID, `${path}.traceId`, 32);
  const spanId = id(json.spanId, SPAN_ID, `${path}.spanId`, 16);
  const parentSpanId =
    json.parentSpanId === undefined || json.parentSpanId === ""
      ? undefined
      : id(json.parentSpanId, SPAN_ID, `${path}.parentSpanId`, 16);
  if (typeof json.name !== "string") throw new OtlpFormatError(`${path}.name`, "must be a string");
  const startMs = unixNanosToMs(json.startTimeUnixNano, `${path}.startTimeUnixNano`);
  const endMs = unixNanosToMs(json.endTimeUnixNano, `${path}.endTimeUnixNano`);
  if (endMs < startMs) throw new OtlpFormatError(`${path}.endTimeUnixNano`, "is before startTimeUnixNano");
  const status = json.status === undefined ? {} : object(json.status, `${path}.status`);
  const rawEvents = array(json.events ?? [], `${path}.events`);
  if (rawEvents.length > MAX_EVENTS) throw new OtlpFormatError(`${path}.events`, `more than ${MAX_EVENTS}`);
  const events: StoredEvent[] = rawEvents.map((rawEvent, e) => {
    const eventPath = `${path}.events[${e}]`;
    const event = object(rawEvent, eventPath);
    return {
      name: typeof event.name === "string" ? capped(event.name, maxText) : "",
      timeMs: unixNanosToMs(event.timeUnixNano, `${eventPath}.timeUnixNano`),
      attributes: attributes(event.attributes, `${eventPath}.attributes`, maxText),
    };
  });
  return {
    traceId,
    spanId,
    parentSpanId,
    name: capped(json.name, maxText),
    kind: KIND_NAMES[enumIndex(json.kind, "SPAN_KIND_", KIND_NAMES, `${path}.kind`)],
    serviceName: capped(serviceName, maxText),
    startMs,
    durationMs: endMs - startMs,
    status: STATUS_NAMES[enumIndex(status.code, "STATUS_CODE_", STATUS_NAMES, `${path}.status.code`)],
    statusMessage: typeof status.message === "string" ? capped(status.message, maxText) : "",
    attributes: attributes(json.attributes, `${path}.attributes`, maxText),
    events,
  };
}

function object(value: unknown, path: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new OtlpFormatError(path, "must be an object");
  }
  return value as Json;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new OtlpFormatError(path, "must be an array");
  return value;
}

function id(value: unknown, pattern: RegExp, path: string, length: number): string {
  if (typeof value !== "string" || !pattern.test(value) || /^0+$/.test(value)) {
    throw new OtlpFormatError(path, `must be ${length} hex characters, not all zero`);
  }
  return value.toLowerCase();
}

/** Unix nanoseconds (a decimal string, or a number as some encoders send) to epoch milliseconds. */
function unixNanosToMs(value: unknown, path: string): number {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value / 1e6;
  if (typeof value === "string" && NANOS.test(value)) {
    const nanos = BigInt(value);
    return Number(nanos / 1000n) / 1000;
  }
  throw new OtlpFormatError(path, "must be unix nanoseconds as a decimal string");
}

/** An enum given as its number or its name (e.g. 2 or "SPAN_KIND_SERVER"); absent means 0. */
function enumIndex(value: unknown, prefix: string, names: readonly string[], path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value < names.length)
    return value;
  if (typeof value === "string" && value.startsWith(prefix)) {
    const index = names.indexOf(value.slice(prefix.length).toLowerCase());
    if (index >= 0) return index;
  }
  throw new OtlpFormatError(path, `must be 0–${names.length - 1} or a ${prefix}* name`);
}

function attributes(value: unknown, path: string, maxText: number): Record<string, string> {
  const text: Record<string, string> = {};
  if (value === undefined) return text;
  const pairs = array(value, path);
  if (pairs.length > MAX_ATTRIBUTES) throw new OtlpFormatError(path, `more than ${MAX_ATTRIBUTES}`);
  pairs.forEach((rawPair, i) => {
    const pair = object(rawPair, `${path}[${i}]`);
    if (typeof pair.key !== "string") throw new OtlpFormatError(`${path}[${i}].key`, "must be a string");
    const key = capped(pair.key, MAX_KEY_BYTES);
    text[key] = capped(attributeText(anyValue(pair.value, `${path}[${i}].value`, 0)), maxText);
  });
  return text;
}

/**
 * The text cut to at most maxBytes UTF-8 bytes, marker included, on a character boundary. The cut
 * is a fresh string: a slice would be a V8 sliced string that keeps the whole original alive.
 */
export function capped(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return text;
  const room = Math.max(0, maxBytes - TRUNCATED_BYTES);
  const head = Buffer.from(text.slice(0, room));
  let end = Math.min(room, head.length);
  // Step back off UTF-8 continuation bytes so no character is split.
  while (end > 0 && (head[end] & 0xc0) === 0x80) end--;
  return head.toString("utf8", 0, end) + TRUNCATED;
}

/** An OTLP AnyValue as a plain value (arrays and key-value lists become arrays and objects). */
function anyValue(raw: unknown, path: string, depth: number): unknown {
  if (raw === undefined || raw === null) return "";
  const value = object(raw, path);
  if ("stringValue" in value) return String(value.stringValue);
  if ("boolValue" in value) return value.boolValue === true;
  if ("intValue" in value) {
    const int = value.intValue;
    if (typeof int === "number" && Number.isInteger(int)) return int;
    // int64 arrives as a decimal string; keep it as text where a number would lose digits.
    if (typeof int === "string" && /^-?\d+$/.test(int))
      return Number.isSafeInteger(Number(int)) ? Number(int) : int;
    throw new OtlpFormatError(`${path}.intValue`, "must be an integer");
  }
  if ("doubleValue" in value) {
    const double = Number(value.doubleValue);
    if (Number.isNaN(double) && value.doubleValue !== "NaN") {
      throw new OtlpFormatError(`${path}.doubleValue`, "must be a number");
    }
    return double;
  }
  if ("bytesValue" in value) return String(value.bytesValue);
  if (("arrayValue" in value || "kvlistValue" in value) && depth >= MAX_VALUE_DEPTH) {
    throw new OtlpFormatError(path, `nested more than ${MAX_VALUE_DEPTH} deep`);
  }
  if ("arrayValue" in value) {
    const list = object(value.arrayValue, `${path}.arrayValue`);
    return array(list.values ?? [], `${path}.arrayValue.values`).map((item, i) =>
      anyValue(item, `${path}.arrayValue.values[${i}]`, depth + 1),
    );
  }
  if ("kvlistValue" in value) {
    const list = object(value.kvlistValue, `${path}.kvlistValue`);
    const entries: Record<string, unknown> = {};
    array(list.values ?? [], `${path}.kvlistValue.values`).forEach((rawPair, i) => {
      const pair = object(rawPair, `${path}.kvlistValue.values[${i}]`);
      entries[String(pair.key)] = anyValue(pair.value, `${path}.kvlistValue.values[${i}].value`, depth + 1);
    });
    return entries;
  }
  return "";
}
