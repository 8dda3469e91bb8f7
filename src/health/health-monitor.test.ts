import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HealthCheckResponse_ServingStatus as ServingStatus } from "../gen/grpc/health/v1/health_pb.js";
import {
  type HealthChange,
  type HealthCheck,
  HealthMonitor,
  type HealthStatus,
  type HealthTag,
  toServingStatus,
  worstOf,
} from "./health-monitor.js";

/** A check whose status the test sets, counting how often it ran. */
function fake(name: string, status: HealthStatus, tags: HealthTag[] = ["ready"]) {
  const check = {
    name,
    tags,
    status,
    runs: 0,
    async run() {
      check.runs++;
      return { status: check.status, data: { runs: check.runs } };
    },
  };
  return check;
}

/** A manual clock for the cache. */
function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("HealthMonitor", () => {
  it("reports the worst status of all checks with each check's own result", async () => {
    const monitor = new HealthMonitor([fake("a", "Healthy"), fake("b", "Degraded"), fake("c", "Healthy")]);
    const report = await monitor.report();
    assert.equal(report.status, "Degraded");
    assert.deepEqual(Object.keys(report.checks), ["a", "b", "c"]);
    assert.equal(report.checks.b.status, "Degraded");
    assert.deepEqual(report.checks.a.data, { runs: 1 });
    assert.equal(typeof report.checks.a.durationMs, "number");
    assert.equal(typeof report.totalDurationMs, "number");
    assert.equal(worstOf(["Healthy", "Unhealthy", "Degraded"]), "Unhealthy");
    assert.equal(worstOf([]), "Healthy");
  });

  it("counts a capacity check as Degraded at worst, even when it reports Unhealthy, throws or times out", async () => {
    const full = { ...fake("streams", "Unhealthy", ["ready", "streaming"]), capacity: true };
    const broken: HealthCheck = {
      name: "watches",
      tags: ["ready"],
      capacity: true,
      run: async () => {
        throw new Error("boom");
      },
    };
    const stuck: HealthCheck = {
      name: "slow",
      tags: ["ready"],
      capacity: true,
      run: () => new Promise(() => {}),
    };
    const monitor = new HealthMonitor([fake("db", "Healthy"), full, broken, stuck], { timeoutMs: 20 });
    const report = await monitor.report();
    assert.equal(report.status, "Degraded");
    assert.equal(report.checks.streams.status, "Degraded");
    assert.equal(report.checks.watches.status, "Degraded");
    assert.equal(report.checks.slow.status, "Degraded");
    assert.equal(toServingStatus(report.status), ServingStatus.SERVING);
    const plain = new HealthMonitor([fake("streams", "Unhealthy")]);
    assert.equal((await plain.report()).status, "Unhealthy", "other checks still report Unhealthy");
  });

  it("reports only the checks carrying the asked tag", async () => {
    const monitor = new HealthMonitor([fake("db", "Unhealthy"), fake("streams", "Degraded", ["streaming"])]);
    const report = await monitor.report("streaming");
    assert.deepEqual(Object.keys(report.checks), ["streams"]);
    assert.equal(report.status, "Degraded");
  });

  it("reuses a result within the cache interval and runs the check again after it", async () => {
    const c = clock();
    const db = fake("db", "Healthy");
    const monitor = new HealthMonitor([db], { cacheMs: 1000, now: c.now });
    await monitor.report();
    c.advance(999);
    await Promise.all([monitor.report(), monitor.report(), monitor.report()]);
    assert.equal(db.runs, 1);
    c.advance(1);
    await monitor.report();
    assert.equal(db.runs, 2);
  });

  it("shares one run among concurrent callers while the check is in flight", async () => {
    let runs = 0;
    let release!: () => void;
    const slow: HealthCheck = {
      name: "slow",
      tags: ["ready"],
      run: async () => {
        runs++;
        await new Promise<void>((resolve) => (release = resolve));
        return { status: "Healthy" };
      },
    };
    const monitor = new HealthMonitor([slow], { cacheMs: 0 });
    const reports = Promise.all([monitor.report(), monitor.report()]);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await reports;
    assert.equal(runs, 1);
  });

  it("reports a check that outlives its timeout as Unhealthy and aborts it", async () => {
    let signal: AbortSignal | undefined;
    const hung: HealthCheck = {
      name: "hung",
      tags: ["ready"],
      run: (s) => {
        signal = s;
        return new Promise(() => {});
      },
    };
    const monitor = new HealthMonitor([hung], { timeoutMs: 30 });
    const report = await monitor.report();
    assert.equal(report.status, "Unhealthy");
    assert.match(report.checks.hung.description ?? "", /timed out after 30 ms/);
    assert.ok(report.checks.hung.durationMs >= 25);
    assert.equal(signal?.aborted, true);
  });

  it("reports a throwing check as Unhealthy without leaking its message, and hands the error to onCheckError", async () => {
    const seen: unknown[] = [];
    const failing: HealthCheck = {
      name: "db",
      tags: ["ready"],
      run: async () => {
        throw Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:5432"), { code: "ECONNREFUSED" });
      },
    };
    const monitor = new HealthMonitor([failing], { onCheckError: (_name, error) => seen.push(error) });
    const report = await monitor.report();
    assert.equal(report.status, "Unhealthy");
    assert.equal(report.checks.db.description, "check failed (ECONNREFUSED)");
    assert.equal(seen.length, 1);
  });

  it("emits a change for a check and for the overall status only when they change", async () => {
    const c = clock();
    const db = fake("db", "Healthy");
    const mem = fake("mem", "Healthy");
    const monitor = new HealthMonitor([db, mem], { cacheMs: 10, now: c.now });
    const changes: HealthChange[] = [];
    const unsubscribe = monitor.subscribe((change) => changes.push(change));
    await monitor.report();
    assert.deepEqual(changes, [
      { name: "db", status: "Healthy", previous: undefined },
      { name: "mem", status: "Healthy", previous: undefined },
      { name: "", status: "Healthy", previous: undefined },
    ]);
    changes.length = 0;
    c.advance(10);
    await monitor.report();
    assert.deepEqual(changes, [], "no change, no event");
    db.status = "Unhealthy";
    c.advance(10);
    await monitor.report();
    assert.deepEqual(changes, [
      { name: "db", status: "Unhealthy", previous: "Healthy" },
      { name: "", status: "Unhealthy", previous: "Healthy" },
    ]);
    assert.equal(monitor.lastStatus(), "Unhealthy");
    assert.equal(monitor.lastStatus("mem"), "Healthy");
    unsubscribe();
  });

  it("re-runs the checks on its own while someone listens, and stops when the last one leaves", async () => {
    const db = fake("db", "Healthy");
    const monitor = new HealthMonitor([db], { cacheMs: 0, refreshMs: 10 });
    const seen: HealthChange[] = [];
    const unsubscribe = monitor.subscribe((change) => seen.push(change));
    await new Promise((resolve) => setTimeout(resolve, 35));
    assert.ok(db.runs >= 2, `ran ${db.runs} times`);
    assert.equal(seen[0]?.status, "Healthy");
    unsubscribe();
    const runs = db.runs;
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(db.runs, runs);
  });

  it("rejects two checks with one name", () => {
    assert.throws(() => new HealthMonitor([fake("db", "Healthy"), fake("db", "Healthy")]), /duplicate/);
  });

  it("maps Healthy and Degraded to SERVING and Unhealthy to NOT_SERVING", () => {
    assert.equal(toServingStatus("Healthy"), ServingStatus.SERVING);
    assert.equal(toServingStatus("Degraded"), ServingStatus.SERVING);
    assert.equal(toServingStatus("Unhealthy"), ServingStatus.NOT_SERVING);
  });
});
