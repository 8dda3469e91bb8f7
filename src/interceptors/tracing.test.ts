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
import { callerKey } from "../auth/caller-context.js";
import { notFound } from "../errors.js";
import {
  Health,
  HealthCheckResponse_ServingStatus,
  HealthCheckResponseSchema,
} from "../gen/grpc/health/v1/health_pb.js";
import { createLogger } from "../telemetry/logger.js";
import { createQueryTracer, withSpan } from "../telemetry/spans.js";
import type { StoredSpan } from "../telemetry/stored-span.js";
import { initTracing } from "../telemetry/tracing.js";
import { correlationInterceptor } from "./correlation.js";
import { errorsInterceptor } from "./errors.js";
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
          if (req.service === "missing-case") {
            await traceDbQuery("SELECT * FROM cases WHERE id = $1", "SELECT", async () => ({ rowCount: 0 }));
            await withSpan("case.lookup", {}, () => {
              throw notFound("case", 42);
            });
          }
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

/** The whole chain's order: errors inside tracing, as the server has it. */
const withErrors = createClient(
  Health,
  transportWith([
    correlationInterceptor,
    createTracingInterceptor({ untracedServices: new Set() }),
    errorsInterceptor(createLogger({ level: "silent" })),
    fakeAuth,
  ]),
);

/** An absolute path anywhere in a span (the repository's root, or any other). */
const ABSOLUTE_PATH = /(^|[\s('"=])(file:\/\/)?\/(?!\/)[\w.@-]+\//m;

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

  it("keeps only the code and message of a NOT_FOUND: no stack, no path, on any span", async () => {
    await assert.rejects(withErrors.check({ service: "missing-case" }, { headers: { traceparent } }));
    const spans = spansOf(TRACE_ID);
    const server = spans.find((span) => span.kind === "server");
    const lookup = spans.find((span) => span.name === "case.lookup");
    assert.ok(server && lookup);
    for (const span of [server, lookup]) {
      assert.deepEqual(
        span.events.map((event) => event.attributes),
        [{ "exception.type": "not_found", "exception.message": "case 42 not found" }],
        span.name,
      );
      assert.equal(span.status, "unset", "a refusal is not a server fault");
    }
    for (const span of spans) {
      assert.doesNotMatch(JSON.stringify(span), ABSOLUTE_PATH, span.name);
      assert.doesNotMatch(JSON.stringify(span.events), /SELECT|stacktrace/, span.name);
    }
    const query = spans.find((span) => span.kind === "client");
    assert.equal(query?.attributes["db.statement"], "SELECT * FROM cases WHERE id = $1");
  });

  it("keeps the stack of an INTERNAL error, its paths relative to the repository", async () => {
    await assert.rejects(withErrors.check({ service: "crash" }, { headers: { traceparent } }), (error) => {
      assert.equal(ConnectError.from(error).code, Code.Internal);
      assert.doesNotMatch(ConnectError.from(error).rawMessage, /exploded/, "the client gets no detail");
      return true;
    });
    const server = spansOf(TRACE_ID).find((span) => span.kind === "server");
    assert.ok(server);
    assert.equal(server.status, "error");
    assert.match(server.statusMessage, /^internal error \(error id [0-9a-f-]{36}\)$/);
    const [exception] = server.events;
    assert.equal(exception.name, "exception");
    assert.equal(exception.attributes["exception.type"], "Error");
    assert.equal(exception.attributes["exception.message"], "database exploded");
    const stack = exception.attributes["exception.stacktrace"];
    assert.match(stack, /\(src\/interceptors\/tracing\.test\.ts:\d+:\d+\)/, "the stack of what failed");
    assert.doesNotMatch(JSON.stringify(server), ABSOLUTE_PATH);
  });
});
