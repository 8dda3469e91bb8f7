import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Code, ConnectError, createContextValues, type HandlerContext } from "@connectrpc/connect";
import { type Caller, callerKey } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
import { FakeClock } from "../../resilience/fake-clock.js";
import { KeyRateLimiter } from "../../resilience/key-rate-limiter.js";
import { callerFor, clientAs, openSeededDb } from "./test-harness.js";
import { MEMBER_LOOKUPS_PER_MINUTE, membersUserIdLookup } from "./user-writes.js";

let db: Db;
let medtech: Caller;
/** A member of the 452nd (unit 10 or below) and one of the 445th (unit 11 or below). */
let ssns: { own: string; other: string };

before(async () => {
  db = await openSeededDb();
  medtech = await callerFor(db, "medtech");
  const { rows } = await db.query<{ own: string; other: string }>(
    `SELECT (SELECT min(ssn) FROM members WHERE unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = 10)) AS own,
            (SELECT min(ssn) FROM members WHERE unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = 11)) AS other`,
  );
  ssns = rows[0];
  assert.ok(ssns.own && ssns.other, "the seed has members in both wings");
});
after(() => db.close());

/** A handler context carrying `caller`, as the auth interceptor leaves it. */
function contextOf(caller: Caller): HandlerContext {
  const values = createContextValues().set(callerKey, caller);
  return { values, signal: new AbortController().signal } as unknown as HandlerContext;
}

const code = (expected: Code) => (error: ConnectError) => {
  assert.equal(error.code, expected, error.message);
  return true;
};

async function lookupAudits(caller: Caller) {
  const { rows } = await db.query<{ after: { memberSsn: string; found: boolean; userId: number | null } }>(
    "SELECT after FROM audit_events WHERE action = 'member_user_lookup' AND actor = $1 ORDER BY id",
    [caller.username],
  );
  return rows.map((row) => row.after);
}

describe("GetMembersUserId is no cross-unit SSN oracle", () => {
  test("a member of the caller's units is found; one of another wing is NOT_FOUND like an unknown SSN", async () => {
    const client = clientAs(db, medtech);
    const found = await client.getMembersUserId({ memberSsn: ssns.own });
    assert.ok(found.userId >= 0);
    await assert.rejects(client.getMembersUserId({ memberSsn: ssns.other }), code(Code.NotFound));
    const hq = clientAs(db, await callerFor(db, "boardtech"));
    await hq.getMembersUserId({ memberSsn: ssns.other });
  });

  test("every lookup is audited with who asked, the masked SSN and whether it was found; never the full SSN", async () => {
    const caller = await callerFor(db, "medofficer");
    const client = clientAs(db, { ...caller, permissions: new Set([...caller.permissions, "memberSearch"]) });
    await client.getMembersUserId({ memberSsn: ssns.own });
    await assert.rejects(client.getMembersUserId({ memberSsn: ssns.other }), (error: ConnectError) => {
      assert.ok(!error.rawMessage.includes(ssns.other), error.rawMessage);
      return true;
    });
    await assert.rejects(client.getMembersUserId({ memberSsn: "000-00-0000" }), code(Code.NotFound));
    assert.deepEqual(
      (await lookupAudits(caller)).map(({ memberSsn, found }) => [memberSsn, found]),
      [
        [`***-**-${ssns.own.slice(-4)}`, true],
        [`***-**-${ssns.other.slice(-4)}`, false],
        ["***-**-0000", false],
      ],
    );
    const leaked = await db.query(
      "SELECT 1 FROM audit_events WHERE after::text LIKE '%' || $1 || '%' OR after::text LIKE '%' || $2 || '%'",
      [ssns.own, ssns.other],
    );
    assert.equal(leaked.rows.length, 0);
  });

  test(`a caller gets ${MEMBER_LOOKUPS_PER_MINUTE} lookups a minute, then RESOURCE_EXHAUSTED with retry-after; others are not held back`, async () => {
    const clock = new FakeClock(0);
    const lookup = membersUserIdLookup(
      new KeyRateLimiter({
        requestsPerSecond: MEMBER_LOOKUPS_PER_MINUTE / 60,
        burst: MEMBER_LOOKUPS_PER_MINUTE,
        maxKeys: 100,
        clock,
      }),
    );
    const caller = await callerFor(db, "mpf");
    const request = { memberSsn: "000-00-0000" } as never;
    for (let i = 0; i < MEMBER_LOOKUPS_PER_MINUTE; i++) {
      await assert.rejects(lookup(db, request, contextOf(caller)), code(Code.NotFound));
    }
    await assert.rejects(lookup(db, request, contextOf(caller)), (error: ConnectError) => {
      assert.equal(error.code, Code.ResourceExhausted);
      assert.match(error.rawMessage, /^member_ssn: at most 10 member lookups by SSN a minute/);
      assert.equal(error.metadata.get("retry-after"), "6");
      return true;
    });
    await assert.rejects(lookup(db, request, contextOf(medtech)), code(Code.NotFound));
    await clock.advance(6_000);
    await assert.rejects(lookup(db, request, contextOf(caller)), code(Code.NotFound));
    await assert.rejects(lookup(db, request, contextOf(caller)), code(Code.ResourceExhausted));
    // Refused lookups never reached the database, so they leave no lookup audit.
    assert.equal((await lookupAudits(caller)).length, MEMBER_LOOKUPS_PER_MINUTE + 1);
  });

  test("the service's own throttle refuses a burst of lookups by one caller", async () => {
    const client = clientAs(db, await callerFor(db, "hqtech"));
    const codes: Code[] = [];
    for (let i = 0; i < MEMBER_LOOKUPS_PER_MINUTE + 5; i++) {
      await client.getMembersUserId({ memberSsn: ssns.own }).then(
        () => codes.push(Code.Unknown),
        (error: ConnectError) => codes.push(ConnectError.from(error).code),
      );
    }
    assert.ok(codes.includes(Code.ResourceExhausted), `no refusal in ${codes.join(", ")}`);
    assert.ok(!codes.slice(0, MEMBER_LOOKUPS_PER_MINUTE - 1).includes(Code.ResourceExhausted));
  });
});
