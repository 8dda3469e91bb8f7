/**
 * Case search and a member's LOD history (issue 20): the one box finds a case by case number, member name and
 * SSN last four, never outside the caller's units; the filters narrow; a full-SSN search needs ssnSearch and a
 * reason and is audited either way; the history lists exactly one member's cases in scope; the search as CSV
 * over REST parses with csv-parse and round-trips names with commas, quotes and newlines.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type MessageInitShape, toJson } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { parse } from "csv-parse/sync";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import { type Case, CaseState } from "../src/gen/ect/v1/resources_pb.js";
import {
  type SearchCasesRequestSchema,
  SearchService,
  SearchSort,
} from "../src/gen/ect/v1/search_service_pb.js";
import { TelemetryService, TraceSchema } from "../src/gen/ect/v1/telemetry_service_pb.js";
import { rejects } from "./support/assertions.js";
import { collect, grpcClient, signIn } from "./support/clients.js";
import { startTestServer, type TestServer, testDatabases } from "./support/test-server.js";

/** The member the test inserts: a name a CSV must quote (comma, quotes, newline), in the 729th AS (wing 10). */
const AWKWARD_LAST = 'Quillfeather, "Q"';
const AWKWARD_FIRST = "Ann\nMarie";
const SSN = "918273645";
/** A member of the same surname in the 89th AS (445th AW, unit 11): outside the 452nd's scope. */
const OTHER_SSN = "918273646";

for (const database of testDatabases()) {
  describe(`case search on ${database.name}`, () => {
    let server: TestServer;
    const tokens = new Map<string, string>();
    const users = ["medtech", "wingcc", "mpf", "lodpm", "medtech445", "admin"];
    const search = (user: string) => grpcClient(server.url, SearchService, tokens.get(user));
    const cases = (user: string) => grpcClient(server.url, CaseService, tokens.get(user));
    const logLines: string[] = [];
    let memberId = 0;
    let otherMemberId = 0;
    /** Cases of the inserted member: the first open, the second cancelled; and the other wing's case. */
    let open: Case;
    let cancelled: Case;
    let otherWing: Case;

    const found = async (user: string, request: MessageInitShape<typeof SearchCasesRequestSchema>) => {
      const batches = await collect(search(user).searchCases(request));
      return batches.flatMap((batch) => batch.cases);
    };
    const ids = (list: Case[]) => list.map((c) => c.id).sort((a, b) => a - b);

    async function insertMember(ssn: string, last: string, first: string, unitId: number): Promise<number> {
      const { rows } = await server.db.query<{ id: number }>(
        `INSERT INTO members (ssn, last_name, first_name, middle_name, grade, unit_id, date_of_birth, compo)
         VALUES ($1, $2, $3, '', 'E-4', $4, '1990-04-01', (SELECT code FROM compos ORDER BY code LIMIT 1))
         RETURNING id`,
        [ssn, last, first, unitId],
      );
      return rows[0].id;
    }

    before(async () => {
      // Every log line at debug level, to show the full SSN never reaches the log.
      server = await startTestServer(
        database.url,
        { ECT_LOG_LEVEL: "debug" },
        {
          write: (line: string) => {
            logLines.push(line);
          },
        },
      );
      for (const user of users) tokens.set(user, await signIn(server.url, user));
      memberId = await insertMember(SSN, AWKWARD_LAST, AWKWARD_FIRST, 102);
      otherMemberId = await insertMember(OTHER_SSN, "Quillfeather", "Bob", 104);
      open = await cases("medtech").createCase({
        memberId,
        incidentDescription: "Sprained ankle on the ramp",
      });
      cancelled = await cases("medtech").createCase({ memberId, incidentDescription: "Duplicate entry" });
      // Cancelled as the workflow's cancel status holds it (the cancel move itself is the workflow suites' test).
      await server.db.query(
        `UPDATE cases SET cancel_reason = 'Duplicate', work_status_id = (
           SELECT ws.id FROM work_statuses ws JOIN status_codes sc ON sc.id = ws.status_code_id
           WHERE ws.workflow_id = cases.workflow_id AND sc.is_cancel ORDER BY ws.id LIMIT 1)
         WHERE id = $1`,
        [cancelled.id],
      );
      otherWing = await cases("medtech445").createCase({
        memberId: otherMemberId,
        incidentDescription: "Back strain",
      });
    });
    after(async () => server?.stop());

    it("finds a case by its case number, and by a prefix of it", async () => {
      assert.deepEqual(ids(await found("medtech", { query: open.caseNumber })), [open.id]);
      const prefix = open.caseNumber.slice(0, 9);
      const byPrefix = await found("medtech", { query: prefix, limit: 5000 });
      assert.ok(byPrefix.some((c) => c.id === open.id));
      assert.ok(byPrefix.every((c) => c.caseNumber.startsWith(prefix)));
    });

    it("finds cases by member name words in any order, and nothing outside the caller's units", async () => {
      assert.deepEqual(ids(await found("medtech", { query: "quillfeather" })), ids([open, cancelled]));
      assert.deepEqual(ids(await found("medtech", { query: "ann QUILLF" })), ids([open, cancelled]));
      assert.deepEqual(ids(await found("medtech", { query: "bob quillfeather" })), [], "Bob is the 445th's");
      assert.deepEqual(ids(await found("medtech445", { query: "quillfeather" })), [otherWing.id]);
      // Naming the other wing's unit in the filter widens nothing: on gRPC and REST.
      for (const unitId of [11, 104]) {
        assert.deepEqual(ids(await found("medtech", { query: "quillfeather", filter: { unitId } })), []);
        assert.deepEqual(ids(await found("medtech", { filter: { unitId } })), [], `filter.unit_id=${unitId}`);
      }
      const viaRest = await fetch(`${server.url}/ect/v1/cases:search?query=quillfeather&filter.unitId=104`, {
        headers: { authorization: `Bearer ${tokens.get("medtech")}` },
      });
      assert.equal(viaRest.status, 200);
      assert.doesNotMatch(await viaRest.text(), new RegExp(otherWing.caseNumber));
      // HQ AFRC sees every wing.
      assert.deepEqual(
        ids(await found("lodpm", { query: "quillfeather" })),
        ids([open, cancelled, otherWing]),
      );
    });

    it("finds cases by the SSN's last four, masked, and only in the caller's units", async () => {
      const mine = await found("medtech", { query: SSN.slice(-4) });
      assert.ok(mine.some((c) => c.id === open.id));
      assert.ok(mine.every((c) => c.member?.maskedSsn.endsWith(SSN.slice(-4))));
      assert.ok(
        mine.every((c) => !c.member?.maskedSsn.includes(SSN.slice(0, 5))),
        "masked",
      );
      const theirs = await found("medtech445", { query: SSN.slice(-4) });
      assert.ok(!theirs.some((c) => c.id === open.id || c.id === cancelled.id));
      const { rows } = await server.db.query<{ id: number }>(
        "SELECT descendant_id AS id FROM unit_tree WHERE ancestor_id = 11",
      );
      const scope = new Set(rows.map((r) => r.id));
      assert.ok(
        theirs.every((c) => scope.has(c.unit!.id)),
        "every result in the 445th AW's units",
      );
    });

    it("filters narrow the result: state, formal, unit, workflow, dates, determination, my cases, overdue", async () => {
      const q = "quillfeather";
      const both = ids([open, cancelled]);
      assert.deepEqual(ids(await found("medtech", { query: q, filter: { state: CaseState.OPEN } })), [
        open.id,
      ]);
      assert.deepEqual(ids(await found("medtech", { query: q, filter: { state: CaseState.CANCELLED } })), [
        cancelled.id,
      ]);
      assert.deepEqual(
        ids(await found("medtech", { query: q, filter: { status: [open.status!.workStatusId] } })),
        [open.id],
      );
      assert.deepEqual(ids(await found("medtech", { query: q, filter: { formal: false } })), both);
      assert.deepEqual(ids(await found("medtech", { query: q, filter: { formal: true } })), []);
      assert.deepEqual(ids(await found("medtech", { query: q, filter: { unitId: 102 } })), both);
      assert.deepEqual(ids(await found("medtech", { query: q, filter: { unitId: 101 } })), []);
      assert.deepEqual(
        ids(await found("medtech", { query: q, filter: { workflowId: open.workflowId } })),
        both,
      );
      assert.deepEqual(ids(await found("medtech", { query: q, filter: { workflowId: 9999 } })), []);
      const today = new Date().toISOString().slice(0, 10);
      assert.deepEqual(ids(await found("medtech", { query: q, filter: { createdFrom: today } })), both);
      assert.deepEqual(ids(await found("medtech", { query: q, filter: { createdTo: "2000-01-01" } })), []);
      assert.deepEqual(
        ids(await found("medtech", { query: q, filter: { completedFrom: "2000-01-01" } })),
        [],
        "",
      );
      assert.deepEqual(ids(await found("medtech", { query: q, filter: { determination: "ILOD" } })), []);
      // My cases: medtech created both; the wing commander neither created nor holds them.
      assert.deepEqual(ids(await found("medtech", { query: q, filter: { myCases: true } })), both);
      assert.deepEqual(ids(await found("wingcc", { query: q, filter: { myCases: true } })), []);
      // Overdue: the open case has sat 20 days in its status.
      assert.deepEqual(ids(await found("medtech", { query: q, filter: { overdue: true } })), []);
      await server.db.query(
        "UPDATE tracking SET start_time = now() - interval '20 days' WHERE id = (SELECT max(id) FROM tracking WHERE case_id = $1)",
        [open.id],
      );
      assert.deepEqual(ids(await found("medtech", { query: q, filter: { overdue: true } })), [open.id]);
    });

    it("sorts newest first by default, oldest first or by case number on request", async () => {
      const newest = await found("medtech", { query: "quillfeather" });
      assert.deepEqual(
        newest.map((c) => c.id),
        [cancelled.id, open.id],
      );
      const oldest = await found("medtech", { query: "quillfeather", sort: SearchSort.OLDEST });
      assert.deepEqual(
        oldest.map((c) => c.id),
        [open.id, cancelled.id],
      );
      const byNumber = await found("lodpm", { query: "quillfeather", sort: SearchSort.CASE_NUMBER });
      const numbers = byNumber.map((c) => c.caseNumber);
      assert.deepEqual(numbers, [...numbers].sort());
    });

    it("refuses bad input naming the field, without echoing the query", async () => {
      await rejects(found("medtech", { query: "ab" }), Code.InvalidArgument, /query/);
      await rejects(found("medtech", { query: "drop;table" }), Code.InvalidArgument, /query/);
      await rejects(
        found("medtech", { filter: { createdFrom: "2026-02-30" } }),
        Code.InvalidArgument,
        /created_from/,
      );
      await rejects(
        found("medtech", { filter: { createdFrom: "2026-03-02", createdTo: "2026-03-01" } }),
        Code.InvalidArgument,
        /created_to/,
      );
    });

    it("a full-SSN search without ssnSearch is PERMISSION_DENIED and audited as denied", async () => {
      await rejects(found("medtech", { query: SSN, reason: "curious" }), Code.PermissionDenied, /ssnSearch/);
      const { rows } = await server.db.query<{ actor: string; after: Record<string, string> }>(
        "SELECT actor, after FROM audit_events WHERE action = 'ssn_search_denied' ORDER BY id",
      );
      assert.equal(rows.length, 1);
      assert.equal(rows[0].actor, "medtech");
      assert.equal(rows[0].after.reason, "curious");
      assert.equal(rows[0].after.ssnLastFour, SSN.slice(-4));
      assert.ok(!JSON.stringify(rows).includes(SSN), "the audit trail never holds the full SSN");
    });

    it("a full-SSN search with ssnSearch needs a reason, finds the member's cases and is audited with who and why", async () => {
      await rejects(found("mpf", { query: SSN }), Code.InvalidArgument, /reason/);
      const dashed = `${SSN.slice(0, 3)}-${SSN.slice(3, 5)}-${SSN.slice(5)}`;
      const result = await found("mpf", { query: dashed, reason: "Records correction request 42" });
      assert.deepEqual(ids(result), ids([open, cancelled]));
      // The program manager (HQ AFRC) finds the other wing's member by theirs.
      assert.deepEqual(ids(await found("lodpm", { query: OTHER_SSN, reason: "Audit sample" })), [
        otherWing.id,
      ]);
      const { rows } = await server.db.query<{
        actor: string;
        after: Record<string, string>;
        entity_id: string;
      }>("SELECT actor, after, entity_id FROM audit_events WHERE action = 'ssn_search' ORDER BY id");
      assert.deepEqual(
        rows.map((r) => [r.actor, r.after.reason, r.after.ssnLastFour]),
        [
          ["mpf", "Records correction request 42", SSN.slice(-4)],
          ["lodpm", "Audit sample", OTHER_SSN.slice(-4)],
        ],
      );
      assert.ok(!JSON.stringify(rows).includes(SSN) && !JSON.stringify(rows).includes(OTHER_SSN));
      const denied = await server.db.query(
        "SELECT 1 FROM audit_events WHERE action = 'ssn_search_denied' AND actor = 'mpf'",
      );
      assert.equal(denied.rowCount, 1, "the refusal for want of a reason is audited too");
    });

    it("the full SSN searched for never reaches the log or the traces", async () => {
      const ssnSearches = await server.db.query("SELECT 1 FROM audit_events WHERE action LIKE 'ssn_search%'");
      assert.ok((ssnSearches.rowCount ?? 0) >= 3, "the full-SSN searches above ran");
      assert.ok(logLines.length > 0, "the log was captured");
      const log = logLines.join("");
      assert.ok(!log.includes(SSN) && !log.includes(OTHER_SSN), "no full SSN in the log");
      const telemetry = grpcClient(server.url, TelemetryService, tokens.get("admin"));
      const { traces } = await telemetry.searchTraces({ method: "SearchCases" });
      assert.ok(traces.length > 0, "the searches were traced");
      for (const summary of traces) {
        const trace = await telemetry.getTrace({ traceId: summary.traceId });
        const text = JSON.stringify(toJson(TraceSchema, trace));
        assert.ok(
          !text.includes(SSN) && !text.includes(OTHER_SSN),
          `no full SSN in trace ${summary.traceId}`,
        );
      }
    });

    it("a member's history lists exactly that member's cases in the caller's scope", async () => {
      const history = (user: string, member: string) =>
        collect(search(user).listMemberCases({ member })).then((batches) => batches.flatMap((b) => b.cases));
      const mine = await history("medtech", `members/${memberId}`);
      assert.deepEqual(
        mine.map((c) => c.id),
        [cancelled.id, open.id],
      );
      assert.ok(
        mine.every((c) => c.member?.id === memberId && !c.member.maskedSsn.includes(SSN.slice(0, 5))),
      );
      assert.deepEqual(
        await history("medtech445", `members/${memberId}`),
        [],
        "another wing sees none of them",
      );
      assert.deepEqual(
        (await history("medtech445", `members/${otherMemberId}`)).map((c) => c.id),
        [otherWing.id],
      );
      await rejects(history("medtech", "member/1"), Code.InvalidArgument, /member/);
    });

    describe("over REST", () => {
      const rest = (user: string, path: string, accept = "application/json") =>
        fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${tokens.get(user)}`, accept } });

      it("GET /ect/v1/cases:search binds query and filter.status; NDJSON by default", async () => {
        const res = await rest(
          "medtech",
          `/ect/v1/cases:search?query=quillfeather&filter.status=${open.status!.workStatusId}&filter.state=CASE_STATE_OPEN`,
        );
        assert.equal(res.status, 200);
        const lines = (await res.text())
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line));
        assert.deepEqual(
          lines.flatMap((l) => l.cases.map((c: { id: number }) => c.id)),
          [open.id],
        );
      });

      it("the search as CSV parses with csv-parse, has a header row and round-trips awkward names", async () => {
        const res = await rest(
          "medtech",
          "/ect/v1/cases:search?query=quillfeather&sort=SEARCH_SORT_OLDEST",
          "text/csv",
        );
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
        assert.equal(res.headers.get("content-disposition"), 'attachment; filename="SearchCases.csv"');
        const text = await res.text();
        const [header] = parse(text, { to_line: 1 }) as string[][];
        assert.ok(
          header.includes("caseNumber") && header.includes("member.lastName") && header.includes("state"),
        );
        const rows = parse(text, { columns: true }) as Record<string, string>[];
        assert.deepEqual(
          rows.map((r) => [r.id, r.caseNumber, r["member.lastName"], r["member.firstName"], r.state]),
          [
            [String(open.id), open.caseNumber, AWKWARD_LAST, AWKWARD_FIRST, "CASE_STATE_OPEN"],
            [String(cancelled.id), cancelled.caseNumber, AWKWARD_LAST, AWKWARD_FIRST, "CASE_STATE_CANCELLED"],
          ],
        );
        assert.ok(!text.includes(SSN), "the SSN leaves masked");
      });

      it("a full-SSN search is also a POST with the query in the body, out of the URL", async () => {
        const res = await fetch(`${server.url}/ect/v1/cases:search`, {
          method: "POST",
          headers: { authorization: `Bearer ${tokens.get("medtech")}`, "content-type": "application/json" },
          body: JSON.stringify({ query: SSN, reason: "x" }),
        });
        assert.equal(res.status, 403);
      });

      it("GET /ect/v1/members/{member}/cases is the member's history, as CSV too", async () => {
        const json = await rest("medtech", `/ect/v1/members/${memberId}/cases`);
        assert.equal(json.status, 200);
        const csv = await rest("medtech", `/ect/v1/members/${memberId}/cases`, "text/csv");
        const rows = parse(await csv.text(), { columns: true }) as Record<string, string>[];
        assert.deepEqual(
          rows.map((r) => r.id),
          [String(cancelled.id), String(open.id)],
        );
      });
    });
  });
}
