import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeOtlpJson, ingestOtlpJson, OtlpFormatError } from "./otlp-receiver.js";
import { TraceStore } from "./trace-store.js";

const TRACE = "5b8efff798038103d269b633813fc60c";

function request(spans: unknown[]): unknown {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "ect-web" } }] },
        scopeSpans: [{ scope: { name: "web" }, spans }],
      },
    ],
  };
}

const fetchSpan = {
  traceId: TRACE,
  spanId: "EEE19B7EC3C1B174",
  parentSpanId: "",
  name: "HTTP POST",
  kind: 3,
  startTimeUnixNano: "1544712660000000000",
  endTimeUnixNano: "1544712661500000000",
  attributes: [
    { key: "http.url", value: { stringValue: "/ect.v1.CaseService/GetCase" } },
    { key: "http.status_code", value: { intValue: "200" } },
    { key: "retry", value: { boolValue: false } },
    { key: "ratio", value: { doubleValue: 0.5 } },
    { key: "tags", value: { arrayValue: { values: [{ stringValue: "a" }, { intValue: 2 }] } } },
    { key: "big", value: { intValue: "9007199254740993" } },
  ],
  status: { code: "STATUS_CODE_ERROR", message: "timeout" },
  events: [{ timeUnixNano: "1544712661000000000", name: "retry", attributes: [] }],
};

describe("OTLP/JSON receiver", () => {
  it("stores the spans of a valid ExportTraceServiceRequest", () => {
    const store = new TraceStore();
    const child = {
      ...fetchSpan,
      spanId: "0000000000000002",
      parentSpanId: "eee19b7ec3c1b174",
      kind: "SPAN_KIND_INTERNAL",
    };
    assert.deepEqual(ingestOtlpJson(request([fetchSpan, child]), store), { accepted: 2 });
    const stored = store.get(TRACE);
    assert.ok(stored);
    const [root, inner] = stored.spans;
    assert.equal(root.spanId, "eee19b7ec3c1b174");
    assert.equal(root.parentSpanId, undefined);
    assert.equal(root.serviceName, "ect-web");
    assert.equal(root.kind, "client");
    assert.equal(root.startMs, 1544712660000);
    assert.equal(root.durationMs, 1500);
    assert.equal(root.status, "error");
    assert.equal(root.statusMessage, "timeout");
    assert.deepEqual(root.attributes, {
      "http.url": "/ect.v1.CaseService/GetCase",
      "http.status_code": "200",
      retry: "false",
      ratio: "0.5",
      tags: '["a",2]',
      big: "9007199254740993",
    });
    assert.deepEqual(root.events, [{ name: "retry", timeMs: 1544712661000, attributes: {} }]);
    assert.equal(inner.kind, "internal");
    assert.equal(inner.parentSpanId, root.spanId);
    assert.equal(stored.summary.rootSpanName, "HTTP POST");
  });

  it("accepts JSON text and an empty request", () => {
    assert.equal(decodeOtlpJson(JSON.stringify(request([fetchSpan]))).length, 1);
    assert.deepEqual(decodeOtlpJson({}), []);
    assert.deepEqual(decodeOtlpJson({ resourceSpans: [] }), []);
  });

  const invalid: [string, unknown, RegExp][] = [
    ["a non-object body", [1, 2], /^body: must be an object/],
    ["text that is not JSON", "{nope", /^body: not JSON/],
    ["resourceSpans that is not an array", { resourceSpans: {} }, /^resourceSpans: must be an array/],
    ["a short trace id", request([{ ...fetchSpan, traceId: "abc" }]), /spans\[0\]\.traceId: must be 32 hex/],
    ["an all-zero span id", request([{ ...fetchSpan, spanId: "0".repeat(16) }]), /spans\[0\]\.spanId/],
    ["a base64 parent id", request([{ ...fetchSpan, parentSpanId: "7uGbfsPBsXQ=" }]), /parentSpanId/],
    ["a missing name", request([{ ...fetchSpan, name: undefined }]), /spans\[0\]\.name: must be a string/],
    [
      "a time that is not nanoseconds",
      request([{ ...fetchSpan, startTimeUnixNano: "soon" }]),
      /startTimeUnixNano/,
    ],
    [
      "an end before the start",
      request([{ ...fetchSpan, endTimeUnixNano: "1" }]),
      /endTimeUnixNano: is before startTimeUnixNano/,
    ],
    ["an unknown kind", request([{ ...fetchSpan, kind: 9 }]), /spans\[0\]\.kind/],
    ["a bad status code", request([{ ...fetchSpan, status: { code: "BROKEN" } }]), /status\.code/],
    [
      "a non-integer intValue",
      request([{ ...fetchSpan, attributes: [{ key: "n", value: { intValue: "1.5" } }] }]),
      /attributes\[0\]\.value\.intValue/,
    ],
  ];
  for (const [what, body, message] of invalid) {
    it(`rejects ${what} naming the field, and stores nothing`, () => {
      const store = new TraceStore();
      assert.throws(
        () => ingestOtlpJson(body, store),
        (error: unknown) => error instanceof OtlpFormatError && message.test(error.message),
      );
      assert.equal(store.size.spans, 0);
    });
  }

  it("rejects more spans than the limit allows", () => {
    assert.throws(
      () => decodeOtlpJson(request([fetchSpan, fetchSpan]), { maxSpans: 1 }),
      /more than 1 spans/,
    );
  });
});
