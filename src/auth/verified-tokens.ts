/** A token that verified: what it verified to, until when it is valid, and when its revocation was checked. */
export interface RememberedToken<T> {
  readonly value: T;
  readonly expiresAtMs: number;
  /** When the revocation table was last asked about this token. */
  checkedAtMs: number;
}

/**
 * Remembers tokens that verified, until they expire, so a client that sends the same bearer token
 * on every call pays for one signature check (≈ 0.5–0.8 ms with jose's WebCrypto HMAC, the largest
 * cost of a short call) instead of one per call. A remembered token is "stale" once `recheckMs` has
 * passed since its revocation was checked: another instance may have revoked it since. Bounded: the
 * oldest entry goes first.
 */
export class VerifiedTokens<T> {
  private readonly entries = new Map<string, RememberedToken<T>>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly recheckMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** A remembered token that has not expired. */
  get(token: string): RememberedToken<T> | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= this.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return entry;
  }

  /** True when the token's revocation should be checked again before it is served. */
  isStale(entry: RememberedToken<T>): boolean {
    return this.now() - entry.checkedAtMs >= this.recheckMs;
  }

  /** Marks a remembered token's revocation as checked now. */
  checked(entry: RememberedToken<T>): void {
    entry.checkedAtMs = this.now();
  }

  /** Remembers a token that verified and was found not revoked just now. */
  remember(token: string, value: T, expiresAtMs: number): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, { value, expiresAtMs, checkedAtMs: this.now() });
  }

  /** Forgets a token (revoked). */
  forget(token: string): void {
    this.entries.delete(token);
  }
}
