import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DatabasePolicies, UnaryOptions } from "../resilience/policies.js";
import type { Db, QueryOptions } from "./db.js";
import { GuardedDb } from "./guarded-db.js";

/** A database that records which of its methods ran each statement, and policies that record their options. */
function guarded() {
  const ran: string[] = [];
  const policyOptions: UnaryOptions[] = [];
  const answer =
    (method: string) => async (sql: string, _params: readonly unknown[], options?: QueryOptions) => {
      ran.push(`${method} ${sql} signal:${options?.signal instanceof AbortSignal}`);
      return { rows: [{ sql }], rowCount: 1 };
    };
  const inner = { kind: "pglite", query: answer("query"), page: answer("page") } as unknown as Db;
  const policies = {
    unary<T>(fn: (signal: AbortSignal) => Promise<T>, options: UnaryOptions): Promise<T> {
      policyOptions.push(options);
      return fn(new AbortController().signal);
    },
  } as unknown as DatabasePolicies;
  const traced: string[] = [];
  const db = new GuardedDb(inner, policies, (sql, operation, run) => {
    traced.push(`${operation} ${sql}`);
    return run();
  });
  return { db, ran, policyOptions, traced };
}

describe("guarded database", () => {
  it("runs a stream's page as a page under the policies, marked as a stream page and traced", async () => {
    const { db, ran, policyOptions, traced } = guarded();
    const caller = new AbortController();
    await db.page("SELECT 1", [], { signal: caller.signal });
    assert.deepEqual(ran, ["page SELECT 1 signal:true"]);
    assert.deepEqual(traced, ["SELECT SELECT 1"]);
    assert.equal(policyOptions[0].streamPage, true);
    assert.equal(policyOptions[0].idempotent, true, "a read is retried");
    assert.equal(policyOptions[0].signal, caller.signal, "the caller's signal reaches the policies");
  });

  it("runs a plain statement as a query, not a stream page, and retries only reads", async () => {
    const { db, ran, policyOptions } = guarded();
    await db.query("SELECT 2");
    await db.query("UPDATE t SET x = 1");
    assert.deepEqual(ran, ["query SELECT 2 signal:true", "query UPDATE t SET x = 1 signal:true"]);
    assert.deepEqual(
      policyOptions.map((options) => [options.streamPage, options.idempotent, options.method]),
      [
        [false, true, "SELECT"],
        [false, false, "UPDATE"],
      ],
    );
  });
});
