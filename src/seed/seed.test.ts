import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Db } from "../db/db.js";
import { migrate } from "../db/migrate.js";
import { PgliteDb } from "../db/pglite-db.js";
import { readCuratedIcd10Codes } from "./icd10-curated.js";
import { seedIcd10IfEmpty, seedReferenceIfEmpty } from "./seed.js";

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

describe("seedReferenceIfEmpty", () => {
  let db: Db;
  before(async () => {
    db = await PgliteDb.open("memory");
    await migrate(db);
  });
  after(() => db.close());

  const count = async (table: string) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;

  it("gives a database without demo data its roles and workflows, and no unit, member or case", async () => {
    assert.equal(await seedReferenceIfEmpty(db), true);
    assert.ok((await count("roles")) >= 13, "every role, the investigating officer among them");
    assert.equal(await count("units"), 0, "units come from the organisation's own data, as members do");
    assert.ok((await count("workflows")) > 0);
    assert.ok((await count("options")) > 0);
    assert.equal(await count("members"), 0);
    assert.equal(await count("cases"), 0);
    assert.equal(await seedReferenceIfEmpty(db), false, "a second start leaves it as it is");
  });
});
