import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { MAX_QUERY_LENGTH, MAX_QUERY_WORDS, parseIcd10Query, prefixTsquery } from "./icd10-query.js";

function refusal(raw: string): string {
  try {
    parseIcd10Query(raw);
  } catch (error) {
    assert.ok(error instanceof ConnectError);
    assert.equal(error.code, Code.InvalidArgument);
    return error.rawMessage;
  }
  assert.fail(`"${raw}" was accepted`);
}

describe("parseIcd10Query", () => {
  it("reads a code prefix with or without the dot, in any case, as CMS writes codes", () => {
    assert.equal(parseIcd10Query("S62.101A").codePrefix, "S62101A");
    assert.equal(parseIcd10Query("s62101a").codePrefix, "S62101A");
    assert.equal(parseIcd10Query(" s62.1 ").codePrefix, "S621");
    assert.equal(parseIcd10Query("s62.").codePrefix, "S62");
    assert.equal(parseIcd10Query("F43").codePrefix, "F43");
    assert.equal(parseIcd10Query("m5").codePrefix, "M5");
    assert.equal(parseIcd10Query("Z3A").codePrefix, "Z3A");
  });

  it("takes no code prefix from words, a lone letter, or what no code starts with", () => {
    for (const query of ["knee", "s", "sprain knee", "S62 knee", "62S", "S621012A", "S6.2", "S62..1"]) {
      assert.equal(parseIcd10Query(query).codePrefix, undefined, query);
    }
  });

  it("splits the words of a description to lower-case letters and digits", () => {
    assert.deepEqual(parseIcd10Query("Sprain of ACL, right-knee").words, [
      "sprain",
      "of",
      "acl",
      "right",
      "knee",
    ]);
    assert.deepEqual(parseIcd10Query("Colles' fracture").words, ["colles", "fracture"]);
    assert.deepEqual(parseIcd10Query("S62.101A").words, ["s62", "101a"]);
  });

  it("lists everything for an empty query", () => {
    assert.deepEqual(parseIcd10Query(""), { words: [] });
    assert.deepEqual(parseIcd10Query("   "), { words: [] });
  });

  it("refuses a query too long, with too many words, control characters or nothing to search, naming query", () => {
    assert.match(refusal("a".repeat(MAX_QUERY_LENGTH + 1)), /^query: at most 100 characters/);
    assert.doesNotThrow(() => parseIcd10Query("a".repeat(MAX_QUERY_LENGTH)));
    const words = Array.from({ length: MAX_QUERY_WORDS + 1 }, (_, i) => `w${i}`).join(" ");
    assert.match(refusal(words), /^query: at most 8 words/);
    assert.match(refusal("knee\u0000"), /^query: must not hold control characters/);
    assert.match(refusal("--- !!"), /^query: needs a letter or digit/);
  });
});

describe("prefixTsquery", () => {
  it("matches every word as a quoted prefix", () => {
    assert.equal(prefixTsquery(["sprain", "knee"]), "'sprain':* & 'knee':*");
  });
});
