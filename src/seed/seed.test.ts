import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Db } from "../db/db.js";
import { migrate } from "../db/migrate.js";
import { PgliteDb } from "../db/pglite-db.js";
import { readCuratedIcd10Codes } from "./icd10-curated.js";
import { seedIcd10IfEmpty } from "./seed.js";

describe("seedIcd10IfEmpty", () => {
  let db: Db;
  before(async () => {
    db = await PgliteDb.open("memory");
    await migrate(db);
  });
  after(() => db.close());

  const count = async () =>
    (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM icd10_codes")).rows[0].n;

  it("loads the curated codes into a database that has none, as one seeded before migration 011", async () => {
    assert.equal(await count(), 0);
    assert.equal(await seedIcd10IfEmpty(db), true);
    assert.equal(await count(), (await readCuratedIcd10Codes()).length);
  });

  it("leaves a database that holds codes (an import) as it is", async () => {
    await db.query("DELETE FROM icd10_codes WHERE code <> 'S83511A'");
    assert.equal(await seedIcd10IfEmpty(db), false);
    assert.equal(await count(), 1);
  });
});
