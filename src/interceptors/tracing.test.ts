import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { create } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createClient,
  createRouterTransport,
  type Interceptor,
} from "@connectrpc/connect";
import { trace } from "@opentelemetry/api";
import {
  Health,
  HealthCheckResponse_ServingStatus,
  HealthCheckResponseSchema,
} from "../gen/grpc/health/v1/health_pb.js";
import { createQueryTracer, withSpan } from "../telemetry/spans.js";
import type { StoredSpan } from "../telemetry/stored-span.js";
import { initTracing } from "../telemetry/tracing.js";
import { callerKey } from "./caller-context.js";
import { correlationInterceptor } from "./correlation.js";
import { createTracingInterceptor } from "./tracing.js";

const { store } = initTracing({ env: {} });
const traceDbQuery = createQueryTracer();
const activeSpanIds: (string | undefined)[] = [];

const fakeAuth: Interceptor = (next) => (req) => {
  const user = req.header.get("x-test-user");
  if (user) {
    req.contextValues.set(callerKey, {
      userId: 7,
      username: user,
      roleId: 1,
      roleName: "r",
      unitId: 1,
      permissions: new Set<string>(),
    });
  }
  return next(req);
};

function transportWith(interceptors: Interceptor[]) {
  return createRouterTransport(
    (router) =>
      router.service(Health, {
        async check(req) {
          await tick();
          activeSpanIds.push(trace.getActiveSpan()?.spanContext().spanId);
          if (req.service === "missing") throw new ConnectError("no such service", Code.NotFound);
          if (req.service === "crash") throw new Error("database exploded");
          await withSpan("domain.check", { "ect.service": req.service }, async () => {
            await traceDbQuery("SELECT 1", "SELECT", async () => ({ rows: [{}], rowCount: 1 }));
          });
          return { status: HealthCheckResponse_ServingStatus.SERVING };
        },
        async *watch() {
          for (let i = 0; i < 3; i++) {
            await tick();
            activeSpanIds.push(trace.getActiveSpan()?.spanContext().spanId);
            await withSpan("domain.page", { page: i }, () => tick());
            yield create(HealthCheckResponseSchema, { status: HealthCheckResponse_ServingStatus.SERVING });
          }
        },
      }),
    { router: { interceptors } },
  );
}

const traced = createClient(
  Health,
  transportWith([
    correlationInterceptor,
    createTracingInterceptor({ untracedServices: new Set() }),
    fakeAuth,
  ]),
);

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID = "00f067aa0ba902b7";
const traceparent = `00-${TRACE_ID}-${PARENT_ID}-01`;

function spansOf(traceId: string): StoredSpan[] {
  return store.get(traceId)?.spans ?? [];
}

function serverSpans(): StoredSpan[] {
  return store
    .search({ limit: 1000 })
    .flatMap((s) => spansOf(s.traceId).filter((span) => span.kind === "server"));
}

describe("tracing interceptor", () => {
  beforeEach(() => {
    store.clear();
    activeSpanIds.length = 0;
  });

  it("makes one SERVER span, child of the caller's traceparent, with the RPC attributes", async () => {
    await traced.check(
      { service: "" },
      { headers: { traceparent, "x-correlation-id": "corr-trace-1", "x-test-user": "alice" } },
    );
    const spans = spansOf(TRACE_ID);
    const servers = spans.filter((span) => span.kind === "server");
    assert.equal(servers.length, 1);
    const server = servers[0];
    assert.equal(server.name, "grpc.health.v1.Health/Check");
    assert.equal(server.parentSpanId, PARENT_ID);
    assert.equal(server.attributes["rpc.system"], "connect");
    assert.equal(server.attributes["rpc.service"], "grpc.health.v1.Health");
    assert.equal(server.attributes["rpc.method"], "Check");
    assert.equal(server.attributes["rpc.grpc.status_code"], "0");
    assert.equal(server.attributes["correlation.id"], "corr-trace-1");
    assert.equal(server.attributes["enduser.id"], "alice");
    assert.deepEqual(activeSpanIds, [server.spanId], "the server span is active in the handler");

    const domain = spans.find((span) => span.name === "domain.check");
    const query = spans.find((span) => span.kind === "client");
    assert.ok(domain && query, "child spans stay in the caller's trace");
    assert.equal(domain.parentSpanId, server.spanId);
    assert.equal(domain.attributes["correlation.id"], "corr-trace-1");
    assert.equal(query.parentSpanId, domain.spanId);
    assert.equal(query.attributes["db.system"], "postgresql");
    assert.equal(query.attributes["db.statement"], "SELECT 1");
    assert.equal(query.attributes["db.operation"], "SELECT");
    assert.equal(query.attributes["db.response.returned_rows"], "1");
    assert.equal(query.attributes["correlation.id"], "corr-trace-1");
  });

  it("starts a new trace when the caller sends none", async () => {
    await traced.check({ service: "" });
    const servers = serverSpans();
    assert.equal(servers.length, 1);
    assert.notEqual(servers[0].traceId, TRACE_ID);
    assert.equal(servers[0].parentSpanId, undefined);
  });

  it("records a client error without marking the server span failed", async () => {
    await assert.rejects(traced.check({ service: "missing" }, { headers: { traceparent } }));
    const [server] = spansOf(TRACE_ID);
    assert.equal(server.attributes["rpc.grpc.status_code"], String(Code.NotFound));
    assert.equal(server.status, "unset");
    assert.equal(server.events[0]?.name, "exception");
  });

  it("marks the server span failed when the server is at fault", async () => {
    await assert.rejects(traced.check({ service: "crash" }, { headers: { traceparent } }));
    const [server] = spansOf(TRACE_ID);
    assert.equal(server.attributes["rpc.grpc.status_code"], String(Code.Unknown));
    assert.equal(server.status, "error");
  });

  it("keeps the server span active for every streamed item and ends it with the stream", async () => {
    const stream = traced.watch({ service: "" }, { headers: { traceparent } });
    let received = 0;
    for await (const _ of stream) {
      received++;
      assert.equal(serverSpans().length, 0, "the span is still open while the stream runs");
    }
    assert.equal(received, 3);
    const spans = spansOf(TRACE_ID);
    const server = spans.find((span) => span.kind === "server");
    assert.ok(server);
    assert.equal(server.name, "grpc.health.v1.Health/Watch");
    assert.equal(server.parentSpanId, PARENT_ID);
    assert.deepEqual(activeSpanIds, [server.spanId, server.spanId, server.spanId]);
    const pages = spans.filter((span) => span.name === "domain.page");
    assert.equal(pages.length, 3);
    for (const page of pages) assert.equal(page.parentSpanId, server.spanId);
  });

  it("ends the span as cancelled when the client aborts the stream", async () => {
    const abort = new AbortController();
    await assert.rejects(async () => {
      for await (const _ of traced.watch(
        { service: "" },
        { headers: { traceparent }, signal: abort.signal },
      )) {
        abort.abort();
      }
    });
    await tick();
    const server = spansOf(TRACE_ID).find((span) => span.kind === "server");
    assert.ok(server, "the span ended");
    assert.equal(server.attributes["rpc.grpc.status_code"], String(Code.Canceled));
    assert.equal(server.status, "unset");
  });

  it("skips health and reflection services by default", async () => {
    const client = createClient(Health, transportWith([createTracingInterceptor()]));
    await client.check({ service: "" }, { headers: { traceparent } });
    assert.deepEqual(
      spansOf(TRACE_ID).filter((span) => span.kind === "server"),
      [],
    );
  });
});
