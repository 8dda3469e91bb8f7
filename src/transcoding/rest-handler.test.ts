import assert from "node:assert/strict";
import type http from "node:http";
import { after, before, describe, test } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { type LibraryProbe, startLibraryServer } from "./test-library-service.js";

const probe: LibraryProbe = {};
let base = "";
let server: http.Server;
before(async () => {
  ({ url: base, server } = await startLibraryServer(probe));
});
after(() => server.close());

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json: text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : undefined,
    text,
  };
}

describe("REST routes", () => {
  test("a multi-segment path variable binds the resource name", async () => {
    const r = await call("GET", "/v1/shelves/s1/books/b2");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { name: "shelves/s1/books/b2", title: "T", pageCount: "12" });
  });

  test("a multi-segment variable sent as one %2F-encoded segment (as Swagger UI does) still matches", async () => {
    const r = await call("GET", "/v1/shelves%2Fs1%2Fbooks%2Fb2");
    assert.equal(r.json.name, "shelves/s1/books/b2");
  });

  test("an additional binding with ** reaches the same RPC", async () => {
    const r = await call("GET", "/v1/books/any/depth/here");
    assert.equal(r.json.name, "any/depth/here");
  });

  test("a literal route beats a variable route on the same path", async () => {
    assert.equal((await call("GET", "/v1/shelves/featured")).json.theme, "literal");
    assert.equal((await call("GET", "/v1/shelves/other")).json.theme, "variable");
  });

  test('body "field" fills that field, the rest comes from the path and the query', async () => {
    const r = await call("POST", "/v1/shelves/s1/books?bookId=b9", { title: "Dune", page_count: "412" });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { name: "shelves/s1/books/b9", title: "Dune", pageCount: "412" });
  });

  test('body "*" with a nested path field: the path wins over the body', async () => {
    const r = await call("PATCH", "/v1/shelves/s1/books/b1", {
      book: { name: "ignored", title: "New" },
      update_mask: "title,pageCount",
    });
    assert.equal(r.status, 200);
    assert.equal(r.json.name, "shelves/s1/books/b1");
    assert.equal(r.json.title, "New|title,page_count");
  });

  test("a route without a body reads its fields from the query and returns Empty as {}", async () => {
    const r = await call("DELETE", "/v1/shelves/s1/books/b1?force=true");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {});
  });

  test("a custom :verb route is distinct from the plain resource route", async () => {
    const r = await call("POST", "/v1/shelves/s1/books/b1:archive", { reason: "old" });
    assert.deepEqual(r.json, { name: "shelves/s1/books/b1", title: "archived:old" });
  });

  test("response_body sends just the selected field", async () => {
    const r = await call("GET", "/v1/books:search?authors=a&authors=b");
    assert.deepEqual(r.json, [
      { name: "b0", authors: ["a"] },
      { name: "b1", authors: ["b"] },
    ]);
    assert.deepEqual((await call("GET", "/v1/books:search")).json, []);
  });

  test("a custom HTTP method (SEARCH) and its additional GET/POST bindings", async () => {
    assert.equal((await call("SEARCH", "/v1/echo?query=x")).json.query, "x");
    assert.equal((await call("GET", "/v1/echo?query=y")).json.query, "y");
    assert.equal((await call("POST", "/v1/echo", { query: "z" })).json.query, "z");
  });

  test("query parameters bind every field kind, in either spelling", async () => {
    const q = new URLSearchParams([
      ["query", "dune"],
      ["authors", "a"],
      ["authors", "b"],
      ["binding", "BINDING_PAPERBACK"],
      ["bindings", "1"],
      ["bindings", "BINDING_PAPERBACK"],
      ["min_id", "9007199254740993"],
      ["includeArchived", "true"],
      ["filter.min_pages", "100"],
      ["filter.published.start", "2024-01-02T03:04:05Z"],
      ["since", "2020-05-01T00:00:00.5Z"],
      ["maxAge", "1.5s"],
      ["read_mask", "title,pageCount"],
      ["page_size", "25"],
      ["available", "false"],
      ["shelf", "s1"],
      ["extra", '{"k":[1,"two"]}'],
      ["min_rating", "4.5"],
      ["token", "AQID"],
      ["ids", "1"],
      ["ids", "-2"],
      ["lastEventId", "ignored"],
    ]);
    const r = await call("GET", `/v1/echo?${q}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, {
      query: "dune",
      authors: ["a", "b"],
      binding: "BINDING_PAPERBACK",
      bindings: ["BINDING_HARDCOVER", "BINDING_PAPERBACK"],
      minId: "9007199254740993",
      includeArchived: true,
      filter: { minPages: 100, published: { start: "2024-01-02T03:04:05Z" } },
      since: "2020-05-01T00:00:00.500Z",
      maxAge: "1.500s",
      readMask: "title,pageCount",
      pageSize: 25,
      available: false,
      shelf: "s1",
      extra: { k: [1, "two"] },
      minRating: 4.5,
      token: "AQID",
      ids: ["1", "-2"],
    });
  });

  test("a JSON body accepts both field spellings and the output is lowerCamelCase", async () => {
    const r = await call("POST", "/v1/echo", {
      include_archived: true,
      maxAge: "2s",
      filter: { min_pages: 3 },
    });
    assert.deepEqual(r.json, { includeArchived: true, maxAge: "2s", filter: { minPages: 3 } });
  });
});

describe("REST request errors", () => {
  test("malformed JSON is a 400 Status body", async () => {
    const r = await call("POST", "/v1/echo", "{nope");
    assert.equal(r.status, 400);
    assert.equal(r.json.code, Code.InvalidArgument);
    assert.match(r.json.message, /malformed JSON/);
    assert.deepEqual(r.json.details, []);
  });

  test("a wrongly typed body field is a 400 naming the field", async () => {
    const r = await call("POST", "/v1/echo", { minId: "abc" });
    assert.equal(r.status, 400);
    assert.match(r.json.message, /min_id/);
  });

  test("a wrongly typed query parameter is a 400 naming the parameter", async () => {
    for (const [q, field] of [
      ["includeArchived=maybe", "includeArchived"],
      ["binding=BINDING_NOPE", "binding"],
      ["filter.min_pages=x", "filter.min_pages"],
      ["since=yesterday", "since"],
      ["filter=1", "filter"],
    ]) {
      const r = await call("GET", `/v1/echo?${q}`);
      assert.equal(r.status, 400, q);
      assert.ok(r.json.message.includes(field), `${q}: ${r.json.message}`);
    }
  });

  test("an unknown body field is a 400 naming it", async () => {
    const r = await call("POST", "/v1/echo", { bogus: 1 });
    assert.equal(r.status, 400);
    assert.match(r.json.message, /bogus/);
  });

  test("a body over the limit is 413", async () => {
    const { url, server: s } = await startLibraryServer({}, { maxBodyBytes: 10 });
    try {
      const res = await fetch(`${url}/v1/echo`, {
        method: "POST",
        body: JSON.stringify({ query: "x".repeat(50) }),
      });
      assert.equal(res.status, 413);
      assert.equal((await res.json()).code, Code.ResourceExhausted);
    } finally {
      s.close();
    }
  });

  test("an unknown path falls through (handle resolves false)", async () => {
    const r = await call("GET", "/v2/nothing");
    assert.equal(r.status, 418);
  });

  test("a known path with the wrong method is 405 with Allow", async () => {
    const r = await call("PUT", "/v1/shelves/s1/books/b1");
    assert.equal(r.status, 405);
    assert.equal(r.headers.get("allow"), "DELETE, GET, PATCH");
    assert.deepEqual(r.json, {
      code: Code.Unimplemented,
      message: "PUT is not allowed on /v1/shelves/s1/books/b1; use DELETE, GET, PATCH",
      details: [],
    });
  });
});

describe("REST call plumbing", () => {
  test("call headers are forwarded and call response headers copied, transport ones dropped", async () => {
    const r = await call("GET", "/v1/shelves/s1/books/b1", undefined, {
      authorization: "Bearer t",
      "x-correlation-id": "corr-1",
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      "x-custom": "yes",
      "x-ect-transcoded": "forged",
      "x-ect-remote-address": "forged",
      cookie: "secret=1",
    });
    assert.equal(probe.lastHeaders?.get("authorization"), "Bearer t");
    assert.equal(probe.lastHeaders?.get("x-custom"), "yes");
    assert.equal(
      probe.lastHeaders?.get("traceparent"),
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      "the caller's trace context reaches the call unchanged",
    );
    assert.equal(probe.lastHeaders?.get("cookie"), null);
    // The client's address travels as a context value, never as a header; ECT's own headers are its own.
    assert.equal(probe.lastHeaders?.get("x-forwarded-for"), null);
    assert.equal(probe.lastHeaders?.get("x-ect-transcoded"), "1");
    assert.equal(probe.lastHeaders?.get("x-ect-remote-address"), null);
    assert.equal(r.headers.get("x-correlation-id"), "corr-1");
    assert.equal(r.headers.get("grpc-status-details-bin"), null);
  });

  const table: [Code, number][] = [
    [Code.Canceled, 499],
    [Code.Unknown, 500],
    [Code.InvalidArgument, 400],
    [Code.DeadlineExceeded, 504],
    [Code.NotFound, 404],
    [Code.AlreadyExists, 409],
    [Code.PermissionDenied, 403],
    [Code.Unauthenticated, 401],
    [Code.ResourceExhausted, 429],
    [Code.FailedPrecondition, 400],
    [Code.Aborted, 409],
    [Code.OutOfRange, 400],
    [Code.Unimplemented, 501],
    [Code.Internal, 500],
    [Code.Unavailable, 503],
    [Code.DataLoss, 500],
  ];
  for (const [code, status] of table) {
    test(`${Code[code]} from the service is HTTP ${status} with a Status body`, async () => {
      probe.failWith = new ConnectError("secret detail", code);
      const r = await call("GET", "/v1/shelves/s1/books/b1");
      assert.equal(r.status, status);
      assert.equal(r.json.code, code);
      assert.deepEqual(r.json.details, []);
      const opaque = code === Code.Internal || code === Code.Unknown || code === Code.DataLoss;
      assert.equal(r.json.message, opaque ? "internal error" : "secret detail");
    });
  }

  test("a plain Error never leaks its text", async () => {
    probe.failWith = new Error("password=hunter2 at db.ts:12");
    const r = await call("GET", "/v1/shelves/s1/books/b1");
    assert.equal(r.status, 500);
    assert.doesNotMatch(r.text, /hunter2/);
  });

  test("retry-after metadata becomes Retry-After on 429 and 503", async () => {
    for (const code of [Code.ResourceExhausted, Code.Unavailable]) {
      probe.failWith = new ConnectError("slow down", code, { "retry-after": "7" });
      const r = await call("GET", "/v1/shelves/s1/books/b1");
      assert.equal(r.headers.get("retry-after"), "7");
    }
  });

  test("error details are rendered as Any JSON", async () => {
    const { create } = await import("@bufbuild/protobuf");
    const { ShelfSchema } = await import("../gen/ecttest/v1/transcoding_pb.js");
    probe.failWith = new ConnectError("gone", Code.NotFound, undefined, [
      { desc: ShelfSchema, value: create(ShelfSchema, { shelfId: "s9" }) },
    ]);
    const r = await call("GET", "/v1/shelves/s1/books/b1");
    assert.deepEqual(r.json.details, [{ "@type": "type.googleapis.com/ecttest.v1.Shelf", shelfId: "s9" }]);
  });

  test("HEAD answers with the GET route's headers and no body", async () => {
    const path = `${base}/v1/shelves/s1/books/b1`;
    const headers = { "x-correlation-id": "head-1" };
    const get = await fetch(path, { headers });
    const getBody = await get.text();
    const head = await fetch(path, { method: "HEAD", headers });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
    for (const name of ["content-type", "content-length", "x-correlation-id"]) {
      assert.equal(head.headers.get(name), get.headers.get(name), `HEAD's ${name} is GET's`);
    }
    assert.equal(head.headers.get("content-length"), String(Buffer.byteLength(getBody)));
    assert.equal(head.headers.get("x-correlation-id"), "head-1", "the call's own headers are copied");
  });

  test("HEAD of a failing call answers the GET's error status and headers with no body", async () => {
    const path = `${base}/v1/shelves/s1/books/b1`;
    probe.failWith = new ConnectError("slow down", Code.ResourceExhausted, { "retry-after": "3" });
    const get = await fetch(path);
    const getBody = await get.text();
    probe.failWith = new ConnectError("slow down", Code.ResourceExhausted, { "retry-after": "3" });
    const head = await fetch(path, { method: "HEAD" });
    assert.equal(head.status, 429);
    assert.equal(await head.text(), "");
    assert.equal(head.headers.get("retry-after"), "3");
    assert.equal(head.headers.get("content-length"), String(Buffer.byteLength(getBody)));
    assert.equal(head.headers.get("content-type"), get.headers.get("content-type"));
  });
});
