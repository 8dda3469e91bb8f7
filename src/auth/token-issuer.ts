import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createRemoteJWKSet, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { Config } from "../config.js";
import type { Db } from "../db/db.js";
import { unauthenticated } from "../errors.js";
import type { CallToken } from "./caller-context.js";
import { RevokedTokens } from "./revoked-tokens.js";
import { VerifiedTokens } from "./verified-tokens.js";

const ISSUER = "ect-development";
const AUDIENCE = "ect";
/** A longer `jti` is not used as the token id; the token's hash is. */
const MAX_JTI_LENGTH = 200;

/** The local account a token is for: by username (development tokens) or by the issuer's `sub` (OIDC). */
export type AccountRef = { readonly username: string } | { readonly oidcSubject: string };

/** A bearer token whose signature and claims checked out, that nobody revoked. */
export interface VerifiedToken extends CallToken {
  readonly account: AccountRef;
}

/** Verifies bearer tokens and, in development mode, signs them for demo users. */
export interface TokenAuthority {
  readonly mode: Config["auth"]["mode"];
  /** The token's account; throws UNAUTHENTICATED for an invalid, expired, revoked or foreign token. */
  verify(token: string): Promise<VerifiedToken>;
  /** Signs a token for a username (development mode only). */
  issue(username: string): Promise<{ token: string; expiresAt: Date }>;
}

/** Knobs tests turn. */
export interface TokenAuthorityOptions {
  /** How long a remembered token is served before the revocation table is asked again (default 10 s). */
  revocationRecheckMs?: number;
}

/**
 * Development tokens: HS256 with a secret from ECT_JWT_SECRET or one kept in the data directory; OIDC
 * tokens: the issuer's keys, audience and algorithms. Revocations (sign-out) are kept in `db`'s
 * `revoked_tokens`; without a database (the `ect token` command) they stay in this process.
 */
export async function createTokenAuthority(
  config: Pick<Config, "auth" | "dataDir">,
  db?: Db,
  options: TokenAuthorityOptions = {},
): Promise<TokenAuthority> {
  const revoked = new RevokedTokens(db);
  const remembered = () => new VerifiedTokens<VerifiedToken>(10_000, options.revocationRecheckMs);
  if (config.auth.mode === "oidc") return oidcAuthority(config.auth, revoked, remembered());
  const secret = new TextEncoder().encode(config.auth.jwtSecret ?? (await developmentSecret(config.dataDir)));
  const ttl = config.auth.tokenTtlSeconds;
  return {
    mode: "development",
    verify: verifier(
      async (token) => {
        const { payload } = await jwtVerify(token, secret, {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ["HS256"],
          requiredClaims: ["exp", "sub"],
        });
        return { account: { username: payload.sub as string }, payload };
      },
      revoked,
      remembered(),
    ),
    async issue(username) {
      const expiresAt = new Date(Date.now() + ttl * 1000);
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(username)
        .setJti(randomUUID())
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(secret);
      return { token, expiresAt };
    },
  };
}

/** Tokens of the organisation's issuer: its keys, its audience, pinned algorithms, an expiry and a subject. */
function oidcAuthority(
  auth: Config["auth"],
  revoked: RevokedTokens,
  verified: VerifiedTokens<VerifiedToken>,
): TokenAuthority {
  const { oidcIssuer: issuer, oidcAudience: audience, oidcJwksUrl: jwksUrl } = auth;
  // jose skips the audience check when none is given: never let a missing setting mean "any audience".
  if (!issuer || !audience || !jwksUrl) {
    throw new Error("oidc mode needs ECT_OIDC_ISSUER, ECT_OIDC_AUDIENCE and ECT_OIDC_JWKS_URL");
  }
  const jwks = createRemoteJWKSet(new URL(jwksUrl));
  const options = {
    issuer,
    audience,
    algorithms: [...auth.oidcAlgorithms],
    requiredClaims: ["exp", "sub"],
  };
  return {
    mode: "oidc",
    verify: verifier(
      async (token) => {
        const { payload } = await jwtVerify(token, jwks, options);
        return { account: { oidcSubject: payload.sub as string }, payload };
      },
      revoked,
      verified,
    ),
    async issue() {
      throw new Error("tokens come from the OIDC issuer in oidc mode");
    },
  };
}

/** What a signature check yields: the account, and the claims the token id and expiry come from. */
interface Checked {
  account: AccountRef;
  payload: JWTPayload;
}

/**
 * Checks each distinct token's signature once and answers from memory until it expires (see
 * VerifiedTokens), refusing it as soon as this instance revokes it and within VerifiedTokens' recheck
 * interval when another instance does.
 */
function verifier(
  check: (token: string) => Promise<Checked>,
  revoked: RevokedTokens,
  verified: VerifiedTokens<VerifiedToken>,
): TokenAuthority["verify"] {
  const refuse = (token: string) => {
    verified.forget(token);
    return unauthenticated("the bearer token was revoked (signed out)");
  };
  return async (token) => {
    const known = verified.get(token);
    if (known) {
      if (revoked.revokedHere(known.value.id)) throw refuse(token);
      if (verified.isStale(known)) {
        // Marked first, so concurrent calls with the same token ask the table once.
        verified.checked(known);
        if (await revoked.isRevoked(known.value.id)) throw refuse(token);
      }
      return known.value;
    }
    let checked: Checked;
    try {
      checked = await check(token);
    } catch {
      throw unauthenticated("the bearer token is invalid or expired");
    }
    const id = tokenIdOf(checked.payload, token);
    const expiresAt = new Date((checked.payload.exp as number) * 1000);
    if (await revoked.isRevoked(id)) throw refuse(token);
    const value: VerifiedToken = {
      account: checked.account,
      id,
      expiresAt,
      revoke(tx) {
        verified.forget(token);
        return revoked.revoke(id, expiresAt, tx);
      },
    };
    verified.remember(token, value, expiresAt.getTime());
    return value;
  };
}

/**
 * A token's id for revocation: its `jti`, else the SHA-256 of its signed part (header.payload), so a
 * re-encoded signature of the same token (ECDSA signatures are malleable) still has the same id.
 */
export function tokenIdOf(payload: JWTPayload, token: string): string {
  const { jti } = payload;
  if (typeof jti === "string" && jti.length > 0 && jti.length <= MAX_JTI_LENGTH) return `jti:${jti}`;
  const signed = token.slice(0, token.lastIndexOf("."));
  return `sha256:${createHash("sha256").update(signed).digest("base64url")}`;
}

/** A per-installation secret so `ect token` and the server agree without configuration; owner-only. */
async function developmentSecret(dataDir: string): Promise<string> {
  if (dataDir === "memory") return randomBytes(32).toString("hex");
  const file = join(dataDir, "dev-jwt-secret");
  try {
    return (await readFile(file, "utf8")).trim();
  } catch {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const secret = randomBytes(32).toString("hex");
    await writeFile(file, secret, { mode: 0o600 });
    return secret;
  }
}
