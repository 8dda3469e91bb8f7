import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { DATABASE_ERRORS } from "../errors.js";
import { createLogger } from "../telemetry/logger.js";
import { errorsInterceptor } from "./errors.js";

/** A call to `Svc/Method` whose handler throws `error`, through the interceptor; returns what it raised. */
async function callThrowing(interceptor: ReturnType<typeof errorsInterceptor>, error: unknown) {
  const request = { service: { typeName: "test.Svc" }, method: { name: "Method" } } as never;
  const handler = interceptor(async () => {
    throw error;
  });
  return handler(request).then(
    () => assert.fail("the call should fail"),
    (raised: unknown) => raised as ConnectError,
  );
}

describe("errors interceptor", () => {
  it("answers an unexpected database error with INTERNAL and logs it without its values", async () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => lines.push(line) } });
    // An exclusion violation no rule maps: a server fault whose detail names the failing row.
    const failure = Object.assign(new Error('conflicting key value violates exclusion constraint "x"'), {
      severity: "ERROR",
      code: "23P01",
      detail: "Failing row contains (7, 123-45-6789, Doe, knee surgery).",
      query: "UPDATE members SET ssn = $2 WHERE id = $1",
      params: [7, "123-45-6789"],
    });
    const raised = await callThrowing(errorsInterceptor(logger), failure);
    assert.equal(raised.code, Code.Internal);
    assert.equal(lines.length, 1);
    for (const secret of ["123-45-6789", "knee surgery"]) assert.ok(!lines[0].includes(secret), lines[0]);
    const { err, errorId } = JSON.parse(lines[0]);
    assert.equal(err.code, "23P01");
    assert.equal(err.statement, "UPDATE members SET ssn = $2 WHERE id = $1");
    assert.equal(raised.metadata.get("error-id"), errorId);
  });

  it("passes a refusal through unlogged", async () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => lines.push(line) } });
    const refusal = new ConnectError("no", Code.PermissionDenied);
    assert.equal(await callThrowing(errorsInterceptor(logger), refusal), refusal);
    assert.deepEqual(lines, []);
  });

  it("answers a database error the SQLSTATE table knows with its code and the table's words, unlogged", async () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => lines.push(line) } });
    const duplicate = Object.assign(
      new Error('duplicate key value violates unique constraint "cases_pkey"'),
      {
        code: "23505",
        detail: "Key (id)=(7) already exists.",
      },
    );
    const raised = await callThrowing(errorsInterceptor(logger), duplicate);
    assert.equal(raised.code, Code.AlreadyExists);
    assert.equal(raised.rawMessage, DATABASE_ERRORS["23505"].message);
    const badValue = Object.assign(new Error('invalid input syntax for type integer: "x"'), {
      code: "22P02",
    });
    assert.equal((await callThrowing(errorsInterceptor(logger), badValue)).code, Code.InvalidArgument);
    assert.deepEqual(lines, []);
  });
});
