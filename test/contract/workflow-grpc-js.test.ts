/**
 * The WorkflowService contract as an existing ECTSystem client sees it: `workflow.proto` loaded at run
 * time with @grpc/proto-loader and called with @grpc/grpc-js (a second gRPC implementation, independent
 * of the server's connect-node stack) against the seeded database.
 *
 * Every one of the 135 RPCs is called and checked against the seed and SQL: the lookups through a table
 * of `{ rpc, request, check }` rows (each unary lookup together with its `<Name>Stream` twin, which must
 * yield exactly the unary items), the writes in ordered tests with their effects read back, a bad-input
 * test (INVALID_ARGUMENT naming the field) and a denied-permission test each. The last test asserts that
 * the RPCs called successfully are exactly the service's, so a new RPC without a test fails here.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type { Db } from "../../src/db/db.js";
import { permissions } from "../../src/seed/reference-data.js";
import { signIn } from "../support/clients.js";
import { startTestServer, type TestServer, testDatabases } from "../support/test-server.js";

/** A decoded message as proto-loader gives it (keepCase, defaults): snake_case fields, numbers for int32. */
type Msg = Record<string, unknown>;

const packageDefinition = protoLoader.loadSync("workflow/workflow.proto", {
  includeDirs: [fileURLToPath(new URL("../../proto", import.meta.url))],
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
});
const WorkflowService = (grpc.loadPackageDefinition(packageDefinition).workflow as grpc.GrpcObject)
  .WorkflowService as grpc.ServiceClientConstructor;
/** The RPC names of the service definition, as loaded from workflow.proto. */
const SERVICE_RPCS = Object.keys(WorkflowService.service).sort();

/** One grpc-js client of WorkflowService calling as one user (or anonymously); records the RPCs that succeed. */
class Caller {
  constructor(
    private readonly client: grpc.Client,
    private readonly token: string | undefined,
    private readonly succeeded: Set<string>,
  ) {}

  private metadata(): grpc.Metadata {
    const metadata = new grpc.Metadata();
    if (this.token) metadata.set("authorization", `Bearer ${this.token}`);
    return metadata;
  }

  private method(rpc: string, streaming: boolean): (...args: unknown[]) => unknown {
    const definition = WorkflowService.service[rpc];
    assert.ok(definition, `${rpc} is in the service definition`);
    assert.equal(
      definition.responseStream,
      streaming,
      `${rpc} is ${streaming ? "" : "not "}server-streaming`,
    );
    const method = (this.client as unknown as Record<string, (...args: unknown[]) => unknown>)[rpc];
    return method.bind(this.client);
  }

  /** Calls a unary RPC. */
  unary(rpc: string, request: Msg): Promise<Msg> {
    const call = this.method(rpc, false);
    return new Promise((resolve, reject) => {
      call(
        request,
        this.metadata(),
        { deadline: Date.now() + 30_000 },
        (error: Error | null, response: Msg) => {
          if (error) reject(error);
          else {
            this.succeeded.add(rpc);
            resolve(response);
          }
        },
      );
    });
  }

  /** Calls a server-streaming RPC and collects its messages (tests only). */
  async stream(rpc: string, request: Msg): Promise<Msg[]> {
    const call = this.method(rpc, true)(request, this.metadata(), {
      deadline: Date.now() + 30_000,
    }) as grpc.ClientReadableStream<Msg>;
    const items: Msg[] = [];
    for await (const item of call) items.push(item as Msg);
    this.succeeded.add(rpc);
    return items;
  }
}

/** Asserts a call fails with the gRPC status; for INVALID_ARGUMENT, with details naming the field first. */
async function rejects(call: Promise<unknown>, code: grpc.status, field?: string): Promise<void> {
  await assert.rejects(call, (error: grpc.ServiceError) => {
    assert.equal(
      error.code,
      code,
      `expected ${grpc.status[code]}, got ${grpc.status[error.code]}: ${error.details}`,
    );
    // connect-node percent-encodes grpc-message with encodeURIComponent and grpc-js decodes it with
    // decodeURI, which leaves reserved characters such as ":" escaped ("member_ssn%3A required").
    const details = decodeURIComponent(error.details);
    if (field) assert.ok(details.startsWith(`${field}:`), `details name ${field}: ${details}`);
    return true;
  });
}

/** What the tests share for one database. */
interface Ctx {
  server: TestServer;
  admin: Caller;
  /** Medical officer: signed in, holds lodAct but not userAdmin, workflowAdmin, logAdmin or memberSearch. */
  medofficer: Caller;
  /** HQ technician: lodView, logView and memberSearch only (no lodAct). */
  hqtech: Caller;
  anonymous: Caller;
  user: (username: string) => number;
  /** LOD cases waiting on the unit commander (work status 112) in unit 10's subtree, oldest first. */
  unitCcCases: number[];
  /** An LOD case on the LOD board medical review (116): its history has two board statuses. */
  boardCase: number;
  /** An RR case at the MPF (130) in unit 10's subtree and the LOD it reopens. */
  rrCase: { id: number; lod: number };
  /** A member with the name of a user account (the generated users share the first members' names). */
  member: { ssn: string; first_name: string; last_name: string };
  /** A case locked (by `lockHolder`, a generated user with a session) before the tests start. */
  lockedCase: number;
  lockHolder: number;
}

async function rows<T = Msg>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query<T & Record<string, unknown>>(sql, params)).rows;
}

async function column<T>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await rows<{ v: T }>(db, sql, params)).map((row) => row.v);
}

/**
 * A message without the virtual oneof properties proto-loader adds for proto3 `optional` fields
 * (`_workflow_id: "workflow_id"` when the field is set), to compare it with a plain expected object.
 */
function plain(message: Msg): Msg {
  return Object.fromEntries(
    Object.entries(message).filter(([key, value]) => !(key.startsWith("_") && value === key.slice(1))),
  );
}
const itemsOf = (response: Msg) => (response.items as Msg[]).map(plain);
const pluck = (items: Msg[], field: string) => items.map((item) => item[field]);
const ids = (items: Msg[], field: string) => items.map((item) => Number(item[field]));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A read-only RPC and, when the service has one, its `<rpc>Stream` twin called with the same request. */
interface LookupCase {
  rpc: string;
  request(ctx: Ctx): Msg;
  check(response: Msg, ctx: Ctx): void | Promise<void>;
}

const lookups: LookupCase[] = [
  // ---- Users
  {
    rpc: "GetReinvestigationRequests",
    request: (ctx) => ({ user_id: ctx.user("mpf") }),
    async check(response, ctx) {
      // Open RR cases at the MPF's status in the MPF's units whose LOD is complete, newest first.
      const expected = await rows<{ id: number; case_number: string }>(
        ctx.server.db,
        `SELECT c.id, c.case_number FROM cases c JOIN reinvestigation_requests rr ON rr.case_id = c.id
         JOIN cases lod ON lod.id = rr.initial_case_id
         WHERE c.work_status_id = 130 AND lod.work_status_id = 119
           AND c.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = 10) ORDER BY c.id DESC`,
      );
      assert.ok(expected.length > 0);
      const items = itemsOf(response);
      assert.deepEqual(ids(items, "id"), pluck(expected, "id"));
      assert.equal(response.count, expected.length);
      assert.match(
        String(items[0].description),
        new RegExp(`^${expected[0].case_number} \\| \\*\\*\\*-\\*\\*-\\d{4} \\| `),
      );
      assert.match(String(items[0].description), /RR MPF Review/);
    },
  },
  {
    rpc: "GetMailingListForLOD",
    request: (ctx) => ({ ref_id: ctx.unitCcCases[0], calling_service: "contract-test" }),
    async check(response, ctx) {
      // The holder (unit commander) role's active, e-mail-receiving users in the case's unit or above.
      const expected = await column<number>(
        ctx.server.db,
        `SELECT u.id AS v FROM users u JOIN cases c ON c.id = $1
         WHERE u.current_role_id = 4 AND u.account_status = 'active' AND u.receive_email
           AND u.unit_id IN (SELECT ancestor_id FROM unit_tree WHERE descendant_id = c.unit_id) ORDER BY u.id`,
        [ctx.unitCcCases[0]],
      );
      const items = itemsOf(response);
      assert.deepEqual(ids(items, "id"), expected);
      const unitcc = items.find((item) => item.id === ctx.user("unitcc"));
      assert.deepEqual(unitcc, {
        id: ctx.user("unitcc"),
        email: "unitcc@ect.example.mil",
        name: "Lt Col Rachel Owens",
      });
    },
  },
  {
    rpc: "GetManagedUsers",
    request: () => ({}),
    async check(response, ctx) {
      // The system administrator (unit 1) manages every role but its own, in every unit.
      const expected = await column<number>(
        ctx.server.db,
        "SELECT id AS v FROM users WHERE current_role_id <> 1 ORDER BY id",
      );
      const items = itemsOf(response);
      assert.deepEqual(ids(items, "user_id"), expected);
      assert.deepEqual(
        items.find((item) => item.user_name === "medtech"),
        { user_id: ctx.user("medtech"), user_name: "medtech", email: "medtech@ect.example.mil", status: 2 },
      );
      const filtered = await ctx.admin.unary("GetManagedUsers", { name: "Santos", status: 2 });
      assert.deepEqual(ids(itemsOf(filtered), "user_id"), [ctx.user("medtech")]);
    },
  },
  {
    rpc: "GetMembersUserId",
    request: ({ member }) => ({
      member_ssn: `${member.ssn.slice(0, 3)}-${member.ssn.slice(3, 5)}-${member.ssn.slice(5)}`,
    }),
    async check(response, ctx) {
      // The member has no account by SSN; the generated user of the same name is the member's account.
      const { member } = ctx;
      assert.ok(Number(response.user_id) > 0);
      const [user] = await rows<{ first_name: string; last_name: string }>(
        ctx.server.db,
        "SELECT first_name, last_name FROM users WHERE id = $1",
        [response.user_id],
      );
      assert.deepEqual(user, { first_name: member.first_name, last_name: member.last_name });
      await rejects(
        ctx.admin.unary("GetMembersUserId", { member_ssn: "12345" }),
        grpc.status.INVALID_ARGUMENT,
        "member_ssn",
      );
      await rejects(
        ctx.admin.unary("GetMembersUserId", { member_ssn: "000-00-0000" }),
        grpc.status.NOT_FOUND,
      );
    },
  },
  {
    rpc: "GetUserAltTitle",
    request: (ctx) => ({ user_id: ctx.user("medtech") }),
    check(response, ctx) {
      assert.deepEqual(itemsOf(response), [
        { user_id: ctx.user("medtech"), title: "Medical Technician, 452nd Air Mobility Wing", group_id: 2 },
      ]);
    },
  },
  {
    rpc: "GetUserAltTitleByGroupCompo",
    request: () => ({ group_id: 2, work_compo: 6 }),
    check(response, ctx) {
      assert.deepEqual(itemsOf(response), [
        {
          user_id: ctx.user("medtech"),
          title: "Medical Technician, 452nd Air Mobility Wing",
          component: "6",
        },
        { user_id: ctx.user("medtech445"), title: "Medical Technician, 445th Airlift Wing", component: "6" },
      ]);
    },
  },
  {
    rpc: "GetUsersAltTitleByGroup",
    request: () => ({ group_id: 4 }),
    check(response, ctx) {
      assert.deepEqual(itemsOf(response), [
        { user_id: ctx.user("unitcc"), title: "Commander, 452nd Air Mobility Wing", group_id: 4 },
        { user_id: ctx.user("unitcc445"), title: "Commander, 445th Airlift Wing", group_id: 4 },
      ]);
    },
  },
  {
    rpc: "GetUserName",
    request: () => ({ first: "Maria", last: "Santos" }),
    async check(response, ctx) {
      assert.deepEqual(itemsOf(response), [
        { user_id: 0, first_name: "Maria", last_name: "Santos", full_name: "maria.santos" },
      ]);
      assert.deepEqual(
        await column(ctx.server.db, "SELECT id AS v FROM users WHERE username = 'maria.santos'"),
        [],
      );
    },
  },
  {
    rpc: "GetUsersOnline",
    request: () => ({}),
    async check(response, ctx) {
      const expected = await rows(
        ctx.server.db,
        `SELECT s.user_id, u.username AS user_name FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.last_access > now() - interval '30 minutes' ORDER BY s.id`,
      );
      assert.ok(expected.length >= 12, "the seed has 12 online users");
      const items = itemsOf(response);
      assert.deepEqual(
        items.map(({ user_id, user_name }) => ({ user_id, user_name })),
        expected,
      );
      for (const item of items)
        assert.match(String(item.last_activity), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    },
  },
  {
    rpc: "GetWhois",
    request: (ctx) => ({ user_id: ctx.lockHolder }),
    async check(response, ctx) {
      const [session] = await rows<{ username: string; remote_address: string; login_time: Date }>(
        ctx.server.db,
        "SELECT u.username, s.remote_address, s.login_time FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.user_id = $1",
        [ctx.lockHolder],
      );
      assert.deepEqual(itemsOf(response), [
        {
          user_id: ctx.lockHolder,
          user_name: session.username,
          ip_address: session.remote_address,
          last_login: new Date(session.login_time).toISOString(),
        },
      ]);
    },
  },
  {
    rpc: "HasHQTechAccount",
    request: () => ({ user_edipin: "1000000013" }),
    async check(response, ctx) {
      assert.deepEqual(
        await column(ctx.server.db, "SELECT edipin AS v FROM users WHERE username = 'hqtech'"),
        ["1000000013"],
      );
      assert.deepEqual(itemsOf(response), [
        { user_id: ctx.user("hqtech"), has_account: true, account_type: "HQ AFRC Technician" },
      ]);
      const none = await ctx.admin.unary("HasHQTechAccount", { origin_user_id: ctx.user("medtech") });
      assert.deepEqual(itemsOf(none), [
        { user_id: ctx.user("medtech"), has_account: false, account_type: "HQ AFRC Technician" },
      ]);
    },
  },
  {
    rpc: "IsFinalStatusCode",
    request: () => ({ status_id: 19 }),
    async check(response, ctx) {
      assert.deepEqual(itemsOf(response), [{ status_id: 19, is_final: true, description: "Complete" }]);
      const open = await ctx.admin.unary("IsFinalStatusCode", { status_id: 12 });
      assert.deepEqual(itemsOf(open), [
        { status_id: 12, is_final: false, description: "Unit Commander Review" },
      ]);
    },
  },
  // ---- Members
  {
    rpc: "SearchMemberData",
    request: () => ({ last_name: "and" }),
    async check(response, ctx) {
      const expected = await rows<{ id: number; ssn: string }>(
        ctx.server.db,
        "SELECT id, ssn FROM members WHERE lower(last_name) LIKE 'and%' ORDER BY lower(last_name), id",
      );
      assert.ok(expected.length > 10);
      const items = itemsOf(response);
      assert.deepEqual(ids(items, "member_id"), pluck(expected, "id"));
      assert.deepEqual(
        pluck(items, "ssn"),
        expected.map((row) => `***-**-${row.ssn.slice(-4)}`),
      );
      assert.ok(items.every((item) => item.last_name === "Anderson"));
    },
  },
  {
    rpc: "SearchMemberDataTest",
    request: (ctx) => ({ name: `${ctx.member.last_name.slice(0, 3)}, ${ctx.member.first_name.slice(0, 2)}` }),
    async check(response, ctx) {
      const expected = await rows<{ id: number; name: string }>(
        ctx.server.db,
        `SELECT id, last_name || ', ' || first_name || ' ' || middle_name AS name FROM members
         WHERE lower(last_name) LIKE lower(left($1, 3)) || '%' AND first_name LIKE left($2, 2) || '%'
         ORDER BY lower(last_name), id`,
        [ctx.member.last_name, ctx.member.first_name],
      );
      assert.ok(expected.length > 0);
      const items = itemsOf(response);
      assert.deepEqual(ids(items, "member_id"), pluck(expected, "id"));
      assert.deepEqual(pluck(items, "name"), pluck(expected, "name"));
    },
  },
  // ---- Cases
  {
    rpc: "GetActiveCases",
    request: () => ({ group_id: 4 }),
    async check(response, ctx) {
      const expected = await column<number>(
        ctx.server.db,
        "SELECT id AS v FROM cases WHERE work_status_id = 112 ORDER BY id DESC",
      );
      const items = itemsOf(response);
      assert.deepEqual(ids(items, "case_id"), expected);
      assert.deepEqual(items[0], {
        case_id: expected[0],
        ref_id: expected[0],
        group_id: 4,
        status: "Unit Commander Review",
      });
      const rr = await ctx.admin.unary("GetActiveCases", { ref_id: ctx.rrCase.lod });
      assert.deepEqual(itemsOf(rr), [
        { case_id: ctx.rrCase.id, ref_id: ctx.rrCase.lod, group_id: 12, status: "RR MPF Review" },
      ]);
    },
  },
  {
    rpc: "GetAllLocks",
    request: () => ({}),
    async check(response, ctx) {
      const [lock] = await rows<{ id: number; lock_time: Date }>(
        ctx.server.db,
        "SELECT id, lock_time FROM case_locks WHERE case_id = $1",
        [ctx.lockedCase],
      );
      const items = itemsOf(response);
      assert.deepEqual(
        ids(items, "lock_id"),
        await column<number>(ctx.server.db, "SELECT id AS v FROM case_locks ORDER BY id"),
      );
      assert.deepEqual(
        items.find((item) => item.lock_id === lock.id),
        {
          lock_id: lock.id,
          user_id: ctx.lockHolder,
          lock_type: "Line of Duty",
          lock_time: new Date(lock.lock_time).toISOString(),
        },
      );
    },
  },
  {
    rpc: "GetWorkflowsByRefId",
    request: (ctx) => ({ ref_id: ctx.rrCase.id }),
    check(response, ctx) {
      assert.deepEqual(itemsOf(response), [{ workflow_id: 2, ref_id: ctx.rrCase.id, module: 5 }]);
    },
  },
  {
    rpc: "GetWorkflowsByRefIdAndType",
    request: (ctx) => ({ ref_id: ctx.unitCcCases[0], module: 2, workflow_type: 1 }),
    async check(response, ctx) {
      assert.deepEqual(itemsOf(response), [
        { workflow_id: 1, ref_id: ctx.unitCcCases[0], module: 2, workflow_type: 1 },
      ]);
      const none = await ctx.admin.unary("GetWorkflowsByRefIdAndType", {
        ref_id: ctx.unitCcCases[0],
        workflow_type: 3,
      });
      assert.deepEqual(itemsOf(none), []);
    },
  },
  {
    rpc: "GetWorkstatusesByRefId",
    request: (ctx) => ({ ref_id: ctx.unitCcCases[0] }),
    async check(response, ctx) {
      const expected = await column<number>(
        ctx.server.db,
        "SELECT work_status_id AS v FROM tracking WHERE case_id = $1 ORDER BY id",
        [ctx.unitCcCases[0]],
      );
      assert.deepEqual(expected, [110, 111, 112]);
      assert.deepEqual(
        itemsOf(response),
        expected.map((workstatus_id) => ({ workstatus_id, ref_id: ctx.unitCcCases[0], module: 2 })),
      );
    },
  },
  {
    rpc: "GetWorkstatusesByRefIdAndType",
    request: (ctx) => ({ ref_id: ctx.boardCase, workstatus_type: 2 }),
    check(response, ctx) {
      // Type 2 (Board): the board technician's and board medical reviews the case has been through.
      assert.deepEqual(itemsOf(response), [
        { workstatus_id: 115, ref_id: ctx.boardCase, module: 2, workstatus_type: 2 },
        { workstatus_id: 116, ref_id: ctx.boardCase, module: 2, workstatus_type: 2 },
      ]);
    },
  },
  // ---- Workflow configuration
  {
    rpc: "GetWorkflowById",
    request: () => ({ workflow_id: 1 }),
    check(response) {
      assert.deepEqual(itemsOf(response), [{ workflow_id: 1, workflow_text: "AFRC Line of Duty" }]);
    },
  },
  {
    rpc: "GetWorkflowByCompo",
    request: (ctx) => ({ compo: "6", user_id: ctx.user("medtech") }),
    check(response, ctx) {
      assert.deepEqual(itemsOf(response), [
        { workflow_id: 1, workflow_name: "AFRC Line of Duty", component: "6", user_id: ctx.user("medtech") },
        {
          workflow_id: 2,
          workflow_name: "AFRC Reinvestigation Request",
          component: "6",
          user_id: ctx.user("medtech"),
        },
      ]);
    },
  },
  {
    rpc: "GetViewableByGroup",
    request: () => ({ group_id: 3, module: 5 }),
    check(response) {
      assert.deepEqual(itemsOf(response), [
        { workflow_id: 2, workflow_name: "AFRC Reinvestigation Request", group_id: 3, is_viewable: true },
      ]);
    },
  },
  {
    rpc: "GetCreatableByGroup",
    request: () => ({ group_id: 12, compo: "6" }),
    async check(response, ctx) {
      // The MPF may open reinvestigation requests only; the medical technician LODs only.
      assert.deepEqual(itemsOf(response), [
        { workflow_id: 2, workflow_name: "AFRC Reinvestigation Request", group_id: 12 },
      ]);
      const medtech = await ctx.admin.unary("GetCreatableByGroup", { group_id: 2 });
      assert.deepEqual(itemsOf(medtech), [
        { workflow_id: 1, workflow_name: "AFRC Line of Duty", group_id: 2 },
      ]);
    },
  },
  {
    rpc: "GetWorkflowFromModule",
    request: () => ({ module_id: 2 }),
    check(response) {
      assert.deepEqual(itemsOf(response), [
        { workflow_id: 1, workflow_name: "AFRC Line of Duty", module_id: 2 },
      ]);
    },
  },
  {
    rpc: "GetModuleFromWorkflow",
    request: () => ({ workflow_id: 2 }),
    check(response) {
      assert.deepEqual(itemsOf(response), [
        { module_id: 5, module_name: "Reinvestigation Request", workflow_id: 2 },
      ]);
    },
  },
  {
    rpc: "GetWorkflowInitialStatusCode",
    request: () => ({ compo: 6, module: 2 }),
    check(response) {
      assert.deepEqual(itemsOf(response), [
        { workflow_id: 1, initial_status_id: 10, status_name: "Medical Technician Review" },
      ]);
    },
  },
  {
    rpc: "GetWorkflowTitle",
    request: () => ({ module_id: 5, sub_case: 3 }),
    check(response) {
      assert.deepEqual(itemsOf(response), [
        { workflow_id: 2, title: "AFRC Reinvestigation Request", module_id: 5, sub_case: 3 },
      ]);
    },
  },
  {
    rpc: "GetWorkflowTitleByWorkStatusId",
    request: () => ({ workflow_id: 1 }),
    async check(response, ctx) {
      const expected = await rows<{ id: number; display_text: string }>(
        ctx.server.db,
        "SELECT id, display_text FROM work_statuses WHERE workflow_id = 1 ORDER BY id",
      );
      // The informal route's 9 reviews, Complete, Cancelled, and the formal route's 7 (issue 17).
      assert.equal(expected.length, 18);
      assert.deepEqual(
        itemsOf(response),
        expected.map((row) => ({
          workflow_id: 1,
          title: `AFRC Line of Duty: ${row.display_text}`,
          work_status_id: row.id,
          sub_case: 0,
        })),
      );
      assert.equal(itemsOf(response)[2].title, "AFRC Line of Duty: Unit Commander Review");
    },
  },
  {
    rpc: "GetPermissions",
    request: () => ({ workflow_id: 1 }),
    async check(response, ctx) {
      const expected = await rows<{ id: number; name: string }>(
        ctx.server.db,
        "SELECT id, name FROM permissions ORDER BY id",
      );
      assert.equal(expected.length, permissions.length, "every seeded permission");
      // The system administrator may view every workflow and holds every permission.
      assert.deepEqual(
        itemsOf(response),
        expected.map((row) => ({
          permission_id: row.id,
          permission_name: row.name,
          workflow_id: 1,
          is_granted: true,
        })),
      );
    },
  },
  {
    rpc: "GetPermissionsByCompo",
    request: () => ({ workflow_id: 2, compo: "6" }),
    async check(response, ctx) {
      const expected = await column<string>(ctx.server.db, "SELECT name AS v FROM permissions ORDER BY id");
      assert.deepEqual(pluck(itemsOf(response), "permission_name"), expected);
      assert.ok(itemsOf(response).every((item) => item.component === "6" && item.is_granted === true));
    },
  },
  {
    rpc: "GetPagesByWorkflowId",
    request: () => ({ workflow_id: 1 }),
    check(response) {
      const items = itemsOf(response);
      // Page 11 is the report of investigation (issue 17).
      assert.deepEqual(ids(items, "page_id"), range(1, 11));
      assert.deepEqual(items[2], {
        page_id: 3,
        page_name: "Medical",
        workflow_id: 1,
        page_url: "/line-of-duty/medical",
      });
    },
  },
  {
    rpc: "GetPageAccessByGroup",
    request: () => ({ workflow: 1, status: 12, group: 4 }),
    async check(response, ctx) {
      const expected = await rows<{ page_id: number; access: number }>(
        ctx.server.db,
        "SELECT page_id, access FROM page_access WHERE workflow_id = 1 AND status_code_id = 12 AND role_id = 4 ORDER BY page_id",
      );
      assert.equal(expected.length, 11);
      const items = itemsOf(response);
      assert.deepEqual(ids(items, "page_id"), pluck(expected, "page_id"));
      assert.deepEqual(
        pluck(items, "has_access"),
        expected.map((row) => row.access > 0),
      );
      assert.deepEqual(items[3], { page_id: 4, page_name: "Unit Commander", has_access: true, group_id: 4 });
    },
  },
  {
    rpc: "GetPageAccessByWorkflowView",
    request: () => ({ workflow: 2, status: 30, compo: "6" }),
    check(response) {
      const items = itemsOf(response);
      assert.deepEqual(ids(items, "page_id"), range(1, 11));
      assert.deepEqual(items[1], { page_id: 2, page_name: "Member", has_access: true, component: "6" });
    },
  },
  {
    rpc: "GetWorkflowTypes",
    request: () => ({}),
    check(response) {
      assert.deepEqual(itemsOf(response), [
        { workflow_type_id: 1, type_name: "Informal LOD" },
        { workflow_type_id: 2, type_name: "Formal LOD" },
        { workflow_type_id: 3, type_name: "Reinvestigation" },
      ]);
    },
  },
  {
    rpc: "GetStepsByWorkflow",
    request: () => ({ workflow: 2 }),
    async check(response, ctx) {
      const expected = await rows<{ id: number; display_text: string }>(
        ctx.server.db,
        "SELECT o.id, o.display_text FROM options o JOIN work_statuses ws ON ws.id = o.work_status_id WHERE ws.workflow_id = 2 ORDER BY o.id",
      );
      const items = itemsOf(response);
      assert.deepEqual(ids(items, "step_id"), pluck(expected, "id"));
      assert.ok(ids(items, "step_id").includes(80));
      assert.deepEqual(items[0], {
        step_id: 50,
        step_name: "Forward to Wing JA",
        workflow_id: 2,
        step_order: 1,
      });
    },
  },
  {
    rpc: "GetStepsByWorkflowAndStatus",
    request: () => ({ workflow: 1, status: 15, death_status: "N" }),
    async check(response, ctx) {
      const expected = await column<number>(
        ctx.server.db,
        "SELECT o.id AS v FROM options o WHERE o.work_status_id = 115 AND o.active ORDER BY o.id",
      );
      const items = itemsOf(response);
      assert.deepEqual(ids(items, "step_id"), expected);
      assert.deepEqual(items.at(-1), {
        step_id: 40,
        step_name: "Forward to Board Legal (formal investigation)",
        workflow_id: 1,
        status_id: 15,
        death_status: "N",
      });
    },
  },
  {
    rpc: "GetActionsByStep",
    request: () => ({ step_id: 1 }),
    async check(response, ctx) {
      const expected = await column<number>(
        ctx.server.db,
        "SELECT id AS v FROM option_actions WHERE option_id = 1 ORDER BY id",
      );
      const items = itemsOf(response);
      assert.deepEqual(ids(items, "action_id"), expected);
      // Option 1 forwards to the medical officer: notify role 3, then release the lock.
      assert.deepEqual(pluck(items, "action_type"), ["notifyHolder", "releaseLock"]);
      assert.match(String(items[0].action_description), /\(target 3, data 0\)$/);
      assert.ok(items.every((item) => item.step_id === 1));
    },
  },
  // ---- Status codes and work statuses
  {
    rpc: "GetStatusCodesByCompo",
    request: () => ({ compo: "6" }),
    async check(response, ctx) {
      const expected = await rows<{ id: number; description: string }>(
        ctx.server.db,
        "SELECT id, description FROM status_codes WHERE compo = '6' ORDER BY id",
      );
      assert.equal(expected.length, 26);
      assert.deepEqual(
        itemsOf(response),
        expected.map((row) => ({ status_id: row.id, status_name: row.description, component: "6" })),
      );
    },
  },
  {
    rpc: "GetStatusCodesByCompoAndModule",
    request: () => ({ compo: "6", module: 5 }),
    check(response) {
      const items = itemsOf(response);
      assert.deepEqual(ids(items, "status_id"), range(30, 37));
      assert.deepEqual(items[0], {
        status_id: 30,
        status_name: "RR MPF Review",
        component: "6",
        module_id: 5,
      });
    },
  },
  {
    rpc: "GetStatusCodesBySignCode",
    request: () => ({ group_id: 7 }),
    check(response) {
      assert.deepEqual(itemsOf(response), [
        { status_id: 15, status_name: "LOD Board Technician Review", group_id: 7, module_id: 2 },
        { status_id: 24, status_name: "Formal LOD Board Technician Review", group_id: 7, module_id: 2 },
        { status_id: 33, status_name: "RR LOD Board Review", group_id: 7, module_id: 5 },
      ]);
    },
  },
  {
    rpc: "GetStatusCodesByWorkflow",
    request: () => ({ workflow_id: 2 }),
    check(response) {
      const items = itemsOf(response);
      assert.deepEqual(ids(items, "status_id"), range(30, 37));
      assert.deepEqual(items[7], { status_id: 37, status_name: "RR Cancelled", workflow_id: 2 });
    },
  },
  {
    rpc: "GetStatusCodesByWorkflowAndAccessScope",
    request: () => ({ workflow_id: 1, access_scope: 3 }),
    check(response) {
      // Headquarters-scope holders: the board and the approving authority, informal and formal.
      assert.deepEqual(ids(itemsOf(response), "status_id"), [15, 16, 17, 18, 24, 25, 26, 27]);
      assert.deepEqual(itemsOf(response)[3], {
        status_id: 18,
        status_name: "Approving Authority Review",
        workflow_id: 1,
        access_scope: 3,
      });
    },
  },
  {
    rpc: "GetStatusCodeScope",
    request: () => ({ status_id: 12 }),
    async check(response, ctx) {
      assert.deepEqual(itemsOf(response), [
        { status_id: 12, scope_name: "Unit", description: "Unit Commander Review" },
      ]);
      const final = await ctx.admin.unary("GetStatusCodeScope", { status_id: 19 });
      assert.deepEqual(itemsOf(final), [{ status_id: 19, scope_name: "None", description: "Complete" }]);
    },
  },
  {
    rpc: "GetWorkstatusById",
    request: () => ({ workstatus_id: 113 }),
    check(response) {
      assert.deepEqual(itemsOf(response), [{ workstatus_id: 113, workstatus_text: "Wing JA Review" }]);
    },
  },
  {
    rpc: "GetWorkstatusTypes",
    request: () => ({}),
    check(response) {
      assert.deepEqual(pluck(itemsOf(response), "type_name"), [
        "Review",
        "Board",
        "Holding",
        "Final",
        "Cancelled",
      ]);
      assert.deepEqual(ids(itemsOf(response), "workstatus_type_id"), range(1, 5));
    },
  },
  // ---- Reference lists
  {
    rpc: "GetCancelReasons",
    request: () => ({ workflow_id: 1, is_formal: false }),
    async check(response, ctx) {
      assert.deepEqual(itemsOf(response), [
        { reason_id: 1, reason_text: "Case opened in error", is_formal: false },
        { reason_id: 2, reason_text: "Duplicate case", is_formal: false },
        { reason_id: 3, reason_text: "Member declined LOD determination", is_formal: false },
      ]);
      const formal = await ctx.admin.unary("GetCancelReasons", { workflow_id: 1, is_formal: true });
      assert.deepEqual(ids(itemsOf(formal), "reason_id"), [1, 2, 3, 4]);
    },
  },
  {
    rpc: "GetReturnReasons",
    request: () => ({ workflow_id: 1 }),
    check(response) {
      assert.deepEqual(itemsOf(response), [
        { reason_id: 20, reason_text: "Returned for correction", workflow_id: 1 },
        { reason_id: 21, reason_text: "Returned for additional review", workflow_id: 1 },
      ]);
    },
  },
  {
    rpc: "GetRwoaReasons",
    request: () => ({ workflow_id: 2 }),
    check(response) {
      assert.deepEqual(ids(itemsOf(response), "reason_id"), [10, 11, 12, 13]);
      assert.deepEqual(itemsOf(response)[1], {
        reason_id: 11,
        reason_text: "Medical information insufficient",
        workflow_id: 2,
      });
    },
  },
  {
    rpc: "GetFindings",
    request: () => ({ workflow_id: 1, group_id: 8 }),
    check(response) {
      const items = itemsOf(response);
      assert.deepEqual(ids(items, "finding_id"), range(1, 6));
      assert.deepEqual(items[0], {
        finding_id: 1,
        workflow_id: 1,
        group_id: 8,
        finding_text: "In Line of Duty",
      });
      // The board legal advisor's own wording of finding 2.
      assert.match(String(items[1].finding_text), /^NILOD: the member's own misconduct/);
    },
  },
  {
    rpc: "GetAllFindingByReasonOf",
    request: () => ({}),
    check(response) {
      const items = itemsOf(response);
      assert.deepEqual(pluck(items, "reason"), ["Injury", "Illness", "Travel", "Misconduct", "Pre-existing"]);
      assert.deepEqual(items[2], {
        finding_id: 3,
        reason: "Travel",
        description: "Injury while travelling to or from duty",
      });
    },
  },
  {
    rpc: "GetFindingByReasonOfById",
    request: () => ({ id: 4 }),
    check(response) {
      assert.deepEqual(itemsOf(response), [
        { finding_id: 4, reason: "Misconduct", description: "Result of the member's own misconduct", id: 4 },
      ]);
    },
  },
  // ---- Process logs
  {
    rpc: "GetAllLogs",
    request: () => ({}),
    async check(response, ctx) {
      const expected = await column<number>(
        ctx.server.db,
        "SELECT id AS v FROM process_logs ORDER BY execution_date DESC, id DESC",
      );
      assert.ok(expected.length >= 600);
      const items = itemsOf(response);
      assert.deepEqual(ids(items, "log_id"), expected);
      const processes = new Set(pluck(items, "process_name"));
      assert.deepEqual([...processes].sort(), [
        "AuditArchive",
        "LodReminderEmails",
        "NightlyMemberSync",
        "ReportWarmup",
        "SessionCleanup",
      ]);
    },
  },
  {
    rpc: "GetAllLogsPagination",
    request: () => ({
      page_number: 2,
      page_size: 25,
      process_name: "nightly",
      message_filter: "completed",
      sort_by: "Id",
      sort_order: "ASC",
    }),
    async check(response, ctx) {
      const filter = `FROM process_logs l JOIN processes p ON p.id = l.process_id
        WHERE p.name ILIKE '%nightly%' AND l.message ILIKE '%completed%'`;
      const [{ n }] = await rows<{ n: number }>(ctx.server.db, `SELECT count(*)::int AS n ${filter}`);
      const expected = await column<number>(
        ctx.server.db,
        `SELECT l.id AS v ${filter} ORDER BY l.id LIMIT 25 OFFSET 25`,
      );
      assert.ok(n > 50);
      assert.equal(response.total_count, n);
      assert.deepEqual(ids(itemsOf(response), "log_id"), expected);
      assert.ok(itemsOf(response).every((item) => item.process_name === "NightlyMemberSync"));
      // Defaults: page 1 of 10, newest first.
      const first = await ctx.admin.unary("GetAllLogsPagination", {});
      const newest = await column<number>(
        ctx.server.db,
        "SELECT id AS v FROM process_logs ORDER BY execution_date DESC, id DESC LIMIT 10",
      );
      assert.deepEqual(ids(itemsOf(first), "log_id"), newest);
      await rejects(
        ctx.admin.unary("GetAllLogsPagination", { page_size: 5000 }),
        grpc.status.INVALID_ARGUMENT,
        "page_size",
      );
      await rejects(
        ctx.admin.unary("GetAllLogsPagination", { sort_by: "Nope" }),
        grpc.status.INVALID_ARGUMENT,
        "sort_by",
      );
    },
  },
  {
    rpc: "IsProcessActive",
    request: () => ({ process_name: "AuditArchive" }),
    async check(response, ctx) {
      assert.deepEqual(itemsOf(response), [{ process_name: "AuditArchive", is_active: false }]);
      const active = await ctx.admin.unary("IsProcessActive", { process_name: "NightlyMemberSync" });
      assert.deepEqual(itemsOf(active), [{ process_name: "NightlyMemberSync", is_active: true }]);
    },
  },
  {
    rpc: "FindProcessLastExecutionDate",
    request: () => ({ process_name: "SessionCleanup" }),
    async check(response, ctx) {
      const [last] = await rows<{ execution_date: Date; message: string }>(
        ctx.server.db,
        `SELECT l.execution_date, l.message FROM process_logs l JOIN processes p ON p.id = l.process_id
         WHERE p.name = 'SessionCleanup' ORDER BY l.execution_date DESC, l.id DESC LIMIT 1`,
      );
      assert.deepEqual(itemsOf(response), [
        {
          process_name: "SessionCleanup",
          last_execution_date: new Date(last.execution_date).toISOString(),
          message: last.message,
        },
      ]);
    },
  },
];

for (const database of testDatabases()) {
  describe(`workflow.WorkflowService through @grpc/grpc-js + @grpc/proto-loader (${database.name})`, () => {
    const succeeded = new Set<string>();
    const clients: grpc.Client[] = [];
    let ctx: Ctx;

    before(async () => {
      // Tiny keyset pages, so every lookup of more than two rows is read (and streamed) across pages.
      const server = await startTestServer(database.url, {
        ECT_STREAM_FIRST_PAGE_SIZE: "2",
        ECT_STREAM_PAGE_SIZE: "5",
      });
      const host = new URL(server.url).host;
      const callerAs = async (username?: string) => {
        const client = new WorkflowService(host, grpc.credentials.createInsecure());
        clients.push(client);
        return new Caller(client, username ? await signIn(server.url, username) : undefined, succeeded);
      };
      const users = new Map(
        (await rows<{ id: number; username: string }>(server.db, "SELECT id, username FROM users")).map(
          (row) => [row.username, row.id],
        ),
      );
      const inUnit10 = "unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = 10)";
      const unitCcCases = await column<number>(
        server.db,
        `SELECT id AS v FROM cases WHERE work_status_id = 112 AND ${inUnit10} ORDER BY id`,
      );
      assert.ok(unitCcCases.length >= 4, "enough LOD cases at the unit commander in unit 10");
      const [boardCase] = await column<number>(
        server.db,
        "SELECT min(id) AS v FROM cases WHERE work_status_id = 116",
      );
      const [rrCase] = await rows<{ id: number; lod: number }>(
        server.db,
        `SELECT c.id, rr.initial_case_id AS lod FROM cases c JOIN reinvestigation_requests rr ON rr.case_id = c.id
         WHERE c.work_status_id = 130 AND c.${inUnit10} ORDER BY c.id LIMIT 1`,
      );
      // A generated online user holds the edit lock of a case at the wing JA (released by Logout later).
      const [lockHolder] = await column<number>(server.db, "SELECT min(user_id) AS v FROM sessions");
      const [lockedCase] = await column<number>(
        server.db,
        "SELECT min(id) AS v FROM cases WHERE work_status_id = 113",
      );
      await server.db.query("INSERT INTO case_locks (case_id, module_id, user_id) VALUES ($1, 2, $2)", [
        lockedCase,
        lockHolder,
      ]);
      const [member] = await rows<Ctx["member"]>(
        server.db,
        `SELECT m.ssn, m.first_name, m.last_name FROM members m
         WHERE EXISTS (SELECT 1 FROM users u WHERE u.first_name = m.first_name AND u.last_name = m.last_name)
         ORDER BY m.id LIMIT 1`,
      );
      ctx = {
        server,
        member,
        admin: await callerAs("admin"),
        medofficer: await callerAs("medofficer"),
        hqtech: await callerAs("hqtech"),
        anonymous: await callerAs(),
        user(username) {
          const id = users.get(username);
          assert.ok(id, `seeded user ${username}`);
          return id;
        },
        unitCcCases,
        boardCase,
        rrCase,
        lockedCase,
        lockHolder,
      };
    });

    after(async () => {
      for (const client of clients) client.close();
      await ctx?.server.stop();
    });

    it("a call without a token is UNAUTHENTICATED", async () => {
      await rejects(ctx.anonymous.unary("GetWorkflowById", { workflow_id: 1 }), grpc.status.UNAUTHENTICATED);
    });

    describe("lookups: each unary RPC against the seed and SQL, its stream twin yielding exactly its items", () => {
      for (const lookup of lookups) {
        const twin = `${lookup.rpc}Stream`;
        const hasTwin = SERVICE_RPCS.includes(twin);
        it(hasTwin ? `${lookup.rpc} + ${twin}` : lookup.rpc, async () => {
          const request = lookup.request(ctx);
          const response = await ctx.admin.unary(lookup.rpc, request);
          await lookup.check(response, ctx);
          if (hasTwin) {
            assert.ok(itemsOf(response).length > 0, `${lookup.rpc} returns rows for the twin to match`);
            // Raw decoded messages on both sides: the same fields, values and field presence.
            assert.deepEqual(await ctx.admin.stream(twin, request), response.items);
          }
        });
      }
    });

    describe("writes, in order: effect read back, bad input, denied permission", () => {
      /** A generated active user the user-administration writes change. */
      let target: number;
      let targetRole: number;

      before(async () => {
        [target] = await column<number>(
          ctx.server.db,
          "SELECT min(id) AS v FROM users WHERE username LIKE 'user%' AND account_status = 'active' AND current_role_id <> 5",
        );
      });

      it("RegisterUser completes an account: role granted, status, e-mail and expiry", async () => {
        const response = await ctx.admin.unary("RegisterUser", {
          user_id: target,
          work_compo: "6",
          receive_email: true,
          group_id: 3,
          account_status: 2,
          expiration_date: "2031-12-31",
        });
        assert.equal(response.result, target);
        const [user] = await rows(
          ctx.server.db,
          `SELECT u.current_role_id, u.account_status, to_char(u.expiration_date, 'YYYY-MM-DD') AS expires, ur.status
           FROM users u JOIN user_roles ur ON ur.user_id = u.id AND ur.role_id = 3 WHERE u.id = $1`,
          [target],
        );
        assert.deepEqual(user, {
          current_role_id: 3,
          account_status: "active",
          expires: "2031-12-31",
          status: "approved",
        });
        await rejects(
          ctx.admin.unary("RegisterUser", { group_id: 3 }),
          grpc.status.INVALID_ARGUMENT,
          "user_id",
        );
        await rejects(
          ctx.admin.unary("RegisterUser", { user_id: target, expiration_date: "31/12/2031" }),
          grpc.status.INVALID_ARGUMENT,
          "expiration_date",
        );
        await rejects(
          ctx.medofficer.unary("RegisterUser", { user_id: target }),
          grpc.status.PERMISSION_DENIED,
        );
      });

      it("RegisterUserRole grants a pending role and returns the user-role id", async () => {
        const response = await ctx.admin.unary("RegisterUserRole", {
          user_id: target,
          group_id: 5,
          status: 1,
        });
        const [row] = await rows<{ id: number; status: string }>(
          ctx.server.db,
          "SELECT id, status FROM user_roles WHERE user_id = $1 AND role_id = 5",
          [target],
        );
        assert.deepEqual({ id: response.user_role_id, status: "pending" }, row);
        targetRole = row.id;
        await rejects(
          ctx.admin.unary("RegisterUserRole", { user_id: target, group_id: 5, status: 7 }),
          grpc.status.INVALID_ARGUMENT,
          "status",
        );
        await rejects(
          ctx.medofficer.unary("RegisterUserRole", { user_id: target, group_id: 5 }),
          grpc.status.PERMISSION_DENIED,
        );
      });

      it("UpdateAccountStatus sets status, expiry and comment", async () => {
        const response = await ctx.admin.unary("UpdateAccountStatus", {
          user_id: target,
          account_status: 3,
          expiration_date: "2030-06-30",
          comment: "On extended leave",
        });
        assert.equal(response.result, 1);
        const [user] = await rows(
          ctx.server.db,
          "SELECT account_status, to_char(expiration_date, 'YYYY-MM-DD') AS expires, comment FROM users WHERE id = $1",
          [target],
        );
        assert.deepEqual(user, {
          account_status: "inactive",
          expires: "2030-06-30",
          comment: "On extended leave",
        });
        const managed = await ctx.admin.unary("GetManagedUsers", { status: 3 });
        assert.ok(itemsOf(managed).some((item) => item.user_id === target && item.status === 3));
        await rejects(
          ctx.admin.unary("UpdateAccountStatus", { user_id: target, account_status: 9 }),
          grpc.status.INVALID_ARGUMENT,
          "account_status",
        );
        await rejects(
          ctx.medofficer.unary("UpdateAccountStatus", { user_id: target, account_status: 2 }),
          grpc.status.PERMISSION_DENIED,
        );
      });

      it("UpdateManagedSettings switches the current role to a held user role", async () => {
        const response = await ctx.admin.unary("UpdateManagedSettings", {
          user_id: target,
          compo: "6",
          role_id: targetRole,
          comment: "Acting wing JA",
          receive_email: true,
          expiration_date: "2032-01-31",
        });
        assert.equal(response.result, 1);
        const [user] = await rows(
          ctx.server.db,
          "SELECT current_role_id, comment, to_char(expiration_date, 'YYYY-MM-DD') AS expires FROM users WHERE id = $1",
          [target],
        );
        assert.deepEqual(user, { current_role_id: 5, comment: "Acting wing JA", expires: "2032-01-31" });
        await rejects(
          ctx.admin.unary("UpdateManagedSettings", { user_id: target, compo: "66" }),
          grpc.status.INVALID_ARGUMENT,
          "compo",
        );
        await rejects(
          ctx.admin.unary("UpdateManagedSettings", { user_id: target, role_id: targetRole, group_id: 3 }),
          grpc.status.INVALID_ARGUMENT,
          "role_id",
        );
        await rejects(
          ctx.medofficer.unary("UpdateManagedSettings", { user_id: target, comment: "x" }),
          grpc.status.PERMISSION_DENIED,
        );
      });

      it("UpdateUserAltTitle upserts the title a user signs with, read back through GetUserAltTitle", async () => {
        const response = await ctx.admin.unary("UpdateUserAltTitle", {
          user_id: target,
          group_id: 5,
          new_title: "Acting Staff Judge Advocate",
        });
        assert.equal(response.result, 1);
        const read = await ctx.admin.unary("GetUserAltTitle", { user_id: target, group_id: 5 });
        assert.deepEqual(itemsOf(read), [
          { user_id: target, title: "Acting Staff Judge Advocate", group_id: 5 },
        ]);
        await rejects(
          ctx.admin.unary("UpdateUserAltTitle", { user_id: target, group_id: -1, new_title: "x" }),
          grpc.status.INVALID_ARGUMENT,
          "group_id",
        );
        await rejects(
          ctx.medofficer.unary("UpdateUserAltTitle", { user_id: target, group_id: 5, new_title: "x" }),
          grpc.status.PERMISSION_DENIED,
        );
      });

      it("UpdateLogin and UpdateLoginStream open and refresh a session, seen by GetWhois", async () => {
        const admin = ctx.user("admin");
        const opened = await ctx.admin.unary("UpdateLogin", { remote_addr: "10.9.8.7" });
        const [item] = itemsOf(opened);
        assert.equal(item.user_id, admin);
        assert.match(String(item.session_id), /^[A-Za-z0-9_-]{32}$/);
        const [session] = await rows(
          ctx.server.db,
          `SELECT user_id, remote_address, to_char(login_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS login_time
           FROM sessions WHERE id = $1`,
          [item.session_id],
        );
        // The session records the socket's address, never the address the client claims.
        const loopback = /^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/;
        assert.match(String(session.remote_address), loopback);
        assert.deepEqual(
          { user_id: session.user_id, login_time: session.login_time },
          { user_id: admin, login_time: item.login_time },
        );
        const refreshed = await ctx.admin.stream("UpdateLoginStream", {
          user_id: admin,
          session_id: item.session_id,
          remote_addr: "10.9.8.8",
        });
        assert.deepEqual(refreshed, [item]);
        const whois = await ctx.admin.unary("GetWhois", { user_id: admin });
        const [seen] = itemsOf(whois);
        assert.match(String(seen.ip_address), loopback);
        assert.deepEqual(itemsOf(whois), [
          { user_id: admin, user_name: "admin", ip_address: seen.ip_address, last_login: item.login_time },
        ]);
        await rejects(
          ctx.admin.unary("UpdateLogin", { remote_addr: "not-an-ip" }),
          grpc.status.INVALID_ARGUMENT,
          "remote_addr",
        );
        await rejects(
          ctx.admin.unary("UpdateLogin", { session_id: "bad id!" }),
          grpc.status.INVALID_ARGUMENT,
          "session_id",
        );
        await rejects(ctx.medofficer.unary("UpdateLogin", { user_id: admin }), grpc.status.PERMISSION_DENIED);
      });

      it("Logout ends the user's sessions and releases the user's case locks", async () => {
        const response = await ctx.admin.unary("Logout", { user_id: ctx.lockHolder });
        assert.equal(response.result, 1);
        const [left] = await rows(
          ctx.server.db,
          `SELECT (SELECT count(*)::int FROM sessions WHERE user_id = $1) AS sessions,
                  (SELECT count(*)::int FROM case_locks WHERE user_id = $1) AS locks`,
          [ctx.lockHolder],
        );
        assert.deepEqual(left, { sessions: 0, locks: 0 });
        const locks = await ctx.admin.unary("GetAllLocks", {});
        assert.ok(!itemsOf(locks).some((lock) => lock.user_id === ctx.lockHolder));
        await rejects(ctx.admin.unary("Logout", { user_id: -5 }), grpc.status.INVALID_ARGUMENT, "user_id");
        await rejects(
          ctx.medofficer.unary("Logout", { user_id: ctx.user("admin") }),
          grpc.status.PERMISSION_DENIED,
        );
      });

      let logId: number;
      it("InsertLog appends a run-log line, seen by FindProcessLastExecutionDate", async () => {
        const response = await ctx.admin.unary("InsertLog", {
          process_name: "NightlyMemberSync",
          execution_date: "2031-01-02T03:04:05.000Z",
          message: "Contract test run",
        });
        logId = Number(response.result);
        assert.deepEqual(
          await rows(
            ctx.server.db,
            "SELECT p.name, l.message FROM process_logs l JOIN processes p ON p.id = l.process_id WHERE l.id = $1",
            [logId],
          ),
          [{ name: "NightlyMemberSync", message: "Contract test run" }],
        );
        const last = await ctx.admin.unary("FindProcessLastExecutionDate", {
          process_name: "NightlyMemberSync",
        });
        assert.deepEqual(itemsOf(last), [
          {
            process_name: "NightlyMemberSync",
            last_execution_date: "2031-01-02T03:04:05.000Z",
            message: "Contract test run",
          },
        ]);
        await rejects(
          ctx.admin.unary("InsertLog", { process_name: "", message: "x" }),
          grpc.status.INVALID_ARGUMENT,
          "process_name",
        );
        await rejects(
          ctx.admin.unary("InsertLog", {
            process_name: "NightlyMemberSync",
            message: "x",
            execution_date: "yesterday",
          }),
          grpc.status.INVALID_ARGUMENT,
          "execution_date",
        );
        await rejects(
          ctx.medofficer.unary("InsertLog", { process_name: "NightlyMemberSync", message: "x" }),
          grpc.status.PERMISSION_DENIED,
        );
      });

      it("DeleteLogById deletes that line", async () => {
        await rejects(
          ctx.medofficer.unary("DeleteLogById", { log_id: logId }),
          grpc.status.PERMISSION_DENIED,
        );
        const response = await ctx.admin.unary("DeleteLogById", { log_id: logId });
        assert.equal(response.result, 1);
        assert.deepEqual(await rows(ctx.server.db, "SELECT id FROM process_logs WHERE id = $1", [logId]), []);
        await rejects(ctx.admin.unary("DeleteLogById", { log_id: logId }), grpc.status.NOT_FOUND);
        await rejects(
          ctx.admin.unary("DeleteLogById", { log_id: 0 }),
          grpc.status.INVALID_ARGUMENT,
          "log_id",
        );
      });

      let formalLod: number;
      let rrCopy: number;
      it("InsertWorkflow creates workflow definitions, read back through GetWorkflowById", async () => {
        const response = await ctx.admin.unary("InsertWorkflow", {
          module: 2,
          workflow_type: 2,
          workflow_text: "AFRC Formal Line of Duty",
        });
        formalLod = Number(response.result);
        const [max] = await column<number>(ctx.server.db, "SELECT max(id) AS v FROM workflows");
        assert.equal(formalLod, max);
        const read = await ctx.admin.unary("GetWorkflowById", { workflow_id: formalLod });
        assert.deepEqual(itemsOf(read), [
          { workflow_id: formalLod, workflow_text: "AFRC Formal Line of Duty" },
        ]);
        const [row] = await rows(
          ctx.server.db,
          "SELECT module_id, workflow_type_id, compo FROM workflows WHERE id = $1",
          [formalLod],
        );
        assert.deepEqual(row, { module_id: 2, workflow_type_id: 2, compo: "6" });
        rrCopy = Number(
          (await ctx.admin.unary("InsertWorkflow", { module: 5, workflow_type: 3, workflow_text: "RR copy" }))
            .result,
        );
        assert.equal(rrCopy, formalLod + 1);
        await rejects(
          ctx.admin.unary("InsertWorkflow", { workflow_type: 2, workflow_text: "x" }),
          grpc.status.INVALID_ARGUMENT,
          "module",
        );
        await rejects(
          ctx.medofficer.unary("InsertWorkflow", { module: 2, workflow_type: 2, workflow_text: "x" }),
          grpc.status.PERMISSION_DENIED,
        );
      });

      it("UpdateWorkflow renames a workflow", async () => {
        const response = await ctx.admin.unary("UpdateWorkflow", {
          workflow_id: formalLod,
          workflow_text: "AFRC Formal LOD",
        });
        assert.equal(response.result, 1);
        const read = await ctx.admin.unary("GetWorkflowById", { workflow_id: formalLod });
        assert.deepEqual(itemsOf(read), [{ workflow_id: formalLod, workflow_text: "AFRC Formal LOD" }]);
        await rejects(
          ctx.admin.unary("UpdateWorkflow", { workflow_id: formalLod, workflow_text: "  " }),
          grpc.status.INVALID_ARGUMENT,
          "workflow_text",
        );
        await rejects(
          ctx.medofficer.unary("UpdateWorkflow", { workflow_id: formalLod, workflow_text: "x" }),
          grpc.status.PERMISSION_DENIED,
        );
      });

      it("CopyWorkflow and CopyWorkflowStream copy the configuration into the new, empty workflows", async () => {
        const response = await ctx.admin.unary("CopyWorkflow", { from_id: 1, to_id: formalLod });
        assert.deepEqual(itemsOf(response), [
          { workflow_id: formalLod, workflow_name: "AFRC Formal LOD", copy_success: true },
        ]);
        const statuses = async (workflowId: number) =>
          ids(
            itemsOf(await ctx.admin.unary("GetStatusCodesByWorkflow", { workflow_id: workflowId })),
            "status_id",
          );
        assert.deepEqual(await statuses(formalLod), await statuses(1));
        const steps = async (workflowId: number) =>
          pluck(itemsOf(await ctx.admin.unary("GetStepsByWorkflow", { workflow: workflowId })), "step_name");
        assert.deepEqual(await steps(formalLod), await steps(1));
        const initial = await ctx.admin.unary("GetWorkflowInitialStatusCode", { workflow_id: formalLod });
        assert.deepEqual(pluck(itemsOf(initial), "initial_status_id"), [10]);

        const streamed = await ctx.admin.stream("CopyWorkflowStream", { from_id: 2, to_id: rrCopy });
        assert.deepEqual(streamed, [{ workflow_id: rrCopy, workflow_name: "RR copy", copy_success: true }]);
        assert.deepEqual(await statuses(rrCopy), range(30, 37));

        await rejects(
          ctx.admin.unary("CopyWorkflow", { from_id: 1, to_id: 1 }),
          grpc.status.INVALID_ARGUMENT,
          "to_id",
        );
        await rejects(
          ctx.admin.unary("CopyWorkflow", { from_id: 1, to_id: formalLod }),
          grpc.status.FAILED_PRECONDITION,
        );
        await rejects(
          ctx.medofficer.unary("CopyWorkflow", { from_id: 1, to_id: formalLod }),
          grpc.status.PERMISSION_DENIED,
        );
      });

      /** Two options of the copied workflow that the option writes change. */
      let copiedOptions: number[];
      const optionRows = async (table: "option_actions" | "option_rules", optionId: number) =>
        rows(
          ctx.server.db,
          table === "option_actions"
            ? "SELECT action_type_id, target, data FROM option_actions WHERE option_id = $1 ORDER BY id"
            : "SELECT rule_type_id, rule_data, check_all FROM option_rules WHERE option_id = $1 ORDER BY id",
          [optionId],
        );

      it("CopyActions replaces an option's actions by copies of another option's", async () => {
        copiedOptions = ids(
          itemsOf(await ctx.admin.unary("GetStepsByWorkflow", { workflow: formalLod })),
          "step_id",
        );
        const [destination, source] = [copiedOptions[0], copiedOptions.at(-1)!];
        const sourceActions = await optionRows("option_actions", source);
        const response = await ctx.admin.unary("CopyActions", { dest_wsoid: destination, src_wsoid: source });
        assert.equal(response.result, sourceActions.length);
        assert.deepEqual(await optionRows("option_actions", destination), sourceActions);
        await rejects(
          ctx.admin.unary("CopyActions", { dest_wsoid: destination, src_wsoid: destination }),
          grpc.status.INVALID_ARGUMENT,
          "dest_wsoid",
        );
        await rejects(
          ctx.medofficer.unary("CopyActions", { dest_wsoid: destination, src_wsoid: source }),
          grpc.status.PERMISSION_DENIED,
        );
      });

      it("CopyRules replaces an option's rules by copies of another option's", async () => {
        const [destination, source] = [copiedOptions[1], copiedOptions[0]];
        const sourceRules = await optionRows("option_rules", source);
        assert.ok(sourceRules.length > 0);
        const response = await ctx.admin.unary("CopyRules", { dest_wsoid: destination, src_wsoid: source });
        assert.equal(response.result, sourceRules.length);
        assert.deepEqual(await optionRows("option_rules", destination), sourceRules);
        await rejects(
          ctx.admin.unary("CopyRules", { dest_wsoid: destination }),
          grpc.status.INVALID_ARGUMENT,
          "src_wsoid",
        );
        await rejects(
          ctx.medofficer.unary("CopyRules", { dest_wsoid: destination, src_wsoid: source }),
          grpc.status.PERMISSION_DENIED,
        );
      });

      it("InsertAction and InsertActionStream add actions to a step, listed by GetActionsByStep", async () => {
        const step = copiedOptions[2];
        const response = await ctx.admin.unary("InsertAction", {
          type: 3,
          step_id: step,
          target: 4,
          data: 0,
        });
        const [item] = itemsOf(response);
        assert.deepEqual(
          { ...item, result_message: undefined },
          {
            action_id: item.action_id,
            type: 3,
            step_id: step,
            result_message: undefined,
          },
        );
        assert.match(String(item.result_message), /notifyHolder/);
        const [streamed] = await ctx.admin.stream("InsertActionStream", { type: 5, step_id: step });
        assert.equal(streamed.step_id, step);
        const actions = itemsOf(await ctx.admin.unary("GetActionsByStep", { step_id: step }));
        assert.deepEqual(ids(actions, "action_id").slice(-2), [item.action_id, streamed.action_id]);
        assert.deepEqual(pluck(actions, "action_type").slice(-2), ["notifyHolder", "releaseLock"]);
        await rejects(
          ctx.admin.unary("InsertAction", { step_id: step }),
          grpc.status.INVALID_ARGUMENT,
          "type",
        );
        await rejects(ctx.admin.unary("InsertAction", { type: 99, step_id: step }), grpc.status.NOT_FOUND);
        await rejects(
          ctx.medofficer.unary("InsertAction", { type: 3, step_id: step }),
          grpc.status.PERMISSION_DENIED,
        );
      });

      it("InsertOptionAction and InsertOptionActionStream add actions to an option", async () => {
        const option = copiedOptions[3];
        const [item] = itemsOf(
          await ctx.admin.unary("InsertOptionAction", { type: 2, wsoid: option, target: 110 }),
        );
        assert.equal(item.wsoid, option);
        assert.equal(item.type, 2);
        const [streamed] = await ctx.admin.stream("InsertOptionActionStream", { type: 1, wsoid: option });
        assert.equal(streamed.wsoid, option);
        const stored = await rows(
          ctx.server.db,
          "SELECT id, action_type_id, target FROM option_actions WHERE id = ANY($1::int[]) ORDER BY id",
          [[item.action_id, streamed.action_id]],
        );
        assert.deepEqual(stored, [
          { id: item.action_id, action_type_id: 2, target: 110 },
          { id: streamed.action_id, action_type_id: 1, target: 0 },
        ]);
        await rejects(
          ctx.admin.unary("InsertOptionAction", { type: 1 }),
          grpc.status.INVALID_ARGUMENT,
          "wsoid",
        );
        await rejects(
          ctx.admin.unary("InsertOptionAction", { type: 1, wsoid: -3 }),
          grpc.status.INVALID_ARGUMENT,
          "wsoid",
        );
        await rejects(
          ctx.medofficer.unary("InsertOptionAction", { type: 1, wsoid: option }),
          grpc.status.PERMISSION_DENIED,
        );
      });

      it("DeleteStatusCode deletes an unused status code with its work statuses; a used one is refused", async () => {
        await rejects(
          ctx.medofficer.unary("DeleteStatusCode", { status_id: 36 }),
          grpc.status.PERMISSION_DENIED,
        );
        await rejects(
          ctx.admin.unary("DeleteStatusCode", { status_id: 12 }),
          grpc.status.FAILED_PRECONDITION,
        );
        await rejects(
          ctx.admin.unary("DeleteStatusCode", { status_id: 0 }),
          grpc.status.INVALID_ARGUMENT,
          "status_id",
        );
        // Nothing has been denied yet: "RR Denied" (36) is in no case's history.
        const response = await ctx.admin.unary("DeleteStatusCode", { status_id: 36 });
        assert.equal(response.result, 1);
        assert.deepEqual(await rows(ctx.server.db, "SELECT 1 FROM status_codes WHERE id = 36"), []);
        assert.deepEqual(
          await rows(ctx.server.db, "SELECT 1 FROM work_statuses WHERE status_code_id = 36"),
          [],
        );
        assert.deepEqual(itemsOf(await ctx.admin.unary("IsFinalStatusCode", { status_id: 36 })), []);
        const rr = await ctx.admin.unary("GetStatusCodesByWorkflow", { workflow_id: 2 });
        assert.deepEqual(ids(itemsOf(rr), "status_id"), [30, 31, 32, 33, 34, 35, 37]);
      });

      it("AddSignature and AddSignatureStream sign cases as the holder role", async () => {
        const [caseA, caseB] = ctx.unitCcCases.slice(1, 3);
        const unitcc = ctx.user("unitcc");
        const response = await ctx.admin.unary("AddSignature", {
          ref_id: caseA,
          module_type: 2,
          user_id: unitcc,
          group_id: 4,
          status_out: 113,
        });
        const [item] = itemsOf(response);
        const [stored] = await rows(
          ctx.server.db,
          `SELECT id, user_id, work_status_id, role_id, name_and_rank, title,
                  to_char(signed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS signed_at
           FROM signatures WHERE case_id = $1 AND work_status_id = 112`,
          [caseA],
        );
        assert.deepEqual(stored, {
          id: item.signature_id,
          user_id: unitcc,
          work_status_id: 112,
          role_id: 4,
          name_and_rank: "Lt Col Rachel Owens",
          title: "Commander, 452nd Air Mobility Wing",
          signed_at: item.signature_date,
        });
        assert.deepEqual(item, {
          signature_id: stored.id,
          ref_id: caseA,
          user_id: unitcc,
          signature_date: stored.signed_at,
        });
        const streamed = await ctx.admin.stream("AddSignatureStream", { ref_id: caseB, user_id: unitcc });
        assert.equal(streamed.length, 1);
        assert.equal(streamed[0].ref_id, caseB);
        await rejects(
          ctx.admin.unary("AddSignature", { ref_id: caseA, user_id: unitcc }),
          grpc.status.ALREADY_EXISTS,
        );
        await rejects(
          ctx.admin.unary("AddSignature", { user_id: unitcc }),
          grpc.status.INVALID_ARGUMENT,
          "ref_id",
        );
        await rejects(
          ctx.admin.unary("AddSignature", { ref_id: caseA, status_in: 130 }),
          grpc.status.INVALID_ARGUMENT,
          "status_in",
        );
        await rejects(ctx.hqtech.unary("AddSignature", { ref_id: caseA }), grpc.status.PERMISSION_DENIED);
        await rejects(
          ctx.medofficer.unary("AddSignature", { ref_id: caseA, user_id: unitcc }),
          grpc.status.PERMISSION_DENIED,
        );
      });

      it("InsertWorkstatus moves a case and appends tracking, seen by GetWorkstatusesByRefId", async () => {
        const caseId = ctx.unitCcCases[1];
        const response = await ctx.admin.unary("InsertWorkstatus", {
          ref_id: caseId,
          module: 2,
          workstatus_type: 113,
          workstatus_text: "Forwarded by the contract test",
        });
        const [open] = await rows(
          ctx.server.db,
          "SELECT id, work_status_id FROM tracking WHERE case_id = $1 AND end_time IS NULL",
          [caseId],
        );
        assert.deepEqual(open, { id: response.result, work_status_id: 113 });
        assert.deepEqual(
          await column(ctx.server.db, "SELECT work_status_id AS v FROM cases WHERE id = $1", [caseId]),
          [113],
        );
        const history = await ctx.admin.unary("GetWorkstatusesByRefId", { ref_id: caseId });
        assert.deepEqual(ids(itemsOf(history), "workstatus_id"), [110, 111, 112, 113]);
        await rejects(
          ctx.admin.unary("InsertWorkstatus", { ref_id: caseId, workstatus_type: 0 }),
          grpc.status.INVALID_ARGUMENT,
          "workstatus_type",
        );
        await rejects(
          ctx.admin.unary("InsertWorkstatus", { ref_id: caseId, workstatus_type: 131 }),
          grpc.status.INVALID_ARGUMENT,
          "workstatus_type",
        );
        await rejects(
          ctx.hqtech.unary("InsertWorkstatus", { ref_id: caseId, workstatus_type: 114 }),
          grpc.status.PERMISSION_DENIED,
        );
      });

      it("UpdateWorkstatus moves the case named by its case number", async () => {
        const caseId = ctx.unitCcCases[1];
        const [caseNumber] = await column<string>(
          ctx.server.db,
          "SELECT case_number AS v FROM cases WHERE id = $1",
          [caseId],
        );
        const response = await ctx.admin.unary("UpdateWorkstatus", {
          workstatus_id: 114,
          workstatus_text: caseNumber,
        });
        const [open] = await rows(
          ctx.server.db,
          "SELECT t.id, c.work_status_id FROM tracking t JOIN cases c ON c.id = t.case_id WHERE t.case_id = $1 AND t.end_time IS NULL",
          [caseId],
        );
        assert.deepEqual(open, { id: response.result, work_status_id: 114 });
        const active = await ctx.admin.unary("GetActiveCases", { ref_id: caseId });
        assert.deepEqual(itemsOf(active), [
          { case_id: caseId, ref_id: caseId, group_id: 6, status: "Wing Commander Review" },
        ]);
        await rejects(
          ctx.admin.unary("UpdateWorkstatus", { workstatus_id: 115, workstatus_text: "" }),
          grpc.status.INVALID_ARGUMENT,
          "workstatus_text",
        );
        await rejects(
          ctx.hqtech.unary("UpdateWorkstatus", { workstatus_id: 115, workstatus_text: caseNumber }),
          grpc.status.PERMISSION_DENIED,
        );
      });
    });

    it("every RPC of the service definition was called successfully (135/135)", () => {
      assert.equal(SERVICE_RPCS.length, 135);
      assert.equal(SERVICE_RPCS.filter((rpc) => WorkflowService.service[rpc].responseStream).length, 59);
      assert.deepEqual([...succeeded].sort(), SERVICE_RPCS);
    });
  });
}
