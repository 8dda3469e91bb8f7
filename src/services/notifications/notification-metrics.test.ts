import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "prom-client";
import { createNotificationMetrics, type OutboxStats } from "./notification-metrics.js";
import { outboxCheck } from "./outbox-check.js";

describe("outbox metrics and health", () => {
  it("exposes the outbox gauges and delivery counters under the names the alert rules use", async () => {
    const registry = new Registry();
    let reads = 0;
    const counters = createNotificationMetrics(registry, async () => {
      reads++;
      return { depth: 7, oldestPendingSeconds: 42.5 };
    });
    counters.sent.inc({ channel: "email" });
    counters.failed.inc({ channel: "email" }, 2);
    const text = await registry.metrics();
    assert.match(text, /^ect_outbox_depth 7$/m);
    assert.match(text, /^ect_outbox_oldest_pending_seconds 42.5$/m);
    assert.match(text, /^ect_notifications_sent_total\{channel="email"\} 1$/m);
    assert.match(text, /^ect_notifications_failed_total\{channel="email"\} 2$/m);
    assert.equal(reads, 1, "one database read serves both gauges of a scrape");
  });

  it("still answers a scrape while the database is down, the gauges keeping their last values", async () => {
    const registry = new Registry();
    let down = false;
    createNotificationMetrics(registry, async () => {
      if (down) throw new Error("connection refused");
      return { depth: 4, oldestPendingSeconds: 9 };
    });
    assert.match(await registry.metrics(), /^ect_outbox_depth 4$/m);
    down = true;
    const text = await registry.metrics();
    assert.match(text, /^ect_outbox_depth 4$/m);
    assert.match(text, /^ect_outbox_oldest_pending_seconds 9$/m);
  });

  it("turns Degraded (never Unhealthy) once the oldest undelivered email is older than the threshold", async () => {
    const stats = (oldestPendingSeconds: number) => async (): Promise<OutboxStats> => ({
      depth: 3,
      oldestPendingSeconds,
    });
    const signal = new AbortController().signal;
    const fresh = await outboxCheck(stats(59), 60_000).run(signal);
    assert.equal(fresh.status, "Healthy");
    const old = outboxCheck(stats(61), 60_000);
    assert.equal((await old.run(signal)).status, "Degraded");
    assert.equal(old.capacity, true, "capped at Degraded by the monitor");
  });
});
