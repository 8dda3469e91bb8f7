/**
 * "The database refuses updates and deletes of the audit trail" (README, migration 004's trigger
 * audit_events_no_update): on each database, through the same Db the server uses, an UPDATE or DELETE of
 * an audit row fails with SQLSTATE 42501 and leaves the row as it was, while appending still works.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { recordAudit } from "../src/services/audit.js";
import { openTestDatabase, type TestDatabase, testDatabases } from "./support/test-server.js";

/** Runs `sql` and returns the SQLSTATE and message it failed with, or "succeeded". */
async function refusal(database: TestDatabase, sql: string): Promise<string> {
  try {
    await database.db.query(sql);
    return "succeeded";
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return `${code}: ${message}`;
  }
}

for (const database of testDatabases()) {
  describe(`the audit trail on ${database.name}`, { timeout: 120_000 }, () => {
    let test: TestDatabase;
    const rows = async () =>
      (
        await test.db.query<{ id: number; action: string; after: unknown }>(
          "SELECT id, action, after FROM audit_events ORDER BY id",
        )
      ).rows;

    before(async () => {
      test = await openTestDatabase(database.url);
      for (const action of ["create", "take_action"]) {
        await recordAudit(test.db, {
          entityType: "case",
          entityId: 7,
          action,
          actor: "medtech",
          before: { status: 111 },
          after: { status: 112 },
        });
      }
    });
    after(async () => test?.close());

    it("refuses to update an audit row, one or all, and keeps it as written", async () => {
      const written = await rows();
      assert.equal(written.length, 2);
      const appendOnly = /^42501: audit_events is append-only/;
      assert.match(
        await refusal(test, `UPDATE audit_events SET action = 'tampered' WHERE id = ${written[0].id}`),
        appendOnly,
      );
      assert.match(await refusal(test, `UPDATE audit_events SET after = NULL`), appendOnly);
      assert.deepEqual(await rows(), written);
    });

    it("refuses to delete an audit row, one or all, and still appends new ones", async () => {
      const written = await rows();
      const appendOnly = /^42501: audit_events is append-only/;
      assert.match(await refusal(test, `DELETE FROM audit_events WHERE id = ${written[1].id}`), appendOnly);
      assert.match(await refusal(test, "DELETE FROM audit_events"), appendOnly);
      assert.deepEqual(await rows(), written);
      await recordAudit(test.db, { entityType: "case", entityId: 7, action: "cancel", actor: "medofficer" });
      assert.deepEqual(
        (await rows()).map((row) => row.action),
        ["create", "take_action", "cancel"],
      );
    });

    // The row trigger does not fire on TRUNCATE: migration 014's statement trigger refuses it.
    it("refuses to truncate the audit trail", async () => {
      const written = await rows();
      assert.match(await refusal(test, "TRUNCATE audit_events"), /^42501: audit_events is append-only/);
      assert.deepEqual(await rows(), written);
    });
  });
}
