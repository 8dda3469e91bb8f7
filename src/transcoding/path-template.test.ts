import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  compareSpecificity,
  matchPathTemplate,
  parsePathTemplate,
  templateSpecificity,
} from "./path-template.js";

const match = (template: string, path: string) => {
  const b = matchPathTemplate(parsePathTemplate(template), path);
  return b && Object.fromEntries(b);
};

describe("path templates", () => {
  test("a plain variable binds one segment", () => {
    assert.deepEqual(match("/v1/shelves/{shelf_id}", "/v1/shelves/7"), { shelf_id: "7" });
    assert.equal(match("/v1/shelves/{shelf_id}", "/v1/shelves/7/x"), undefined);
    assert.equal(match("/v1/shelves/{shelf_id}", "/v1/shelves/"), undefined);
  });

  test("a variable with a sub-template binds several segments including literals", () => {
    assert.deepEqual(match("/v1/{name=shelves/*/books/*}", "/v1/shelves/1/books/2"), {
      name: "shelves/1/books/2",
    });
    assert.equal(match("/v1/{name=shelves/*/books/*}", "/v1/shelves/1/cds/2"), undefined);
  });

  test("a nested field path is kept dotted", () => {
    assert.deepEqual(match("/v1/{book.name=shelves/*/books/*}", "/v1/shelves/a/books/b"), {
      "book.name": "shelves/a/books/b",
    });
  });

  test("** matches any remaining segments", () => {
    assert.deepEqual(match("/v1/books/{name=**}", "/v1/books/a/b/c"), { name: "a/b/c" });
    assert.deepEqual(match("/v1/books/{name=**}", "/v1/books"), { name: "" });
    assert.throws(() => parsePathTemplate("/v1/**/x"), /\*\* must be the last/);
  });

  test("a bare * segment matches without binding", () => {
    assert.deepEqual(match("/v1/*/info", "/v1/anything/info"), {});
  });

  test("a :verb suffix must be present and is not part of the variable", () => {
    const t = "/ect/v1/{name=cases/*}:takeAction";
    assert.deepEqual(match(t, "/ect/v1/cases/42:takeAction"), { name: "cases/42" });
    assert.equal(match(t, "/ect/v1/cases/42"), undefined);
    assert.equal(match(t, "/ect/v1/cases/42:other"), undefined);
    assert.equal(parsePathTemplate("/v1/books:search").verb, "search");
  });

  test("segments are percent-decoded, but ** keeps encoded slashes", () => {
    assert.deepEqual(match("/v1/shelves/{shelf_id}", "/v1/shelves/a%20b"), { shelf_id: "a b" });
    assert.deepEqual(match("/v1/books/{name=**}", "/v1/books/a%2Fb/c%20d"), { name: "a%2Fb/c d" });
    assert.equal(match("/v1/shelves/{shelf_id}", "/v1/shelves/%E0%A4%A"), undefined);
  });

  test("malformed templates are rejected with the template in the message", () => {
    for (const bad of ["v1/x", "/v1/{a", "/v1//x", "/v1/x{a}", "/v1/{a-b}", "/v1/x:"]) {
      assert.throws(() => parsePathTemplate(bad), new RegExp(bad.replace(/[{}*/]/g, "\\$&")), bad);
    }
  });

  test("literals rank above variables, variables above **, a verb above none", () => {
    const key = (t: string) => templateSpecificity(parsePathTemplate(t));
    const sorted = ["/v1/books/{n=**}", "/v1/shelves/{id}", "/v1/shelves/featured", "/v1/{x=*}/featured"]
      .map((t) => [t, key(t)] as const)
      .sort((a, b) => compareSpecificity(a[1], b[1]))
      .map(([t]) => t);
    assert.deepEqual(sorted, [
      "/v1/shelves/featured",
      "/v1/shelves/{id}",
      "/v1/books/{n=**}",
      "/v1/{x=*}/featured",
    ]);
  });
});
