import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createRemoteJWKSet, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { Config } from "../config.js";
import { VerifiedTokens } from "./verified-tokens.js";

const ISSUER = "ect-development";
const AUDIENCE = "ect";

/** Verifies bearer tokens and, in development mode, signs them for demo users. */
export interface TokenAuthority {
  readonly mode: Config["auth"]["mode"];
  /** Returns the username a valid token names; throws on an invalid, expired or foreign token. */
  verify(token: string): Promise<string>;
  /** Signs a token for a username (development mode only). */
  issue(username: string): Promise<{ token: string; expiresAt: Date }>;
}

/** Development tokens: HS256 with a secret from ECT_JWT_SECRET or one kept in the data directory. */
export async function createTokenAuthority(
  config: Pick<Config, "auth" | "dataDir">,
): Promise<TokenAuthority> {
  if (config.auth.mode === "oidc") return oidcAuthority(config.auth);
  const secret = new TextEncoder().encode(config.auth.jwtSecret ?? (await developmentSecret(config.dataDir)));
  const ttl = config.auth.tokenTtlSeconds;
  return {
    mode: "development",
    verify: rememberVerified(async (token) => {
      const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, audience: AUDIENCE });
      return payload;
    }),
    async issue(username) {
      const expiresAt = new Date(Date.now() + ttl * 1000);
      const token = await new SignJWT({ preferred_username: username })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(username)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(secret);
      return { token, expiresAt };
    },
  };
}

function oidcAuthority(auth: Config["auth"]): TokenAuthority {
  const jwks = createRemoteJWKSet(new URL(auth.oidcJwksUrl!));
  return {
    mode: "oidc",
    verify: rememberVerified(async (token) => {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: auth.oidcIssuer,
        audience: auth.oidcAudience,
      });
      return payload;
    }),
    async issue() {
      throw new Error("tokens come from the OIDC issuer in oidc mode");
    },
  };
}

/** Checks each distinct token once and answers from memory until it expires (see VerifiedTokens). */
function rememberVerified(check: (token: string) => Promise<JWTPayload>): TokenAuthority["verify"] {
  const verified = new VerifiedTokens();
  return async (token) => {
    const known = verified.get(token);
    if (known !== undefined) return known;
    const payload = await check(token);
    const username = usernameOf(payload);
    verified.remember(token, username, payload.exp);
    return username;
  };
}

function usernameOf(payload: JWTPayload): string {
  const name = (payload.preferred_username as string | undefined) ?? payload.sub;
  if (!name) throw new Error("token names no user");
  return name;
}

/** A per-installation secret so `ect token` and the server agree without configuration. */
async function developmentSecret(dataDir: string): Promise<string> {
  if (dataDir === "memory") return randomBytes(32).toString("hex");
  const file = join(dataDir, "dev-jwt-secret");
  try {
    return (await readFile(file, "utf8")).trim();
  } catch {
    await mkdir(dataDir, { recursive: true });
    const secret = randomBytes(32).toString("hex");
    await writeFile(file, secret, { mode: 0o600 });
    return secret;
  }
}
