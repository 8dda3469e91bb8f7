import assert from "node:assert/strict";
import { after, beforeEach, describe, it } from "node:test";
import Fastify from "fastify";
import { HealthMonitor, type HealthStatus, type HealthTag } from "./health-monitor.js";
import { healthRoutes } from "./health-routes.js";

/** A check whose status the test sets. */
function settable(name: string, tags: HealthTag[]) {
  const check = {
    name,
    tags,
    status: "Healthy" as HealthStatus,
    run: async () => ({ status: check.status, description: `${name} is ${check.status}`, data: { n: 1 } }),
  };
  return check;
}

describe("health routes", () => {
  const db = settable("database", ["ready"]);
  const streams = settable("streaming", ["ready", "streaming"]);
  const app = Fastify();
  // The operator sends "Bearer operator"; anyone else with a token is refused as the server refuses them.
  app.register(healthRoutes, {
    monitor: new HealthMonitor([db, streams], { cacheMs: 0 }),
    async details(request) {
      const authorization = request.headers.authorization;
      if (authorization === undefined) return false;
      if (authorization === "Bearer operator") return true;
      throw Object.assign(new Error("needs operatorView"), { statusCode: 403 });
    },
  });
  const operator = { authorization: "Bearer operator" };

  beforeEach(() => {
    db.status = "Healthy";
    streams.status = "Healthy";
  });

  after(() => app.close());

  it("answers /alive with 200 Healthy even while a check is Unhealthy", async () => {
    db.status = "Unhealthy";
    const res = await app.inject({ method: "GET", url: "/alive" });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: "Healthy" });
    assert.equal(res.headers["cache-control"], "no-store");
  });

  for (const url of ["/health", "/healthz"]) {
    it(`reports every check on ${url} with 200 while Healthy`, async () => {
      const res = await app.inject({ method: "GET", url, headers: operator });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers["cache-control"], "no-store");
      const body = res.json();
      assert.equal(body.status, "Healthy");
      assert.equal(typeof body.totalDurationMs, "number");
      assert.deepEqual(Object.keys(body.checks), ["database", "streaming"]);
      assert.equal(body.checks.database.status, "Healthy");
      assert.equal(body.checks.database.description, "database is Healthy");
      assert.deepEqual(body.checks.database.data, { n: 1 });
      assert.equal(typeof body.checks.database.durationMs, "number");
    });
  }

  it("answers 200 while Degraded", async () => {
    db.status = "Degraded";
    const res = await app.inject({ method: "GET", url: "/health" });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().status, "Degraded");
  });

  for (const url of ["/health", "/healthz", "/health/streaming"]) {
    it(`answers ${url} without a token with the bare status and nothing else`, async () => {
      const res = await app.inject({ method: "GET", url });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { status: "Healthy" });
      assert.equal(res.headers["cache-control"], "no-store");
      db.status = "Unhealthy";
      streams.status = "Unhealthy";
      const down = await app.inject({ method: "GET", url });
      assert.equal(down.statusCode, 503);
      assert.deepEqual(down.json(), { status: "Unhealthy" });
    });

    it(`refuses ${url} details to a token the details function refuses`, async () => {
      const res = await app.inject({ method: "GET", url, headers: { authorization: "Bearer clerk" } });
      assert.equal(res.statusCode, 403);
      assert.equal(res.json().checks, undefined);
    });
  }

  it("answers 503 with the full report when a check is Unhealthy", async () => {
    db.status = "Unhealthy";
    const res = await app.inject({ method: "GET", url: "/healthz", headers: operator });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().status, "Unhealthy");
    assert.equal(res.json().checks.database.status, "Unhealthy");
  });

  it("reports only streaming checks on /health/streaming", async () => {
    db.status = "Unhealthy";
    const res = await app.inject({ method: "GET", url: "/health/streaming", headers: operator });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(Object.keys(res.json().checks), ["streaming"]);
    streams.status = "Unhealthy";
    assert.equal((await app.inject({ method: "GET", url: "/health/streaming" })).statusCode, 503);
  });
});
