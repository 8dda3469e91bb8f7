import type { Db, Queryable } from "../db/db.js";

/** Expired revocations are deleted at most this often, by the sign-out that comes along. */
const PURGE_EVERY_MS = 60_000;
/** Past this many local entries, a revocation first drops the local entries that have expired. */
const LOCAL_SWEEP_AT = 10_000;

/**
 * Tokens revoked by sign-out, kept until they would have expired: in the `revoked_tokens` table, which
 * every instance reads, and in memory on the instance that revoked them, so that instance refuses the
 * token at once without asking the database.
 */
export class RevokedTokens {
  private readonly local = new Map<string, number>();
  private lastPurgeMs = Number.NEGATIVE_INFINITY;

  /** Without a database (the `ect token` command) revocations stay in this process. */
  constructor(
    private readonly db: Db | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Revokes a token id until `expiresAt`; `tx` records it inside the caller's transaction. */
  async revoke(id: string, expiresAt: Date, tx?: Queryable): Promise<void> {
    if (this.local.size >= LOCAL_SWEEP_AT) this.sweepLocal();
    this.local.set(id, expiresAt.getTime());
    const db = tx ?? this.db;
    if (!db) return;
    await db.query(
      `INSERT INTO revoked_tokens (token_id, expires_at) VALUES ($1, $2)
       ON CONFLICT (token_id) DO UPDATE SET expires_at = greatest(revoked_tokens.expires_at, excluded.expires_at)`,
      [id, expiresAt],
    );
    // Purged through the same queryable: a second statement on the embedded database's one session
    // while the caller's transaction holds it would wait for that transaction forever.
    if (this.now() - this.lastPurgeMs >= PURGE_EVERY_MS) {
      this.lastPurgeMs = this.now();
      await db.query("DELETE FROM revoked_tokens WHERE expires_at < now()");
    }
  }

  /** True when this instance revoked the token (no database round trip). */
  revokedHere(id: string): boolean {
    const until = this.local.get(id);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.local.delete(id);
    return false;
  }

  /** True when any instance revoked the token and it has not expired yet. */
  async isRevoked(id: string): Promise<boolean> {
    if (this.revokedHere(id)) return true;
    if (!this.db) return false;
    const { rows } = await this.db.query(
      "SELECT 1 FROM revoked_tokens WHERE token_id = $1 AND expires_at > now()",
      [id],
    );
    return rows.length > 0;
  }

  private sweepLocal(): void {
    const now = this.now();
    for (const [id, until] of this.local) if (until <= now) this.local.delete(id);
  }
}
