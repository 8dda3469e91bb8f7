import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
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

  describe("errors keep no personal data a database error carries", () => {
    const SSN = "123-45-6789";
    const DIGITS = "123456789";

    /** A database error as node-postgres raises it, with the statement and parameters PGlite adds. */
    function duplicateSsn(): Error {
      return Object.assign(new Error('duplicate key value violates unique constraint "members_ssn_key"'), {
        severity: "ERROR",
        code: "23505",
        detail: `Key (ssn)=(${DIGITS}) already exists.`,
        where: `unnamed portal parameter $1 = '${SSN}'`,
        table: "members",
        constraint: "members_ssn_key",
        query: "INSERT INTO members (ssn, last_name) VALUES ($1, $2)",
        params: [SSN, "Doe"],
        queryOptions: { rowMode: "object" },
      });
    }

    /** The one line logged, as its JSON text and parsed. */
    function logged(log: (logger: ReturnType<typeof createLogger>) => void) {
      const text: string[] = [];
      log(createLogger({ destination: { write: (line: string) => text.push(line) } }));
      assert.equal(text.length, 1);
      return { text: text[0], line: JSON.parse(text[0]) as Record<string, Record<string, unknown>> };
    }

    it("keeps the SQLSTATE, the message and the statement, never the parameters, detail or where", () => {
      const { text, line } = logged((logger) => logger.error({ err: duplicateSsn() }, "internal error"));
      assert.ok(!text.includes(SSN), text);
      assert.ok(!text.includes(DIGITS), text);
      assert.equal(line.err.code, "23505");
      assert.equal(line.err.message, 'duplicate key value violates unique constraint "members_ssn_key"');
      assert.equal(line.err.statement, "INSERT INTO members (ssn, last_name) VALUES ($1, $2)");
      for (const field of ["params", "detail", "where"]) assert.equal(line.err[field], undefined, field);
    });

    it("cleans the cause of an INTERNAL error and an error logged on its own", () => {
      const internal = new ConnectError(
        "internal error",
        Code.Internal,
        undefined,
        undefined,
        duplicateSsn(),
      );
      const wrapped = logged((logger) => logger.error({ err: internal, errorId: "e1" }, "internal error"));
      assert.ok(!wrapped.text.includes(SSN) && !wrapped.text.includes(DIGITS), wrapped.text);
      assert.equal((wrapped.line.err.cause as Record<string, unknown>).code, "23505");
      const alone = logged((logger) => logger.error(duplicateSsn()));
      assert.ok(!alone.text.includes(SSN) && !alone.text.includes(DIGITS), alone.text);
      assert.equal(alone.line.err.code, "23505");
    });

    it("masks the input a data exception quotes, in its message and its stack", () => {
      const badInput = Object.assign(new Error(`invalid input syntax for type integer: "${SSN}"`), {
        severity: "ERROR",
        code: "22P02",
        query: "SELECT $1::int",
        params: [SSN],
      });
      const { text, line } = logged((logger) => logger.error({ err: badInput }, "failed"));
      assert.ok(!text.includes(SSN), text);
      assert.equal(line.err.message, 'invalid input syntax for type integer: "…"');
      assert.match(String(line.err.stack), /^Error: invalid input syntax for type integer: "…"\n\s+at /);
    });

    it("keeps the own fields of an error that is not the database's", () => {
      const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
        code: "ECONNREFUSED",
        syscall: "connect",
        port: 5432,
      });
      const { line } = logged((logger) => logger.error({ err: refused }, "failed"));
      assert.deepEqual(
        [line.err.type, line.err.code, line.err.syscall, line.err.port],
        ["Error", "ECONNREFUSED", "connect", 5432],
      );
    });
  });
});
