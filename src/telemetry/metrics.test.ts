import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CIRCUIT_STATE, createMetrics } from "./metrics.js";
import { parsePrometheusText, sampleValue } from "./prometheus-text.test-support.js";

describe("metrics", () => {
  it("exposes every ECT metric and the process metrics as valid Prometheus text", async () => {
    const metrics = createMetrics();
    metrics.rpcDuration.observe({ method: "ect.v1.CaseService/GetCase", code: "ok", protocol: "grpc" }, 0.02);
    const samples = parsePrometheusText(await metrics.registry.metrics());
    const names = new Set(samples.map((sample) => sample.name));
    for (const name of [
      "ect_rpc_duration_seconds_bucket",
      "ect_active_streams",
      "process_cpu_user_seconds_total",
      "nodejs_eventloop_lag_seconds",
    ]) {
      assert.ok(names.has(name), `${name} is exposed`);
    }
    const text = await metrics.registry.metrics();
    for (const family of [
      "ect_stream_items_total",
      "ect_stream_first_item_seconds",
      "ect_db_query_duration_seconds",
      "ect_db_pool_connections",
      "ect_circuit_state",
      "ect_retries_total",
      "ect_timeouts_total",
      "ect_rejections_total",
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${family} `, "m"));
    }
  });

  it("moves counters and gauges, and reads the pool on every scrape", async () => {
    const metrics = createMetrics({ processMetrics: false });
    let idle = 3;
    metrics.setPoolSource(() => ({ total: 10, idle, waiting: 1 }));
    metrics.circuitState.set({ dependency: "database" }, CIRCUIT_STATE.open);
    metrics.retries.inc({ dependency: "database" });
    metrics.retries.inc({ dependency: "database" });
    metrics.timeouts.inc({ dependency: "database" });
    metrics.rejections.inc({ kind: "rate_limit" });
    metrics.dbQueryDuration.observe({ operation: "SELECT" }, 0.004);

    let samples = parsePrometheusText(await metrics.registry.metrics());
    assert.equal(sampleValue(samples, "ect_db_pool_connections", { state: "active" }), 7);
    assert.equal(sampleValue(samples, "ect_db_pool_connections", { state: "waiting" }), 1);
    assert.equal(sampleValue(samples, "ect_circuit_state", { dependency: "database" }), 2);
    assert.equal(sampleValue(samples, "ect_retries_total", { dependency: "database" }), 2);
    assert.equal(sampleValue(samples, "ect_timeouts_total", { dependency: "database" }), 1);
    assert.equal(sampleValue(samples, "ect_rejections_total", { kind: "rate_limit" }), 1);
    assert.equal(sampleValue(samples, "ect_db_query_duration_seconds_count", { operation: "SELECT" }), 1);
    assert.equal(
      sampleValue(samples, "ect_db_query_duration_seconds_bucket", { operation: "SELECT", le: "0.005" }),
      1,
    );

    idle = 10;
    samples = parsePrometheusText(await metrics.registry.metrics());
    assert.equal(sampleValue(samples, "ect_db_pool_connections", { state: "active" }), 0);
  });

  it("keeps each registry separate from the others and from prom-client's global one", async () => {
    const a = createMetrics({ processMetrics: false });
    const b = createMetrics({ processMetrics: false });
    a.rejections.inc({ kind: "bulkhead" });
    const samples = parsePrometheusText(await b.registry.metrics());
    assert.equal(sampleValue(samples, "ect_rejections_total", { kind: "bulkhead" }), undefined);
  });
});
