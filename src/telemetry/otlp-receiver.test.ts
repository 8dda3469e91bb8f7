import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  capped,
  decodeOtlpJson,
  ingestOtlpJson,
  MAX_ATTRIBUTES,
  MAX_EVENTS,
  OtlpFormatError,
} from "./otlp-receiver.js";
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
    assert.deepEqual(root.external, { submittedBy: "" }, "a received span is marked external");
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
    [
      `more than ${MAX_ATTRIBUTES} attributes`,
      request([{ ...fetchSpan, attributes: manyAttributes(MAX_ATTRIBUTES + 1) }]),
      /spans\[0\]\.attributes: more than 128/,
    ],
    [
      `more than ${MAX_EVENTS} events`,
      request([{ ...fetchSpan, events: Array(MAX_EVENTS + 1).fill(fetchSpan.events[0]) }]),
      /spans\[0\]\.events: more than 128/,
    ],
    [
      "values nested too deep",
      request([{ ...fetchSpan, attributes: [{ key: "deep", value: nested(50) }] }]),
      /attributes\[0\]\.value(\.arrayValue\.values\[0\]){8}: nested more than 8 deep/,
    ],
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

  it("marks every received span with who sent it, whatever the span claims", () => {
    const store = new TraceStore();
    const forged = {
      ...fetchSpan,
      attributes: [
        { key: "enduser.id", value: { stringValue: "approver" } },
        { key: "ect.external", value: { stringValue: "false" } },
      ],
    };
    ingestOtlpJson(request([forged]), store, { submittedBy: "admin" });
    const [summary] = store.search();
    assert.equal(summary.externalSpanCount, 1);
    assert.deepEqual(summary.submittedBy, ["admin"]);
    const [span] = store.get(TRACE)?.spans ?? [];
    assert.deepEqual(span.external, { submittedBy: "admin" });
    assert.equal(span.attributes["enduser.id"], "approver", "the claim is kept, beside the mark");
  });

  it("truncates text longer than maxAttributeBytes with a marker, on a character boundary", () => {
    const long = "é".repeat(5_000);
    const [span] = decodeOtlpJson(
      request([
        {
          ...fetchSpan,
          name: "n".repeat(10_000),
          status: { code: 2, message: long },
          attributes: [
            { key: "k".repeat(1_000), value: { stringValue: long } },
            { key: "list", value: { arrayValue: { values: Array(2_000).fill({ stringValue: "abc" }) } } },
            { key: "short", value: { stringValue: "é" } },
          ],
          events: [{ ...fetchSpan.events[0], attributes: [{ key: "stack", value: { stringValue: long } }] }],
        },
      ]),
      { maxAttributeBytes: 101 },
    );
    const texts = [span.name, span.statusMessage, ...Object.values(span.attributes)];
    texts.push(span.events[0].attributes.stack);
    for (const text of texts) {
      if (text === "é") continue;
      assert.ok(Buffer.byteLength(text) <= 101, `${Buffer.byteLength(text)} bytes`);
      assert.ok(text.endsWith("…[truncated]"), text);
      assert.ok(!text.includes("\uFFFD"), "no character is split");
    }
    assert.equal(span.attributes.short, "é");
    const keys = Object.keys(span.attributes);
    assert.ok(Buffer.byteLength(keys[0]) <= 256, "keys have their own bound");
    assert.equal(capped("abc", 3), "abc");
    assert.equal(capped("é".repeat(20), 20), `${"é".repeat(3)}…[truncated]`);
  });

  it("keeps the store's bytes bounded after many posts of one huge attribute", () => {
    const store = new TraceStore();
    const huge = "A".repeat(3_900_000);
    for (let post = 0; post < 120; post++) {
      const id = (post + 1).toString(16).padStart(32, "0");
      const body = request([
        { ...fetchSpan, traceId: id, attributes: [{ key: "blob", value: { stringValue: huge } }] },
      ]);
      ingestOtlpJson(body, store);
    }
    assert.equal(store.size.spans, 120, "truncated spans are small enough to keep every one");
    assert.ok(store.size.bytes < 120 * 12 * 1024, `${store.size.bytes} bytes estimated`);
    const [stored] = store.get((120).toString(16).padStart(32, "0"))?.spans ?? [];
    assert.equal(Buffer.byteLength(stored.attributes.blob), 4096);
  });

  it("holds no reference to the original of a truncated value", () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const store = new TraceStore();
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let post = 0; post < 30; post++) {
      // A fresh 3.9 MB string each time, parsed from JSON text as the HTTP route gets it.
      const blob = String.fromCharCode(65 + post).repeat(3_900_000);
      const id = (post + 1).toString(16).padStart(32, "0");
      const attributes = [{ key: "blob", value: { stringValue: blob } }];
      ingestOtlpJson(JSON.stringify(request([{ ...fetchSpan, traceId: id, attributes }])), store);
    }
    gc();
    const grownMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
    assert.equal(store.size.spans, 30);
    // Kept slices of the originals would hold 30 × 3.9 MB; the truncated copies hold 30 × 4 KiB.
    assert.ok(grownMb < 40, `heap grew ${grownMb.toFixed(1)} MB`);
  });
});

function manyAttributes(count: number): unknown[] {
  return Array.from({ length: count }, (_, i) => ({ key: `a${i}`, value: { intValue: i } }));
}

function nested(depth: number): unknown {
  let value: unknown = { stringValue: "bottom" };
  for (let i = 0; i < depth; i++) value = { arrayValue: { values: [value] } };
  return value;
}
