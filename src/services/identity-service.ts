import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { type Caller, remoteAddressKey } from "../auth/caller-context.js";
import type { CallerDirectory } from "../auth/caller-directory.js";
import type { SignInOptions } from "../auth/sign-in-options.js";
import type { TokenAuthority } from "../auth/token-issuer.js";
import type { Db } from "../db/db.js";
import { failedPrecondition, notFound } from "../errors.js";
import {
  type CurrentUser,
  CurrentUserSchema,
  type IdentityService,
} from "../gen/ect/v1/identity_service_pb.js";
import { callerOf, callTokenOf } from "./call-caller.js";
import { text } from "./validation.js";

/** What the identity service needs. */
export interface IdentityServiceDeps {
  db: Db;
  tokens: TokenAuthority;
  directory: CallerDirectory;
  /** How the web client signs in (see auth/sign-in-options.ts). */
  signInOptions: () => Promise<SignInOptions>;
}

/** ect.v1.IdentityService: who the caller is, how to sign in and out, and demo sign-in in development mode. */
export function identityService(deps: IdentityServiceDeps): ServiceImpl<typeof IdentityService> {
  const { db, tokens, directory, signInOptions } = deps;

  async function currentUser(caller: Caller): Promise<CurrentUser> {
    const { rows } = await db.query<{ display_name: string; unit_name: string }>(
      `SELECT trim(u.rank || ' ' || u.first_name || ' ' || u.last_name) AS display_name, un.name AS unit_name
       FROM users u JOIN units un ON un.id = u.unit_id WHERE u.id = $1`,
      [caller.userId],
    );
    return create(CurrentUserSchema, {
      userId: caller.userId,
      username: caller.username,
      displayName: rows[0]?.display_name ?? caller.username,
      roleId: caller.roleId,
      roleName: caller.roleName,
      unitId: caller.unitId,
      unitName: rows[0]?.unit_name ?? "",
      permissions: [...caller.permissions].sort(),
    });
  }

  return {
    async listDemoUsers() {
      if (tokens.mode !== "development") return { users: [] };
      const { rows } = await db.query<{
        username: string;
        display_name: string;
        role_id: number;
        role_name: string;
        unit_name: string;
      }>(
        `SELECT u.username, trim(u.rank || ' ' || u.first_name || ' ' || u.last_name) AS display_name,
                r.id AS role_id, r.name AS role_name, un.name AS unit_name
         FROM users u JOIN roles r ON r.id = u.current_role_id JOIN units un ON un.id = u.unit_id
         WHERE u.username NOT LIKE 'user%' AND u.account_status = 'active'
         ORDER BY r.id, u.username`,
      );
      return {
        users: rows.map((row) => ({
          username: row.username,
          displayName: row.display_name,
          roleId: row.role_id,
          roleName: row.role_name,
          unitName: row.unit_name,
        })),
      };
    },

    async signInDemoUser(request, context) {
      if (tokens.mode !== "development")
        throw failedPrecondition("demo sign-in is off: sign in through the OIDC issuer");
      const username = text("username", request.username, { min: 1, max: 64 });
      const caller = await directory.resolve({ username });
      if (!caller) throw notFound("active user", username);
      const { token, expiresAt } = await tokens.issue(username);
      // Signing in opens a session, so the user shows among the users online.
      await db.query(`INSERT INTO sessions (id, user_id, role_id, remote_address) VALUES ($1, $2, $3, $4)`, [
        randomUUID(),
        caller.userId,
        caller.roleId,
        context.values.get(remoteAddressKey),
      ]);
      return {
        accessToken: token,
        expireTime: timestampFromDate(expiresAt),
        user: await currentUser(caller),
      };
    },

    async getSignInOptions() {
      return signInOptions();
    },

    async getCurrentUser(_request, context) {
      return currentUser(callerOf(context));
    },

    async signOut(_request, context) {
      const token = callTokenOf(context);
      await token.revoke();
      return { revokedUntil: timestampFromDate(token.expiresAt) };
    },
  };
}
