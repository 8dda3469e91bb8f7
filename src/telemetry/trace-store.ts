import type { Context } from "@opentelemetry/api";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { hrTimeToMilliseconds } from "@opentelemetry/core";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { attributeText, type StoredEvent, type StoredSpan, type StoredSpanKind } from "./stored-span.js";

/** Bounds of the in-memory store; the oldest traces go first when either is reached. */
export interface TraceStoreOptions {
  maxTraces?: number;
  maxSpans?: number;
  /** Spans beyond this in one trace are dropped (and counted) so one runaway trace cannot evict all others. */
  maxSpansPerTrace?: number;
}

/** Filters of a trace search; all given filters must match. */
export interface TraceQuery {
  correlationId?: string;
  traceId?: string;
  /** Case-insensitive text in a span name or its rpc.method attribute. */
  method?: string;
  status?: "ok" | "error";
  minDurationMs?: number;
  /** At most this many summaries, newest first; default 50. */
  limit?: number;
}

/** One trace in a search result. */
export interface TraceSummary {
  traceId: string;
  rootSpanName: string;
  serviceName: string;
  correlationId: string;
  startMs: number;
  durationMs: number;
  status: "ok" | "error";
  spanCount: number;
}

/** A whole trace, spans ordered by start. */
export interface StoredTrace {
  summary: TraceSummary;
  spans: StoredSpan[];
}

interface TraceEntry {
  traceId: string;
  spans: StoredSpan[];
  startMs: number;
  endMs: number;
  error: boolean;
  correlationId: string;
}

const KINDS: Record<SpanKind, StoredSpanKind> = {
  [SpanKind.INTERNAL]: "internal",
  [SpanKind.SERVER]: "server",
  [SpanKind.CLIENT]: "client",
  [SpanKind.PRODUCER]: "producer",
  [SpanKind.CONSUMER]: "consumer",
};

/**
 * Keeps recent finished spans grouped by trace, for the trace search API. It is an OpenTelemetry span
 * processor (spans of this process) and also takes spans decoded from OTLP/JSON (browser spans).
 */
export class TraceStore implements SpanProcessor {
  private readonly traces = new Map<string, TraceEntry>();
  private readonly maxTraces: number;
  private readonly maxSpans: number;
  private readonly maxSpansPerTrace: number;
  private spanCount = 0;
  private droppedCount = 0;

  constructor(options: TraceStoreOptions = {}) {
    this.maxTraces = options.maxTraces ?? 2_000;
    this.maxSpans = options.maxSpans ?? 50_000;
    this.maxSpansPerTrace = options.maxSpansPerTrace ?? 10_000;
  }

  /** Traces and spans held now, and spans dropped because a trace was full. */
  get size(): { traces: number; spans: number; dropped: number } {
    return { traces: this.traces.size, spans: this.spanCount, dropped: this.droppedCount };
  }

  /** Adds one finished span, evicting the least recently updated traces beyond the bounds. */
  add(span: StoredSpan): void {
    let entry = this.traces.get(span.traceId);
    if (entry) {
      if (entry.spans.length >= this.maxSpansPerTrace) {
        this.droppedCount++;
        return;
      }
      // Re-insert so Map order is least recently updated first.
      this.traces.delete(span.traceId);
    } else {
      entry = {
        traceId: span.traceId,
        spans: [],
        startMs: span.startMs,
        endMs: span.startMs + span.durationMs,
        error: false,
        correlationId: "",
      };
    }
    this.traces.set(span.traceId, entry);
    entry.spans.push(span);
    entry.startMs = Math.min(entry.startMs, span.startMs);
    entry.endMs = Math.max(entry.endMs, span.startMs + span.durationMs);
    if (span.status === "error") entry.error = true;
    const correlationId = span.attributes["correlation.id"];
    if (correlationId && (!entry.correlationId || span.parentSpanId === undefined)) {
      entry.correlationId = correlationId;
    }
    this.spanCount++;
    this.evict();
  }

  /** Summaries of the traces matching every given filter, newest first. */
  search(query: TraceQuery = {}): TraceSummary[] {
    const limit = query.limit ?? 50;
    const method = query.method?.toLowerCase();
    const matches: TraceEntry[] = [];
    for (const entry of this.traces.values()) {
      if (query.traceId && entry.traceId !== query.traceId) continue;
      if (query.correlationId && !hasCorrelationId(entry, query.correlationId)) continue;
      if (query.status && (query.status === "error") !== entry.error) continue;
      if (query.minDurationMs !== undefined && entry.endMs - entry.startMs < query.minDurationMs) continue;
      if (method && !entry.spans.some((span) => matchesMethod(span, method))) continue;
      matches.push(entry);
    }
    matches.sort((a, b) => b.startMs - a.startMs);
    return matches.slice(0, limit).map(summarize);
  }

  /** One trace with its spans ordered by start, or undefined if it is not (or no longer) held. */
  get(traceId: string): StoredTrace | undefined {
    const entry = this.traces.get(traceId);
    if (!entry) return undefined;
    const spans = [...entry.spans].sort((a, b) => a.startMs - b.startMs);
    return { summary: summarize(entry), spans };
  }

  /** Forgets every trace. */
  clear(): void {
    this.traces.clear();
    this.spanCount = 0;
    this.droppedCount = 0;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    this.add(fromReadableSpan(span));
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  private evict(): void {
    while (this.traces.size > this.maxTraces || this.spanCount > this.maxSpans) {
      const oldest = this.traces.keys().next();
      if (oldest.done) return;
      this.spanCount -= this.traces.get(oldest.value)!.spans.length;
      this.traces.delete(oldest.value);
    }
  }
}

function hasCorrelationId(entry: TraceEntry, correlationId: string): boolean {
  return (
    entry.correlationId === correlationId ||
    entry.spans.some((span) => span.attributes["correlation.id"] === correlationId)
  );
}

function matchesMethod(span: StoredSpan, method: string): boolean {
  if (span.name.toLowerCase().includes(method)) return true;
  const rpcMethod = span.attributes["rpc.method"];
  return rpcMethod?.toLowerCase().includes(method) === true;
}

/** The root is the earliest parentless span, else the earliest span whose parent is not held. */
function rootOf(spans: StoredSpan[]): StoredSpan {
  let root: StoredSpan | undefined;
  for (const span of spans) {
    if (span.parentSpanId === undefined && (!root || span.startMs < root.startMs)) root = span;
  }
  if (root) return root;
  const ids = new Set(spans.map((span) => span.spanId));
  for (const span of spans) {
    if (!ids.has(span.parentSpanId!) && (!root || span.startMs < root.startMs)) root = span;
  }
  return root ?? spans[0];
}

function summarize(entry: TraceEntry): TraceSummary {
  const root = rootOf(entry.spans);
  return {
    traceId: entry.traceId,
    rootSpanName: root.name,
    serviceName: root.serviceName,
    correlationId: entry.correlationId,
    startMs: entry.startMs,
    durationMs: entry.endMs - entry.startMs,
    status: entry.error ? "error" : "ok",
    spanCount: entry.spans.length,
  };
}

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
