import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { toJson } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { loadConfig } from "../../config.js";
import type { Db } from "../../db/db.js";
import { WorkflowService } from "../../gen/workflow/workflow_pb.js";
import { pageSource } from "../../streams/page-source.js";
import {
  type AnyLookup,
  deriveLookup,
  type LookupPaging,
  lookupStream,
  UNARY_LOOKUP_MAX_ITEMS,
} from "./lookup.js";
import { callerFor, clientAs, collect, openSeededDb } from "./test-harness.js";
import { lookups, workflowService } from "./workflow-service.js";

let db: Db;
let client: ReturnType<typeof clientAs>;
/** lodCase: the first 452nd case waiting on the wing commander (whom its mailing list names). */
let ids: { lodCase: number; medtech: number; boardtech: number };

before(async () => {
  db = await openSeededDb();
  client = clientAs(db, await callerFor(db, "admin"));
  const { rows } = await db.query<{ lod: number; medtech: number; boardtech: number }>(
    `SELECT (SELECT min(c.id) FROM cases c JOIN work_statuses ws ON ws.id = c.work_status_id
             WHERE ws.status_code_id = 14 AND c.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = 10)) AS lod,
            (SELECT id FROM users WHERE username = 'medtech') AS medtech,
            (SELECT id FROM users WHERE username = 'boardtech') AS boardtech`,
  );
  await db.query("INSERT INTO case_locks (case_id, module_id, user_id) VALUES ($1, 2, $2)", [
    rows[0].lod,
    rows[0].medtech,
  ]);
  ids = { lodCase: rows[0].lod, medtech: rows[0].medtech, boardtech: rows[0].boardtech };
});
after(() => db.close());

/** A request for each lookup that finds seeded rows. */
const requests = (): Record<string, object> => ({
  getManagedUsers: { showAllUsers: true },
  getUserAltTitle: { groupId: 2 },
  getUserAltTitleByGroupCompo: { groupId: 4, workCompo: 6 },
  getUsersAltTitleByGroup: { groupId: 4 },
  getUserName: { first: "Maria", last: "Santos" },
  getUsersOnline: {},
  getWhois: { userId: ids.medtech },
  hasHQTechAccount: { userEdipin: "1000000013" },
  getMailingListForLOD: { refId: ids.lodCase },
  getReinvestigationRequests: { userId: ids.boardtech },
  getActiveCases: {},
  getAllLocks: {},
  searchMemberData: { lastName: "Sm" },
  searchMemberDataTest: { name: "Sm" },
  getWorkflowsByRefId: { refId: ids.lodCase },
  getWorkflowsByRefIdAndType: { refId: ids.lodCase, workflowType: 1 },
  getWorkstatusesByRefId: { refId: ids.lodCase },
  getWorkstatusesByRefIdAndType: { refId: ids.lodCase, workstatusType: 1 },
  getWorkflowByCompo: { compo: "6" },
  getViewableByGroup: { groupId: 2 },
  getCreatableByGroup: { groupId: 1 },
  getWorkflowFromModule: { moduleId: 2 },
  getModuleFromWorkflow: { workflowId: 1 },
  getWorkflowInitialStatusCode: { workflowId: 1 },
  getWorkflowTitle: { moduleId: 5 },
  getWorkflowTitleByWorkStatusId: { workflowId: 1 },
  getPermissions: { workflowId: 1 },
  getPermissionsByCompo: { workflowId: 1, compo: "6" },
  getPagesByWorkflowId: { workflowId: 1 },
  getPageAccessByGroup: { workflow: 1, status: 12, group: 4 },
  getPageAccessByWorkflowView: { workflow: 1, status: 12, compo: "6" },
  getWorkflowById: { workflowId: 2 },
  getWorkflowTypes: {},
  getStepsByWorkflow: { workflow: 1 },
  getStepsByWorkflowAndStatus: { workflow: 1, status: 15 },
  getActionsByStep: { stepId: 1 },
  isFinalStatusCode: { statusId: 19 },
  getStatusCodesByCompo: { compo: "6" },
  getStatusCodesByCompoAndModule: { compo: "6", module: 5 },
  getStatusCodesBySignCode: { groupId: 5 },
  getStatusCodesByWorkflow: { workflowId: 1 },
  getStatusCodesByWorkflowAndAccessScope: { workflowId: 1, accessScope: 3 },
  getStatusCodeScope: { statusId: 15 },
  getWorkstatusById: { workstatusId: 112 },
  getWorkstatusTypes: {},
  getCancelReasons: { workflowId: 1, isFormal: false },
  getReturnReasons: { workflowId: 1 },
  getRwoaReasons: { workflowId: 1 },
  getFindings: { workflowId: 1, groupId: 8 },
  getAllFindingByReasonOf: {},
  getFindingByReasonOfById: { id: 3 },
  getAllLogs: {},
  isProcessActive: { processName: "AuditArchive" },
  findProcessLastExecutionDate: { processName: "SessionCleanup" },
});

type AnyCall = (request: object) => Promise<{ items: unknown[] }>;
type AnyStream = (request: object) => AsyncIterable<unknown>;

describe("the lookup registry", () => {
  test("derives a unary RPC and its stream twin for every lookup, and the service implements all 135 RPCs", () => {
    const declared = lookups.map((lookup) => lookup.name).sort();
    assert.deepEqual(declared, Object.keys(requests()).sort());
    const impl = workflowService({ db, streaming: { firstPageSize: 2, pageSize: 5 } }) as unknown as Record<
      string,
      unknown
    >;
    const methods = Object.keys(WorkflowService.method);
    assert.equal(methods.length, 135);
    assert.deepEqual(
      methods.filter((name) => typeof impl[name] !== "function"),
      [],
    );
    assert.equal(Object.keys(impl).length, 135);
  });

  test("every lookup finds seeded rows and its stream twin yields exactly the unary items, across keyset pages", async () => {
    const calls = client as unknown as Record<string, AnyCall & AnyStream>;
    for (const [name, request] of Object.entries(requests())) {
      const unary = await (calls[name] as AnyCall)(request);
      const streamed = await collect((calls[`${name}Stream`] as AnyStream)(request));
      assert.ok(unary.items.length > 0, `${name} found no rows`);
      const schema = WorkflowService.method[`${name}Stream` as keyof typeof WorkflowService.method].output;
      const json = (items: unknown[]) => items.map((item) => toJson(schema, item as never));
      assert.deepEqual(json(streamed), json(unary.items), `${name}: stream and unary differ`);
    }
  });

  test("answers come from the data: SSNs are masked, ids are real, the HQ technician count is real", async () => {
    const members = await client.searchMemberData({ lastName: "Sm" });
    for (const member of members.items) assert.match(member.ssn, /^\*\*\*-\*\*-\d{4}$/);
    // The case waits on the wing commander: the active wing commanders of its unit and the units above it.
    const list = await client.getMailingListForLOD({ refId: ids.lodCase });
    const wingCommanders = await db.query<{ id: number }>(
      `SELECT u.id FROM users u JOIN cases c ON c.id = $1
       WHERE u.current_role_id = 6 AND u.account_status = 'active'
         AND u.unit_id IN (SELECT ancestor_id FROM unit_tree WHERE descendant_id = c.unit_id) ORDER BY u.id`,
      [ids.lodCase],
    );
    assert.ok(wingCommanders.rows.length > 0);
    assert.deepEqual(
      list.items.map((item) => item.id),
      wingCommanders.rows.map((row) => row.id),
    );
    const inbox = await client.getReinvestigationRequests({ userId: ids.boardtech });
    assert.equal(inbox.count, inbox.items.length);
    assert.match(inbox.items[0].description, /^RR-\S+ \| \*\*\*-\*\*-\d{4} \| /);
    const hq = await client.hasHQTechAccount({ userEdipin: "1000000013" });
    assert.equal(hq.items[0].hasAccount, true);
    const none = await client.hasHQTechAccount({ userEdipin: "1000000001" });
    assert.equal(none.items[0].hasAccount, false);
    const locks = await client.getAllLocks({});
    assert.deepEqual(
      locks.items.map((lock) => [lock.userId, lock.lockType]),
      [[ids.medtech, "Line of Duty"]],
    );
    const name = await client.getUserName({ first: "Maria", last: "Santos" });
    assert.equal(name.items[0].fullName, "maria.santos");
  });

  test("case reads answer exactly the cases of the caller's units: none outside, none missing", async () => {
    const medtech445 = clientAs(db, await callerFor(db, "medtech445"));
    const expected = await db.query<{ id: number }>(
      `SELECT c.id FROM cases c
       JOIN work_statuses ws ON ws.id = c.work_status_id JOIN status_codes sc ON sc.id = ws.status_code_id
       WHERE NOT sc.is_final AND c.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = 11)
       ORDER BY c.id DESC`,
    );
    const everyOpen = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM cases c
       JOIN work_statuses ws ON ws.id = c.work_status_id JOIN status_codes sc ON sc.id = ws.status_code_id
       WHERE NOT sc.is_final`,
    );
    assert.ok(
      expected.rows.length > 0 && expected.rows.length < everyOpen.rows[0].n,
      "the seed has open cases in the 445th's units and outside them",
    );
    const expectedIds = expected.rows.map((row) => row.id);
    const active = await medtech445.getActiveCases({});
    assert.deepEqual(
      active.items.map((item) => item.caseId),
      expectedIds,
    );
    const streamed = await collect(medtech445.getActiveCasesStream({}));
    assert.deepEqual(
      streamed.map((item) => item.caseId),
      expectedIds,
    );
    // The lock the suite set is on a 452nd case: the 445th sees no lock, the administrator sees it.
    assert.deepEqual((await medtech445.getAllLocks({})).items, []);
    assert.equal((await client.getAllLocks({})).items.length, 1);
  });

  test("a case outside the caller's units reads as a case that does not exist: an empty answer, as ECTSystem gives", async () => {
    // ECTSystem's WorkflowService answers these lookups with whatever rows its procedure returns and never
    // NOT_FOUND, so an unknown ref_id is an empty list on the wire; a case the caller may not see answers the
    // same, revealing nothing (docs/compatibility.md, "Everywhere").
    const medtech445 = clientAs(db, await callerFor(db, "medtech445"));
    const medtech = clientAs(db, await callerFor(db, "medtech"));
    const { rows } = await db.query<{ unit_id: number; in_452nd: boolean; missing: number }>(
      `SELECT c.unit_id, c.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = 10) AS in_452nd,
              (SELECT max(id) + 1000 FROM cases) AS missing
       FROM cases c WHERE c.id = $1`,
      [ids.lodCase],
    );
    assert.equal(rows[0].in_452nd, true, "the suite's case is a 452nd case");
    const calls = (caller: typeof client) => caller as unknown as Record<string, AnyCall & AnyStream>;
    const reads: [string, (refId: number) => object][] = [
      ["getWorkflowsByRefId", (refId) => ({ refId })],
      ["getWorkflowsByRefIdAndType", (refId) => ({ refId, workflowType: 1 })],
      ["getWorkstatusesByRefId", (refId) => ({ refId })],
      ["getWorkstatusesByRefIdAndType", (refId) => ({ refId, workstatusType: 1 })],
      ["getMailingListForLOD", (refId) => ({ refId })],
      ["getActiveCases", (refId) => ({ refId })],
    ];
    for (const [name, request] of reads) {
      const own = await (calls(medtech)[name] as AnyCall)(request(ids.lodCase));
      assert.ok(own.items.length > 0, `${name}: the case's own wing reads it`);
      const outside = await (calls(medtech445)[name] as AnyCall)(request(ids.lodCase));
      const missing = await (calls(medtech445)[name] as AnyCall)(request(rows[0].missing));
      assert.deepEqual(outside, missing, `${name}: another wing's case answers as a missing one`);
      assert.deepEqual(outside.items, [], `${name}: another wing's case`);
      assert.deepEqual(
        await collect((calls(medtech445)[`${name}Stream`] as AnyStream)(request(ids.lodCase))),
        [],
      );
    }
    const tracking = await db.query<{ work_status_id: number }>(
      "SELECT work_status_id FROM tracking WHERE case_id = $1 ORDER BY id",
      [ids.lodCase],
    );
    assert.deepEqual(
      (await medtech.getWorkstatusesByRefId({ refId: ids.lodCase })).items.map((item) => item.workstatusId),
      tracking.rows.map((row) => row.work_status_id),
      "the case's own wing reads its whole history",
    );
  });

  test("a missing or malformed field is INVALID_ARGUMENT naming the field", async () => {
    await assert.rejects(client.getWorkflowById({}), (error: ConnectError) => {
      assert.equal(error.code, Code.InvalidArgument);
      assert.match(error.rawMessage, /^workflow_id:/);
      return true;
    });
    await assert.rejects(collect(client.searchMemberDataStream({ ssn: "12" })), (error: ConnectError) => {
      assert.equal(error.code, Code.InvalidArgument);
      assert.match(error.rawMessage, /^ssn:/);
      return true;
    });
  });
});

describe("lookup paging", () => {
  /** A lookup over ids 1..rows that records each page's limit. */
  function counted(
    rows: number,
    paging: LookupPaging = { firstPageSize: 50, pageSize: 1000 },
    extra: Partial<AnyLookup> = {},
  ) {
    const limits: number[] = [];
    const fake = {
      async page(_sql: string, params: readonly unknown[] = []) {
        const [after, limit] = params as [number | null, number];
        limits.push(limit);
        const from = (after ?? 0) + 1;
        const ids = Array.from({ length: Math.max(0, Math.min(limit, rows - from + 1)) }, (_, i) => from + i);
        return { rows: ids.map((id) => ({ id })), rowCount: ids.length };
      },
    };
    const declaration = {
      name: "getActiveCases",
      sql: "page",
      params: () => [],
      keyOf: (row: { id: number }) => row.id,
      item: (row: { id: number }) => ({ id: row.id }),
      ...extra,
    };
    const derived = deriveLookup(fake as never, paging, declaration as never);
    const pages = pageSource(lookupStream(declaration as never), {
      db: fake as never,
      streaming: paging,
    }).pages;
    return { derived, pages, limits };
  }
  const context = { signal: new AbortController().signal } as never;

  test("a unary lookup reads full pages from the start; its stream twin starts with a small page", async () => {
    const unary = counted(1_500);
    const response = (await unary.derived.unary({}, context)) as { items: unknown[] };
    assert.equal(response.items.length, 1_500);
    assert.deepEqual(unary.limits, [1000, 1000]);
    const streamed = counted(1_500);
    assert.equal((await collect(streamed.derived.stream({}, context))).length, 1_500);
    assert.deepEqual(streamed.limits, [50, 200, 800, 1000]);
  });

  test("a unary lookup answers up to its cap and reads one row past it, no more", async () => {
    const paging = { firstPageSize: 50, pageSize: 1000, unaryMaxItems: 10 };
    const exact = counted(10, paging);
    const response = (await exact.derived.unary({}, context)) as { items: unknown[] };
    assert.equal(response.items.length, 10);
    const over = counted(5_000, paging);
    await assert.rejects(over.derived.unary({}, context), (error: ConnectError) => {
      assert.equal(error.code, Code.FailedPrecondition);
      assert.match(
        error.rawMessage,
        /GetActiveCases answers at most 10 items .* read them with GetActiveCasesStream$/,
      );
      return true;
    });
    assert.deepEqual(over.limits, [11]);
    assert.equal((await collect(counted(5_000, paging).derived.stream({}, context))).length, 5_000);
  });

  test("without a configured cap a unary lookup stops at UNARY_LOOKUP_MAX_ITEMS, the configuration's default", async () => {
    assert.equal(loadConfig({}).unaryLookupMaxItems, UNARY_LOOKUP_MAX_ITEMS);
    const over = counted(UNARY_LOOKUP_MAX_ITEMS + 500);
    await assert.rejects(over.derived.unary({}, context), (error: ConnectError) => {
      assert.equal(error.code, Code.FailedPrecondition);
      return true;
    });
    assert.equal(
      over.limits.reduce((sum, limit) => sum + limit, 0),
      UNARY_LOOKUP_MAX_ITEMS + 1,
    );
  });

  test("a lookup of one thing answers its not-found error from the unary RPC, the stream and the pages", async () => {
    const missing = () => new ConnectError("thing 7 not found", Code.NotFound);
    const none = counted(0, undefined, { notFound: missing } as never);
    const isNotFound = (error: ConnectError) => error.code === Code.NotFound;
    await assert.rejects(none.derived.unary({}, context), isNotFound);
    await assert.rejects(collect(none.derived.stream({}, context)), isNotFound);
    await assert.rejects(collect(none.pages({}, context)), isNotFound);
    const some = counted(3, undefined, { notFound: missing } as never).derived;
    assert.equal(((await some.unary({}, context)) as { items: unknown[] }).items.length, 3);
    const plain = counted(0).derived;
    assert.deepEqual(await plain.unary({}, context), { items: [] });
  });
});

describe("the unary cap through the WorkflowService", () => {
  test("past the cap a unary lookup is FAILED_PRECONDITION naming its stream twin, which yields every row", async () => {
    const streaming = { firstPageSize: 2, pageSize: 5, unaryMaxItems: 3 };
    const capped = clientAs(db, await callerFor(db, "admin"), streaming);
    const all = await collect(capped.getStatusCodesByCompoStream({ compo: "6" }));
    assert.ok(all.length > 3);
    await assert.rejects(capped.getStatusCodesByCompo({ compo: "6" }), (error: ConnectError) => {
      assert.equal(error.code, Code.FailedPrecondition);
      assert.match(error.rawMessage, /GetStatusCodesByCompoStream/);
      return true;
    });
    const few = await capped.getWorkflowById({ workflowId: 2 });
    assert.equal(few.items.length, 1);
  });
});
