import { type StoredSpan, storedSpanBytes } from "./stored-span.js";

/** The bounds of one partition; the oldest traces go first when any is passed. */
export interface PartitionBounds {
  maxTraces: number;
  maxSpans: number;
  maxSpansPerTrace: number;
  maxBytes: number;
}

/** The spans of one trace that one partition holds. */
export interface TraceEntry {
  traceId: string;
  spans: StoredSpan[];
  startMs: number;
  endMs: number;
  error: boolean;
  correlationId: string;
  /** Estimated heap bytes of its spans (storedSpanBytes). */
  bytes: number;
}

/**
 * Spans of one origin grouped by trace, least recently updated first, within trace, span and byte
 * bounds. @private The trace store's building block; use TraceStore.
 */
export class TracePartition {
  /** Entries in Map order: least recently updated first. */
  readonly traces = new Map<string, TraceEntry>();
  spans = 0;
  bytes = 0;
  dropped = 0;

  constructor(private bounds: PartitionBounds) {}

  /** Adds a span, or counts it dropped if its trace is full or it alone passes the byte bound. */
  add(span: StoredSpan): void {
    const bytes = storedSpanBytes(span);
    let entry = this.traces.get(span.traceId);
    if (bytes > this.bounds.maxBytes || (entry && entry.spans.length >= this.bounds.maxSpansPerTrace)) {
      this.dropped++;
      return;
    }
    if (entry) {
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
        bytes: 0,
      };
    }
    this.traces.set(span.traceId, entry);
    entry.spans.push(span);
    entry.bytes += bytes;
    entry.startMs = Math.min(entry.startMs, span.startMs);
    entry.endMs = Math.max(entry.endMs, span.startMs + span.durationMs);
    if (span.status === "error") entry.error = true;
    const correlationId = span.attributes["correlation.id"];
    if (correlationId && (!entry.correlationId || span.parentSpanId === undefined)) {
      entry.correlationId = correlationId;
    }
    this.spans++;
    this.bytes += bytes;
    this.evict();
  }

  /** Changes the byte bound, evicting the oldest traces to fit. */
  setMaxBytes(maxBytes: number): void {
    this.bounds = { ...this.bounds, maxBytes };
    this.evict();
  }

  clear(): void {
    this.traces.clear();
    this.spans = 0;
    this.bytes = 0;
    this.dropped = 0;
  }

  private evict(): void {
    const { maxTraces, maxSpans, maxBytes } = this.bounds;
    while (this.traces.size > maxTraces || this.spans > maxSpans || this.bytes > maxBytes) {
      const oldest = this.traces.values().next();
      if (oldest.done) return;
      this.spans -= oldest.value.spans.length;
      this.bytes -= oldest.value.bytes;
      this.traces.delete(oldest.value.traceId);
    }
  }
}
