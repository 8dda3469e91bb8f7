import type { Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { fromReadableSpan } from "./readable-span.js";
import type { StoredSpan } from "./stored-span.js";
import { type TraceEntry, TracePartition } from "./trace-partition.js";

/**
 * Bounds of the in-memory store. Spans received over OTLP live in a partition of their own with a
 * share of every bound, so however many arrive they never push out this server's own traces.
 */
export interface TraceStoreOptions {
  /** Traces of this server's own spans; default 2,000 (received spans get externalShare of it). */
  maxTraces?: number;
  /** Spans of this server's own; default 50,000 (received spans get externalShare of it). */
  maxSpans?: number;
  /** Spans beyond this in one trace are dropped (and counted) so one runaway trace cannot evict all others. */
  maxSpansPerTrace?: number;
  /** Estimated heap bytes of every span held, both partitions together; default 64 MiB. */
  maxBytes?: number;
  /** The share of maxBytes (and of maxTraces and maxSpans, on top) received spans get; default 0.25. */
  externalShare?: number;
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
  /** Spans of the trace received over OTLP rather than recorded by this server. */
  externalSpanCount: number;
  /** Who posted the received spans (distinct usernames; "" where the receiver was not told). */
  submittedBy: string[];
}

/** A whole trace, spans ordered by start. */
export interface StoredTrace {
  summary: TraceSummary;
  spans: StoredSpan[];
}

/** How much the store holds, in all and of received spans. */
export interface TraceStoreSize {
  traces: number;
  spans: number;
  /** Spans dropped because their trace was full (or one span alone passed the byte bound). */
  dropped: number;
  /** Estimated heap bytes of the spans held. */
  bytes: number;
  external: { traces: number; spans: number; bytes: number };
}

/** One trace as a search sees it: this server's spans and received spans of the same trace id. */
interface TraceView {
  traceId: string;
  own: TraceEntry | undefined;
  received: TraceEntry | undefined;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Keeps recent finished spans grouped by trace, for the trace search API. It is an OpenTelemetry span
 * processor (spans of this process) and also takes spans decoded from OTLP/JSON (marked external).
 */
export class TraceStore implements SpanProcessor {
  private readonly own: TracePartition;
  private readonly received: TracePartition;
  private readonly externalShare: number;

  constructor(options: TraceStoreOptions = {}) {
    const maxTraces = options.maxTraces ?? 2_000;
    const maxSpans = options.maxSpans ?? 50_000;
    const maxSpansPerTrace = options.maxSpansPerTrace ?? 10_000;
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.externalShare = options.externalShare ?? 0.25;
    const [ownBytes, receivedBytes] = this.split(maxBytes);
    this.own = new TracePartition({ maxTraces, maxSpans, maxSpansPerTrace, maxBytes: ownBytes });
    this.received = new TracePartition({
      maxTraces: Math.max(1, Math.ceil(maxTraces * this.externalShare)),
      maxSpans: Math.max(1, Math.ceil(maxSpans * this.externalShare)),
      maxSpansPerTrace,
      maxBytes: receivedBytes,
    });
  }

  /** What the store holds now, and how many spans it dropped. */
  get size(): TraceStoreSize {
    let shared = 0;
    for (const traceId of this.received.traces.keys()) if (this.own.traces.has(traceId)) shared++;
    return {
      traces: this.own.traces.size + this.received.traces.size - shared,
      spans: this.own.spans + this.received.spans,
      dropped: this.own.dropped + this.received.dropped,
      bytes: this.own.bytes + this.received.bytes,
      external: {
        traces: this.received.traces.size,
        spans: this.received.spans,
        bytes: this.received.bytes,
      },
    };
  }

  /**
   * Sets the byte bound of the whole store (config.traceStoreMaxBytes), evicting the oldest traces
   * to fit: the store exists before the configuration is read, as the tracing preload makes it.
   */
  setMaxBytes(maxBytes: number): void {
    const [ownBytes, receivedBytes] = this.split(maxBytes);
    this.own.setMaxBytes(ownBytes);
    this.received.setMaxBytes(receivedBytes);
  }

  /** Adds one finished span, evicting the least recently updated traces of its partition beyond the bounds. */
  add(span: StoredSpan): void {
    (span.external ? this.received : this.own).add(span);
  }

  /** Summaries of the traces matching every given filter, newest first. */
  search(query: TraceQuery = {}): TraceSummary[] {
    const limit = query.limit ?? 50;
    const method = query.method?.toLowerCase();
    const matches: TraceView[] = [];
    for (const view of this.views(query.traceId)) {
      const spans = spansOf(view);
      if (query.correlationId && !hasCorrelationId(view, spans, query.correlationId)) continue;
      if (query.status && (query.status === "error") !== hasError(view)) continue;
      if (query.minDurationMs !== undefined && durationOf(view) < query.minDurationMs) continue;
      if (method && !spans.some((span) => matchesMethod(span, method))) continue;
      matches.push(view);
    }
    matches.sort((a, b) => startOf(b) - startOf(a));
    return matches.slice(0, limit).map((view) => summarize(view, spansOf(view)));
  }

  /** One trace with its spans ordered by start, or undefined if it is not (or no longer) held. */
  get(traceId: string): StoredTrace | undefined {
    const view = this.views(traceId).next();
    if (view.done) return undefined;
    const spans = spansOf(view.value).sort((a, b) => a.startMs - b.startMs);
    return { summary: summarize(view.value, spans), spans };
  }

  /** Forgets every trace. */
  clear(): void {
    this.own.clear();
    this.received.clear();
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

  /** [this server's bytes, received spans' bytes] of a total. */
  private split(maxBytes: number): [number, number] {
    const received = Math.floor(maxBytes * this.externalShare);
    return [maxBytes - received, received];
  }

  /** Every trace held (or only the one with this id), each once with both partitions' spans. */
  private *views(traceId?: string): Generator<TraceView> {
    if (traceId !== undefined) {
      const own = this.own.traces.get(traceId);
      const received = this.received.traces.get(traceId);
      if (own || received) yield { traceId, own, received };
      return;
    }
    for (const own of this.own.traces.values()) {
      yield { traceId: own.traceId, own, received: this.received.traces.get(own.traceId) };
    }
    for (const received of this.received.traces.values()) {
      if (!this.own.traces.has(received.traceId)) {
        yield { traceId: received.traceId, own: undefined, received };
      }
    }
  }
}

function spansOf(view: TraceView): StoredSpan[] {
  return [...(view.own?.spans ?? []), ...(view.received?.spans ?? [])];
}

function startOf(view: TraceView): number {
  return Math.min(
    view.own?.startMs ?? Number.POSITIVE_INFINITY,
    view.received?.startMs ?? Number.POSITIVE_INFINITY,
  );
}

function durationOf(view: TraceView): number {
  const end = Math.max(
    view.own?.endMs ?? Number.NEGATIVE_INFINITY,
    view.received?.endMs ?? Number.NEGATIVE_INFINITY,
  );
  return end - startOf(view);
}

function hasError(view: TraceView): boolean {
  return view.own?.error === true || view.received?.error === true;
}

/** This server's own correlation id wins over one a received span claims. */
function correlationIdOf(view: TraceView): string {
  return view.own?.correlationId || view.received?.correlationId || "";
}

function hasCorrelationId(view: TraceView, spans: StoredSpan[], correlationId: string): boolean {
  return (
    correlationIdOf(view) === correlationId ||
    spans.some((span) => span.attributes["correlation.id"] === correlationId)
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

function summarize(view: TraceView, spans: StoredSpan[]): TraceSummary {
  const root = rootOf(spans);
  const submitters = new Set<string>();
  for (const span of view.received?.spans ?? []) submitters.add(span.external?.submittedBy ?? "");
  return {
    traceId: view.traceId,
    rootSpanName: root.name,
    serviceName: root.serviceName,
    correlationId: correlationIdOf(view),
    startMs: startOf(view),
    durationMs: durationOf(view),
    status: hasError(view) ? "error" : "ok",
    spanCount: spans.length,
    externalSpanCount: view.received?.spans.length ?? 0,
    submittedBy: [...submitters].sort(),
  };
}
