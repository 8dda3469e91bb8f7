import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Db } from "../db/db.js";
import { CallerDirectory } from "./caller-directory.js";

/** A database answering the caller query with one active user, each answer released by the test. */
function fakeDb() {
  const pending: (() => void)[] = [];
  let roleId = 2;
  const db = {
    queries: 0,
    setRole(id: number) {
      roleId = id;
    },
    release() {
      for (const answer of pending.splice(0)) answer();
    },
    async query(_sql: string, params: unknown[]) {
      db.queries++;
      const role = roleId;
      await new Promise<void>((resolve) => pending.push(resolve));
      return {
        rows: [
          {
            id: 7,
            username: params[0],
            role_id: role,
            role_name: "r",
            unit_id: 10,
            permissions: ["lodView"],
          },
        ],
      };
    },
  };
  return db;
}

describe("CallerDirectory", () => {
  it("answers callers arriving together with one query, then from its cache", async () => {
    const db = fakeDb();
    const directory = new CallerDirectory(db as unknown as Db);
    const together = Array.from({ length: 50 }, () => directory.resolve({ username: "medtech" }));
    db.release();
    const callers = await Promise.all(together);
    assert.equal(db.queries, 1);
    assert.ok(callers.every((caller) => caller?.username === "medtech" && caller.roleId === 2));
    assert.equal((await directory.resolve({ username: "medtech" }))?.roleId, 2);
    assert.equal(db.queries, 1, "the second call is answered from the cache");
  });

  it("does not cache a load that an invalidate() overtook, so the change is seen at the next call", async () => {
    const db = fakeDb();
    const directory = new CallerDirectory(db as unknown as Db);
    const before = directory.resolve({ username: "medtech" });
    directory.invalidate("medtech");
    db.setRole(3);
    db.release();
    assert.equal((await before)?.roleId, 2, "the call in flight gets what it read");
    const after = directory.resolve({ username: "medtech" });
    db.release();
    assert.equal((await after)?.roleId, 3, "the next call reads again");
    assert.equal(db.queries, 2);
  });
});
