import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import type { FieldDeclaration } from "./field-declarations.js";
import { fieldValue, MAX_WITNESSES } from "./field-values.js";

const today = "2026-05-01";
const field = (overrides: Partial<FieldDeclaration>): FieldDeclaration => ({
  name: "x",
  type: "text",
  writers: [],
  ...overrides,
});

function invalid(declaration: FieldDeclaration, raw: unknown, pattern: RegExp): void {
  assert.throws(
    () => fieldValue(declaration, raw, "medical.x", today),
    (error: unknown) => {
      assert.ok(error instanceof ConnectError);
      assert.equal(error.code, Code.InvalidArgument);
      assert.match(error.rawMessage, pattern);
      return true;
    },
  );
}

describe("form field values", () => {
  it("trim text, clear it when empty or absent, and bound its length naming the field", () => {
    const text = field({ maxLength: 5 });
    assert.equal(fieldValue(text, "  abc ", "p", today), "abc");
    assert.equal(fieldValue(text, "   ", "p", today), null);
    assert.equal(fieldValue(text, undefined, "p", today), null);
    invalid(text, "abcdef", /^medical\.x: at most 5 characters/);
    invalid(text, 5, /^medical\.x: must be text/);
  });

  it("accept only the declared values of an enum", () => {
    const nature = field({ type: "enum", values: ["injury", "illness"] });
    assert.equal(fieldValue(nature, "injury", "p", today), "injury");
    invalid(nature, "broken", /^medical\.x: must be one of injury, illness/);
  });

  it("take real calendar dates, and none in the future where the field says so", () => {
    const date = field({ type: "date", notFuture: true });
    assert.equal(fieldValue(date, "2026-04-30", "p", today), "2026-04-30");
    assert.equal(fieldValue(date, "2026-05-01", "p", today), "2026-05-01");
    invalid(date, "2026-05-02", /future/);
    invalid(date, "2026-02-30", /YYYY-MM-DD/);
    invalid(date, "30/04/2026", /YYYY-MM-DD/);
    assert.equal(fieldValue(field({ type: "date" }), "2027-01-01", "p", today), "2027-01-01");
  });

  it("store ICD-10-CM codes upper case with the dot, and refuse other shapes", () => {
    const code = field({ type: "icd10Code" });
    assert.equal(fieldValue(code, "s93401", "p", today), "S93.401");
    assert.equal(fieldValue(code, "S93.401A", "p", today), "S93.401A");
    assert.equal(fieldValue(code, "J06", "p", today), "J06");
    assert.equal(fieldValue(code, "U07.1", "p", today), "U07.1");
    invalid(code, "123.4", /not an ICD-10-CM code/);
    invalid(code, "S93.40123", /not an ICD-10-CM code/);
    const seventh = field({ type: "seventhCharacter" });
    assert.equal(fieldValue(seventh, "a", "p", today), "A");
    invalid(seventh, "-", /one letter or digit/);
  });

  it("take booleans and list ids as they are, 0 clearing an id", () => {
    assert.equal(fieldValue(field({ type: "boolean" }), false, "p", today), false);
    invalid(field({ type: "boolean" }), "yes", /true or false/);
    assert.equal(fieldValue(field({ type: "reference" }), 13, "p", today), 13);
    assert.equal(fieldValue(field({ type: "reference" }), 0, "p", today), null);
    invalid(field({ type: "reference" }), -1, /an id from its list/);
  });

  it("check each witness, naming the entry, and bound the list", () => {
    const witnesses = field({ type: "witnesses", maxLength: 10 });
    assert.deepEqual(fieldValue(witnesses, [{ name: " Sgt Ray ", contact: "DSN 555" }], "p", today), [
      { name: "Sgt Ray", contact: "DSN 555", statement: "" },
    ]);
    assert.deepEqual(fieldValue(witnesses, undefined, "p", today), []);
    invalid(witnesses, [{ name: "" }], /^medical\.x\[0\]\.name: required/);
    invalid(
      witnesses,
      [{ name: "A" }, { name: "B", statement: "far too long" }],
      /^medical\.x\[1\]\.statement: at most 10/,
    );
    invalid(
      witnesses,
      Array.from({ length: MAX_WITNESSES + 1 }, () => ({ name: "A" })),
      /at most 20 witnesses/,
    );
  });
});
