import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  cancelled,
  DATABASE_ERRORS,
  databaseErrorMeaning,
  knownError,
  resourceExhausted,
  retryAfterSeconds,
  sqlStateOf,
  unavailable,
} from "./errors.js";

const databaseError = (code: string) =>
  Object.assign(new Error(`the driver's own words for ${code}`), { severity: "ERROR", code });

describe("knownError", () => {
  it("gives each SQLSTATE of the table its code and a message without the driver's words", () => {
    const expected: [string, Code][] = [
      ["57014", Code.DeadlineExceeded],
      ["23505", Code.AlreadyExists],
      ["23503", Code.FailedPrecondition],
      ["40001", Code.Aborted],
      ["40P01", Code.Aborted],
      ["23502", Code.InvalidArgument],
      ["23514", Code.InvalidArgument],
    ];
    for (const [sqlState, code] of expected) {
      const known = knownError(databaseError(sqlState));
      assert.equal(known?.code, code, sqlState);
      assert.equal(known?.rawMessage, DATABASE_ERRORS[sqlState].message, sqlState);
      assert.doesNotMatch(known?.rawMessage ?? "", /driver/);
    }
  });

  it("maps a whole SQLSTATE class when only the class is listed: every data exception (class 22) is bad input", () => {
    for (const sqlState of ["22P02", "22003", "22007", "22001"]) {
      assert.equal(knownError(databaseError(sqlState))?.code, Code.InvalidArgument, sqlState);
    }
    assert.equal(databaseErrorMeaning("22"), DATABASE_ERRORS["22"]);
    assert.equal(databaseErrorMeaning("2"), undefined, "a class alone needs a five-character SQLSTATE");
  });

  it("leaves unlisted SQLSTATEs (an exclusion violation, an undefined table) to the caller as server faults", () => {
    for (const sqlState of ["23P01", "42P01", "XX000"]) {
      assert.equal(knownError(databaseError(sqlState)), undefined, sqlState);
    }
  });

  it("never reads the table's prototype: a code named like an Object member is unknown", () => {
    for (const code of ["constructor", "toString", "__proto__", "hasOw"]) {
      assert.equal(databaseErrorMeaning(code), undefined, code);
      assert.equal(knownError(databaseError(code)), undefined, code);
    }
  });

  it("reports a lost connection as UNAVAILABLE, a cancelled call as CANCELED, and passes ConnectErrors through", () => {
    assert.equal(knownError(databaseError("57P01"))?.code, Code.Unavailable);
    assert.equal(knownError(databaseError("08006"))?.code, Code.Unavailable);
    const abort = Object.assign(new Error("aborted"), { name: "AbortError" });
    assert.equal(knownError(abort)?.code, Code.Canceled);
    const refusal = new ConnectError("no", Code.PermissionDenied);
    assert.equal(knownError(refusal), refusal);
    assert.equal(
      knownError(new ConnectError("parse binary: premature EOF", Code.Internal))?.code,
      Code.InvalidArgument,
    );
    assert.equal(knownError(new Error("a bug")), undefined);
    assert.equal(knownError(null), undefined);
  });
});

describe("sqlStateOf", () => {
  it("reads a string code and nothing else", () => {
    assert.equal(sqlStateOf(databaseError("23505")), "23505");
    assert.equal(sqlStateOf({ code: 5 }), undefined);
    assert.equal(sqlStateOf(null), undefined);
    assert.equal(sqlStateOf(undefined), undefined);
  });
});

describe("retry-after on refusals", () => {
  it("is whole seconds rounded up, at least one", () => {
    assert.equal(retryAfterSeconds(0), 1);
    assert.equal(retryAfterSeconds(1_001), 2);
    assert.equal(resourceExhausted("busy", 2_500).metadata.get("retry-after"), "3");
    assert.equal(unavailable("down", undefined, 30_000).metadata.get("retry-after"), "30");
    assert.equal(unavailable("down").metadata.get("retry-after"), null);
  });

  it("a cancel keeps a CANCELED cause as it is", () => {
    const original = new ConnectError("client went away", Code.Canceled);
    assert.equal(cancelled(original), original);
    assert.equal(cancelled(new Error("x")).code, Code.Canceled);
  });
});
