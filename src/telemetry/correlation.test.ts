import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import {
  currentCorrelationId,
  generateCorrelationId,
  getCallContext,
  isValidCorrelationId,
  resolveCorrelationId,
  runWithCallContext,
  setCallUser,
} from "./correlation.js";
import { observeStream } from "./observe-stream.js";

describe("correlation ids", () => {
  it("keeps an incoming id of 1–128 allowed characters", () => {
    for (const id of ["a", "abc-123", "A.b_c:d-e", "x".repeat(128)]) {
      assert.equal(resolveCorrelationId(id), id);
    }
  });

  it("replaces a missing, empty, too long or ill-formed id with a generated one", () => {
    for (const id of [undefined, null, "", "x".repeat(129), "has space", "semi;colon", "ünï", "a/b"]) {
      const resolved = resolveCorrelationId(id);
      assert.notEqual(resolved, id);
      assert.match(resolved, /^corr-\d{14}-[0-9a-f]{32}$/);
    }
  });

  it("generates corr-<UTC yyyyMMddHHmmss>-<32 hex>, unique each time", () => {
    const id = generateCorrelationId(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)));
    assert.match(id, /^corr-20240102030405-[0-9a-f]{32}$/);
    assert.ok(isValidCorrelationId(id));
    assert.notEqual(generateCorrelationId(), generateCorrelationId());
  });
});

describe("call context", () => {
  it("is undefined outside a call", () => {
    assert.equal(getCallContext(), undefined);
    assert.equal(currentCorrelationId(), undefined);
    setCallUser("nobody");
  });

  it("follows awaits and records the user", async () => {
    await runWithCallContext({ correlationId: "c-1" }, async () => {
      await tick();
      assert.equal(currentCorrelationId(), "c-1");
      setCallUser("alice");
      assert.deepEqual(getCallContext(), { correlationId: "c-1", user: "alice" });
    });
  });

  it("reaches every item of an async generator pulled from outside the call when the stream is bound", async () => {
    async function* source(): AsyncGenerator<string | undefined> {
      for (let i = 0; i < 3; i++) {
        await tick();
        yield currentCorrelationId();
      }
    }
    const call = { correlationId: "c-stream" };
    const bound = runWithCallContext(call, () =>
      observeStream(source(), { enter: (pull) => runWithCallContext(call, pull) }),
    );
    const unbound = runWithCallContext(call, () => source());
    // The consumer runs in its own context, as a transport's writer does.
    const seen: (string | undefined)[] = [];
    await runWithCallContext({ correlationId: "consumer" }, async () => {
      for await (const id of bound) seen.push(id);
    });
    assert.deepEqual(seen, ["c-stream", "c-stream", "c-stream"]);
    const unboundSeen: (string | undefined)[] = [];
    for await (const id of unbound) unboundSeen.push(id);
    assert.deepEqual(unboundSeen, [undefined, undefined, undefined], "without binding the context is lost");
  });
});
