import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  detectCmsFormat,
  type Icd10Entry,
  Icd10FileError,
  parseCmsLine,
  readCmsCodeFile,
  textLines,
} from "./cms-code-file.js";

/** An order-file line in the CMS layout: order (5), code (7), flag, short description (60), long. */
function orderLine(order: number, code: string, flag: 0 | 1, short: string, long: string): string {
  return `${String(order).padStart(5, "0")} ${code.padEnd(7)} ${flag} ${short.padEnd(60)} ${long}`;
}

const HEADER = orderLine(
  1,
  "S835",
  0,
  "Sprain of cruciate ligament of knee",
  "Sprain of cruciate ligament of knee",
);
const LEAF = orderLine(
  2,
  "S83511A",
  1,
  "Sprain of anterior cruciate ligament of right knee, init",
  "Sprain of anterior cruciate ligament of right knee, initial encounter",
);

async function* from<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

async function readAll(lines: readonly string[], batchSize = 100) {
  const batches: { format: string; entries: Icd10Entry[] }[] = [];
  for await (const batch of readCmsCodeFile(from(lines), batchSize)) batches.push(batch);
  return batches;
}

async function failure(lines: readonly string[]): Promise<Icd10FileError> {
  try {
    await readAll(lines);
  } catch (error) {
    assert.ok(error instanceof Icd10FileError, String(error));
    return error;
  }
  assert.fail("the file was accepted");
}

describe("the CMS ICD-10-CM file formats", () => {
  it("tells the order file from the code file by a line's layout", () => {
    assert.equal(detectCmsFormat(LEAF), "order");
    assert.equal(
      detectCmsFormat("S83511A Sprain of anterior cruciate ligament of right knee, initial encounter"),
      "codes",
    );
    assert.equal(detectCmsFormat("A09     Infectious gastroenteritis and colitis, unspecified"), "codes");
    assert.equal(detectCmsFormat("code,description"), undefined);
  });

  it("reads an order-file line: the code, the header flag and the long description", () => {
    assert.deepEqual(parseCmsLine("order", LEAF, 2), {
      code: "S83511A",
      description: "Sprain of anterior cruciate ligament of right knee, initial encounter",
      billable: true,
    });
    assert.deepEqual(parseCmsLine("order", HEADER, 1), {
      code: "S835",
      description: "Sprain of cruciate ligament of knee",
      billable: false,
    });
  });

  it("reads a code-file line as a billable code, whatever the spaces after the code", () => {
    assert.deepEqual(
      parseCmsLine("codes", "A09     Infectious gastroenteritis and colitis, unspecified  ", 7),
      {
        code: "A09",
        description: "Infectious gastroenteritis and colitis, unspecified",
        billable: true,
      },
    );
  });

  it("names the line of a code that is no ICD-10-CM code, or of a line out of the layout", () => {
    assert.throws(
      () => parseCmsLine("codes", "9XY     Not a code", 12),
      /^Icd10FileError: line 12: "9XY" is not/,
    );
    assert.throws(() => parseCmsLine("order", "00003 S83512A 2 short", 3), /line 3: not an order-file line/);
    assert.throws(() => parseCmsLine("codes", "S83511A", 4), /line 4: not a code-file line/);
  });
});

describe("readCmsCodeFile", () => {
  it("batches the entries and keeps the format of the first non-blank line", async () => {
    const batches = await readAll(["", HEADER, LEAF, "", orderLine(3, "S83512A", 1, "x", "Sprain, left")], 2);
    assert.deepEqual(
      batches.map((batch) => [batch.format, batch.entries.map((entry) => entry.code)]),
      [
        ["order", ["S835", "S83511A"]],
        ["order", ["S83512A"]],
      ],
    );
  });

  it("refuses a line of the other format, naming its line number (blank lines counted)", async () => {
    const error = await failure([HEADER, "", "S83512A Sprain of anterior cruciate ligament of left knee"]);
    assert.equal(error.lineNumber, 3);
    assert.match(error.message, /^line 3: not an order-file line/);
  });

  it("refuses a file in neither format, and a file with no codes", async () => {
    assert.match((await failure(["code\tdescription", LEAF])).message, /^line 1: neither a CMS code file/);
    assert.equal((await failure(["", "  "])).message, "the file holds no codes");
  });
});

describe("textLines", () => {
  it("splits chunks into lines wherever the chunks break, without LF or CRLF ends", async () => {
    const lines: string[] = [];
    for await (const line of textLines(from(["A09 one\r", "\nA0", "84 two\n", "\nA419 three"])))
      lines.push(line);
    assert.deepEqual(lines, ["A09 one", "A084 two", "", "A419 three"]);
  });
});
