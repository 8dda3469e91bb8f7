import assert from "node:assert/strict";
import { test } from "node:test";
import type { DescMethod } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createContextValues,
  type StreamRequest,
  type StreamResponse,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";
import { Health } from "../gen/grpc/health/v1/health_pb.js";
import { FakeClock } from "../resilience/fake-clock.js";
import { defaultResilienceSettings } from "../resilience/settings.js";
import { ClientCircuitBreaker } from "./circuit-breaker.js";
import { isIdempotentCall, resilienceInterceptor } from "./resilience-interceptor.js";

const checkName = "grpc.health.v1.Health/Check";
const watchName = "grpc.health.v1.Health/Watch";

function setup() {
  const clock = new FakeClock();
  const breaker = new ClientCircuitBreaker(defaultResilienceSettings.breaker, clock);
  const interceptor = resilienceInterceptor({
    settings: defaultResilienceSettings,
    breaker,
    clock,
    random: () => 1,
    idempotentMethods: [checkName, watchName],
  });
  return { clock, breaker, interceptor };
}

function unaryReq(method: DescMethod = Health.method.check): UnaryRequest {
  return {
    stream: false,
    service: Health,
    method,
    requestMethod: "POST",
    url: "http://x",
    signal: new AbortController().signal,
    header: new Headers(),
    contextValues: createContextValues(),
    message: { $typeName: "grpc.health.v1.HealthCheckRequest", service: "" },
  } as UnaryRequest;
}

const ok = { stream: false, header: new Headers(), trailer: new Headers() } as UnaryResponse;
const down = () => new ConnectError("down", Code.Unavailable);

async function settled<T>(promise: Promise<T>) {
  return promise.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error: error as ConnectError }),
  );
}

test("a call is retry-safe when declared so, when it carries a request id, or when the caller lists it", () => {
  const method = (idempotency: number) => ({ ...Health.method.check, idempotency }) as unknown as DescMethod;
  assert.ok(isIdempotentCall(method(1), {}));
  assert.ok(isIdempotentCall(method(2), {}));
  assert.equal(isIdempotentCall(method(0), {}), false);
  assert.ok(isIdempotentCall(method(0), { requestId: "k-1" }));
  assert.equal(isIdempotentCall(method(0), { requestId: "" }), false);
  assert.ok(isIdempotentCall(method(0), {}, [checkName]));
});

test("UNAVAILABLE is retried three times with backoff 100, 200, 400 ms, then surfaces", async () => {
  const { clock, interceptor } = setup();
  const attempts: number[] = [];
  const call = settled(
    interceptor(async () => {
      attempts.push(clock.now());
      throw down();
    })(unaryReq()),
  );
  await clock.advance(2_000);
  const { error } = await call;
  assert.equal(error?.code, Code.Unavailable);
  assert.deepEqual(attempts, [0, 100, 300, 700]);
});

test("a call whose connection dropped (CANCELED the caller did not ask for) is retried like UNAVAILABLE", async () => {
  const { clock, interceptor } = setup();
  let attempts = 0;
  const call = settled(
    interceptor(async () => {
      // What connect-node reports when the server's connection ends mid-call (a killed instance).
      if (++attempts === 1)
        throw new ConnectError("http/2 stream closed with error code CANCEL (0x8)", Code.Canceled);
      return ok;
    })(unaryReq()),
  );
  await clock.advance(2_000);
  assert.equal((await call).value, ok);
  assert.equal(attempts, 2);
});

test("a call that is not retry-safe is sent once", async () => {
  const { clock, interceptor } = setup();
  let attempts = 0;
  const call = settled(
    interceptor(async () => {
      attempts++;
      throw down();
    })(unaryReq(Health.method.list)),
  );
  await clock.advance(2_000);
  assert.equal((await call).error?.code, Code.Unavailable);
  assert.equal(attempts, 1);
});

test("RESOURCE_EXHAUSTED is retried after its retry-after, and not at all without one", async () => {
  const { clock, interceptor } = setup();
  const attempts: number[] = [];
  const call = settled(
    interceptor(async () => {
      attempts.push(clock.now());
      if (attempts.length === 1)
        throw new ConnectError("busy", Code.ResourceExhausted, { "retry-after": "2" });
      return ok;
    })(unaryReq()),
  );
  await clock.advance(2_000);
  assert.equal((await call).value, ok);
  assert.deepEqual(attempts, [0, 2_000]);

  let tooBig = 0;
  const once = settled(
    interceptor(async () => {
      tooBig++;
      throw new ConnectError("message too large", Code.ResourceExhausted);
    })(unaryReq()),
  );
  await clock.advance(2_000);
  assert.equal((await once).error?.code, Code.ResourceExhausted);
  assert.equal(tooBig, 1);
});

test("a unary call without its own deadline is cut after 30 s with DEADLINE_EXCEEDED", async () => {
  const { clock, interceptor } = setup();
  const call = settled(
    interceptor(
      (req) =>
        new Promise((_, reject) =>
          req.signal.addEventListener("abort", () => reject(new Error("fetch aborted"))),
        ),
    )(unaryReq()),
  );
  await clock.advance(30_000);
  assert.equal((await call).error?.code, Code.DeadlineExceeded);
});

test("repeated UNAVAILABLE opens the client circuit, after which calls fail without reaching the server", async () => {
  const { clock, breaker, interceptor } = setup();
  let attempts = 0;
  const failing = interceptor(async () => {
    attempts++;
    throw down();
  });
  for (let i = 0; i < 3; i++) {
    const call = settled(failing(unaryReq()));
    await clock.advance(2_000);
    await call;
  }
  assert.equal(breaker.current(), "open");
  const before = attempts;
  const { error } = await settled(failing(unaryReq()));
  assert.match(error?.message ?? "", /circuit open/);
  assert.equal(attempts, before);
});

function streamReq(): StreamRequest {
  async function* input() {
    yield { $typeName: "grpc.health.v1.HealthCheckRequest", service: "" };
  }
  return {
    ...unaryReq(Health.method.watch),
    stream: true,
    method: Health.method.watch,
    message: input(),
  } as unknown as StreamRequest;
}

function streamRes(messages: () => AsyncGenerator<unknown>): StreamResponse {
  return {
    stream: true,
    header: new Headers(),
    trailer: new Headers(),
    message: messages(),
  } as unknown as StreamResponse;
}

async function drain(res: StreamResponse, into: unknown[]) {
  for await (const m of res.message) into.push(m);
}

test("a stream is retried before its first message, replaying the request", async () => {
  const { clock, interceptor } = setup();
  const requests: unknown[] = [];
  let attempts = 0;
  const call = interceptor(async (req) => {
    for await (const m of (req as StreamRequest).message) requests.push(m);
    attempts++;
    return streamRes(async function* () {
      if (attempts === 1) throw down();
      yield "a";
      yield "b";
    });
  })(streamReq());
  await clock.advance(200);
  const got: unknown[] = [];
  await drain((await call) as StreamResponse, got);
  assert.deepEqual(got, ["a", "b"]);
  assert.equal(requests.length, 2);
});

test("a stream that fails after its first message is not retried", async () => {
  const { interceptor } = setup();
  let attempts = 0;
  const res = (await interceptor(async () => {
    attempts++;
    return streamRes(async function* () {
      yield "a";
      throw down();
    });
  })(streamReq())) as StreamResponse;
  const got: unknown[] = [];
  const { error } = await settled(drain(res, got));
  assert.equal(error?.code, Code.Unavailable);
  assert.deepEqual(got, ["a"]);
  assert.equal(attempts, 1);
});

test("a stream silent for 120 s is cut with DEADLINE_EXCEEDED", async () => {
  const { clock, interceptor } = setup();
  const res = (await interceptor(async (req) =>
    streamRes(async function* () {
      yield "a";
      await new Promise((_, reject) => req.signal.addEventListener("abort", () => reject(req.signal.reason)));
    }),
  )(streamReq())) as StreamResponse;
  const got: unknown[] = [];
  const drained = settled(drain(res, got));
  await clock.advance(120_000);
  assert.equal((await drained).error?.code, Code.DeadlineExceeded);
  assert.deepEqual(got, ["a"]);
});
