import assert from "node:assert/strict";
import { createReadStream } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { type Icd10Entry, readCmsCodeFile, textLines } from "../services/icd10/cms-code-file.js";
import { readCuratedIcd10Codes } from "./icd10-curated.js";

/**
 * The CMS FY2022 order file (icd10cm_order_2022.txt, public domain), cut to the curated codes, every
 * category header above them and a few codes outside the list, lines kept in the CMS layout.
 */
const CMS_EXTRACT = fileURLToPath(
  new URL("../../test/fixtures/icd10cm_order_2022_extract.txt", import.meta.url),
);

async function cmsCodes(): Promise<Map<string, Icd10Entry>> {
  const codes = new Map<string, Icd10Entry>();
  const lines = textLines(createReadStream(CMS_EXTRACT, { encoding: "utf8" }));
  for await (const batch of readCmsCodeFile(lines, 1000)) {
    for (const entry of batch.entries) codes.set(entry.code, entry);
  }
  return codes;
}

describe("the curated ICD-10-CM list", () => {
  it("holds only codes of the CMS file, valid for submission, each with the file's exact description", async () => {
    const cms = await cmsCodes();
    const mismatches = (await readCuratedIcd10Codes()).flatMap((entry) => {
      const official = cms.get(entry.code);
      if (!official) return [`${entry.code}: not in the CMS file`];
      if (!official.billable) return [`${entry.code}: a category header, not valid for submission`];
      if (official.description !== entry.description)
        return [`${entry.code}: "${entry.description}" where CMS says "${official.description}"`];
      return [];
    });
    assert.deepEqual(mismatches, []);
  });

  it("lists each code once, a few hundred in all", async () => {
    const codes = (await readCuratedIcd10Codes()).map((entry) => entry.code);
    assert.equal(new Set(codes).size, codes.length, "a code is listed twice");
    assert.ok(codes.length >= 300, `${codes.length} codes`);
  });

  it("covers what LOD cases carry: injuries, musculoskeletal, PTSD, hearing, illnesses, vehicle accidents", async () => {
    const codes = (await readCuratedIcd10Codes()).map((entry) => entry.code);
    const count = (pattern: RegExp) => codes.filter((code) => pattern.test(code)).length;
    assert.ok(count(/^(S|T[0-7]|T8[0-8])/) >= 100, "injuries S00–T88");
    assert.ok(count(/^M/) >= 60, "musculoskeletal M codes");
    assert.ok(count(/^F431/) >= 3, "post-traumatic stress disorder F43.1");
    assert.ok(count(/^H9[0-3]/) >= 10, "hearing loss and tinnitus H90–H93");
    assert.ok(count(/^[JAB]/) >= 30, "common illnesses J, A, B");
    assert.ok(count(/^V/) >= 5, "transport accidents V codes");
  });
});
