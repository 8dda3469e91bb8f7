import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { notFound } from "../errors.js";
import { runWithCallContext } from "./correlation.js";
import { createMetrics } from "./metrics.js";
import { createQueryTracer, sqlOperation, withSpan } from "./spans.js";
import { initTracing } from "./tracing.js";

const { store } = initTracing({ env: {} });

function allSpans() {
  return store.search({ limit: 100 }).flatMap((summary) => store.get(summary.traceId)?.spans ?? []);
}

describe("custom spans", () => {
  beforeEach(() => store.clear());

  it("withSpan nests, carries the correlation id and returns the result", async () => {
    const result = await runWithCallContext({ correlationId: "corr-span" }, () =>
      withSpan("outer", { "case.id": 7 }, () => withSpan("inner", {}, async () => "done")),
    );
    assert.equal(result, "done");
    const spans = allSpans();
    const outer = spans.find((span) => span.name === "outer");
    const inner = spans.find((span) => span.name === "inner");
    assert.ok(outer && inner);
    assert.equal(inner.parentSpanId, outer.spanId);
    assert.equal(outer.attributes["case.id"], "7");
    assert.equal(outer.attributes["correlation.id"], "corr-span");
  });

  it("withSpan records a failure and rethrows it", async () => {
    await assert.rejects(
      withSpan("failing", {}, () => {
        throw new Error("nope");
      }),
      /nope/,
    );
    const [span] = allSpans();
    assert.equal(span.status, "error");
    assert.equal(span.statusMessage, "nope");
    assert.equal(span.events[0].name, "exception");
    const stack = span.events[0].attributes["exception.stacktrace"];
    assert.match(stack, /^Error: nope\n\s+at .*\(src\/telemetry\/spans\.test\.ts:\d+:\d+\)/);
    assert.doesNotMatch(stack, /\(\//, "no absolute path in a frame");
  });

  it("withSpan keeps only the code and message of a refusal, and does not fail the span", async () => {
    await assert.rejects(
      withSpan("case.lookup", {}, () => {
        throw notFound("case", 9);
      }),
    );
    const [span] = allSpans();
    assert.equal(span.status, "unset");
    assert.deepEqual(span.events[0].attributes, {
      "exception.type": "not_found",
      "exception.message": "case 9 not found",
    });
  });
});

describe("traceDbQuery", () => {
  beforeEach(() => store.clear());

  it("makes a CLIENT span with the statement, operation and rows, and times the query", async () => {
    const metrics = createMetrics({ processMetrics: false });
    const traceDbQuery = createQueryTracer({ metrics });
    const result = await traceDbQuery("SELECT * FROM cases WHERE id = $1", "SELECT", async () => ({
      rowCount: 2,
    }));
    assert.deepEqual(result, { rowCount: 2 });
    const [span] = allSpans();
    assert.equal(span.kind, "client");
    assert.equal(span.name, "SELECT postgresql");
    assert.equal(span.attributes["db.system"], "postgresql");
    assert.equal(span.attributes["db.statement"], "SELECT * FROM cases WHERE id = $1");
    assert.equal(span.attributes["db.operation"], "SELECT");
    assert.equal(span.attributes["db.response.returned_rows"], "2");
    const histogram = await metrics.dbQueryDuration.get();
    assert.equal(histogram.values.find((v) => v.metricName?.endsWith("_count"))?.value, 1);
  });

  it("warns about slow queries only", async () => {
    const warnings: unknown[][] = [];
    const logger = { warn: (...args: unknown[]) => warnings.push(args) };
    const traceDbQuery = createQueryTracer({ slowQueryMs: 20, logger: logger as never });
    await traceDbQuery("SELECT 1", "SELECT", async () => ({ rowCount: 1 }));
    assert.equal(warnings.length, 0);
    await traceDbQuery(
      "SELECT pg_sleep(0.03)",
      "SELECT",
      () => new Promise((r) => setTimeout(() => r(null), 30)),
    );
    assert.equal(warnings.length, 1);
    const [fields, message] = warnings[0] as [Record<string, unknown>, string];
    assert.equal(message, "slow query");
    assert.equal(fields.statement, "SELECT pg_sleep(0.03)");
    assert.ok(Number(fields.durationMs) >= 20);
  });

  it("records a failed query on its span and rethrows", async () => {
    const traceDbQuery = createQueryTracer();
    await assert.rejects(
      traceDbQuery("INSERT INTO x VALUES (1)", "INSERT", async () => {
        throw new Error("duplicate key");
      }),
      /duplicate key/,
    );
    const [span] = allSpans();
    assert.equal(span.status, "error");
    assert.match(span.events[0].attributes["exception.stacktrace"], /src\/telemetry\/spans\.test\.ts/);
  });

  it("keeps the statement of a query that failed on bad input, but not the database's words or stack", async () => {
    const traceDbQuery = createQueryTracer();
    const violation = Object.assign(
      new Error('duplicate key value violates unique constraint "users_username_key"'),
      {
        code: "23505",
        query: "INSERT INTO users (username) VALUES ($1)",
      },
    );
    await assert.rejects(
      traceDbQuery("INSERT INTO users (username) VALUES ($1)", "INSERT", async () => {
        throw violation;
      }),
    );
    const [span] = allSpans();
    assert.equal(span.attributes["db.statement"], "INSERT INTO users (username) VALUES ($1)");
    assert.deepEqual(span.events[0].attributes, {
      "exception.type": "already_exists",
      "exception.message": "the record exists already",
    });
  });

  it("names the operation of a statement", () => {
    assert.equal(sqlOperation("  select 1"), "SELECT");
    assert.equal(sqlOperation("WITH x AS (SELECT 1) SELECT * FROM x"), "WITH");
    assert.equal(sqlOperation(""), "UNKNOWN");
  });
});
