import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Code } from "@connectrpc/connect";
import { PgliteDb } from "../src/db/pglite-db.js";
import type { Icd10Code } from "../src/gen/ect/v1/icd10_service_pb.js";
import { Icd10Service } from "../src/gen/ect/v1/icd10_service_pb.js";
import { Icd10FileError } from "../src/services/icd10/cms-code-file.js";
import { importIcd10File } from "../src/services/icd10/import-icd10.js";
import { rejects } from "./support/assertions.js";
import { collect, grpcClient, signIn } from "./support/clients.js";
import { fetchFor, parseNdjson } from "./support/http-streams.js";
import { startTestServer, type TestServer, testDatabases } from "./support/test-server.js";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
/** The CMS FY2022 order file cut to the curated codes, their category headers and a few more (the orca). */
const ORDER_EXTRACT = fixture("icd10cm_order_2022_extract.txt");
/** Seven lines of the CMS FY2022 code file, none of them in the curated list but the cholera codes. */
const CODES_EXTRACT = fixture("icd10cm_codes_2022_extract.txt");
const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));

const codesOf = (items: readonly Icd10Code[]) => items.map((item) => item.code);

for (const database of testDatabases()) {
  describe(`the ICD-10-CM lookup on ${database.name}`, { timeout: 300_000 }, () => {
    let server: TestServer;
    let token: string;
    let client: ReturnType<typeof grpcClient<typeof Icd10Service>>;
    const list = async (query: string, more: { billableOnly?: boolean } = {}) =>
      codesOf((await client.listIcd10Codes({ query, pageSize: 1000, ...more })).codes);
    const rest = (path: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
      fetchFor(`${server.url}${path}`, { headers }, 30_000);

    before(async () => {
      // Small first stream pages, so a stream of a few dozen codes comes in several batches.
      server = await startTestServer(database.url, { ECT_STREAM_FIRST_PAGE_SIZE: "10" });
      token = await signIn(server.url, "medtech");
      client = grpcClient(server.url, Icd10Service, token);
    });
    after(async () => server?.stop());

    it("finds a code by its prefix with or without the dot, in any case, and shows it with the dot", async () => {
      assert.deepEqual(await list("s62.1"), ["S62101A", "S62102A"]);
      assert.deepEqual(await list("S621"), ["S62101A", "S62102A"]);
      const { codes } = await client.listIcd10Codes({ query: "s62.101a" });
      assert.equal(codes.length, 1);
      assert.equal(codes[0].name, "icd10Codes/S62101A");
      assert.equal(codes[0].code, "S62101A");
      assert.equal(codes[0].displayCode, "S62.101A");
      assert.equal(
        codes[0].description,
        "Fracture of unspecified carpal bone, right wrist, initial encounter for closed fracture",
      );
      assert.equal(codes[0].billable, true);
    });

    it("finds codes by the words of their description, each word matched as the start of a word", async () => {
      assert.deepEqual(await list("sprain anterior cruciate"), ["S83511A", "S83512A"]);
      assert.deepEqual(await list("POST traum"), ["F4310", "F4311", "F4312"]);
      assert.deepEqual(await list("heat exhaust"), ["T673XXA", "T674XXA", "T675XXA"]);
      assert.deepEqual(await list("exhaust knee"), [], "every word must match");
    });

    it("pages through a search in code order, each code once, until an empty page token", async () => {
      const pages: string[][] = [];
      let pageToken = "";
      do {
        const page = await client.listIcd10Codes({ query: "s83", pageSize: 4, pageToken });
        pages.push(codesOf(page.codes));
        pageToken = page.nextPageToken;
      } while (pageToken && pages.length < 20);
      const all = pages.flat();
      assert.deepEqual(
        pages.map((page) => page.length),
        [4, 4, 4, 3],
      );
      assert.deepEqual(all, [...all].sort(), "code order");
      assert.equal(new Set(all).size, all.length, "each code once");
      assert.deepEqual(all, await list("s83"));
    });

    it("streams the same codes over gRPC and over REST as NDJSON, and stops at the limit", async () => {
      const grpc = (await collect(client.streamIcd10Codes({ query: "fracture" }))).flatMap(
        (batch) => batch.codes,
      );
      assert.ok(grpc.length > 40, `${grpc.length} fractures`);
      assert.deepEqual(codesOf(grpc), await list("fracture"));
      const res = await rest("/ect/v1/icd10Codes:stream?query=fracture");
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^application\/x-ndjson/);
      const lines = parseNdjson(res.text) as { codes: { code: string; displayCode: string }[] }[];
      assert.ok(lines.length > 1, "more than one batch");
      assert.deepEqual(
        lines.flatMap((line) => line.codes.map((code) => code.code)),
        codesOf(grpc),
      );
      const limited = parseNdjson((await rest("/ect/v1/icd10Codes:stream?query=fracture&limit=5")).text) as {
        codes: unknown[];
      }[];
      assert.equal(limited.flatMap((line) => line.codes).length, 5);
    });

    it("answers the list over REST, its page token included", async () => {
      const res = await rest("/ect/v1/icd10Codes?query=s83.5&pageSize=1");
      assert.equal(res.status, 200);
      const body = JSON.parse(res.text) as { codes: { displayCode: string }[]; nextPageToken: string };
      assert.deepEqual(
        body.codes.map((code) => code.displayCode),
        ["S83.511A"],
      );
      const next = await rest(`/ect/v1/icd10Codes?query=s83.5&pageSize=1&pageToken=${body.nextPageToken}`);
      assert.deepEqual(
        (JSON.parse(next.text) as { codes: { displayCode: string }[] }).codes.map((code) => code.displayCode),
        ["S83.512A"],
      );
    });

    it("refuses a caller without a token: 401 over REST, UNAUTHENTICATED over gRPC", async () => {
      assert.equal((await rest("/ect/v1/icd10Codes?query=knee", {})).status, 401);
      assert.equal((await rest("/ect/v1/icd10Codes:stream?query=knee", {})).status, 401);
      const anonymous = grpcClient(server.url, Icd10Service);
      await rejects(anonymous.listIcd10Codes({ query: "knee" }), Code.Unauthenticated);
      await rejects(collect(anonymous.streamIcd10Codes({ query: "knee" })), Code.Unauthenticated);
    });

    it("refuses a bad query, page size or page token with 400 / INVALID_ARGUMENT naming the field", async () => {
      const long = "a".repeat(101);
      for (const path of [`/ect/v1/icd10Codes?query=${long}`, `/ect/v1/icd10Codes:stream?query=${long}`]) {
        const res = await rest(path);
        assert.equal(res.status, 400, path);
        assert.match((JSON.parse(res.text) as { message: string }).message, /query: at most 100 characters/);
      }
      await rejects(client.listIcd10Codes({ query: "%%%" }), Code.InvalidArgument, /^query: /);
      await rejects(collect(client.streamIcd10Codes({ query: long })), Code.InvalidArgument, /^query: /);
      await rejects(
        client.listIcd10Codes({ query: "knee", pageSize: 1001 }),
        Code.InvalidArgument,
        /^page_size: /,
      );
      await rejects(
        client.listIcd10Codes({ pageToken: "bm90LWEtdG9rZW4" }),
        Code.InvalidArgument,
        /^page_token: /,
      );
      const res = await rest("/ect/v1/icd10Codes?pageToken=junk");
      assert.equal(res.status, 400);
      assert.match((JSON.parse(res.text) as { message: string }).message, /page_token/);
    });

    it("imports a CMS order file in one transaction, after which its codes and headers are found", async () => {
      assert.deepEqual(await list("orca"), []);
      assert.deepEqual(await importIcd10File(server.db, ORDER_EXTRACT), { format: "order", codes: 1420 });
      assert.deepEqual(await list("orca"), ["W562", "W5621", "W5621XA"]);
      assert.deepEqual(await list("orca", { billableOnly: true }), ["W5621XA"]);
      const [header] = (await client.listIcd10Codes({ query: "S83.5" })).codes;
      assert.deepEqual(
        [header.displayCode, header.description, header.billable],
        ["S83.5", "Sprain of cruciate ligament of knee", false],
      );
    });

    it("imports nothing from a file with a line out of format, and names the line", async () => {
      const dir = await mkdtemp(join(tmpdir(), "ect-icd10-"));
      try {
        const file = join(dir, "broken.txt");
        const lines = [
          "V9107XA Burn due to water-skis on fire, initial encounter",
          "W6162XD Struck by duck, subsequent encounter",
          "W6162XD",
        ];
        await writeFile(file, `${lines.join("\r\n")}\r\n`);
        // One code per batch: the first two are written before the third line fails.
        await assert.rejects(importIcd10File(server.db, file, { batchSize: 1 }), (error: unknown) => {
          assert.ok(error instanceof Icd10FileError);
          assert.equal(error.lineNumber, 3);
          return true;
        });
        assert.deepEqual(await list("water skis"), []);
        assert.deepEqual(await list("duck"), []);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    /** Runs `ect admin import-icd10 FILE` against this suite's database, or an embedded one in `dataDir`. */
    const importCommand = (file: string, dataDir: string) =>
      run(process.execPath, ["--import", "tsx", "src/cli.ts", "admin", "import-icd10", file], {
        cwd: root,
        env: {
          ...process.env,
          ECT_LOG_LEVEL: "info",
          // The embedded database belongs to the running server's process: the command gets its own.
          ...(database.url
            ? { ECT_DATABASE_URL: server.config.databaseUrl ?? "" }
            : { ECT_DATA_DIR: dataDir }),
        },
        timeout: 120_000,
      });

    // On the embedded database the command opens its own (in `dir`), as an operator's would.
    it("refuses a broken file with `ect admin import-icd10`, naming the file and line, and imports nothing", async () => {
      const dir = await mkdtemp(join(tmpdir(), "ect-icd10-cli-"));
      try {
        const broken = join(dir, "broken.txt");
        await writeFile(
          broken,
          "V9542XA Forced landing of spacecraft injuring occupant, initial encounter\nnot a line\n",
        );
        await assert.rejects(importCommand(broken, dir), (error: { code?: number; stderr?: string }) => {
          assert.equal(error.code, 1);
          assert.match(error.stderr ?? "", /broken\.txt: line 2: not a code-file line .*; nothing imported/);
          return true;
        });
        assert.deepEqual(await list("spacecraft"), []);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it("loads a CMS code file with `ect admin import-icd10 FILE`", async () => {
      const dir = await mkdtemp(join(tmpdir(), "ect-icd10-cli-"));
      try {
        await importCommand(CODES_EXTRACT, join(dir, "data"));
        const db = database.url ? server.db : await PgliteDb.open(join(dir, "data"));
        try {
          const { rows } = await db.query<{ code: string }>(
            "SELECT code FROM icd10_codes WHERE code IN ('V9542XA', 'V9107XA', 'W5622XA', 'W6162XD') ORDER BY code",
          );
          assert.deepEqual(
            rows.map((row) => row.code),
            ["V9107XA", "V9542XA", "W5622XA", "W6162XD"],
          );
        } finally {
          if (!database.url) await db.close();
        }
        if (database.url) assert.deepEqual(await list("spacecraft"), ["V9542XA"]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
