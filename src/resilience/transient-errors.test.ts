import assert from "node:assert/strict";
import { test } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { isTransientError } from "./transient-errors.js";

const pg = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

test("connection loss, restarts, serialization failures and deadlocks are transient", () => {
  for (const code of ["08006", "08001", "40001", "40P01", "57P01", "57P02", "57P03", "53300"]) {
    assert.ok(isTransientError(pg(code)), code);
  }
  for (const code of ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT"])
    assert.ok(isTransientError(pg(code)), code);
  assert.ok(isTransientError(new Error("Connection terminated unexpectedly")));
  assert.ok(isTransientError(new Error("timeout exceeded when trying to connect")), "pool connect timeout");
  assert.ok(isTransientError(new ConnectError("down", Code.Unavailable)));
});

test("bad input and unknown failures are not transient", () => {
  for (const code of ["22P02", "23505", "42P01", "57014"])
    assert.equal(isTransientError(pg(code)), false, code);
  assert.equal(isTransientError(new ConnectError("bad", Code.InvalidArgument)), false);
  assert.equal(isTransientError(new Error("boom")), false);
  assert.equal(isTransientError(undefined), false);
});

test("a transient failure wrapped as a cause or inside an AggregateError is still transient", () => {
  assert.ok(isTransientError(new Error("query failed", { cause: pg("ECONNRESET") })));
  assert.ok(isTransientError(new AggregateError([pg("ECONNREFUSED"), pg("ECONNREFUSED")], "connect failed")));
});
