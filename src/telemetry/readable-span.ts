/** An OpenTelemetry SDK span converted to the stored form the trace store keeps. */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { hrTimeToMilliseconds } from "@opentelemetry/core";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { attributeText, type StoredEvent, type StoredSpan, type StoredSpanKind } from "./stored-span.js";

const KINDS: Record<SpanKind, StoredSpanKind> = {
  [SpanKind.INTERNAL]: "internal",
  [SpanKind.SERVER]: "server",
  [SpanKind.CLIENT]: "client",
  [SpanKind.PRODUCER]: "producer",
  [SpanKind.CONSUMER]: "consumer",
};

function textAttributes(attributes: Record<string, unknown>): Record<string, string> {
  const text: Record<string, string> = {};
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) text[key] = attributeText(value);
  }
  return text;
}

/** Converts an SDK span into the stored form. */
export function fromReadableSpan(span: ReadableSpan): StoredSpan {
  const context = span.spanContext();
  const events: StoredEvent[] = span.events.map((event) => ({
    name: event.name,
    timeMs: hrTimeToMilliseconds(event.time),
    attributes: textAttributes(event.attributes ?? {}),
  }));
  const serviceName = span.resource.attributes["service.name"];
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    kind: KINDS[span.kind] ?? "unspecified",
    serviceName: typeof serviceName === "string" ? serviceName : "",
    startMs: hrTimeToMilliseconds(span.startTime),
    durationMs: hrTimeToMilliseconds(span.duration),
    status:
      span.status.code === SpanStatusCode.ERROR
        ? "error"
        : span.status.code === SpanStatusCode.OK
          ? "ok"
          : "unset",
    statusMessage: span.status.message ?? "",
    attributes: textAttributes(span.attributes),
    events,
  };
}
