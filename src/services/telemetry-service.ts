import type { MessageInitShape } from "@bufbuild/protobuf";
import type { TimestampSchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { invalidArgument, notFound } from "../errors.js";
import {
  SpanKind,
  type SpanSchema,
  type TelemetryService,
  TraceStatus,
  type TraceSummarySchema,
} from "../gen/ect/v1/telemetry_service_pb.js";
import { isValidCorrelationId } from "../telemetry/correlation.js";
import type { StoredSpan, StoredSpanKind, StoredSpanStatus } from "../telemetry/stored-span.js";
import type { TraceQuery, TraceStore, TraceSummary } from "../telemetry/trace-store.js";

const TRACE_ID = /^[0-9a-fA-F]{32}$/;
const MAX_PAGE = 500;

const KINDS: Record<StoredSpanKind, SpanKind> = {
  unspecified: SpanKind.UNSPECIFIED,
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

const STATUSES: Record<StoredSpanStatus, TraceStatus> = {
  unset: TraceStatus.UNSPECIFIED,
  ok: TraceStatus.OK,
  error: TraceStatus.ERROR,
};

/**
 * Trace search over the in-memory trace store (this instance's recent traces only). Spans received
 * over OTLP come out marked external, with who sent them, so a claim in them is never taken for ECT's.
 */
export function telemetryService(store: TraceStore): ServiceImpl<typeof TelemetryService> {
  return {
    searchTraces(req) {
      if (req.pageSize < 0 || req.pageSize > MAX_PAGE)
        throw invalidArgument("page_size", `must be 1–${MAX_PAGE}`);
      const query: TraceQuery = { limit: req.pageSize || 50 };
      if (req.traceId) query.traceId = traceId(req.traceId);
      if (req.correlationId) {
        if (!isValidCorrelationId(req.correlationId)) {
          throw invalidArgument("correlation_id", "must be 1–128 characters of A-Z a-z 0-9 . _ : -");
        }
        query.correlationId = req.correlationId;
      }
      if (req.method) query.method = req.method;
      if (req.status === TraceStatus.OK) query.status = "ok";
      else if (req.status === TraceStatus.ERROR) query.status = "error";
      else if (req.status !== TraceStatus.UNSPECIFIED) throw invalidArgument("status", "unknown value");
      if (!Number.isFinite(req.minDurationMs) || req.minDurationMs < 0) {
        throw invalidArgument("min_duration_ms", "must be zero or more");
      }
      if (req.minDurationMs > 0) query.minDurationMs = req.minDurationMs;
      return { traces: store.search(query).map(summaryMessage) };
    },

    getTrace(req) {
      if (!req.traceId) throw invalidArgument("trace_id", "is required");
      const id = traceId(req.traceId);
      const found = store.get(id);
      if (!found) throw notFound("trace", id);
      const origin = found.summary.startMs;
      return {
        summary: summaryMessage(found.summary),
        spans: found.spans.map((span) => spanMessage(span, origin)),
      };
    },
  };
}

function traceId(raw: string): string {
  if (!TRACE_ID.test(raw)) throw invalidArgument("trace_id", "must be 32 hex characters");
  return raw.toLowerCase();
}

function summaryMessage(summary: TraceSummary): MessageInitShape<typeof TraceSummarySchema> {
  return {
    traceId: summary.traceId,
    rootSpanName: summary.rootSpanName,
    correlationId: summary.correlationId,
    startTime: timestamp(summary.startMs),
    durationMs: summary.durationMs,
    status: STATUSES[summary.status],
    spanCount: summary.spanCount,
    serviceName: summary.serviceName,
    externalSpanCount: summary.externalSpanCount,
    submittedBy: summary.submittedBy,
  };
}

function spanMessage(span: StoredSpan, originMs: number): MessageInitShape<typeof SpanSchema> {
  return {
    spanId: span.spanId,
    parentSpanId: span.parentSpanId ?? "",
    name: span.name,
    kind: KINDS[span.kind],
    serviceName: span.serviceName,
    startOffsetMs: span.startMs - originMs,
    durationMs: span.durationMs,
    status: STATUSES[span.status],
    statusMessage: span.statusMessage,
    attributes: span.attributes,
    events: span.events.map((event) => ({
      name: event.name,
      offsetMs: event.timeMs - originMs,
      attributes: event.attributes,
    })),
    external: span.external !== undefined,
    submittedBy: span.external?.submittedBy ?? "",
  };
}

/** A Timestamp from fractional epoch milliseconds, keeping sub-millisecond precision. */
function timestamp(ms: number): MessageInitShape<typeof TimestampSchema> {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.min(999_999_999, Math.round((ms - seconds * 1000) * 1e6));
  return { seconds: BigInt(seconds), nanos };
}
