import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { context, trace } from "@opentelemetry/api";
import { runWithCallContext } from "./correlation.js";
import { createLogger } from "./logger.js";
import { initTracing } from "./tracing.js";

const { tracer } = initTracing({ env: {} });

function capture(level?: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level,
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });
  return { logger, lines };
}

describe("logger", () => {
  it("writes JSON lines with an ISO time and a level name", () => {
    const { logger, lines } = capture();
    logger.info({ answer: 42 }, "hello");
    assert.equal(lines.length, 1);
    assert.equal(lines[0].level, "info");
    assert.equal(lines[0].msg, "hello");
    assert.equal(lines[0].answer, 42);
    assert.ok(!Number.isNaN(Date.parse(String(lines[0].time))));
    assert.equal(lines[0].correlationId, undefined);
  });

  it("adds the correlation id, method, user and trace ids of the current call", () => {
    const { logger, lines } = capture();
    const span = tracer.startSpan("op");
    runWithCallContext({ correlationId: "corr-log", method: "ect.v1.CaseService/GetCase", user: "bob" }, () =>
      context.with(trace.setSpan(context.active(), span), () => logger.warn("inside")),
    );
    span.end();
    assert.equal(lines[0].level, "warn");
    assert.equal(lines[0].correlationId, "corr-log");
    assert.equal(lines[0].method, "ect.v1.CaseService/GetCase");
    assert.equal(lines[0].user, "bob");
    assert.equal(lines[0].traceId, span.spanContext().traceId);
    assert.equal(lines[0].spanId, span.spanContext().spanId);
  });

  it("lets fields given on the line win over the context", () => {
    const { logger, lines } = capture();
    runWithCallContext({ correlationId: "from-context" }, () =>
      logger.info({ correlationId: "explicit" }, "x"),
    );
    assert.equal(lines[0].correlationId, "explicit");
  });

  it("honours the level", () => {
    const { logger, lines } = capture("warn");
    logger.info("dropped");
    logger.error("kept");
    assert.deepEqual(
      lines.map((line) => line.msg),
      ["kept"],
    );
  });
});
