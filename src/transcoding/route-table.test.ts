import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CaseService } from "../gen/ect/v1/case_service_pb.js";
import { LibraryService } from "../gen/ecttest/v1/transcoding_pb.js";
import { buildRoutes, matchRoute } from "./route-table.js";

describe("route table", () => {
  const routes = buildRoutes([LibraryService]);

  test("every rule and additional binding becomes a route", () => {
    const echo = routes
      .filter((r) => r.method.name === "EchoSearch")
      .map((r) => r.httpMethod)
      .sort();
    assert.deepEqual(echo, ["GET", "POST", "SEARCH"]);
    assert.equal(routes.filter((r) => r.method.name === "GetBook").length, 2);
  });

  test("body and response_body resolve to fields", () => {
    const create = routes.find((r) => r.method.name === "CreateBook")!;
    assert.equal(create.bodyField?.name, "book");
    const search = routes.find((r) => r.method.name === "SearchBooks")!;
    assert.equal(search.responseBodyField?.name, "books");
  });

  test("matching picks the literal route, reports 405 with the allowed methods, 404 otherwise", () => {
    const featured = matchRoute(routes, "GET", "/v1/shelves/featured");
    assert.equal(featured.kind === "found" && featured.route.method.name, "GetFeaturedShelf");
    const wrong = matchRoute(routes, "POST", "/v1/shelves/featured");
    assert.deepEqual(wrong.kind === "method-not-allowed" && wrong.allow, ["GET"]);
    assert.equal(matchRoute(routes, "GET", "/nope").kind, "not-found");
  });

  test("the ECT case service's rules all build, custom verbs included", () => {
    const ect = buildRoutes([CaseService]);
    const take = matchRoute(ect, "POST", "/ect/v1/cases/42:takeAction");
    assert.equal(take.kind === "found" && take.route.method.name, "TakeAction");
    assert.equal(take.kind === "found" && take.bindings.get("name"), "cases/42");
    const stream = matchRoute(ect, "GET", "/ect/v1/cases:stream");
    assert.equal(stream.kind === "found" && stream.route.method.name, "StreamCases");
  });
});
