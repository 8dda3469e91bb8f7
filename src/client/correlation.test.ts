import assert from "node:assert/strict";
import { test } from "node:test";
import type { UnaryRequest, UnaryResponse } from "@connectrpc/connect";
import { correlationHeader, correlationInterceptor, newCorrelationId } from "./correlation.js";

test("a new id is corr-<UTC yyyyMMddHHmmss>-<32 hex>", () => {
  const id = newCorrelationId(new Date("2025-03-04T05:06:07.890Z"), (n) => new Uint8Array(n).fill(0xab));
  assert.equal(id, `corr-20250304050607-${"ab".repeat(16)}`);
  assert.match(newCorrelationId(), /^corr-\d{14}-[0-9a-f]{32}$/);
});

function call(header = new Headers()) {
  const req = { header } as UnaryRequest;
  const res = { header: new Headers(), trailer: new Headers() } as UnaryResponse;
  return { req, res };
}

test("every call carries an id, a fresh one per call, and the tracker remembers the last", async () => {
  const { interceptor, tracker } = correlationInterceptor();
  const sent: string[] = [];
  const run = interceptor(async (req) => {
    sent.push(req.header.get(correlationHeader)!);
    return call().res;
  });
  await run(call().req);
  await run(call().req);
  assert.equal(sent.length, 2);
  assert.notEqual(sent[0], sent[1]);
  assert.equal(tracker.last(), sent[1]);
});

test("an id the caller set, or one the application provides, is kept", async () => {
  const { interceptor } = correlationInterceptor(() => "ui-action-7");
  const sent: string[] = [];
  const run = interceptor(async (req) => {
    sent.push(req.header.get(correlationHeader)!);
    return call().res;
  });
  await run(call(new Headers({ [correlationHeader]: "mine" })).req);
  await run(call().req);
  assert.deepEqual(sent, ["mine", "ui-action-7"]);
});

test("when the server answers with another id, that one becomes the last", async () => {
  const { interceptor, tracker } = correlationInterceptor();
  const seen: string[] = [];
  tracker.onCorrelationId((id) => seen.push(id));
  const { req, res } = call();
  res.header.set(correlationHeader, "server-made");
  await interceptor(async () => res)(req);
  assert.equal(tracker.last(), "server-made");
  assert.equal(seen.length, 2);
});
