import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { containsPattern, dateRange, filterDate, parseSearchQuery, prefixPattern } from "./search-query.js";

const invalid = (fn: () => unknown, field: RegExp) =>
  assert.throws(
    fn,
    (e: unknown) => e instanceof ConnectError && e.code === Code.InvalidArgument && field.test(e.rawMessage),
  );

describe("the search box", () => {
  test("tells a full SSN, the last four, a case number and name words apart by their shape", () => {
    assert.deepEqual(parseSearchQuery("  "), { kind: "none" });
    assert.deepEqual(parseSearchQuery("123456789"), { kind: "ssn", ssn: "123456789" });
    assert.deepEqual(parseSearchQuery("123-45-6789"), { kind: "ssn", ssn: "123456789" });
    assert.deepEqual(parseSearchQuery("6789"), { kind: "last4", last4: "6789" });
    assert.deepEqual(parseSearchQuery("20261126-000042"), { kind: "caseNumber", prefix: "20261126-000042" });
    assert.deepEqual(parseSearchQuery("20261126-"), { kind: "caseNumber", prefix: "20261126-" });
    assert.deepEqual(parseSearchQuery("20260903-f000009"), {
      kind: "caseNumber",
      prefix: "20260903-F000009",
    });
    assert.deepEqual(parseSearchQuery("B000016494"), { kind: "caseNumber", prefix: "B000016494" });
    assert.deepEqual(parseSearchQuery("Smith, Ann"), { kind: "name", words: ["smith", "ann"] });
    assert.deepEqual(parseSearchQuery("O'Brien-Núñez"), { kind: "name", words: ["o'brien-núñez"] });
  });

  test("refuses what is none of them, naming query and never echoing it", () => {
    for (const bad of ["12", "ab", "a b", "x%y", "smith; drop", "1 2 3 4 5"]) {
      invalid(() => parseSearchQuery(bad), /^query: /);
      try {
        parseSearchQuery(bad);
      } catch (e) {
        assert.ok(!(e as ConnectError).rawMessage.includes(bad), bad);
      }
    }
    invalid(() => parseSearchQuery("ann bea cat dee eve"), /query: at most 4/);
  });

  test("LIKE patterns escape LIKE's wildcards", () => {
    assert.equal(containsPattern("a_b%c\\"), "%a\\_b\\%c\\\\%");
    assert.equal(prefixPattern("2026_"), "2026\\_%");
  });
});

describe("filter dates", () => {
  test("a real YYYY-MM-DD date or nothing", () => {
    assert.equal(filterDate("filter.created_from", ""), undefined);
    assert.equal(filterDate("filter.created_from", "2026-02-28"), "2026-02-28");
    invalid(() => filterDate("filter.created_from", "2026-02-30"), /^filter\.created_from: /);
    invalid(() => filterDate("filter.created_from", "yesterday"), /^filter\.created_from: /);
  });

  test("a range may not end before it starts", () => {
    assert.deepEqual(dateRange("a", "2026-01-01", "b", "2026-01-01"), {
      from: "2026-01-01",
      to: "2026-01-01",
    });
    invalid(() => dateRange("a", "2026-01-02", "b", "2026-01-01"), /^b: must not be before a/);
  });
});
