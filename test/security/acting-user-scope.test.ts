/**
 * Acting for another user, and listing users, stay within the caller's reach: a user administrator of the
 * 452nd AMW (a wing-level LOD Program Manager, unit 10) may log in, log out and list the managed users of a
 * user of its own wing, but not of a user of the 445th AW (unit 11, the sibling wing); the HQ Program
 * Manager may not act for a Program Manager (its role does not manage that role); no RPC acting for a user
 * (sessions, managed users, RR inbox, workflow and case writes) crosses a wing. Every refusal is
 * PERMISSION_DENIED, changes nothing and leaves a `<action>_denied` audit row. AdminService.ListUsers shows a
 * wing's user administrator the users of its subtree only, and the System Administrator everyone.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { AdminService } from "../../src/gen/ect/v1/admin_service_pb.js";
import { WorkflowService } from "../../src/gen/workflow/workflow_pb.js";
import { Role } from "../../src/seed/reference-data.js";
import { collect, grpcClient, signIn } from "../support/clients.js";
import { startTestServer, type TestServer, testDatabases } from "../support/test-server.js";
import { createAccount, createRole } from "./support/test-accounts.js";

const OWN_WING = 10;
const OTHER_WING = 11;

for (const database of testDatabases()) {
  describe(`acting for another user and listing users stay in the caller's units on ${database.name}`, {
    timeout: 120_000,
  }, () => {
    let server: TestServer;
    const ids = { wingPm: 0, otherWingPm: 0, medtech: 0, medtech445: 0 };
    const tokens = { wingPm: "", lodpm: "", admin: "" };

    before(async () => {
      server = await startTestServer(database.url);
      ids.wingPm = await createAccount(server.db, {
        username: "wingpm452",
        unitId: OWN_WING,
        roleId: Role.ProgramManager,
      });
      ids.otherWingPm = await createAccount(server.db, {
        username: "wingpm445",
        unitId: OTHER_WING,
        roleId: Role.ProgramManager,
      });
      const { rows } = await server.db.query<{ username: string; id: number }>(
        "SELECT username, id FROM users WHERE username IN ('medtech', 'medtech445')",
      );
      for (const row of rows) ids[row.username as "medtech" | "medtech445"] = row.id;
      tokens.wingPm = await signIn(server.url, "wingpm452");
      tokens.lodpm = await signIn(server.url, "lodpm");
      tokens.admin = await signIn(server.url, "admin");
    });
    after(async () => {
      await server?.stop();
    });

    const workflow = (token: string) => grpcClient(server.url, WorkflowService, token);

    /** The user's sessions, to show a refusal left them alone. */
    async function sessionsOf(userId: number): Promise<string[]> {
      const { rows } = await server.db.query<{ id: string }>(
        "SELECT id FROM sessions WHERE user_id = $1 ORDER BY id",
        [userId],
      );
      return rows.map((row) => row.id);
    }

    /** The reasons of the refusals audited as `action` against the user by `actor`. */
    async function refusals(userId: number, action: string, actor: string): Promise<string[]> {
      const { rows } = await server.db.query<{ after: { reason: string } }>(
        "SELECT after FROM audit_events WHERE entity_type = 'user' AND entity_id = $1 AND action = $2 AND actor = $3",
        [String(userId), action, actor],
      );
      return rows.map((row) => row.after.reason);
    }

    /** Asserts the call is PERMISSION_DENIED with a message matching `reason`. */
    async function denied(call: Promise<unknown>, reason: RegExp): Promise<void> {
      await assert.rejects(call, (error: unknown) => {
        assert.ok(error instanceof ConnectError, String(error));
        assert.equal(error.code, Code.PermissionDenied, error.message);
        assert.match(error.rawMessage, reason);
        return true;
      });
    }

    /** The units at or below `unitId`. */
    async function unitsUnder(unitId: number): Promise<Set<number>> {
      const { rows } = await server.db.query<{ id: number }>(
        "SELECT descendant_id AS id FROM unit_tree WHERE ancestor_id = $1",
        [unitId],
      );
      return new Set(rows.map((row) => row.id));
    }

    it("a wing's user administrator cannot log in or log out a user of another wing; each refusal is audited", async () => {
      await server.db.query(
        "INSERT INTO sessions (id, user_id, role_id) SELECT 'other-wing-session', id, current_role_id FROM users WHERE id = $1",
        [ids.medtech445],
      );
      const sessions = await sessionsOf(ids.medtech445);
      const client = workflow(tokens.wingPm);

      await denied(client.updateLogin({ userId: ids.medtech445 }), /outside your units/);
      await denied(client.logout({ userId: ids.medtech445 }), /outside your units/);

      assert.deepEqual(
        await sessionsOf(ids.medtech445),
        sessions,
        "the other wing's user keeps its sessions",
      );
      assert.deepEqual(await refusals(ids.medtech445, "update_login_denied", "wingpm452"), [
        `user ${ids.medtech445} is outside your units`,
      ]);
      assert.deepEqual(await refusals(ids.medtech445, "logout_denied", "wingpm452"), [
        `user ${ids.medtech445} is outside your units`,
      ]);
    });

    it("a wing's user administrator cannot list the managed users of another wing's manager; the refusal is audited", async () => {
      const client = workflow(tokens.wingPm);
      await denied(client.getManagedUsers({ userid: ids.otherWingPm }), /outside your units/);
      await denied(collect(client.getManagedUsersStream({ userid: ids.otherWingPm })), /outside your units/);
      assert.equal((await refusals(ids.otherWingPm, "get_managed_users_denied", "wingpm452")).length, 2);
      // The other wing's manager itself sees its wing's users: the refusal hid a real list.
      const own445 = await workflow(await signIn(server.url, "wingpm445")).getManagedUsers({});
      assert.ok(own445.items.some((item) => item.userId === ids.medtech445));
    });

    it("every other RPC acting for a user refuses a user of another wing, audited", async () => {
      // A wing-level administrator of users and workflows that may call every RPC acting for a user.
      const roleId = await createRole(server.db, "Wing Administrator", [
        "lodView",
        "lodAct",
        "userAdmin",
        "workflowAdmin",
      ]);
      await createAccount(server.db, { username: "wingadmin452", unitId: OWN_WING, roleId });
      const client = workflow(await signIn(server.url, "wingadmin452"));
      const userId = ids.medtech445;
      const calls: [string, () => Promise<unknown>][] = [
        ["get_reinvestigation_requests", () => client.getReinvestigationRequests({ userId })],
        [
          "insert_workflow",
          () => client.insertWorkflow({ userId, module: 2, workflowType: 1, workflowText: "x" }),
        ],
        ["update_workflow", () => client.updateWorkflow({ userId, workflowId: 1, workflowText: "x" })],
        ["insert_workstatus", () => client.insertWorkstatus({ userId, refId: 1, workstatusType: 1 })],
        [
          "update_workstatus",
          () => client.updateWorkstatus({ userId, workstatusId: 1, workstatusText: "1" }),
        ],
        ["add_signature", () => client.addSignature({ userId, refId: 1 })],
      ];
      for (const [action, call] of calls) {
        await denied(call(), /outside your units/);
        assert.equal((await refusals(userId, `${action}_denied`, "wingadmin452")).length, 1, action);
      }
    });

    it("the HQ Program Manager cannot act for a Program Manager: its role does not manage that role", async () => {
      await denied(
        workflow(tokens.lodpm).logout({ userId: ids.wingPm }),
        new RegExp(`does not manage role ${Role.ProgramManager} held by user ${ids.wingPm}`),
      );
      assert.equal((await refusals(ids.wingPm, "logout_denied", "lodpm")).length, 1);
    });

    it("a wing's user administrator still logs in, lists and logs out a user of its own wing", async () => {
      const client = workflow(tokens.wingPm);
      const login = await client.updateLogin({ userId: ids.medtech });
      assert.equal(login.items[0].userId, ids.medtech);
      const managed = await client.getManagedUsers({ userid: ids.wingPm });
      assert.ok(managed.items.some((item) => item.userId === ids.medtech));
      const ended = await client.logout({ userId: ids.medtech });
      assert.ok(ended.result >= 1);
      assert.deepEqual(await sessionsOf(ids.medtech), []);
    });

    it("ListUsers shows a wing's user administrator its subtree only, and the System Administrator everyone", async () => {
      const listAll = async (token: string) => {
        const client = grpcClient(server.url, AdminService, token);
        const users: { id: number; unitId: number }[] = [];
        let pageToken = "";
        do {
          const page = await client.listUsers({ pageSize: 100, pageToken });
          users.push(...page.users);
          pageToken = page.nextPageToken;
        } while (pageToken !== "");
        return users;
      };
      const ownUnits = await unitsUnder(OWN_WING);
      const wing = await listAll(tokens.wingPm);
      assert.deepEqual(
        wing.filter((user) => !ownUnits.has(user.unitId)),
        [],
        "only users of the wing's subtree",
      );
      const { rows } = await server.db.query<{ id: number }>(
        "SELECT id FROM users WHERE unit_id = ANY($1::int[]) ORDER BY id",
        [[...ownUnits]],
      );
      assert.deepEqual(
        wing.map((user) => user.id),
        rows.map((row) => row.id),
        "every user of the subtree",
      );
      assert.ok(!wing.some((user) => user.id === ids.medtech445));

      const everyone = await listAll(tokens.admin);
      const total = await server.db.query<{ count: number }>("SELECT count(*)::int AS count FROM users");
      assert.equal(everyone.length, total.rows[0].count);
    });
  });
}
