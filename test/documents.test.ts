import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import http from "node:http";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import type { Queryable } from "../src/db/db.js";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import { DocumentService, UploadDocumentRequestSchema } from "../src/gen/ect/v1/document_service_pb.js";
import { FormService } from "../src/gen/ect/v1/form_service_pb.js";
import { MemoService } from "../src/gen/ect/v1/memo_service_pb.js";
import { ActionKind } from "../src/gen/ect/v1/resources_pb.js";
import { fillPart, type RouteUser } from "./support/af348-parts.js";
import { rejects } from "./support/assertions.js";
import { addMedicalRecord, SMALL_PDF } from "./support/case-documents.js";
import { grpcClient, signIn } from "./support/clients.js";
import { startTestServer, type TestServer, testDatabases } from "./support/test-server.js";

const MiB = 1024 * 1024;
/** The large-file test's size: 100 MiB, streamed both ways on PostgreSQL. */
const LARGE_BYTES = 100 * MiB;

/** A PDF of `size` bytes (a PDF header, random bytes, a trailer): enough for the content check. */
function pdfOf(size: number): Uint8Array {
  const head = Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1");
  const tail = Buffer.from("\n%%EOF\n");
  return Buffer.concat([head, randomBytes(size - head.length - tail.length), tail]);
}

/** One PNG chunk (the CRC left zero: the content check reads the chunk types, not the CRCs). */
function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, Buffer.from(type, "latin1"), data, Buffer.alloc(4)]);
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Executables and archives renamed to .pdf and declared application/pdf. */
const DISGUISED: [string, Uint8Array][] = [
  [
    "an ELF executable",
    Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), randomBytes(4096)]),
  ],
  [
    "a Windows PE executable",
    (() => {
      const pe = Buffer.alloc(4096);
      pe.write("MZ", 0, "latin1");
      pe.writeUInt32LE(0x80, 0x3c);
      pe.write("PE\0\0", 0x80, "latin1");
      return pe;
    })(),
  ],
  [
    "a ZIP archive",
    Buffer.concat([Buffer.from("PK\x03\x04\x14\x00\x00\x00\x08\x00", "latin1"), randomBytes(4096)]),
  ],
];

for (const database of testDatabases()) {
  const postgres = database.url !== undefined;
  describe(`documents on ${database.name}`, () => {
    let server: TestServer;
    const tokens = new Map<string, string>();
    const users = ["medtech", "medofficer", "unitcc", "lodpm", "medtech445", "admin"];
    const documents = (user: string) => grpcClient(server.url, DocumentService, tokens.get(user));
    const cases = (user: string) => grpcClient(server.url, CaseService, tokens.get(user));
    const form = (user: string) => grpcClient(server.url, FormService, tokens.get(user));
    // A small limit keeps the oversize test quick; the 100 MiB test runs on a server of its own.
    const maxBytes = 2 * MiB;

    before(async () => {
      server = await startTestServer(database.url, { ECT_DOCUMENT_MAX_BYTES: String(maxBytes) });
      for (const user of users) tokens.set(user, await signIn(server.url, user));
    });
    after(async () => server?.stop());

    async function newCase(description = "Fell from a maintenance stand") {
      const { rows } = await server.db.query<{ id: number }>(
        "SELECT id FROM members WHERE unit_id = 102 ORDER BY id LIMIT 1",
      );
      return (await cases("medtech").createCase({ memberId: rows[0].id, incidentDescription: description }))
        .name;
    }

    /** Uploads over gRPC (client streaming) in pieces of `piece` bytes. */
    async function grpcUpload(
      user: string,
      parent: string,
      bytes: Uint8Array,
      options: {
        category?: string;
        filename?: string;
        contentType?: string;
        supersedes?: string;
        piece?: number;
      } = {},
    ) {
      const piece = options.piece ?? 64 * 1024;
      async function* messages() {
        yield create(UploadDocumentRequestSchema, {
          parent,
          category: options.category ?? "medical_records",
          filename: options.filename ?? "record.pdf",
          supersedes: options.supersedes ?? "",
          file: { contentType: options.contentType ?? "application/pdf", data: bytes.subarray(0, piece) },
        });
        for (let at = piece; at < bytes.length; at += piece)
          yield create(UploadDocumentRequestSchema, { file: { data: bytes.subarray(at, at + piece) } });
      }
      return documents(user).uploadDocument(messages());
    }

    /** Uploads over REST: the body is the file. Returns the status and the JSON answer. */
    async function restUpload(
      user: string,
      parent: string,
      bytes: Uint8Array,
      query = "category=medical_records&filename=record.pdf",
      contentType = "application/pdf",
    ) {
      const response = await fetch(`${server.url}/ect/v1/${parent}/documents?${query}`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.get(user)}`, "content-type": contentType },
        body: bytes as Uint8Array<ArrayBuffer>,
      });
      // biome-ignore lint/suspicious/noExplicitAny: the REST answers are read as loose JSON, field by field
      return { status: response.status, json: (await response.json()) as Record<string, any> };
    }

    async function grpcDownload(user: string, name: string) {
      const parts: Uint8Array[] = [];
      let contentType = "";
      for await (const body of documents(user).downloadDocument({ name })) {
        if (body.contentType) contentType = body.contentType;
        parts.push(body.data);
      }
      return { contentType, bytes: Buffer.concat(parts) };
    }

    async function restDownload(user: string, name: string) {
      const response = await fetch(`${server.url}/ect/v1/${name}:download`, {
        headers: { authorization: `Bearer ${tokens.get(user)}` },
      });
      return { response, bytes: Buffer.from(await response.arrayBuffer()) };
    }

    async function audits(caseName: string, action: string) {
      const { rows } = await server.db.query<{ actor: string; after: Record<string, unknown> | string }>(
        "SELECT actor, after FROM audit_events WHERE entity_type = 'case' AND entity_id = $1 AND action = $2 ORDER BY id",
        [caseName.split("/")[1], action],
      );
      return rows.map((row) => ({
        actor: row.actor,
        after: typeof row.after === "string" ? JSON.parse(row.after) : row.after,
      }));
    }

    it("a PDF uploaded over REST or gRPC downloads byte-identical over both, with the SHA-256 it was stored with", async () => {
      const name = await newCase();
      const pdf = pdfOf(700 * 1024);
      const viaRest = await restUpload(
        "medtech",
        name,
        pdf,
        "category=medical_records&filename=er%20visit.pdf",
      );
      assert.equal(viaRest.status, 200, JSON.stringify(viaRest.json));
      const viaGrpc = await grpcUpload("medtech", name, pdf, { category: "orders", filename: "orders.pdf" });
      for (const document of [viaRest.json, viaGrpc]) {
        assert.equal(document.sha256, sha256(pdf));
        assert.equal(String(document.sizeBytes), String(pdf.length));
        assert.equal(document.contentType, "application/pdf");
        assert.equal(document.uploadedBy, "medtech");
        const grpc = await grpcDownload("medofficer", document.name);
        assert.equal(grpc.contentType, "application/pdf");
        assert.equal(sha256(grpc.bytes), sha256(pdf));
        assert.ok(grpc.bytes.equals(pdf), "gRPC download is byte-identical");
        const rest = await restDownload("medofficer", document.name);
        assert.equal(rest.response.status, 200);
        assert.equal(rest.response.headers.get("content-type"), "application/pdf");
        assert.equal(rest.response.headers.get("x-content-type-options"), "nosniff");
        assert.match(rest.response.headers.get("content-disposition") ?? "", /^attachment; /);
        assert.ok(rest.bytes.equals(pdf), "REST download is byte-identical");
      }
      assert.equal(viaRest.json.filename, "er visit.pdf");
      assert.match(
        (await restDownload("medtech", viaRest.json.name)).response.headers.get("content-disposition") ?? "",
        /filename\*=UTF-8''er%20visit\.pdf/,
      );
      const stored = await server.db.query<{ n: number; total: number }>(
        "SELECT count(*)::int AS n, sum(length(bytes))::int AS total FROM document_chunks WHERE document_id = $1",
        [viaGrpc.id],
      );
      assert.equal(stored.rows[0].total, pdf.length);
      assert.equal(stored.rows[0].n, Math.ceil(pdf.length / server.config.documents.chunkBytes));
      const reads = await audits(name, "document_read");
      assert.ok(
        reads.some(
          (r) => r.actor === "medofficer" && r.after.document === viaGrpc.id && r.after.category === "orders",
        ),
      );
      const listed = await documents("medofficer").listDocuments({ parent: name });
      assert.deepEqual(
        listed.documents.map((d) => d.category),
        ["medical_records", "orders"],
      );
    });

    it("a renamed executable or archive is refused by its content, over REST and gRPC, and nothing is stored", async () => {
      const name = await newCase();
      for (const [what, bytes] of DISGUISED) {
        const rest = await restUpload("medtech", name, bytes, "category=medical_records&filename=scan.pdf");
        assert.equal(rest.status, 400, what);
        assert.match(rest.json.message, /^file: application\/[\w.-]+ files are not accepted/, what);
        await rejects(
          grpcUpload("medtech", name, bytes, { filename: "scan.pdf" }),
          Code.InvalidArgument,
          /file: .* not accepted/,
        );
      }
      // A PNG declared as a PDF: allowed type, wrong declaration.
      const png = Buffer.concat([
        Buffer.from("89504e470d0a1a0a", "hex"),
        pngChunk("IHDR", Buffer.from("00000001000000010806000000", "hex")),
        pngChunk("IDAT", Buffer.alloc(12)),
        pngChunk("IEND", Buffer.alloc(0)),
      ]);
      const mismatch = await restUpload("medtech", name, png);
      assert.equal(mismatch.status, 400);
      assert.match(mismatch.json.message, /the content is image\/png but was declared application\/pdf/);
      // Plain text has no magic number: accepted when it is UTF-8 without NUL bytes.
      const note = await restUpload(
        "medtech",
        name,
        Buffer.from("Witness: SSgt Park ✓\n"),
        "category=other&filename=note.txt",
        "text/plain; charset=utf-8",
      );
      assert.equal(note.status, 200, JSON.stringify(note.json));
      assert.equal(note.json.contentType, "text/plain");
      const binary = await restUpload(
        "medtech",
        name,
        Buffer.from("abc\0def"),
        "category=other&filename=x.txt",
        "text/plain",
      );
      assert.equal(binary.status, 400);
      assert.match(binary.json.message, /NUL/);
      const { rows } = await server.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM documents WHERE case_id = $1",
        [name.split("/")[1]],
      );
      assert.equal(rows[0].n, 1, "only the text note was stored");
    });

    it("an oversize upload is refused with 413 as soon as it passes the limit, and the rest of the body is never read", async () => {
      const name = await newCase();
      // Offered lazily, so producing it costs nothing unless the server pulls it.
      const offered = 64 * MiB;
      let produced = 0;
      const piece = randomBytes(64 * 1024);
      piece.write("%PDF-1.7\n", 0, "latin1");
      // The producer makes each piece only when the socket asks for it: what it made is what the server pulled.
      const body = new Readable({
        read() {
          if (produced >= offered) return this.push(null);
          produced += piece.length;
          this.push(piece);
        },
      });
      const status = await new Promise<number>((resolve, reject) => {
        const url = new URL(
          `${server.url}/ect/v1/${name}/documents?category=medical_records&filename=big.pdf`,
        );
        const request = http.request(url, {
          method: "POST",
          headers: { authorization: `Bearer ${tokens.get("medtech")}`, "content-type": "application/pdf" },
        });
        request.on("response", (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        // The server closes the connection mid-upload: the write side fails once it has answered.
        request.on("error", (error) => (produced >= offered ? reject(error) : undefined));
        body.pipe(request);
      });
      body.destroy();
      assert.equal(status, 413);
      assert.ok(
        // The limit, plus what the socket buffers on both sides hold.
        produced < maxBytes + 8 * MiB,
        `the server pulled ${produced} of ${offered} bytes (limit ${maxBytes})`,
      );
      // A Content-Length over the limit is refused before a byte of the body is read: none is ever sent.
      const declared = await new Promise<number>((resolve, reject) => {
        const request = http.request(
          new URL(`${server.url}/ect/v1/${name}/documents?category=medical_records&filename=declared.pdf`),
          {
            method: "POST",
            headers: {
              authorization: `Bearer ${tokens.get("medtech")}`,
              "content-type": "application/pdf",
              "content-length": String(maxBytes + 1),
            },
          },
        );
        request.on("response", (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
          request.destroy();
        });
        request.on("error", reject);
        request.flushHeaders();
      });
      assert.equal(declared, 413);
      const tooBig = pdfOf(maxBytes + 1);
      await rejects(
        grpcUpload("medtech", name, tooBig, { piece: 256 * 1024 }),
        Code.ResourceExhausted,
        /larger than the limit/,
      );
      const { rows } = await server.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM documents WHERE case_id = $1",
        [name.split("/")[1]],
      );
      assert.equal(rows[0].n, 0, "nothing half-written is visible");
    });

    it("a required document blocks the medical officer's forward until a medical record is added", async () => {
      const name = await newCase();
      for (const user of ["medtech"] as RouteUser[]) await forward(user, name);
      await fillPart(form("medofficer"), "medofficer", name);
      await rejects(
        forwardOnly("medofficer", name),
        Code.FailedPrecondition,
        /required before this step: Medical Records/,
      );
      await addMedicalRecord(server.url, tokens.get("medofficer"), name);
      const moved = await forwardOnly("medofficer", name);
      assert.equal(moved.status?.description, "Unit Commander Review");
    });

    it("a withdrawn document is hidden by default, kept, audited, and listed for an auditor", async () => {
      const name = await newCase();
      const first = await grpcUpload("medtech", name, SMALL_PDF, { filename: "wrong-member.pdf" });
      await rejects(
        documents("medtech").withdrawDocument({ name: first.name, reason: " " }),
        Code.InvalidArgument,
        /reason/,
      );
      const withdrawn = await restPost("medtech", `/ect/v1/${first.name}:withdraw`, {
        reason: "Filed on the wrong member",
      });
      assert.equal(withdrawn.status, 200, JSON.stringify(withdrawn.json));
      assert.equal(withdrawn.json.withdrawReason, "Filed on the wrong member");
      assert.equal(withdrawn.json.withdrawnBy, "medtech");
      assert.deepEqual((await documents("medofficer").listDocuments({ parent: name })).documents, []);
      await rejects(
        documents("medtech").listDocuments({ parent: name, showWithdrawn: true }),
        Code.PermissionDenied,
        /auditView/,
      );
      await rejects(grpcDownload("medofficer", first.name), Code.NotFound);
      const audited = await documents("lodpm").listDocuments({ parent: name, showWithdrawn: true });
      assert.deepEqual(
        audited.documents.map((d) => [d.name, d.withdrawReason, d.withdrawnBy]),
        [[first.name, "Filed on the wrong member", "medtech"]],
      );
      const rest = await restGet("lodpm", `/ect/v1/${name}/documents?showWithdrawn=true`);
      assert.equal(rest.json.documents.length, 1);
      assert.ok(
        (await grpcDownload("lodpm", first.name)).bytes.equals(Buffer.from(SMALL_PDF)),
        "kept, readable by an auditor",
      );
      assert.deepEqual(
        (await audits(name, "document_withdrawn")).map((a) => [a.actor, a.after.reason]),
        [["medtech", "Filed on the wrong member"]],
      );
      await rejects(
        documents("medtech").withdrawDocument({ name: first.name, reason: "again" }),
        Code.FailedPrecondition,
        /already withdrawn/,
      );
      // A new version supersedes a document: both kept, linked both ways.
      const v1 = await grpcUpload("medtech", name, SMALL_PDF, { filename: "v1.pdf" });
      const v2 = await grpcUpload("medtech", name, SMALL_PDF, { filename: "v2.pdf", supersedes: v1.name });
      assert.equal(v2.supersedes, v1.name);
      const listed = await documents("medtech").listDocuments({ parent: name });
      assert.equal(listed.documents.find((d) => d.name === v1.name)?.supersededBy, v2.name);
      await rejects(
        grpcUpload("medtech", name, SMALL_PDF, { supersedes: v1.name }),
        Code.FailedPrecondition,
        /already replaced/,
      );
    });

    it("categories follow the role and status; the memo categories are the server's alone", async () => {
      const name = await newCase();
      const open = await documents("medtech").listDocumentCategories({ parent: name });
      assert.deepEqual(
        open.categories.filter((c) => c.mayAdd).map((c) => c.code),
        ["medical_records", "orders", "other"],
      );
      const overRest = await restGet("medtech", `/ect/v1/${name}/documentCategories`);
      assert.equal(overRest.status, 200);
      assert.deepEqual(
        overRest.json.categories
          .filter((c: { mayAdd?: boolean }) => c.mayAdd)
          .map((c: { code: string }) => c.code),
        ["medical_records", "orders", "other"],
      );
      await rejects(
        grpcUpload("unitcc", name, SMALL_PDF),
        Code.PermissionDenied,
        /Unit Commander may not add/,
      );
      await rejects(
        grpcUpload("medtech", name, SMALL_PDF, { category: "determination_memo" }),
        Code.PermissionDenied,
        /only the server/,
      );
      await rejects(
        grpcUpload("medtech", name, SMALL_PDF, { category: "selfies" }),
        Code.InvalidArgument,
        /category/,
      );
    });

    it("a malformed case or document name is INVALID_ARGUMENT naming the field, on gRPC and REST", async () => {
      const client = documents("medtech");
      await rejects(grpcDownload("medtech", "cases/1/documents/x"), Code.InvalidArgument, /name/);
      await rejects(client.listDocuments({ parent: "cases/x" }), Code.InvalidArgument, /parent/);
      await rejects(client.listDocumentCategories({ parent: "cases/x" }), Code.InvalidArgument, /parent/);
      await rejects(
        client.withdrawDocument({ name: "documents/1", reason: "x" }),
        Code.InvalidArgument,
        /name/,
      );
      const memos = grpcClient(server.url, MemoService, tokens.get("medtech"));
      await rejects(memos.listCaseMemos({ parent: "cases/x" }), Code.InvalidArgument, /parent/);
      for (const path of [
        "/ect/v1/cases/x/documents",
        "/ect/v1/cases/x/memos",
        "/ect/v1/cases/x/documentCategories",
      ]) {
        const answer = await restGet("medtech", path);
        assert.equal(answer.status, 400, path);
        assert.match(JSON.stringify(answer.json), /parent/, path);
      }
    });

    it("another wing's user gets NOT_FOUND on every RPC and every REST route", async () => {
      const name = await newCase();
      const document = await grpcUpload("medtech", name, SMALL_PDF);
      const outsider = documents("medtech445");
      await rejects(outsider.listDocuments({ parent: name }), Code.NotFound);
      await rejects(outsider.listDocumentCategories({ parent: name }), Code.NotFound);
      await rejects(grpcDownload("medtech445", document.name), Code.NotFound);
      // medtech445 holds documentWithdraw, in the 445th: the permission does not reach past the units.
      await rejects(outsider.withdrawDocument({ name: document.name, reason: "x" }), Code.NotFound);
      await rejects(grpcUpload("medtech445", name, SMALL_PDF), Code.NotFound);
      assert.equal((await restGet("medtech445", `/ect/v1/${name}/documents`)).status, 404);
      assert.equal((await restDownload("medtech445", document.name)).response.status, 404);
      assert.equal((await restUpload("medtech445", name, SMALL_PDF)).status, 404);
      assert.equal(
        (await restPost("medtech445", `/ect/v1/${document.name}:withdraw`, { reason: "x" })).status,
        404,
      );
      const { rows } = await server.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_events WHERE action = 'document_read' AND actor = 'medtech445'",
      );
      assert.equal(rows[0].n, 0);
    });

    it("an upload has its own time limits: it may outlast the unary timeout, but not its own, nor stall", async () => {
      const paced = await startTestServer(database.url, {
        ECT_UNARY_TIMEOUT_MS: "2000",
        ECT_DOCUMENT_UPLOAD_TIMEOUT_MS: "6000",
        ECT_DOCUMENT_UPLOAD_IDLE_MS: "1500",
      });
      try {
        const token = await signIn(paced.url, "medtech");
        const client = grpcClient(paced.url, DocumentService, token);
        const { rows } = await paced.db.query<{ id: number }>(
          "SELECT id FROM members WHERE unit_id = 102 ORDER BY id LIMIT 1",
        );
        const parent = (
          await grpcClient(paced.url, CaseService, token).createCase({
            memberId: rows[0].id,
            incidentDescription: "Scanned at the clinic over a slow link",
          })
        ).name;
        const bytes = pdfOf(64 * 1024);
        /** The file in `pieces` messages, `gapMs` apart (and `stallMs` before the second). */
        async function* pacedUpload(pieces: number, gapMs: number, stallMs = 0) {
          const size = Math.ceil(bytes.length / pieces);
          yield create(UploadDocumentRequestSchema, {
            parent,
            category: "medical_records",
            filename: "slow.pdf",
            file: { contentType: "application/pdf", data: bytes.subarray(0, size) },
          });
          await new Promise((resolve) => setTimeout(resolve, stallMs));
          for (let at = size; at < bytes.length; at += size) {
            await new Promise((resolve) => setTimeout(resolve, gapMs));
            yield create(UploadDocumentRequestSchema, { file: { data: bytes.subarray(at, at + size) } });
          }
        }
        // 16 pieces 250 ms apart: twice the unary timeout, within the upload's own limit.
        const slow = await client.uploadDocument(pacedUpload(16, 250));
        assert.equal(slow.sha256, sha256(bytes));
        // 20 pieces 400 ms apart: past the upload's limit of 6 s.
        await rejects(client.uploadDocument(pacedUpload(20, 400)), Code.DeadlineExceeded);
        // A client that goes quiet after its first piece is cut after the idle limit, naming it.
        await rejects(
          client.uploadDocument(pacedUpload(4, 0, 4000)),
          Code.DeadlineExceeded,
          /ECT_DOCUMENT_UPLOAD_IDLE_MS/,
        );
        // Neither cut upload left a byte behind.
        const { rows: stored } = await paced.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM documents WHERE case_id = $1",
          [Number(parent.split("/")[1])],
        );
        assert.equal(stored[0].n, 1);
        const { rows: chunks } = await paced.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM document_chunks WHERE document_id NOT IN (SELECT id FROM documents)",
        );
        assert.equal(chunks[0].n, 0);
      } finally {
        await paced.stop();
      }
    });

    if (postgres) {
      it("a 100 MiB upload and its download each keep the live heap's growth under 32 MiB", async () => {
        // Its own server: a size limit above 100 MiB, and an upload time limit long enough for 100 MiB on a
        // loaded machine.
        const large = await startTestServer(database.url, {
          ECT_DOCUMENT_MAX_BYTES: String(LARGE_BYTES + MiB),
          ECT_DOCUMENT_UPLOAD_TIMEOUT_MS: "600000",
        });
        try {
          await transferLarge(large, await signIn(large.url, "medtech"));
        } finally {
          await large.stop();
        }
      });
    }

    /**
     * Uploads and downloads 100 MiB over REST, producing and hashing it piece by piece. Every 64 pieces the
     * process (server and client both live here) is collected and its live heap plus buffers sampled: a file
     * held whole anywhere would show as 100 MiB.
     */
    async function transferLarge(large: TestServer, token: string) {
      setFlagsFromString("--expose-gc");
      const gc = runInNewContext("gc") as () => void;
      // Twice: a full collection frees dead Buffers' memory on a concurrent sweeper thread, so right after
      // one `gc()` the freed bytes still count in `arrayBuffers` (one collection showed 40–50 MiB "live"
      // during the download, two show ~2 MiB); the second collection waits for the first one's sweep.
      const live = () => {
        gc();
        gc();
        const usage = process.memoryUsage();
        return usage.heapUsed + usage.arrayBuffers;
      };
      const { rows } = await large.db.query<{ id: number }>(
        "SELECT id FROM members WHERE unit_id = 102 ORDER BY id LIMIT 1",
      );
      const created = await grpcClient(large.url, CaseService, token).createCase({
        memberId: rows[0].id,
        incidentDescription: "Large scan",
      });
      const baseline = live();
      let peak = 0;
      let samples = 0;
      let sinceSample = 0;
      /** Samples once per 4 MiB that passes. */
      const sample = (bytes: number) => {
        sinceSample += bytes;
        if (sinceSample < 4 * MiB) return;
        sinceSample -= 4 * MiB;
        samples++;
        peak = Math.max(peak, live() - baseline);
      };
      const hash = createHash("sha256");
      const piece = randomBytes(64 * 1024);
      const body = Readable.from(
        (async function* () {
          for (let produced = 0; produced < LARGE_BYTES; produced += piece.length) {
            const out =
              produced === 0 ? Buffer.concat([Buffer.from("%PDF-1.7\n"), piece.subarray(9)]) : piece;
            hash.update(out);
            sample(out.length);
            yield out;
          }
        })(),
      );
      const uploaded = await new Promise<Record<string, string>>((resolve, reject) => {
        const target = new URL(
          `${large.url}/ect/v1/${created.name}/documents?category=medical_records&filename=large.pdf`,
        );
        const request = http.request(target, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/pdf" },
        });
        request.on("response", async (response) => {
          const parts: Buffer[] = [];
          for await (const part of response) parts.push(part as Buffer);
          const json = JSON.parse(Buffer.concat(parts).toString());
          if (response.statusCode === 200) resolve(json);
          else reject(new Error(`${response.statusCode} ${JSON.stringify(json)}`));
        });
        request.on("error", reject);
        body.pipe(request);
      });
      const uploadPeak = peak;
      const uploadSamples = samples;
      peak = 0;
      samples = 0;
      const expected = hash.digest("hex");
      assert.equal(uploaded.sha256, expected);
      assert.equal(String(uploaded.sizeBytes), String(LARGE_BYTES));
      // node:http on the client side too: fetch's body stream reads ahead, and this process holds both ends.
      const response = await new Promise<http.IncomingMessage>((resolve, reject) =>
        http
          .get(
            `${large.url}/ect/v1/${uploaded.name}:download`,
            {
              headers: { authorization: `Bearer ${token}` },
            },
            resolve,
          )
          .on("error", reject),
      );
      assert.equal(response.statusCode, 200);
      const downloaded = createHash("sha256");
      let size = 0;
      for await (const part of response as AsyncIterable<Uint8Array>) {
        downloaded.update(part);
        size += part.length;
        sample(part.length);
      }
      assert.equal(size, LARGE_BYTES);
      assert.equal(downloaded.digest("hex"), expected);
      assert.ok(uploadSamples >= 24 && samples >= 24, "the heap was sampled all through both transfers");
      assert.ok(
        uploadPeak < 32 * MiB,
        `the upload grew live heap and buffers by ${(uploadPeak / MiB).toFixed(1)} MiB`,
      );
      assert.ok(peak < 32 * MiB, `the download grew live heap and buffers by ${(peak / MiB).toFixed(1)} MiB`);
    }

    it("every demo LOD case that left Medical Officer Review carries a readable medical record", async () => {
      const { rows } = await server.db.query<{ id: number; records: number }>(
        `SELECT c.id, (SELECT count(*)::int FROM documents d JOIN document_categories dc ON dc.id = d.category_id
                       WHERE d.case_id = c.id AND dc.code = 'medical_records') AS records
         FROM cases c
         WHERE EXISTS (SELECT 1 FROM tracking t WHERE t.case_id = c.id AND t.work_status_id = 111 AND t.end_time IS NOT NULL)
         ORDER BY c.id`,
      );
      assert.ok(rows.length > 0, "the demo has cases past the medical officer");
      assert.deepEqual(
        rows.filter((row) => row.records === 0),
        [],
      );
      const listed = await documents("admin").listDocuments({ parent: `cases/${rows[0].id}` });
      const record = listed.documents.find((d) => d.category === "medical_records");
      assert.ok(record);
      const { bytes } = await grpcDownload("admin", record.name);
      assert.equal(sha256(bytes), record.sha256);
    });

    it("migration 015 brings a database seeded before it to the seeded categories and rule, and does nothing twice", async () => {
      const script = await readFile(
        new URL("../src/db/migrations/015_documents.sql", import.meta.url),
        "utf8",
      );
      const dataRows = script.slice(script.indexOf("-- The rows of a database seeded before this migration"));
      const rollback = new Error("rollback");
      await assert.rejects(
        server.db.transaction(async (tx) => {
          const seeded = await documentReference(tx);
          await tx.exec(`
            DELETE FROM required_documents;
            DELETE FROM case_memos;
            DELETE FROM document_chunks;
            DELETE FROM documents;
            DELETE FROM document_category_access;
            DELETE FROM document_categories;
            DELETE FROM role_permissions WHERE permission_id IN (15, 16);
            DELETE FROM permissions WHERE id IN (15, 16);`);
          assert.notDeepEqual(await documentReference(tx), seeded);
          await tx.exec(dataRows);
          assert.deepEqual(await documentReference(tx), seeded);
          await tx.exec(dataRows);
          assert.deepEqual(await documentReference(tx), seeded);
          throw rollback;
        }),
        (error) => error === rollback,
      );
    });

    async function forward(user: RouteUser, name: string) {
      await fillPart(form(user), user, name);
      return forwardOnly(user, name);
    }

    async function forwardOnly(user: string, name: string) {
      const before = await cases(user).getNextActions({ name });
      if (!before.signedByCaller) await cases(user).signCase({ name });
      const next = await cases(user).getNextActions({ name });
      const advance = next.actions.find((action) => action.kind === ActionKind.ADVANCE);
      assert.ok(advance, `${user} may forward`);
      return (await cases(user).takeAction({ name, optionId: advance.optionId })).case!;
    }

    async function restGet(user: string, path: string) {
      const response = await fetch(`${server.url}${path}`, {
        headers: { authorization: `Bearer ${tokens.get(user)}` },
      });
      // biome-ignore lint/suspicious/noExplicitAny: the REST answers are read as loose JSON, field by field
      return { status: response.status, json: (await response.json()) as Record<string, any> };
    }

    async function restPost(user: string, path: string, body: unknown) {
      const response = await fetch(`${server.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.get(user)}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      // biome-ignore lint/suspicious/noExplicitAny: the REST answers are read as loose JSON, field by field
      return { status: response.status, json: (await response.json()) as Record<string, any> };
    }
  });
}

/** The document reference data by content (category ids differ between a seed and a migration). */
async function documentReference(tx: Queryable): Promise<unknown[]> {
  const { rows } = await tx.query(
    `SELECT 'category' AS kind, c.workflow_id, c.code, c.name, c.system_only, c.sort_order::int,
            array(SELECT a.status_code_id || ':' || a.role_id FROM document_category_access a
                  WHERE a.category_id = c.id ORDER BY a.status_code_id, a.role_id) AS access,
            array(SELECT r.option_id FROM required_documents r WHERE r.category_id = c.id ORDER BY 1) AS required
     FROM document_categories c
     UNION ALL
     SELECT 'permission', rp.role_id, p.name, p.description, false, p.id, '{}'::text[], '{}'::int[]
     FROM permissions p JOIN role_permissions rp ON rp.permission_id = p.id WHERE p.id IN (15, 16)
     ORDER BY 1, 2, 3, 6`,
  );
  return rows;
}
