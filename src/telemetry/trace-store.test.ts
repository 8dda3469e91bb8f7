import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StoredSpan } from "./stored-span.js";
import { TraceStore } from "./trace-store.js";

let nextSpan = 1;

function span(traceNo: number, fields: Partial<StoredSpan> = {}): StoredSpan {
  return {
    traceId: traceNo.toString(16).padStart(32, "0"),
    spanId: (nextSpan++).toString(16).padStart(16, "0"),
    parentSpanId: undefined,
    name: "ect.v1.CaseService/GetCase",
    kind: "server",
    serviceName: "ect",
    startMs: 1_000 * traceNo,
    durationMs: 10,
    status: "unset",
    statusMessage: "",
    attributes: {},
    events: [],
    ...fields,
  };
}

function filled(): TraceStore {
  const store = new TraceStore();
  store.add(span(1, { attributes: { "correlation.id": "corr-a", "rpc.method": "GetCase" } }));
  const root = span(2, { name: "ect.v1.CaseService/StreamCases", durationMs: 2_500 });
  store.add(root);
  store.add(
    span(2, { name: "SELECT postgresql", kind: "client", parentSpanId: root.spanId, status: "error" }),
  );
  store.add(span(3, { name: "ect.v1.AdminService/ListUsers", attributes: { "correlation.id": "corr-b" } }));
  return store;
}

const ids = (summaries: { traceId: string }[]) => summaries.map((s) => Number.parseInt(s.traceId, 16));

describe("TraceStore", () => {
  it("lists traces newest first with their summaries", () => {
    const store = filled();
    assert.deepEqual(ids(store.search()), [3, 2, 1]);
    const [, streaming] = store.search();
    assert.equal(streaming.rootSpanName, "ect.v1.CaseService/StreamCases");
    assert.equal(streaming.spanCount, 2);
    assert.equal(streaming.status, "error");
    assert.equal(streaming.durationMs, 2_500);
    assert.equal(streaming.startMs, 2_000);
  });

  it("filters by correlation id, trace id, method, status and minimum duration", () => {
    const store = filled();
    assert.deepEqual(ids(store.search({ correlationId: "corr-b" })), [3]);
    assert.deepEqual(ids(store.search({ traceId: "1".padStart(32, "0") })), [1]);
    assert.deepEqual(ids(store.search({ method: "casESERVICE" })), [2, 1]);
    assert.deepEqual(ids(store.search({ method: "getcase" })), [1]);
    assert.deepEqual(ids(store.search({ status: "error" })), [2]);
    assert.deepEqual(ids(store.search({ status: "ok" })), [3, 1]);
    assert.deepEqual(ids(store.search({ minDurationMs: 1_000 })), [2]);
    assert.deepEqual(ids(store.search({ method: "CaseService", status: "ok" })), [1]);
    assert.deepEqual(ids(store.search({ limit: 1 })), [3]);
    assert.deepEqual(store.search({ correlationId: "nope" }), []);
  });

  it("takes the root from the span whose parent it does not hold", () => {
    const store = new TraceStore();
    store.add(span(9, { name: "child", parentSpanId: "f".repeat(16), startMs: 9_005 }));
    store.add(span(9, { name: "remote-child-root", parentSpanId: "e".repeat(16), startMs: 9_000 }));
    assert.equal(store.get("9".padStart(32, "0"))?.summary.rootSpanName, "remote-child-root");
  });

  it("drops the oldest traces beyond its trace and span bounds", () => {
    const byTraces = new TraceStore({ maxTraces: 2 });
    for (let t = 1; t <= 3; t++) byTraces.add(span(t));
    assert.deepEqual(ids(byTraces.search()), [3, 2]);
    assert.equal(byTraces.size.traces, 2);

    const bySpans = new TraceStore({ maxSpans: 3 });
    bySpans.add(span(1));
    bySpans.add(span(2));
    bySpans.add(span(2));
    bySpans.add(span(3));
    assert.deepEqual(ids(bySpans.search()), [3, 2]);
    assert.equal(bySpans.size.spans, 3);
  });

  it("keeps a trace that is still receiving spans over older quiet ones", () => {
    const store = new TraceStore({ maxTraces: 2 });
    store.add(span(1));
    store.add(span(2));
    store.add(span(1, { name: "late child" }));
    store.add(span(3));
    assert.deepEqual(ids(store.search()), [3, 1]);
  });

  it("caps the spans of one trace and counts the dropped ones", () => {
    const store = new TraceStore({ maxSpansPerTrace: 2 });
    for (let i = 0; i < 5; i++) store.add(span(1));
    assert.deepEqual(store.size, { traces: 1, spans: 2, dropped: 3 });
  });

  it("returns a trace's spans ordered by start", () => {
    const store = new TraceStore();
    store.add(span(4, { name: "b", startMs: 4_010 }));
    store.add(span(4, { name: "a", startMs: 4_000 }));
    assert.deepEqual(
      store.get("4".padStart(32, "0"))?.spans.map((s) => s.name),
      ["a", "b"],
    );
    assert.equal(store.get("5".padStart(32, "0")), undefined);
  });
});
