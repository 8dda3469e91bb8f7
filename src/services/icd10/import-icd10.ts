import { createReadStream } from "node:fs";
import type { Db } from "../../db/db.js";
import { type CmsFileFormat, readCmsCodeFile, textLines } from "./cms-code-file.js";
import { upsertIcd10Codes } from "./upsert-icd10-codes.js";

/** Codes written per statement: large enough that the full code set (~95,000 rows) is ~20 statements. */
const BATCH_SIZE = 5000;

/** What an import loaded. */
export interface Icd10ImportResult {
  format: CmsFileFormat;
  codes: number;
}

/**
 * Loads a CMS ICD-10-CM file (the code file or the order file, told apart by its content) into
 * icd10_codes: read line by line, written a batch at a time, all in one transaction, so a line that
 * is not in the format (Icd10FileError naming it) leaves the table as it was. Existing codes take the
 * file's description and flag; codes the file lacks are kept.
 */
export async function importIcd10File(
  db: Db,
  path: string,
  options: { batchSize?: number } = {},
): Promise<Icd10ImportResult> {
  return db.transaction(async (tx) => {
    const file = createReadStream(path, { encoding: "utf8" });
    try {
      let format: CmsFileFormat = "codes";
      let codes = 0;
      for await (const batch of readCmsCodeFile(textLines(file), options.batchSize ?? BATCH_SIZE)) {
        await upsertIcd10Codes(tx, batch.entries);
        format = batch.format;
        codes += batch.entries.length;
      }
      return { format, codes };
    } finally {
      file.destroy();
    }
  });
}
