import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../config.js";
import type { Db } from "../db/db.js";
import { migrate } from "../db/migrate.js";
import { openDb } from "../db/open-db.js";
import { INVESTIGATION_SECTIONS } from "../domain/investigation/investigation-sections.js";
import { missingInvestigationFields } from "../domain/investigation/plan-investigation-edit.js";
import { suspenseState } from "../domain/investigation/suspense.js";
import { loadInvestigationSignatures } from "../services/investigation/investigation-signatures.js";
import { loadContent } from "../services/investigation/investigation-store.js";
import { seedIfEmpty } from "./seed.js";

/** The seed counts the suspenses from the day it runs. */
const TODAY = new Date().toISOString().slice(0, 10);

describe("the formal demo cases", () => {
  let db: Db;
  before(async () => {
    db = await openDb(loadConfig({ ECT_DATA_DIR: "memory", ECT_LOG_LEVEL: "silent" }));
    await migrate(db);
    await seedIfEmpty(db, { cases: 30, members: 200, users: 20, logs: 5, online: 2 });
  });
  after(async () => db?.close());

  it("stand at every formal status and one is past its suspense at the investigating officer", async () => {
    const { rows } = await db.query<{ status: number; suspense: string; holder: number | null }>(
      `SELECT ws.status_code_id AS status, to_char(i.suspense_date, 'YYYY-MM-DD') AS suspense, sc.role_id AS holder
       FROM investigations i JOIN cases c ON c.id = i.case_id JOIN work_statuses ws ON ws.id = c.work_status_id
       JOIN status_codes sc ON sc.id = ws.status_code_id`,
    );
    const statuses = new Set(rows.map((row) => row.status));
    for (const status of [21, 22, 23, 24, 25, 26, 27, 19])
      assert.ok(statuses.has(status), `a case at ${status}`);
    assert.ok(
      rows.some((row) => suspenseState(row.suspense, TODAY, row.holder === 13).overdue),
      "one is overdue",
    );
  });

  it("carry a complete report and reviews past the statuses that wrote them, each signature still valid", async () => {
    const { rows } = await db.query<{ id: number; status: number }>(
      `SELECT c.id, ws.status_code_id AS status FROM investigations i JOIN cases c ON c.id = i.case_id
       JOIN work_statuses ws ON ws.id = c.work_status_id`,
    );
    const order = [21, 22, 23, 24, 25, 26, 27, 19];
    for (const row of rows) {
      const { content } = await loadContent(db, row.id);
      for (const section of INVESTIGATION_SECTIONS) {
        if (order.indexOf(row.status) > order.indexOf(section.statusCodeId))
          assert.deepEqual(
            missingInvestigationFields(content, section),
            [],
            `case ${row.id} ${section.name}`,
          );
      }
      const signatures = await loadInvestigationSignatures(db, row.id, content);
      assert.ok(
        signatures.every((signature) => signature.valid),
        `case ${row.id}'s signatures sign its content`,
      );
    }
  });
});
