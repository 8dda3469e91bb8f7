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
    const { traces, spans, dropped } = store.size;
    assert.deepEqual({ traces, spans, dropped }, { traces: 1, spans: 2, dropped: 3 });
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

  it("keeps its estimated bytes within maxBytes, evicting the oldest traces", () => {
    const store = new TraceStore({ maxBytes: 64 * 1024, externalShare: 0.25 });
    const big = { note: "x".repeat(2_000) };
    for (let t = 1; t <= 100; t++) store.add(span(t, { attributes: big }));
    assert.ok(store.size.bytes <= 48 * 1024, `${store.size.bytes} bytes held`);
    assert.ok(store.size.traces > 1 && store.size.traces < 100, "it holds the newest traces that fit");
    assert.equal(ids(store.search({ limit: 1 }))[0], 100);
    store.setMaxBytes(16 * 1024);
    assert.ok(store.size.bytes <= 12 * 1024, "a smaller bound evicts at once");
  });

  it("never lets received spans push out this server's own traces", () => {
    const store = new TraceStore({ maxTraces: 10, maxBytes: 1024 * 1024 });
    for (let t = 1; t <= 5; t++) store.add(span(t));
    for (let t = 1_000; t < 3_100; t++) store.add(span(t, { external: { submittedBy: "someone" } }));
    const own = store.search({ limit: 1_000 }).filter((s) => s.externalSpanCount === 0);
    assert.deepEqual(ids(own), [5, 4, 3, 2, 1]);
    assert.equal(store.size.external.traces, 3, "received spans keep a quarter of the trace bound");

    const byBytes = new TraceStore({ maxBytes: 64 * 1024 });
    for (let t = 1; t <= 5; t++) byBytes.add(span(t));
    const heavy = { external: { submittedBy: "" }, attributes: { payload: "y".repeat(4_000) } };
    for (let t = 1_000; t < 1_200; t++) byBytes.add(span(t, heavy));
    assert.equal(byBytes.search({ limit: 1_000 }).filter((s) => s.externalSpanCount === 0).length, 5);
    assert.ok(byBytes.size.external.bytes <= 16 * 1024);
  });

  it("shows received spans of a trace beside its own ones, marked and counted", () => {
    const store = new TraceStore();
    const server = span(7, { attributes: { "correlation.id": "corr-own" } });
    store.add(server);
    store.add(
      span(7, {
        name: "HTTP POST",
        kind: "client",
        startMs: 6_990,
        serviceName: "ect-web",
        attributes: { "correlation.id": "corr-claimed", "enduser.id": "approver" },
        external: { submittedBy: "admin" },
      }),
    );
    const trace = store.get("7".padStart(32, "0"));
    assert.ok(trace);
    assert.deepEqual(
      trace.spans.map((s) => [s.name, s.external?.submittedBy]),
      [
        ["HTTP POST", "admin"],
        ["ect.v1.CaseService/GetCase", undefined],
      ],
    );
    assert.equal(trace.summary.spanCount, 2);
    assert.equal(trace.summary.externalSpanCount, 1);
    assert.deepEqual(trace.summary.submittedBy, ["admin"]);
    assert.equal(trace.summary.correlationId, "corr-own", "the server's own correlation id wins");
    assert.equal(trace.summary.startMs, 6_990);
    const [found] = store.search({ correlationId: "corr-own" });
    assert.equal(found.externalSpanCount, 1);
    assert.equal(store.size.traces, 1);
  });
});
