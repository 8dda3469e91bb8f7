import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { SearchBooksRequestSchema } from "../gen/ecttest/v1/transcoding_pb.js";
import { GetWhoisRequestSchema } from "../gen/workflow/workflow_pb.js";
import { assertDecimalIntegers } from "./decimal-integers.js";

function refusal(field: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ConnectError);
    assert.equal(error.code, Code.InvalidArgument);
    assert.ok(error.rawMessage.startsWith(`${field}: must be a decimal integer`), error.rawMessage);
    return true;
  };
}

describe("integer fields in JSON are decimal integers", () => {
  it("protobuf-es alone reads a hexadecimal string as a number (why the check exists)", () => {
    assert.equal(fromJson(GetWhoisRequestSchema, { userId: "0x10" }).userId, 16);
  });

  it('refuses "0x10", "1e1", "0b10", " 7" and a fraction, naming the field', () => {
    for (const value of ["0x10", "1e1", "0b10", "0o20", " 7", "7 ", "+7", "", "Infinity"]) {
      assert.throws(
        () => assertDecimalIntegers(GetWhoisRequestSchema, { userId: value }),
        refusal("user_id"),
      );
    }
    assert.throws(() => assertDecimalIntegers(GetWhoisRequestSchema, { user_id: 1.5 }), refusal("user_id"));
  });

  it("accepts decimal numbers and decimal strings, negative ones too", () => {
    for (const value of [16, "16", "-3", "0", "0016", 1e3] as JsonValue[]) {
      assertDecimalIntegers(GetWhoisRequestSchema, { userId: value });
    }
    assertDecimalIntegers(SearchBooksRequestSchema, { minId: "9007199254740993", ids: ["1", 2] });
  });

  it("checks 64-bit, nested, repeated and wrapper integers, and leaves strings alone", () => {
    const bad: [JsonValue, string][] = [
      [{ minId: "0x10" }, "min_id"],
      [{ filter: { minPages: "0x10" } }, "filter.min_pages"],
      [{ ids: ["1", "0x2"] }, "ids[1]"],
      [{ pageSize: "1e2" }, "page_size"],
    ];
    for (const [json, field] of bad) {
      assert.throws(() => assertDecimalIntegers(SearchBooksRequestSchema, json), refusal(field));
    }
    assertDecimalIntegers(SearchBooksRequestSchema, { query: "0x10", authors: ["1e1"], shelf: "0b1" });
  });
});
