/**
 * Escalation attempts by a user administrator: the LOD Program Manager (`lodpm`, userAdmin, HQ) tries,
 * over REST and native gRPC, to make itself or another user a System Administrator and to change its own
 * account status. Every attempt is PERMISSION_DENIED, the accounts in the database are exactly as before,
 * and the same administrator's ordinary work on a user it manages still goes through.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { JsonObject } from "@bufbuild/protobuf";
import { Code, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { Db } from "../../src/db/db.js";
import { Role } from "../../src/seed/reference-data.js";
import { signIn } from "../support/clients.js";
import { startTestServer, type TestServer, testDatabases } from "../support/test-server.js";
import { callAny } from "./support/any-call.js";
import { RawClient } from "./support/raw-client.js";
import { type CatalogRpc, restPath, rpcCatalog } from "./support/rpc-catalog.js";

/** One attempt: the WorkflowService RPC and its request, given the ids of lodpm and of another user. */
interface Attempt {
  what: string;
  rpc: string;
  request(ids: { own: number; other: number }): JsonObject;
}

const attempts: Attempt[] = [
  {
    what: "make itself System Administrator through its managed settings",
    rpc: "UpdateManagedSettings",
    request: ({ own }) => ({ userId: own, groupId: Role.SystemAdmin }),
  },
  {
    what: "make another user System Administrator through the managed settings",
    rpc: "UpdateManagedSettings",
    request: ({ other }) => ({ userId: other, groupId: Role.SystemAdmin }),
  },
  {
    what: "register another user as System Administrator",
    rpc: "RegisterUser",
    request: ({ other }) => ({ userId: other, groupId: Role.SystemAdmin }),
  },
  {
    what: "register itself as System Administrator",
    rpc: "RegisterUser",
    request: ({ own }) => ({ userId: own, groupId: Role.SystemAdmin }),
  },
  {
    what: "grant itself the System Administrator role",
    rpc: "RegisterUserRole",
    request: ({ own }) => ({ userId: own, groupId: Role.SystemAdmin, status: 2 }),
  },
  {
    what: "grant another user the System Administrator role",
    rpc: "RegisterUserRole",
    request: ({ other }) => ({ userId: other, groupId: Role.SystemAdmin, status: 2 }),
  },
  {
    what: "change its own account status",
    rpc: "UpdateAccountStatus",
    request: ({ own }) => ({ userId: own, accountStatus: 3, expirationDate: "2099-12-31" }),
  },
];

const workflow = (name: string): CatalogRpc => {
  const rpc = rpcCatalog().find((r) => r.id === `workflow.WorkflowService/${name}`);
  assert.ok(rpc, `WorkflowService has ${name}`);
  return rpc;
};

/** Everything about two accounts that decides who they are and what they may do. */
async function accounts(db: Db, ids: number[]): Promise<unknown[]> {
  const { rows } = await db.query(
    `SELECT u.id, u.current_role_id, u.account_status, u.expiration_date::text AS expiration_date, u.work_compo,
            array(SELECT ur.role_id || ':' || ur.status || ':' || ur.active FROM user_roles ur
                  WHERE ur.user_id = u.id ORDER BY ur.role_id) AS roles
     FROM users u WHERE u.id = ANY($1::int[]) ORDER BY u.id`,
    [ids],
  );
  return rows;
}

for (const database of testDatabases()) {
  describe(`a user administrator's escalation attempts on ${database.name}`, { timeout: 120_000 }, () => {
    let server: TestServer;
    let raw: RawClient;
    let grpc: Transport;
    let token: string;
    const ids = { own: 0, other: 0, managed: 0 };

    before(async () => {
      server = await startTestServer(database.url);
      raw = new RawClient(server.url);
      grpc = createGrpcTransport({ baseUrl: server.url });
      const { rows } = await server.db.query<{ username: string; id: number }>(
        "SELECT username, id FROM users WHERE username IN ('lodpm', 'medtech', 'medofficer')",
      );
      const id = (username: string) => rows.find((row) => row.username === username)!.id;
      Object.assign(ids, { own: id("lodpm"), other: id("medtech"), managed: id("medofficer") });
      token = await signIn(server.url, "lodpm");
    });
    after(async () => {
      raw?.close();
      await server?.stop();
    });

    /** The attempt over REST (its first binding) and over gRPC: what each answered. */
    async function attempt(rpc: CatalogRpc, request: JsonObject): Promise<{ rest: string; grpc: string }> {
      const route = rpc.routes[0];
      const rest = await raw.rest(route.httpMethod, restPath(route), JSON.stringify(request), token);
      const viaGrpc = await callAny(grpc, rpc.method, request, token);
      return {
        rest: `${rest.httpStatus} ${rest.code === undefined ? "?" : (Code[rest.code] ?? "OK")}`,
        grpc: viaGrpc.error ? Code[viaGrpc.error.code] : "OK",
      };
    }

    it("refuses every attempt with PERMISSION_DENIED over REST and gRPC and changes no account", async () => {
      const before = await accounts(server.db, [ids.own, ids.other]);
      const answers: string[] = [];
      for (const { what, rpc, request } of attempts) {
        const got = await attempt(workflow(rpc), request(ids));
        answers.push(`${what} (${rpc}): REST ${got.rest}, gRPC ${got.grpc}`);
      }
      const expected = attempts.map(
        ({ what, rpc }) => `${what} (${rpc}): REST 403 PermissionDenied, gRPC PermissionDenied`,
      );
      assert.deepEqual(answers, expected, "every escalation attempt is refused on both protocols");
      assert.deepEqual(await accounts(server.db, [ids.own, ids.other]), before, "the accounts are unchanged");
    });

    it("audits each refusal under the administrator's name, as a refusal", async () => {
      // Rows that say the write was refused (not the audit row of a write that went through).
      const refusals = async () =>
        (
          await server.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM audit_events WHERE actor = 'lodpm' AND entity_id = $1
               AND (action ~* 'denied|refused' OR after::text ~* 'denied|refused')`,
            [String(ids.own)],
          )
        ).rows[0].n;
      const before = await accounts(server.db, [ids.own]);
      const start = await refusals();
      const { rpc, request } = attempts[0];
      await attempt(workflow(rpc), request(ids));
      assert.equal((await refusals()) - start, 2, "one refusal row per refused call (REST and gRPC)");
      assert.deepEqual(await accounts(server.db, [ids.own]), before, "and no change");
    });

    it("still lets the administrator change what it may on a user whose role it manages", async () => {
      const got = await attempt(workflow("UpdateManagedSettings"), {
        userId: ids.managed,
        comment: "Reviewed by the LOD program manager",
      });
      assert.deepEqual(got, { rest: "200 OK", grpc: "OK" });
    });
  });
}
