import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { createDatabasePolicies } from "../resilience/policies.js";
import { defaultResilienceSettings, type ResilienceSettings } from "../resilience/settings.js";
import { createLogger } from "./logger.js";
import { CIRCUIT_STATE, createMetrics } from "./metrics.js";
import { parsePrometheusText, sampleValue } from "./prometheus-text.test-support.js";
import { recordResilienceMetrics } from "./resilience-metrics.js";

const settings: ResilienceSettings = {
  ...defaultResilienceSettings,
  retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1, jitter: false },
  bulkhead: { maxConcurrent: 1, maxQueue: 0 },
};

const transient = () => Object.assign(new Error("connection terminated"), { code: "57P01" });
// The server's statement_timeout: a timeout without waiting for one.
const statementTimeout = () => Object.assign(new Error("canceling statement"), { code: "57014" });

// Opens after two failed calls, so one test can walk the whole circuit.
const quickToOpen: ResilienceSettings = {
  ...settings,
  breaker: { failureRatio: 0.5, samplingWindowMs: 10_000, minimumThroughput: 2, breakDurationMs: 30_000 },
};

function observed(policySettings = settings) {
  const metrics = createMetrics({ processMetrics: false });
  const lines: string[] = [];
  const logger = createLogger({ destination: { write: (line: string) => lines.push(line) } });
  const policies = createDatabasePolicies(policySettings);
  const stop = recordResilienceMetrics(policies, metrics, logger);
  const value = async (name: string, labels: Record<string, string>) =>
    sampleValue(parsePrometheusText(await metrics.registry.metrics()), name, labels) ?? 0;
  const messages = () => lines.map((line) => JSON.parse(line).msg as string);
  return { policies, stop, value, messages };
}

beforeEach(() => mock.timers.enable({ apis: ["Date"], now: 1_000_000 }));
afterEach(() => mock.timers.reset());

describe("resilience metrics", () => {
  it("count and log each retry, timeout and bulkhead rejection of the database policies", async () => {
    const { policies, value, messages } = observed();
    let calls = 0;
    await policies.unary(
      async () => {
        if (++calls === 1) throw transient();
      },
      { idempotent: true, method: "SELECT" },
    );
    await policies
      .unary(async () => Promise.reject(statementTimeout()), { idempotent: false, method: "UPDATE" })
      .catch(() => undefined);
    let release!: () => void;
    const running = policies.unary(() => new Promise<void>((resolve) => (release = resolve)), {
      idempotent: false,
    });
    await policies.unary(async () => 1, { idempotent: false, method: "INSERT" }).catch(() => undefined);
    release();
    await running;

    assert.equal(await value("ect_retries_total", { dependency: "database" }), 1);
    assert.equal(await value("ect_timeouts_total", { dependency: "database" }), 1);
    assert.equal(await value("ect_rejections_total", { kind: "bulkhead" }), 1);
    assert.deepEqual(messages(), [
      "retrying transient database failure",
      "database call timed out",
      "database call rejected",
    ]);
  });

  it("follow the circuit: closed at first, open after failures (later calls counted as circuit_open), closed after a trial", async () => {
    const { policies, value } = observed(quickToOpen);
    const circuit = () => value("ect_circuit_state", { dependency: "database" });
    assert.equal(await circuit(), CIRCUIT_STATE.closed);
    for (let i = 0; i < 2; i++) {
      await policies.unary(async () => Promise.reject(transient()), { idempotent: false }).catch(() => 0);
    }
    assert.equal(await circuit(), CIRCUIT_STATE.open);
    await policies.unary(async () => 1, { idempotent: false }).catch(() => undefined);
    assert.equal(await value("ect_rejections_total", { kind: "circuit_open" }), 1);

    mock.timers.tick(30_000);
    await policies.unary(async () => 1, { idempotent: false });
    assert.equal(await circuit(), CIRCUIT_STATE.closed);
  });

  it("stop counting once the returned function is called", async () => {
    const { policies, stop, value, messages } = observed();
    stop();
    let calls = 0;
    await policies.unary(
      async () => {
        if (++calls === 1) throw transient();
      },
      { idempotent: true },
    );
    assert.equal(calls, 2);
    assert.equal(await value("ect_retries_total", { dependency: "database" }), 0);
    assert.deepEqual(messages(), []);
  });
});
