import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createRegistry } from "@bufbuild/protobuf";
import { Code, ConnectError, type Transport } from "@connectrpc/connect";
import { DocumentService } from "../gen/ect/v1/document_service_pb.js";
import {
  type BinaryResponse,
  httpBodyField,
  isHttpBodyRoute,
  returnsHttpBody,
  serveHttpBody,
} from "./http-body.js";
import type { RestRequest } from "./http-io.js";
import { buildOpenApiDocument } from "./openapi.js";
import { buildRoutes, matchRoute } from "./route-table.js";

describe("google.api.HttpBody routes", () => {
  const routes = buildRoutes([DocumentService]);
  const routeOf = (name: string) => routes.find((r) => r.method.name === name)!;

  test("a client-streaming upload whose body field is an HttpBody becomes a raw-body POST route", () => {
    const upload = routeOf("UploadDocument");
    assert.equal(upload.method.methodKind, "client_streaming");
    assert.equal(httpBodyField(upload)?.name, "file");
    assert.ok(isHttpBodyRoute(upload));
    const match = matchRoute(routes, "POST", "/ect/v1/cases/7/documents");
    assert.equal(match.kind === "found" && match.route.method.name, "UploadDocument");
  });

  test("a download returning HttpBody is a raw-body GET route; JSON routes stay JSON", () => {
    const download = routeOf("DownloadDocument");
    assert.ok(returnsHttpBody(download.method));
    assert.ok(isHttpBodyRoute(download));
    assert.equal(isHttpBodyRoute(routeOf("ListDocuments")), false);
    assert.equal(isHttpBodyRoute(routeOf("WithdrawDocument")), false);
  });

  test("a client stream without an HttpBody body is still refused as untranscodable", () => {
    const upload = DocumentService.method.uploadDocument;
    const fake = {
      ...DocumentService,
      methods: [
        {
          ...upload,
          input: { ...upload.input, fields: upload.input.fields.filter((f) => f.name !== "file") },
        },
      ],
    } as unknown as typeof DocumentService;
    assert.throws(() => buildRoutes([fake]), /client-streaming RPCs cannot be transcoded to REST/);
  });

  test("OpenAPI describes the raw bodies as binary of any type, not JSON", () => {
    const doc = buildOpenApiDocument([DocumentService], { info: { title: "ECT", version: "1" } });
    const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
    const upload = paths["/ect/v1/{parent}/documents"].post;
    assert.deepEqual(upload.requestBody, {
      required: true,
      content: { "*/*": { schema: { type: "string", format: "binary" } } },
    });
    const parameters = (upload.parameters as { name: string }[]).map((p) => p.name);
    assert.ok(parameters.includes("category") && parameters.includes("filename"), parameters.join());
    const download = paths["/ect/v1/{name}:download"].get;
    const ok = (download.responses as Record<string, { content: Record<string, unknown> }>)["200"];
    assert.deepEqual(Object.keys(ok.content), ["*/*"]);
  });

  test("an upload whose Content-Length passes the limit is refused with 413 before a byte is read or a call made", async () => {
    const upload = routeOf("UploadDocument");
    const match = matchRoute(routes, "POST", "/ect/v1/cases/7/documents");
    assert.equal(match.kind, "found");
    const headers: Record<string, string> = {};
    const req = {
      method: "POST",
      url: "/ect/v1/cases/7/documents?category=orders&filename=a.pdf",
      headers: { "content-length": String(10 * 1024 * 1024), "content-type": "application/pdf" },
      httpVersionMajor: 1,
      complete: false,
      [Symbol.asyncIterator]() {
        throw new Error("the body was read");
      },
    } as unknown as RestRequest;
    const res = {
      headersSent: false,
      setHeader: (name: string, value: string) => {
        headers[name] = value;
      },
    } as unknown as BinaryResponse;
    const transport = new Proxy(
      {},
      {
        get() {
          throw new Error("the call was made");
        },
      },
    ) as Transport;
    const refused = await serveHttpBody(req, res, {
      route: upload,
      bindings: match.kind === "found" ? match.bindings : new Map(),
      query: new URLSearchParams("category=orders&filename=a.pdf"),
      registry: createRegistry(),
      transport,
      headers: new Headers(),
      contextValues: undefined,
      signal: new AbortController().signal,
      maxStreamedBytes: 1024 * 1024,
      maxUnaryBytes: 1024,
      head: false,
      toJson: () => null,
    }).catch((e: unknown) => ConnectError.from(e));
    assert.ok(refused instanceof ConnectError);
    assert.equal(refused.code, Code.ResourceExhausted);
    assert.equal(refused.metadata.get("x-http-status"), "413");
    assert.equal(headers.connection, "close", "the rest of the body is not drained");
  });
});
