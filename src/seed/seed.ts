import type { Db } from "../db/db.js";
import { seedCuratedIcd10Codes } from "./icd10-curated.js";
import { type DemoSize, demoSize, seedDemoData } from "./seed-demo.js";
import { seedReferenceData } from "./seed-reference.js";

/** Seeds an empty database with the reference data and a demo data set; returns false if it had data. */
export async function seedIfEmpty(db: Db, size: Partial<DemoSize> = {}): Promise<boolean> {
  if (!(await isEmpty(db))) return false;
  await db.transaction(async (tx) => {
    await seedReferenceData(tx);
    await seedDemoData(tx, { ...demoSize, ...size });
  });
  return true;
}

/**
 * Seeds an empty database with the reference data alone (roles, permissions, units, workflows, document
 * categories, templates): what a production database without demo data (ECT_SEED_DEMO=false) starts from.
 * Returns false if it had data.
 */
export async function seedReferenceIfEmpty(db: Db): Promise<boolean> {
  if (!(await isEmpty(db))) return false;
  await db.transaction((tx) => seedReferenceData(tx));
  return true;
}

async function isEmpty(db: Db): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM roles");
  return rows[0].n === 0;
}

/**
 * Loads the curated ICD-10-CM codes into a database that has none (one seeded before migration 011 added the
 * table): the diagnosis picker needs them. Returns whether it loaded them; an import (`ect admin import-icd10`)
 * is never overwritten.
 */
export async function seedIcd10IfEmpty(db: Db): Promise<boolean> {
  const { rows } = await db.query<{ any: boolean }>("SELECT EXISTS (SELECT 1 FROM icd10_codes) AS any");
  if (rows[0].any) return false;
  await db.transaction((tx) => seedCuratedIcd10Codes(tx));
  return true;
}
