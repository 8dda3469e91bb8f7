import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { errorStatusJson, httpStatusForCode, statusJson } from "./status-mapping.js";

describe("status bodies", () => {
  test("statusJson is the google.rpc.Status body with no details", () => {
    assert.deepEqual(statusJson(Code.NotFound, "no route for GET /x"), {
      code: Code.NotFound,
      message: "no route for GET /x",
      details: [],
    });
  });

  test("a refusal keeps its code and message", () => {
    const body = errorStatusJson(new ConnectError("case_id must be positive", Code.InvalidArgument));
    assert.deepEqual(body, statusJson(Code.InvalidArgument, "case_id must be positive"));
  });

  test("an internal error never shows its own text", () => {
    assert.deepEqual(errorStatusJson(new Error("relation cases does not exist")), {
      code: Code.Unknown,
      message: "internal error",
      details: [],
    });
    assert.deepEqual(
      errorStatusJson(new ConnectError("stack trace here", Code.Internal)),
      statusJson(Code.Internal, "internal error"),
    );
  });

  test("HTTP statuses follow the google.rpc.Code mapping", () => {
    assert.equal(httpStatusForCode(0), 200);
    assert.equal(httpStatusForCode(Code.InvalidArgument), 400);
    assert.equal(httpStatusForCode(Code.Unauthenticated), 401);
    assert.equal(httpStatusForCode(Code.PermissionDenied), 403);
    assert.equal(httpStatusForCode(Code.ResourceExhausted), 429);
  });
});
