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
import { callerKey } from "../auth/caller-context.js";
import {
  Health,
  HealthCheckResponse_ServingStatus,
  HealthCheckResponseSchema,
} from "../gen/grpc/health/v1/health_pb.js";
import { withItemCount } from "../streams/item-count.js";
import { createLogger } from "../telemetry/logger.js";
import { createMetrics } from "../telemetry/metrics.js";
import { parsePrometheusText, sampleValue } from "../telemetry/prometheus-text.test-support.js";
import { REST_MARKER_HEADER } from "../telemetry/rpc-protocol.js";
import { initTracing } from "../telemetry/tracing.js";
import { correlationInterceptor } from "./correlation.js";
import { createMetricsAndLogInterceptor } from "./metrics-and-log.js";
import { createTracingInterceptor } from "./tracing.js";

initTracing({ env: {} });
const lines: Record<string, unknown>[] = [];
const logger = createLogger({ destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
const metrics = createMetrics({ processMetrics: false });
let openStreamsDuringWatch: number | undefined;

const fakeAuth: Interceptor = (next) => (req) => {
  req.contextValues.set(callerKey, {
    userId: 7,
    username: "alice",
    roleId: 1,
    roleName: "r",
    unitId: 1,
    permissions: new Set<string>(),
  });
  return next(req);
};

const transport = createRouterTransport(
  (router) =>
    router.service(Health, {
      async check(req) {
        if (req.service === "missing") throw new ConnectError("no such service", Code.NotFound);
        return { status: HealthCheckResponse_ServingStatus.SERVING };
      },
      async *watch(req) {
        for (let i = 0; i < 3; i++) {
          await tick();
          openStreamsDuringWatch = (await metrics.activeStreams.get()).values[0]?.value;
          const message = create(HealthCheckResponseSchema, {
            status: HealthCheckResponse_ServingStatus.SERVING,
          });
          // "batches": each message carries 10 items, as a declared batch stream marks them.
          yield req.service === "batches" ? withItemCount(message, 10) : message;
        }
      },
    }),
  {
    router: {
      interceptors: [
        correlationInterceptor,
        createTracingInterceptor({ untracedServices: new Set() }),
        createMetricsAndLogInterceptor({ metrics, logger, quietServices: new Set() }),
        fakeAuth,
      ],
    },
  },
);
const client = createClient(Health, transport);

async function scrape() {
  return parsePrometheusText(await metrics.registry.metrics());
}

const CHECK = "grpc.health.v1.Health/Check";
const WATCH = "grpc.health.v1.Health/Watch";

/** A logged number: finite (JSON carries NaN and ±Infinity as null or strings) and within [low, high]. */
function assertFiniteBetween(value: unknown, low: number, high: number, what: string): void {
  assert.ok(
    typeof value === "number" && Number.isFinite(value) && value >= low && value <= high,
    `${what}: ${String(value)} is not a finite number in [${low}, ${high}]`,
  );
}

describe("metrics and log interceptor", () => {
  beforeEach(() => {
    lines.length = 0;
    metrics.registry.resetMetrics();
  });

  it("records a unary call's duration by method, code and protocol and writes one audit line", async () => {
    const wallBefore = Date.now();
    const before = performance.now();
    await client.check({ service: "" }, { headers: { "x-correlation-id": "corr-unary" } });
    const elapsedMs = performance.now() - before;
    const wallAfter = Date.now();
    await client.check({ service: "" }, { headers: { [REST_MARKER_HEADER]: "1" } });
    await assert.rejects(client.check({ service: "missing" }));
    const samples = await scrape();
    const count = (code: string, protocol: string) =>
      sampleValue(samples, "ect_rpc_duration_seconds_count", { method: CHECK, code, protocol });
    assert.equal(count("ok", "connect"), 1);
    assert.equal(count("ok", "rest"), 1);
    assert.equal(count("not_found", "connect"), 1);

    assert.equal(lines.length, 3);
    const [line] = lines;
    assert.equal(line.msg, "rpc");
    assert.equal(line.level, "info");
    const time = Date.parse(String(line.time));
    assert.ok(time >= wallBefore && time <= wallAfter, `the line's time ${line.time} is the call's`);
    assert.equal(line.correlationId, "corr-unary");
    assert.match(String(line.traceId), /^[0-9a-f]{32}$/);
    assert.match(String(line.spanId), /^[0-9a-f]{16}$/);
    assert.equal(line.method, CHECK);
    assert.equal(line.user, "alice");
    assert.equal(line.code, "ok");
    assertFiniteBetween(
      line.durationMs,
      0,
      elapsedMs,
      "durationMs is the call's time, within what the caller saw",
    );
    const durationSum = sampleValue(samples, "ect_rpc_duration_seconds_sum", {
      method: CHECK,
      code: "ok",
      protocol: "connect",
    });
    assert.ok(
      Math.abs((durationSum ?? Number.NaN) * 1000 - Number(line.durationMs)) <= 0.001,
      `the histogram observed the logged duration: ${durationSum} s vs ${line.durationMs} ms`,
    );
    assert.equal(line.items, undefined);
    assert.equal(lines[2].code, "not_found");
    assert.equal(lines[2].error, "no such service");
  });

  it("counts streamed messages, time to first item and open streams, and logs items per second", async () => {
    const before = performance.now();
    for await (const _ of client.watch({ service: "" })) {
    }
    const elapsedMs = performance.now() - before;
    assert.equal(openStreamsDuringWatch, 1);
    const samples = await scrape();
    assert.equal(sampleValue(samples, "ect_stream_items_total", { method: WATCH }), 3);
    assert.equal(sampleValue(samples, "ect_stream_first_item_seconds_count", { method: WATCH }), 1);
    assert.equal(sampleValue(samples, "ect_active_streams"), 0);
    assert.equal(sampleValue(samples, "ect_rpc_duration_seconds_count", { method: WATCH, code: "ok" }), 1);
    assert.equal(lines.length, 1);
    assert.equal(lines[0].items, 3);
    const durationMs = lines[0].durationMs;
    assertFiniteBetween(durationMs, 0, elapsedMs, "durationMs is the stream's time");
    const perSecond = (3 * 1000) / Number(durationMs);
    assertFiniteBetween(lines[0].itemsPerSecond, 0, Number.MAX_VALUE, "itemsPerSecond");
    // durationMs is rounded to the microsecond and itemsPerSecond to the unit: allow for both.
    assert.ok(
      Math.abs(Number(lines[0].itemsPerSecond) - perSecond) <= 1 + perSecond * 0.01,
      `itemsPerSecond ${lines[0].itemsPerSecond} is 3 items over ${durationMs} ms`,
    );
  });

  it("counts the items each batch message carries instead of messages", async () => {
    for await (const _ of client.watch({ service: "batches" })) {
    }
    const samples = await scrape();
    assert.equal(sampleValue(samples, "ect_stream_items_total", { method: WATCH }), 30);
    assert.equal(lines[0].items, 30);
  });

  it("ends the measurement as cancelled when the client aborts a stream the server is still producing", async () => {
    const abort = new AbortController();
    await assert.rejects(async () => {
      for await (const _ of client.watch({ service: "" }, { signal: abort.signal })) abort.abort();
    }, /canceled/);
    await tick();
    const samples = await scrape();
    assert.equal(sampleValue(samples, "ect_active_streams"), 0);
    assert.equal(
      sampleValue(samples, "ect_rpc_duration_seconds_count", { method: WATCH, code: "canceled" }),
      1,
    );
    assert.equal(lines.length, 1);
    assert.equal(lines[0].code, "canceled");
  });
});
