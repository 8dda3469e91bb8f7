import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import type { Db } from "./db.js";
import { type DbNotifications, dbNotifications, notify } from "./db-notifications.js";
import { PgDb } from "./pg-db.js";
import { PgliteDb } from "./pglite-db.js";

const url = process.env.ECT_TEST_DATABASE_URL;

/** Polls until check() is true or the time is up. */
async function until(ms: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`not within ${ms} ms`);
}

/** What both adapters must do the same way. */
function behavesAsNotifications(open: () => Promise<Db>) {
  let db: Db;
  let notifications: DbNotifications;

  before(async () => {
    db = await open();
    notifications = dbNotifications(db, `ect_listen_test_${randomBytes(4).toString("hex")}`);
  });
  after(async () => {
    await notifications.close();
    await db.close();
  });

  it("delivers a committed notification's payload to every listener of its channel, and no other", async () => {
    const first: string[] = [];
    const second: string[] = [];
    const other: string[] = [];
    const stopFirst = await notifications.listen("ect_test_a", (payload) => first.push(payload));
    const stopSecond = await notifications.listen("ect_test_a", (payload) => second.push(payload));
    const stopOther = await notifications.listen("ect_test_b", (payload) => other.push(payload));
    await notify(db, "ect_test_a", "12:3");
    await until(5000, () => first.length === 1 && second.length === 1);
    assert.deepEqual(first, ["12:3"]);
    assert.deepEqual(other, []);
    await stopFirst();
    await notify(db, "ect_test_a", "12:4");
    await until(5000, () => second.length === 2);
    assert.deepEqual(first, ["12:3"], "an unsubscribed listener hears nothing more");
    await stopSecond();
    await stopOther();
  });

  it("delivers at commit and never for a rolled-back transaction", async () => {
    const heard: string[] = [];
    const stop = await notifications.listen("ect_test_tx", (payload) => heard.push(payload));
    await db
      .transaction(async (tx) => {
        await notify(tx, "ect_test_tx", "rolled-back");
        throw new Error("roll back");
      })
      .catch(() => {});
    await db.transaction(async (tx) => {
      await notify(tx, "ect_test_tx", "committed");
    });
    await until(5000, () => heard.length >= 1);
    await notify(db, "ect_test_tx", "marker");
    await until(5000, () => heard.includes("marker"));
    assert.deepEqual(heard, ["committed", "marker"]);
    await stop();
  });

  it("refuses a channel name that is not a plain lower-case identifier", async () => {
    await assert.rejects(
      notifications.listen("ect; DROP TABLE cases", () => {}),
      /invalid notification channel/,
    );
  });
}

describe("database notifications on embedded PGlite", () => {
  behavesAsNotifications(() => PgliteDb.open("memory"));
});

describe("database notifications on PostgreSQL", {
  skip: url ? false : "ECT_TEST_DATABASE_URL is not set",
}, () => {
  behavesAsNotifications(
    async () => new PgDb({ connectionString: url!, poolMin: 0, poolMax: 2, statementTimeoutMs: 30_000 }),
  );

  describe("a lost listening connection", () => {
    const app = `ect_listen_test_${randomBytes(4).toString("hex")}`;
    let db: PgDb;
    let notifications: DbNotifications;
    let admin: pg.Client;

    before(async () => {
      db = new PgDb({ connectionString: url!, poolMin: 0, poolMax: 2, statementTimeoutMs: 30_000 });
      notifications = dbNotifications(db, app);
      admin = new pg.Client({ connectionString: url });
      await admin.connect();
    });
    after(async () => {
      await notifications.close();
      await db.close();
      await admin.end();
    });

    it("is re-opened, listens again and tells each subscriber to resync", async () => {
      const heard: string[] = [];
      let resyncs = 0;
      await notifications.listen(
        "ect_test_lost",
        (payload) => heard.push(payload),
        () => resyncs++,
      );
      assert.equal(notifications.connected, true);
      const killed = await admin.query(
        "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = $1",
        [app],
      );
      assert.equal(killed.rowCount, 1, "one dedicated listening connection");
      await until(10_000, () => resyncs === 1 && notifications.connected);
      await notify(db, "ect_test_lost", "after-reconnect");
      await until(5000, () => heard.includes("after-reconnect"));
      assert.equal(resyncs, 1);
    });
  });
});
