import type { Db } from "../db/db.js";
import type { Caller } from "./caller-context.js";
import type { AccountRef } from "./token-issuer.js";

/** How long a resolved caller is reused before the database is asked again. */
const TTL_MS = 15_000;
const MAX_ENTRIES = 10_000;

/**
 * Resolves an account (by username, or by the OIDC issuer's subject) to the caller (current role, unit,
 * permissions), caching briefly so a busy client does not cost a database round trip per call. Inactive
 * accounts, and subjects linked to no account, resolve to undefined.
 */
export class CallerDirectory {
  private readonly cache = new Map<string, { caller: Caller | undefined; expires: number }>();
  /**
   * The load in flight per account: callers arriving together (50 streams a client opens at once) share one
   * query instead of each asking the database before its first item.
   */
  private readonly loading = new Map<string, Promise<Caller | undefined>>();

  constructor(private readonly db: Db) {}

  /** The caller for an account, or undefined if no active account has it. */
  async resolve(account: AccountRef): Promise<Caller | undefined> {
    const key = "username" in account ? `user:${account.username}` : `oidc:${account.oidcSubject}`;
    const hit = this.cache.get(key);
    if (hit && hit.expires > Date.now()) return hit.caller;
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight;
    const load = this.load(account);
    this.loading.set(key, load);
    try {
      const caller = await load;
      // Cached only if no invalidate() forgot this load while it ran (it would be the state before the change).
      if (this.loading.get(key) === load) {
        if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
        this.cache.set(key, { caller, expires: Date.now() + TTL_MS });
      }
      return caller;
    } finally {
      if (this.loading.get(key) === load) this.loading.delete(key);
    }
  }

  /** Forgets cached callers and loads in flight, e.g. after a role or account change. */
  invalidate(username?: string): void {
    if (!username) {
      this.cache.clear();
      this.loading.clear();
      return;
    }
    for (const [key, hit] of this.cache) {
      if (key === `user:${username}` || hit.caller?.username === username) this.cache.delete(key);
    }
    // A load by OIDC subject cannot be matched to a username before it returns: forget every one in flight.
    for (const key of this.loading.keys()) {
      if (key === `user:${username}` || key.startsWith("oidc:")) this.loading.delete(key);
    }
  }

  private async load(account: AccountRef): Promise<Caller | undefined> {
    // Never by a name an OIDC token carries: only the subject the issuer assigned, linked to the account.
    const [column, value] =
      "username" in account ? ["username", account.username] : ["oidc_subject", account.oidcSubject];
    const { rows } = await this.db.query<{
      id: number;
      username: string;
      role_id: number;
      role_name: string;
      unit_id: number;
      permissions: string[] | null;
    }>(
      `SELECT u.id, u.username, u.current_role_id AS role_id, r.name AS role_name, u.unit_id,
              array(SELECT p.name FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id
                    WHERE rp.role_id = u.current_role_id ORDER BY p.name) AS permissions
       FROM users u
       JOIN roles r ON r.id = u.current_role_id
       JOIN user_roles ur ON ur.user_id = u.id AND ur.role_id = u.current_role_id AND ur.active AND ur.status = 'approved'
       WHERE u.${column} = $1 AND u.account_status = 'active'
         AND (u.expiration_date IS NULL OR u.expiration_date >= current_date)`,
      [value],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      userId: row.id,
      username: row.username,
      roleId: row.role_id,
      roleName: row.role_name,
      unitId: row.unit_id,
      permissions: new Set(row.permissions ?? []),
    };
  }
}
