import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MAX_FILE_NAME_LENGTH, sanitizeFileName } from "./file-name.js";

describe("sanitizeFileName", () => {
  test("keeps only the last path part, whichever separator the client used", () => {
    assert.equal(sanitizeFileName("C:\\fakepath\\scan.pdf"), "scan.pdf");
    assert.equal(sanitizeFileName("../../etc/passwd"), "passwd");
    assert.equal(sanitizeFileName("/abs/dir/record.pdf"), "record.pdf");
  });

  test("drops control and bidirectional-override characters that disguise a name", () => {
    assert.equal(sanitizeFileName("evil\u202Efdp.exe"), "evilfdp.exe");
    assert.equal(sanitizeFileName("line\r\nbreak\u0000.pdf"), "linebreak.pdf");
    assert.equal(sanitizeFileName("zero\u200Bwidth.pdf"), "zerowidth.pdf");
  });

  test("trims the dots and spaces Windows would drop, and collapses whitespace", () => {
    assert.equal(sanitizeFileName("  er   visit.pdf. "), "er visit.pdf");
    assert.equal(sanitizeFileName("..hidden"), "hidden");
  });

  test("is empty when nothing usable is left, so the caller can refuse the name", () => {
    assert.equal(sanitizeFileName(""), "");
    assert.equal(sanitizeFileName("../.."), "");
    assert.equal(sanitizeFileName("\u202E\u0007"), "");
  });

  test("cuts a long name to the limit and keeps its extension", () => {
    const cut = sanitizeFileName(`${"a".repeat(400)}.pdf`);
    assert.equal([...cut].length, MAX_FILE_NAME_LENGTH);
    assert.ok(cut.endsWith(".pdf"));
    assert.equal(sanitizeFileName("ü".repeat(300)).length, MAX_FILE_NAME_LENGTH);
  });
});
