import type { Db } from "../db/db.js";
import { type DemoSize, demoSize, seedDemoData } from "./seed-demo.js";
import { seedReferenceData } from "./seed-reference.js";

/** Seeds an empty database with the reference data and a demo data set; returns false if it had data. */
export async function seedIfEmpty(db: Db, size: Partial<DemoSize> = {}): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM roles");
  if (rows[0].n > 0) return false;
  await db.transaction(async (tx) => {
    await seedReferenceData(tx);
    await seedDemoData(tx, { ...demoSize, ...size });
  });
  return true;
}
