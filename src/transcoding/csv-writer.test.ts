import assert from "node:assert/strict";
import type http from "node:http";
import { after, before, describe, test } from "node:test";
import { create, toJson } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import { parse } from "csv-parse/sync";
import { StreamCasesResponseSchema } from "../gen/ect/v1/case_service_pb.js";
import { CaseSchema, CaseState, Module } from "../gen/ect/v1/resources_pb.js";
import { BookSchema } from "../gen/ecttest/v1/transcoding_pb.js";
import { csvFormat, csvLayout } from "./csv-writer.js";
import { type LibraryProbe, startLibraryServer } from "./test-library-service.js";

const awkward = 'Smith, "Jr."\nof Line 2';

function caseJson(id: number, lastName: string) {
  const message = create(CaseSchema, {
    id,
    caseNumber: `20261126-${String(id).padStart(6, "0")}`,
    module: Module.LOD,
    state: CaseState.OPEN,
    member: { lastName, firstName: "Ann", maskedSsn: "***-**-1234" },
    createTime: timestampFromDate(new Date("2026-11-26T10:00:00Z")),
  });
  return toJson(CaseSchema, message);
}

describe("CSV layout", () => {
  test("scalars by JSON name, nested messages as parent.child, timestamps as one column", () => {
    const headers = csvLayout(CaseSchema).columns.map((c) => c.header);
    assert.ok(headers.includes("caseNumber"));
    assert.ok(headers.includes("member.lastName"));
    assert.ok(headers.includes("createTime"));
    assert.ok(!headers.some((h) => h.startsWith("createTime.")), "a Timestamp is one column");
    assert.ok(!headers.includes("member"), "a nested message is flattened, not a column of its own");
  });

  test("a message whose only field is a repeated message is a batch: its elements are the rows", () => {
    const layout = csvLayout(StreamCasesResponseSchema);
    assert.equal(layout.batchField, "cases");
    assert.deepEqual(
      layout.columns.map((c) => c.header),
      csvLayout(CaseSchema).columns.map((c) => c.header),
    );
  });
});

describe("CSV format", () => {
  const format = csvFormat(CaseSchema, "StreamCases.csv");

  test("a header row, then one RFC 4180 row per message that round-trips commas, quotes and newlines", () => {
    const text =
      format.preamble! + format.message(caseJson(7, awkward), 1) + format.message(caseJson(8, "Lee"), 2);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 2);
    assert.equal(rows[0]["member.lastName"], awkward);
    assert.equal(rows[0].caseNumber, "20261126-000007");
    assert.equal(rows[0].module, "MODULE_LOD", "enums by name");
    assert.equal(rows[0].state, "CASE_STATE_OPEN");
    assert.equal(rows[0].createTime, "2026-11-26T10:00:00Z", "timestamps in RFC 3339");
    assert.equal(rows[0].formalInvestigation, "false", "a default the JSON omits is still shown");
    assert.equal(rows[0].version, "0");
    assert.equal(rows[1]["member.lastName"], "Lee");
    assert.match(text, /\r\n$/, "CRLF line ends");
  });

  test("repeated values share one cell, joined with '; '", () => {
    const books = csvFormat(BookSchema, "b.csv");
    const json = toJson(BookSchema, create(BookSchema, { name: "b1", authors: ["Ann, A.", "Bo"] }));
    const rows = parse(books.preamble! + books.message(json, 1), { columns: true }) as Record<
      string,
      string
    >[];
    assert.equal(rows[0].authors, "Ann, A.; Bo");
  });

  test("a batch message is one row per element", () => {
    const batch = csvFormat(StreamCasesResponseSchema, "b.csv");
    const json = toJson(
      StreamCasesResponseSchema,
      create(StreamCasesResponseSchema, {
        cases: [create(CaseSchema, { id: 1 }), create(CaseSchema, { id: 2 })],
      }),
    );
    const rows = parse(batch.preamble! + batch.message(json, 1), { columns: true }) as Record<
      string,
      string
    >[];
    assert.deepEqual(
      rows.map((r) => r.id),
      ["1", "2"],
    );
  });

  test("an error after rows is a line a strict parser rejects, so a truncated export is never read as whole", () => {
    const text =
      format.preamble! +
      format.message(caseJson(7, "Lee"), 1) +
      format.error({ code: Code.Unavailable, message: "database down", details: [] });
    assert.throws(() => parse(text, { columns: true }), /Invalid Record Length/);
    const lines = parse(text, { relax_column_count: true }) as string[][];
    const last = lines[lines.length - 1];
    assert.deepEqual(last.slice(0, 3), ["#error", "UNAVAILABLE", "database down"]);
    assert.equal(last.length, lines[0].length + 1);
  });
});

describe("CSV over REST (Accept: text/csv)", () => {
  const probe: LibraryProbe = {};
  let base = "";
  let server: http.Server;
  before(async () => {
    ({ url: base, server } = await startLibraryServer(probe, { firstMessageWaitMs: 1_000 }));
  });
  after(() => server.close());
  const csvGet = (path: string) => fetch(base + path, { headers: { accept: "text/csv" } });

  test("a server stream is a CSV attachment named after the RPC, with a header row", async () => {
    const res = await csvGet("/v1/shelves/s1/books:stream?count=3");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
    assert.equal(res.headers.get("content-disposition"), 'attachment; filename="StreamBooks.csv"');
    const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    assert.deepEqual(
      rows.map((r) => [r.name, r.pageCount, r.binding]),
      [
        ["shelves/s1/books/1", "1", "BINDING_UNSPECIFIED"],
        ["shelves/s1/books/2", "2", "BINDING_UNSPECIFIED"],
        ["shelves/s1/books/3", "3", "BINDING_UNSPECIFIED"],
      ],
    );
  });

  test("an empty stream is the header row alone", async () => {
    const res = await csvGet("/v1/shelves/s1/books:stream?count=0");
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.equal(text, "name,title,pageCount,binding,publishTime,labels,authors\r\n");
  });

  test("a failure before the first row keeps its HTTP status and is JSON, not an attachment", async () => {
    const res = await csvGet(`/v1/shelves/s1/books:stream?count=0&failCode=${Code.PermissionDenied}`);
    assert.equal(res.status, 403);
    assert.equal(res.headers.get("content-disposition"), null);
    assert.match(res.headers.get("content-type")!, /json/);
  });

  test("a failure after rows ends the CSV with the #error line", async () => {
    const res = await csvGet(`/v1/shelves/s1/books:stream?count=2&failCode=${Code.Unavailable}`);
    assert.equal(res.status, 200);
    const lines = parse(await res.text(), { relax_column_count: true }) as string[][];
    assert.equal(lines.length, 4);
    assert.deepEqual(lines[3].slice(0, 3), ["#error", "UNAVAILABLE", "stream broke"]);
  });
});
