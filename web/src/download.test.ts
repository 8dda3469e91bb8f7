import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { countCsvRows } from "./download.js";

describe("countCsvRows", () => {
  it("counts data rows after the header, a quoted line break staying inside its row", () => {
    assert.equal(countCsvRows('name,unit\r\n"Ann\nMarie",10\r\n"Quillfeather, ""Q""",11\r\n'), 2);
  });

  it("counts a header alone, or nothing, as no rows", () => {
    assert.equal(countCsvRows("name,unit\r\n"), 0);
    assert.equal(countCsvRows(""), 0);
  });
});
