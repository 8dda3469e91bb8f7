import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { SpanKind, TelemetryService, TraceStatus } from "../gen/ect/v1/telemetry_service_pb.js";
import { ingestOtlpJson } from "../telemetry/otlp-receiver.js";
import type { StoredSpan } from "../telemetry/stored-span.js";
import { TraceStore } from "../telemetry/trace-store.js";
import { telemetryService } from "./telemetry-service.js";

const TRACE_A = "a".repeat(32);
const TRACE_B = "b".repeat(32);

function span(fields: Partial<StoredSpan> & Pick<StoredSpan, "traceId" | "spanId">): StoredSpan {
  return {
    parentSpanId: undefined,
    name: "ect.v1.CaseService/GetCase",
    kind: "server",
    serviceName: "ect",
    startMs: 1_700_000_000_000.25,
    durationMs: 12.5,
    status: "unset",
    statusMessage: "",
    attributes: {},
    events: [],
    ...fields,
  };
}

const store = new TraceStore();
store.add(span({ traceId: TRACE_A, spanId: "1".repeat(16), attributes: { "correlation.id": "corr-a" } }));
store.add(
  span({
    traceId: TRACE_A,
    spanId: "2".repeat(16),
    parentSpanId: "1".repeat(16),
    name: "SELECT postgresql",
    kind: "client",
    startMs: 1_700_000_000_002.25,
    durationMs: 3,
    attributes: { "db.statement": "SELECT 1" },
    events: [{ name: "note", timeMs: 1_700_000_000_003.25, attributes: { k: "v" } }],
  }),
);
store.add(
  span({
    traceId: TRACE_B,
    spanId: "3".repeat(16),
    name: "ect.v1.CaseService/StreamCases",
    startMs: 1_700_000_001_000,
    durationMs: 900,
    status: "error",
    statusMessage: "boom",
  }),
);

const client = createClient(
  TelemetryService,
  createRouterTransport((router) => router.service(TelemetryService, telemetryService(store))),
);

async function codeOf(call: Promise<unknown>): Promise<[Code, string]> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => ConnectError.from(e),
  );
  assert.ok(error, "the call fails");
  return [error.code, error.rawMessage];
}

describe("TelemetryService", () => {
  it("searches recent traces newest first, with summaries", async () => {
    const { traces } = await client.searchTraces({});
    assert.deepEqual(
      traces.map((t) => t.traceId),
      [TRACE_B, TRACE_A],
    );
    const a = traces[1];
    assert.equal(a.rootSpanName, "ect.v1.CaseService/GetCase");
    assert.equal(a.correlationId, "corr-a");
    assert.equal(a.spanCount, 2);
    assert.equal(a.status, TraceStatus.OK);
    assert.equal(a.durationMs, 12.5);
    assert.equal(a.serviceName, "ect");
    assert.ok(a.startTime);
    assert.equal(timestampMs(a.startTime), 1_700_000_000_000);
    assert.equal(a.startTime.nanos % 1_000_000, 250_000, "sub-millisecond start kept");
    assert.equal(traces[0].status, TraceStatus.ERROR);
  });

  it("applies the filters", async () => {
    const ids = async (req: Parameters<typeof client.searchTraces>[0]) =>
      (await client.searchTraces(req)).traces.map((t) => t.traceId);
    assert.deepEqual(await ids({ correlationId: "corr-a" }), [TRACE_A]);
    assert.deepEqual(await ids({ traceId: TRACE_B.toUpperCase() }), [TRACE_B]);
    assert.deepEqual(await ids({ method: "StreamCases" }), [TRACE_B]);
    assert.deepEqual(await ids({ status: TraceStatus.ERROR }), [TRACE_B]);
    assert.deepEqual(await ids({ status: TraceStatus.OK }), [TRACE_A]);
    assert.deepEqual(await ids({ minDurationMs: 100 }), [TRACE_B]);
    assert.deepEqual(await ids({ pageSize: 1 }), [TRACE_B]);
  });

  it("rejects bad filters naming the field", async () => {
    assert.deepEqual(await codeOf(client.searchTraces({ pageSize: 501 })), [
      Code.InvalidArgument,
      "page_size: must be 1–500",
    ]);
    assert.equal(
      (await codeOf(client.searchTraces({ traceId: "xyz" })))[1],
      "trace_id: must be 32 hex characters",
    );
    assert.match((await codeOf(client.searchTraces({ correlationId: "a b" })))[1], /^correlation_id: /);
    assert.match((await codeOf(client.searchTraces({ minDurationMs: -1 })))[1], /^min_duration_ms: /);
    assert.match((await codeOf(client.searchTraces({ status: 7 as TraceStatus })))[1], /^status: /);
  });

  it("returns a whole trace with offsets from its start", async () => {
    const trace = await client.getTrace({ traceId: TRACE_A });
    assert.equal(trace.summary?.traceId, TRACE_A);
    assert.equal(trace.spans.length, 2);
    const [root, query] = trace.spans;
    assert.equal(root.parentSpanId, "");
    assert.equal(root.kind, SpanKind.SERVER);
    assert.equal(root.startOffsetMs, 0);
    assert.equal(query.parentSpanId, root.spanId);
    assert.equal(query.kind, SpanKind.CLIENT);
    assert.equal(query.startOffsetMs, 2);
    assert.equal(query.durationMs, 3);
    assert.deepEqual(query.attributes, { "db.statement": "SELECT 1" });
    assert.equal(query.events[0].offsetMs, 3);
    assert.deepEqual(query.events[0].attributes, { k: "v" });
    const failed = await client.getTrace({ traceId: TRACE_B });
    assert.equal(failed.spans[0].status, TraceStatus.ERROR);
    assert.equal(failed.spans[0].statusMessage, "boom");
  });

  it("answers NotFound for an unknown trace and InvalidArgument for a malformed id", async () => {
    assert.deepEqual(await codeOf(client.getTrace({ traceId: "c".repeat(32) })), [
      Code.NotFound,
      `trace ${"c".repeat(32)} not found`,
    ]);
    assert.deepEqual(await codeOf(client.getTrace({ traceId: "" })), [
      Code.InvalidArgument,
      "trace_id: is required",
    ]);
    assert.equal((await codeOf(client.getTrace({ traceId: "nothex" })))[0], Code.InvalidArgument);
  });

  it("shows spans received over OTLP as external, with who sent them", async () => {
    const mixed = new TraceStore();
    mixed.add(span({ traceId: TRACE_A, spanId: "1".repeat(16), attributes: { "enduser.id": "medtech" } }));
    const forged = {
      traceId: "f".repeat(32),
      spanId: "4".repeat(16),
      name: "ect.v1.CaseService/SignCase",
      kind: 2,
      startTimeUnixNano: "1700000002000000000",
      endTimeUnixNano: "1700000002005000000",
      attributes: [{ key: "enduser.id", value: { stringValue: "approver" } }],
    };
    ingestOtlpJson({ resourceSpans: [{ scopeSpans: [{ spans: [forged] }] }] }, mixed, {
      submittedBy: "admin",
    });
    const service = createClient(
      TelemetryService,
      createRouterTransport((router) => router.service(TelemetryService, telemetryService(mixed))),
    );
    const { traces } = await service.searchTraces({});
    assert.deepEqual(
      traces.map((t) => [t.rootSpanName, t.externalSpanCount, t.submittedBy]),
      [
        ["ect.v1.CaseService/SignCase", 1, ["admin"]],
        ["ect.v1.CaseService/GetCase", 0, []],
      ],
    );
    const [received] = (await service.getTrace({ traceId: "f".repeat(32) })).spans;
    assert.equal(received.external, true);
    assert.equal(received.submittedBy, "admin");
    assert.equal(received.attributes["enduser.id"], "approver");
    const [own] = (await service.getTrace({ traceId: TRACE_A })).spans;
    assert.equal(own.external, false);
    assert.equal(own.submittedBy, "");
  });
});
