import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import SwaggerParser from "@apidevtools/swagger-parser";
import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { CaseService } from "../gen/ect/v1/case_service_pb.js";
import { LibraryService } from "../gen/ecttest/v1/transcoding_pb.js";
import { openApiDocsPage, swaggerUiAssetDir } from "./docs-page.js";
import { buildOpenApiDocument } from "./openapi.js";
import { commentsFromDescriptorSet } from "./openapi-comments.js";

/** Comments come from a descriptor set with source info, as `buf build` writes it. */
function protoComments() {
  const root = path.resolve(import.meta.dirname, "../..");
  const bytes = execFileSync(path.join(root, "node_modules/.bin/buf"), ["build", "-o", "-#format=binpb"], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  return commentsFromDescriptorSet(fromBinary(FileDescriptorSetSchema, bytes));
}

const comments = protoComments();
const doc = buildOpenApiDocument([LibraryService], { info: { title: "Library", version: "1" }, comments });
type Op = {
  operationId: string;
  parameters: { name: string; in: string; schema: Record<string, unknown> }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content: Record<string, { schema: Record<string, unknown> }> }>;
  security?: unknown[];
  description?: string;
};
const paths = doc.paths as Record<string, Record<string, Op>>;
const schemas = (
  doc.components as {
    schemas: Record<
      string,
      { properties: Record<string, Record<string, unknown>>; description?: string; enum?: string[] }
    >;
  }
).schemas;

describe("OpenAPI document", () => {
  test("validates as OpenAPI 3.1 with swagger-parser", async () => {
    await SwaggerParser.validate(structuredClone(doc) as never);
  });

  test("the real ECT services produce a valid document too", async () => {
    const ect = buildOpenApiDocument([CaseService], { info: { title: "ECT", version: "1" }, comments });
    await SwaggerParser.validate(ect as never);
  });

  test("every binding is a path; multi-segment variables and verbs keep their place", () => {
    assert.deepEqual(Object.keys(paths).sort(), [
      "/v1/books/{name}",
      "/v1/books:search",
      "/v1/echo",
      "/v1/shelves/featured",
      "/v1/shelves/{shelfId}".replace("shelfId", "shelf_id"),
      "/v1/{book.name}",
      "/v1/{name}",
      "/v1/{name}:archive",
      "/v1/{parent}/books",
      "/v1/{parent}/books:stream",
    ]);
    assert.deepEqual(Object.keys(paths["/v1/echo"]).sort(), ["get", "post"]);
    assert.deepEqual(Object.keys(paths["/v1/{name}"]).sort(), ["delete", "get"]);
  });

  test("query parameters are typed, dotted for nested fields, arrays for repeated", () => {
    const params = Object.fromEntries(paths["/v1/echo"].get.parameters.map((p) => [p.name, p]));
    assert.equal(params.minId.schema.type, "string");
    assert.equal(params.minId.schema.format, "int64");
    assert.equal(params["filter.minPages"].schema.type, "integer");
    assert.equal(params["filter.published.start"].schema.format, "date-time");
    assert.equal(params.authors.schema.type, "array");
    assert.deepEqual(params.binding.schema.$ref, "#/components/schemas/ecttest.v1.Binding");
    assert.equal(params.pageSize.schema.type, "integer");
    assert.equal(params.includeArchived.schema.type, "boolean");
    assert.ok(params.query.schema.description, "field comments become descriptions");
    assert.ok(!paths["/v1/echo"].post.parameters.some((p) => p.in === "query"), 'body "*" leaves no query');
  });

  test("path parameters are required and exclude the query; body field routes take the rest from the query", () => {
    const create = paths["/v1/{parent}/books"].post;
    assert.deepEqual(
      create.parameters.map((p) => `${p.in}:${p.name}`),
      ["path:parent", "query:bookId"],
    );
    assert.equal(
      create.requestBody?.content["application/json"].schema.$ref,
      "#/components/schemas/ecttest.v1.Book",
    );
  });

  test("response_body narrows the response schema", () => {
    const schema = paths["/v1/books:search"].get.responses["200"].content["application/json"].schema;
    assert.equal(schema.type, "array");
  });

  test("server streams offer NDJSON, SSE and CSV", () => {
    const content = paths["/v1/{parent}/books:stream"].get.responses["200"].content;
    assert.deepEqual(Object.keys(content).sort(), ["application/x-ndjson", "text/csv", "text/event-stream"]);
  });

  test("schemas use JSON names, int64 as string, WKT mappings and proto comments", () => {
    const book = schemas["ecttest.v1.Book"];
    assert.equal(book.description, "A book on a shelf.");
    assert.equal(book.properties.pageCount.type, "string");
    assert.equal(book.properties.publishTime.format, "date-time");
    assert.equal(book.properties.labels.type, "object");
    assert.match(String(book.properties.pageCount.description), /64-bit/);
    assert.deepEqual(schemas["ecttest.v1.Binding"].enum, [
      "BINDING_UNSPECIFIED",
      "BINDING_HARDCOVER",
      "BINDING_PAPERBACK",
    ]);
    assert.ok(schemas["google.rpc.Status"]);
  });

  test("methods are bearer-protected unless their permission is public", () => {
    assert.deepEqual(doc.security, [{ bearerAuth: [] }]);
    assert.deepEqual(paths["/v1/{name}"].get.security, []);
    assert.equal(paths["/v1/{name}"].delete.security, undefined);
    assert.ok(paths["/v1/{name}"].delete.responses["401"]);
    assert.equal(paths["/v1/{name}"].delete.description, "Deletes a book; no body.");
  });

  test("the docs page loads swagger-ui from local assets and points at the document", () => {
    const html = openApiDocsPage();
    assert.match(html, /\/docs\/assets\/swagger-ui-bundle\.js/);
    assert.match(html, /"\/openapi\.json"/);
    assert.doesNotMatch(html, /https?:\/\//);
    assert.ok(existsSync(path.join(swaggerUiAssetDir(), "swagger-ui-bundle.js")));
    assert.ok(readFileSync(path.join(swaggerUiAssetDir(), "swagger-ui.css")).length > 0);
  });
});
