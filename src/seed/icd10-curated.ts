import { readFile } from "node:fs/promises";
import type { Queryable } from "../db/db.js";
import type { Icd10Entry } from "../services/icd10/cms-code-file.js";
import { upsertIcd10Codes } from "../services/icd10/upsert-icd10-codes.js";

const curatedFile = new URL("./icd10-curated.tsv", import.meta.url);

/**
 * The curated ICD-10-CM codes of icd10-curated.tsv (code TAB description; # comments and blank lines
 * skipped): codes valid for submission, so each is billable.
 */
export async function readCuratedIcd10Codes(): Promise<Icd10Entry[]> {
  const text = await readFile(curatedFile, "utf8");
  return text
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [code, description] = line.split("\t");
      return { code, description, billable: true };
    });
}

/** Seeds the curated ICD-10-CM codes, with the reference data of a new database. */
export async function seedCuratedIcd10Codes(tx: Queryable): Promise<void> {
  await upsertIcd10Codes(tx, await readCuratedIcd10Codes());
}
