import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { createDatabasePolicies, type RetryEvent } from "./policies.js";
import { defaultResilienceSettings, type ResilienceSettings } from "./settings.js";

// Real delays are kept to a millisecond or two; the breaker's clock (Date) is mocked.
const fast: ResilienceSettings = {
  ...defaultResilienceSettings,
  retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2, jitter: true },
};

const transient = () =>
  Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" });

function policies(settings: ResilienceSettings = fast) {
  return createDatabasePolicies(settings, { random: () => 0.5 });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail("expected a rejection"),
    (e: unknown) => e,
  );
}

function code(error: unknown): Code | undefined {
  return error instanceof ConnectError ? error.code : undefined;
}

beforeEach(() => mock.timers.enable({ apis: ["Date"], now: 1_000_000 }));
afterEach(() => mock.timers.reset());

test("idempotent work is retried on transient failures, with the method named in each retry event", async () => {
  const retries: RetryEvent[] = [];
  const p = policies();
  p.onRetry((e) => retries.push(e));
  let calls = 0;
  const result = await p.unary(
    async () => {
      if (++calls < 3) throw transient();
      return "ok";
    },
    { idempotent: true, method: "GetCase" },
  );
  assert.equal(result, "ok");
  assert.equal(calls, 3);
  assert.deepEqual(
    retries.map((r) => [r.attempt, r.method]),
    [
      [1, "GetCase"],
      [2, "GetCase"],
    ],
  );
  assert.ok(retries.every((r) => r.delayMs >= 0 && r.delayMs <= 2));
});

test("after three retries a transient failure becomes UNAVAILABLE with the original as cause", async () => {
  const p = policies();
  let calls = 0;
  const original = transient();
  const error = await failure(
    p.unary(
      async () => {
        calls++;
        throw original;
      },
      { idempotent: true },
    ),
  );
  assert.equal(calls, 4);
  assert.equal(code(error), Code.Unavailable);
  assert.equal((error as ConnectError).cause, original);
});

test("work runs once when it is not idempotent, or when retries are set to zero", async () => {
  const noRetries = { ...fast, retry: { ...fast.retry, maxRetries: 0 } };
  for (const [settings, idempotent] of [
    [fast, false],
    [noRetries, true],
  ] as const) {
    const p = policies(settings);
    let calls = 0;
    const error = await failure(
      p.unary(
        async () => {
          calls++;
          throw transient();
        },
        { idempotent },
      ),
    );
    assert.equal(calls, 1, `idempotent: ${idempotent}, retries: ${settings.retry.maxRetries}`);
    assert.equal(code(error), Code.Unavailable);
  }
});

test("bad input is neither retried nor rewritten", async () => {
  const p = policies();
  for (const bad of [
    Object.assign(new Error("duplicate key"), { code: "23505" }),
    new ConnectError("page_size: must be 1–1000", Code.InvalidArgument),
  ]) {
    let calls = 0;
    const error = await failure(
      p.unary(
        async () => {
          calls++;
          throw bad;
        },
        { idempotent: true },
      ),
    );
    assert.equal(error, bad);
    assert.equal(calls, 1);
  }
});

test("the circuit opens at 50 % transient failures over at least 10 calls, fails fast, then lets a trial through after 30 s", async () => {
  const states: string[] = [];
  const p = policies();
  p.onStateChange((s) => states.push(s));
  for (let i = 0; i < 5; i++) await p.unary(async () => 1, { idempotent: false });
  for (let i = 0; i < 4; i++)
    await failure(p.unary(async () => Promise.reject(transient()), { idempotent: false }));
  assert.equal(p.breakerState(), "closed", "9 calls are below the minimum throughput");
  await failure(p.unary(async () => Promise.reject(transient()), { idempotent: false }));
  assert.equal(p.breakerState(), "open");
  assert.deepEqual(states, ["open"]);

  let called = false;
  const rejected: string[] = [];
  p.onRejected(({ kind }) => rejected.push(kind));
  const error = await failure(
    p.unary(
      async () => {
        called = true;
      },
      { idempotent: true },
    ),
  );
  assert.equal(called, false);
  assert.equal(code(error), Code.Unavailable);
  assert.match((error as ConnectError).message, /circuit open/);
  assert.equal((error as ConnectError).metadata.get("retry-after"), "30");
  assert.deepEqual(rejected, ["circuit-open"]);

  mock.timers.tick(30_000);
  assert.equal(p.breakerState(), "half-open");
  assert.equal(await p.unary(async () => "trial", { idempotent: false }), "trial");
  assert.equal(p.breakerState(), "closed");
  assert.deepEqual(states, ["open", "half-open", "closed"]);
});

test("the failure ratio alone decides at the minimum throughput: 4 of 10 keep the circuit closed, 5 of 10 open it", async () => {
  assert.equal(fast.breaker.failureRatio, 0.5);
  assert.equal(fast.breaker.minimumThroughput, 10);
  /** A fresh breaker after `ok` successes, then `failed` transient failures (the breaker judges on a failure). */
  async function stateAfter(ok: number, failed: number) {
    const p = policies();
    for (let i = 0; i < ok; i++) await p.unary(async () => 1, { idempotent: false });
    for (let i = 0; i < failed; i++)
      await failure(p.unary(async () => Promise.reject(transient()), { idempotent: false }));
    return p.breakerState();
  }
  assert.equal(await stateAfter(6, 4), "closed", "40 % of 10 calls");
  assert.equal(await stateAfter(6, 5), "closed", "45 % of 11 calls");
  assert.equal(await stateAfter(5, 5), "open", "50 % of 10 calls");
  assert.equal(await stateAfter(14, 6), "closed", "30 % of 20 calls");
  assert.equal(await stateAfter(10, 10), "open", "50 % of 20 calls");
});

test("failures that are not transient do not count against the circuit", async () => {
  const p = policies();
  for (let i = 0; i < 20; i++) {
    await failure(
      p.unary(async () => Promise.reject(new ConnectError("no", Code.NotFound)), { idempotent: false }),
    );
  }
  assert.equal(p.breakerState(), "closed");
});

test("timed-out attempts count against the circuit, so a hanging database opens it", async () => {
  const p = policies({ ...fast, timeout: { ...fast.timeout, unaryMs: 5 } });
  const hang = (signal: AbortSignal) =>
    new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
  for (let i = 0; i < 10; i++) {
    assert.equal(code(await failure(p.unary(hang, { idempotent: false }))), Code.DeadlineExceeded);
  }
  assert.equal(p.breakerState(), "open");
});

test("a statement_timeout from the server is DEADLINE_EXCEEDED, not retried", async () => {
  const p = policies();
  let calls = 0;
  const error = await failure(
    p.unary(
      async () => {
        calls++;
        throw Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" });
      },
      { idempotent: true },
    ),
  );
  assert.equal(code(error), Code.DeadlineExceeded);
  assert.equal(calls, 1);
});

test("a stream's page query bypasses the unary bulkhead; the stream limits admitted it", async () => {
  const p = policies({ ...fast, bulkhead: { maxConcurrent: 1, maxQueue: 0 } });
  let release!: () => void;
  const running = p.unary(() => new Promise<void>((resolve) => (release = resolve)), { idempotent: false });
  assert.equal(code(await failure(p.unary(async () => 1, { idempotent: true }))), Code.ResourceExhausted);
  assert.equal(await p.unary(async () => "page", { idempotent: true, streamPage: true }), "page");
  release();
  await running;
});

test("bulkhead overflow is RESOURCE_EXHAUSTED with retry-after", async () => {
  const p = policies({ ...fast, bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
  const rejected: string[] = [];
  p.onRejected(({ kind, method }) => rejected.push(`${kind}:${method}`));
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const running = p.unary(() => gate, { idempotent: false });
  const queued = p.unary(async () => "queued", { idempotent: false });
  assert.deepEqual(p.bulkheadSlots(), { execution: 0, queue: 0 });
  const error = await failure(p.unary(async () => "late", { idempotent: false, method: "ListCases" }));
  assert.equal(code(error), Code.ResourceExhausted);
  assert.equal((error as ConnectError).metadata.get("retry-after"), "1");
  assert.deepEqual(rejected, ["bulkhead:ListCases"]);
  release();
  await running;
  assert.equal(await queued, "queued");
});

test("the unary timeout aborts the work's signal and ends in DEADLINE_EXCEEDED", async () => {
  mock.timers.reset();
  mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_000_000 });
  const timeouts: string[] = [];
  const p = policies();
  p.onTimeout((m) => timeouts.push(m));
  let seen: AbortSignal | undefined;
  const call = failure(
    p.unary(
      (signal) =>
        new Promise((_, reject) => {
          seen = signal;
          signal.addEventListener("abort", () =>
            reject(Object.assign(new Error("canceling statement"), { code: "57014" })),
          );
        }),
      { idempotent: true, method: "SlowQuery" },
    ),
  );
  await Promise.resolve();
  mock.timers.tick(30_000);
  const error = await call;
  assert.equal(code(error), Code.DeadlineExceeded);
  assert.ok(seen?.aborted);
  assert.deepEqual(timeouts, ["SlowQuery"]);
});

test("a call still queued in the bulkhead when its time runs out fails at once", async () => {
  mock.timers.reset();
  mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_000_000 });
  const p = policies({ ...fast, bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
  let release!: () => void;
  const running = p.unary(() => new Promise<void>((resolve) => (release = resolve)), { idempotent: false });
  mock.timers.tick(10_000);
  let ran = false;
  const queued = failure(
    p.unary(
      async () => {
        ran = true;
      },
      { idempotent: false },
    ),
  );
  mock.timers.tick(30_000);
  assert.equal(code(await queued), Code.DeadlineExceeded);
  release();
  await running.catch(() => undefined);
  assert.equal(ran, false);
});

test("a caller's cancel aborts the work and ends in CANCELED", async () => {
  const p = policies();
  const controller = new AbortController();
  const call = failure(
    p.unary(
      (signal) =>
        new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")))),
      { idempotent: true, signal: controller.signal },
    ),
  );
  controller.abort();
  assert.equal(code(await call), Code.Canceled);
});

test("a stream's page query waits up to the stream idle timeout, a unary call only the unary timeout", async () => {
  const p = policies({ ...fast, timeout: { unaryMs: 5, streamIdleMs: 60 } });
  const slow = (ms: number) => (signal: AbortSignal) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve("done"), ms);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    });
  assert.equal(code(await failure(p.unary(slow(25), { idempotent: false }))), Code.DeadlineExceeded);
  assert.equal(await p.unary(slow(25), { idempotent: false, streamPage: true }), "done");
  const cut = await failure(p.unary(slow(1_000), { idempotent: false, streamPage: true }));
  assert.equal(code(cut), Code.DeadlineExceeded);
  assert.match((cut as Error).message, /60 ms/);
});

test("concurrent calls share one retry policy, yet each retry event names its own call's method", async () => {
  const p = policies();
  const retries: string[] = [];
  p.onRetry((e) => retries.push(e.method));
  const flaky = () => {
    let calls = 0;
    return async () => {
      if (++calls === 1) throw transient();
      return calls;
    };
  };
  const results = await Promise.all([
    p.unary(flaky(), { idempotent: true, method: "SELECT cases" }),
    p.unary(flaky(), { idempotent: true, method: "SELECT members" }),
    p.unary(flaky(), { idempotent: true, streamPage: true, method: "SELECT page" }),
  ]);
  assert.deepEqual(results, [2, 2, 2], "a stream page is retried like any idempotent read");
  assert.deepEqual(retries.sort(), ["SELECT cases", "SELECT members", "SELECT page"]);
});
