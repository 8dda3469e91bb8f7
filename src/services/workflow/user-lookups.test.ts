import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Code, type ConnectError } from "@connectrpc/connect";
import type { Caller } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
import { callerFor, clientAs, collect, openSeededDb } from "./test-harness.js";

let db: Db;
let medtech445: Caller;
let ids: Record<"medtech" | "unitcc445" | "medtech445", number>;

before(async () => {
  db = await openSeededDb();
  medtech445 = await callerFor(db, "medtech445");
  const { rows } = await db.query<{ username: "medtech" | "unitcc445" | "medtech445"; id: number }>(
    "SELECT username, id FROM users WHERE username IN ('medtech', 'unitcc445', 'medtech445')",
  );
  ids = Object.fromEntries(rows.map((row) => [row.username, row.id])) as typeof ids;
  // A session each for a user of the 452nd (unit 10) and two of the 445th (unit 11).
  await db.query(
    `INSERT INTO sessions (id, user_id, role_id, remote_address)
     SELECT 'scope-' || u.username, u.id, u.current_role_id, '198.51.100.' || u.id FROM users u
     WHERE u.username IN ('medtech', 'unitcc445', 'medtech445')`,
  );
});
after(() => db.close());

const notFound = (error: ConnectError) => {
  assert.equal(error.code, Code.NotFound, error.message);
  return true;
};

/** The units at or below `unitId`. */
async function unitsUnder(unitId: number): Promise<Set<number>> {
  const { rows } = await db.query<{ id: number }>(
    "SELECT descendant_id AS id FROM unit_tree WHERE ancestor_id = $1",
    [unitId],
  );
  return new Set(rows.map((row) => row.id));
}

describe("who is online, and from where, is visible within the caller's units only", () => {
  test("GetWhois answers for a user of the caller's units, with the session's address", async () => {
    const client = clientAs(db, medtech445);
    const whois = await client.getWhois({ userId: ids.unitcc445 });
    assert.deepEqual(
      whois.items.map((item) => [item.userName, item.ipAddress]),
      [["unitcc445", `198.51.100.${ids.unitcc445}`]],
    );
    assert.equal((await collect(client.getWhoisStream({ userId: ids.unitcc445 }))).length, 1);
  });

  test("GetWhois of a user in another wing is NOT_FOUND, exactly like a user that does not exist", async () => {
    const client = clientAs(db, medtech445);
    await assert.rejects(client.getWhois({ userId: ids.medtech }), notFound);
    await assert.rejects(collect(client.getWhoisStream({ userId: ids.medtech })), notFound);
    await assert.rejects(client.getWhois({ userId: 9_999_999 }), notFound);
    // The same user seen from their own wing, and from HQ above every wing.
    const fromOwnWing = clientAs(db, await callerFor(db, "medofficer"));
    assert.equal((await fromOwnWing.getWhois({ userId: ids.medtech })).items.length, 1);
    const fromHq = clientAs(db, await callerFor(db, "admin"));
    assert.equal((await fromHq.getWhois({ userId: ids.medtech })).items.length, 1);
  });

  test("GetUsersOnline lists only the sessions of users in the caller's units", async () => {
    const everyone = await clientAs(db, await callerFor(db, "admin")).getUsersOnline({});
    const online = await clientAs(db, medtech445).getUsersOnline({});
    const seen = new Set(online.items.map((item) => item.userId));
    assert.ok(seen.has(ids.medtech445) && seen.has(ids.unitcc445));
    assert.ok(!seen.has(ids.medtech), "a user of another wing is listed");
    assert.ok(everyone.items.some((item) => item.userId === ids.medtech));
    const wing = await unitsUnder(11);
    const { rows } = await db.query<{ unit_id: number }>(
      "SELECT unit_id FROM users WHERE id = ANY($1::int[])",
      [[...seen]],
    );
    for (const row of rows) assert.ok(wing.has(row.unit_id), `unit ${row.unit_id} is outside the 445th`);
    const streamed = await collect(clientAs(db, medtech445).getUsersOnlineStream({}));
    assert.deepEqual(
      streamed.map((item) => item.userId),
      online.items.map((item) => item.userId),
    );
  });
});
