import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Code, type ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import {
  type Caller,
  type CallToken,
  callerKey,
  callTokenKey,
  remoteAddressKey,
} from "../../auth/caller-context.js";
import type { Db, Queryable } from "../../db/db.js";
import { WorkflowService } from "../../gen/workflow/workflow_pb.js";
import { callerFor, clientAs, openSeededDb } from "./test-harness.js";
import { workflowService } from "./workflow-service.js";

let db: Db;
let medtech: Caller;

before(async () => {
  db = await openSeededDb();
  medtech = await callerFor(db, "medtech");
});
after(() => db.close());

/** A bearer token that records where it was revoked. */
function fakeToken(): CallToken & { revokedIn: (Queryable | undefined)[] } {
  const revokedIn: (Queryable | undefined)[] = [];
  return {
    id: "jti:test",
    expiresAt: new Date(Date.now() + 60_000),
    revokedIn,
    async revoke(tx) {
      revokedIn.push(tx);
    },
  };
}

/** A WorkflowService client as the auth interceptor and the transport would set it up: caller, token, address. */
function clientFrom(caller: Caller, remoteAddress: string, token: CallToken = fakeToken()) {
  const transport = createRouterTransport(
    ({ service }) =>
      service(WorkflowService, workflowService({ db, streaming: { firstPageSize: 2, pageSize: 5 } })),
    {
      router: {
        interceptors: [
          (next) => (req) => {
            req.contextValues.set(callerKey, caller);
            req.contextValues.set(callTokenKey, token);
            req.contextValues.set(remoteAddressKey, remoteAddress);
            return next(req);
          },
        ],
      },
    },
  );
  return createClient(WorkflowService, transport);
}

describe("UpdateLogin and Logout", () => {
  test("a login opens a session with a generated id and the socket address, and audits it", async () => {
    const client = clientFrom(medtech, "10.1.2.3");
    const response = await client.updateLogin({});
    const [item] = response.items;
    assert.equal(item.userId, medtech.userId);
    assert.match(item.sessionId, /^[A-Za-z0-9_-]{32}$/);
    assert.match(item.loginTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const whois = await client.getWhois({ userId: medtech.userId });
    assert.deepEqual(
      whois.items.map((row) => row.ipAddress),
      ["10.1.2.3"],
    );
    const audit = await db.query(
      "SELECT 1 FROM audit_events WHERE entity_type = 'session' AND entity_id = $1 AND action = 'login'",
      [String(medtech.userId)],
    );
    assert.equal(audit.rows.length, 1);
  });

  test("the session keeps the socket address, not the address the client claims in remote_addr", async () => {
    const client = clientFrom(medtech, "192.0.2.7");
    const [item] = (await client.updateLogin({ remoteAddr: "10.66.66.66" })).items;
    const stored = await db.query<{ remote_address: string }>(
      "SELECT remote_address FROM sessions WHERE id = $1",
      [item.sessionId],
    );
    assert.deepEqual(stored.rows, [{ remote_address: "192.0.2.7" }]);
    const refreshed = await clientFrom(medtech, "192.0.2.8").updateLogin({
      sessionId: item.sessionId,
      remoteAddr: "10.66.66.67",
    });
    assert.equal(refreshed.items[0].sessionId, item.sessionId);
    const whois = await client.getWhois({ userId: medtech.userId });
    assert.deepEqual(
      whois.items.map((row) => row.ipAddress),
      ["192.0.2.8"],
    );
  });

  test("refreshing a known session keeps its id; a second login drops the user's other sessions", async () => {
    const client = clientAs(db, medtech);
    const first = (await client.updateLogin({})).items[0];
    const refreshed = (await client.updateLogin({ sessionId: first.sessionId })).items[0];
    assert.equal(refreshed.sessionId, first.sessionId);
    const second = (await client.updateLogin({})).items[0];
    assert.notEqual(second.sessionId, first.sessionId);
    const sessions = await db.query<{ id: string }>("SELECT id FROM sessions WHERE user_id = $1", [
      medtech.userId,
    ]);
    assert.deepEqual(
      sessions.rows.map((row) => row.id),
      [second.sessionId],
    );
  });

  test("sessions idle for more than 30 minutes are purged with their users' locks; fresher ones stay", async () => {
    const { rows } = await db.query<{ idle: number; fresh: number; case_id: number }>(
      `SELECT (SELECT id FROM users WHERE username = 'unitcc') AS idle, (SELECT id FROM users WHERE username = 'wingja') AS fresh,
              (SELECT min(id) FROM cases) AS case_id`,
    );
    const { idle, fresh, case_id: caseId } = rows[0];
    await db.query(
      `INSERT INTO sessions (id, user_id, last_access) VALUES ('idle-session', $1, now() - interval '31 minutes'),
                                                              ('fresh-session', $2, now() - interval '29 minutes')`,
      [idle, fresh],
    );
    await db.query(
      "INSERT INTO case_locks (case_id, module_id, user_id) VALUES ($1, 2, $2), ($1 + 1, 2, $3)",
      [caseId, idle, fresh],
    );
    await clientAs(db, medtech).updateLogin({});
    const left = await db.query<{ id: string }>(
      "SELECT id FROM sessions WHERE id IN ('idle-session', 'fresh-session')",
    );
    assert.deepEqual(
      left.rows.map((row) => row.id),
      ["fresh-session"],
    );
    const locks = await db.query<{ user_id: number }>(
      "SELECT user_id FROM case_locks WHERE case_id IN ($1, $1 + 1)",
      [caseId],
    );
    assert.deepEqual(
      locks.rows.map((row) => row.user_id),
      [fresh],
    );
  });

  test("logout ends the user's sessions, releases the user's locks and revokes the call's token", async () => {
    const token = fakeToken();
    const client = clientFrom(medtech, "192.0.2.7", token);
    await client.updateLogin({});
    const caseId = (await db.query<{ id: number }>("SELECT max(id) AS id FROM cases")).rows[0].id;
    await db.query("INSERT INTO case_locks (case_id, module_id, user_id) VALUES ($1, 5, $2)", [
      caseId,
      medtech.userId,
    ]);
    const response = await client.logout({});
    assert.equal(response.result, 1);
    const left = await db.query(
      "SELECT 1 FROM sessions WHERE user_id = $1 UNION ALL SELECT 1 FROM case_locks WHERE user_id = $1",
      [medtech.userId],
    );
    assert.equal(left.rows.length, 0);
    assert.equal(token.revokedIn.length, 1, "the token is revoked once");
    assert.ok(token.revokedIn[0], "inside the logout transaction");
  });

  test("an administrator ending another user's sessions keeps their own token", async () => {
    const token = fakeToken();
    const response = await clientFrom(await callerFor(db, "lodpm"), "192.0.2.9", token).logout({
      userId: medtech.userId,
    });
    assert.equal(typeof response.result, "number");
    assert.deepEqual(token.revokedIn, []);
  });

  test("only a user administrator may log another user in; bad input names the field", async () => {
    const client = clientAs(db, medtech);
    await assert.rejects(client.updateLogin({ userId: medtech.userId + 1 }), (error: ConnectError) => {
      assert.equal(error.code, Code.PermissionDenied);
      return true;
    });
    await assert.rejects(client.updateLogin({ sessionId: "no spaces" }), (error: ConnectError) => {
      assert.equal(error.code, Code.InvalidArgument);
      assert.match(error.rawMessage, /^session_id:/);
      return true;
    });
    await assert.rejects(client.updateLogin({ remoteAddr: "not-an-ip" }), (error: ConnectError) => {
      assert.equal(error.code, Code.InvalidArgument);
      assert.match(error.rawMessage, /^remote_addr:/);
      return true;
    });
    const admin = clientAs(db, await callerFor(db, "admin"));
    await assert.rejects(
      admin.logout({ userId: 999999 }),
      (error: ConnectError) => error.code === Code.NotFound,
    );
  });
});
