import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { decodeJwt, SignJWT, UnsecuredJWT } from "jose";
import { loadConfig } from "../config.js";
import type { Db } from "../db/db.js";
import { migrate } from "../db/migrate.js";
import { PgliteDb } from "../db/pglite-db.js";
import { createTokenAuthority, tokenIdOf } from "./token-issuer.js";

const SECRET = "a-development-secret-of-32-bytes!";
const config = loadConfig({ ECT_JWT_SECRET: SECRET, ECT_DATA_DIR: "memory" });
const key = new TextEncoder().encode(SECRET);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    return Code[ConnectError.from(error).code];
  }
}

/** A development token signed with the server's secret, with the claims a test chooses. */
function devToken(claims: { sub?: string; exp?: boolean; jti?: string }) {
  let jwt = new SignJWT(claims.jti ? { jti: claims.jti } : {})
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer("ect-development")
    .setAudience("ect")
    .setIssuedAt();
  if (claims.sub) jwt = jwt.setSubject(claims.sub);
  if (claims.exp !== false) jwt = jwt.setExpirationTime("5m");
  return jwt.sign(key);
}

describe("development tokens", () => {
  let db: Db;
  before(async () => {
    db = await PgliteDb.open("memory");
    await migrate(db);
  });
  after(() => db.close());

  it("name their user by subject and carry a jti of their own", async () => {
    const tokens = await createTokenAuthority(config, db);
    const first = await tokens.verify((await tokens.issue("medtech")).token);
    const second = await tokens.verify((await tokens.issue("medtech")).token);
    assert.deepEqual(first.account, { username: "medtech" });
    assert.match(first.id, /^jti:[0-9a-f-]{36}$/);
    assert.notEqual(first.id, second.id, "each sign-in's token is revoked on its own");
  });

  it("are refused without an expiry, without a subject, unsigned, or for another audience", async () => {
    const tokens = await createTokenAuthority(config, db);
    assert.equal(await codeOf(tokens.verify(await devToken({ sub: "admin" }))), "OK");
    assert.equal(
      await codeOf(tokens.verify(await devToken({ sub: "admin", exp: false }))),
      "Unauthenticated",
    );
    assert.equal(await codeOf(tokens.verify(await devToken({}))), "Unauthenticated");
    const unsigned = new UnsecuredJWT({})
      .setSubject("admin")
      .setIssuer("ect-development")
      .setAudience("ect")
      .setExpirationTime("5m")
      .encode();
    assert.equal(await codeOf(tokens.verify(unsigned)), "Unauthenticated");
    const foreign = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("admin")
      .setIssuer("ect-development")
      .setAudience("another-service")
      .setExpirationTime("5m")
      .sign(key);
    assert.equal(await codeOf(tokens.verify(foreign)), "Unauthenticated");
  });

  it("a revoked token is refused at once, here and by every instance sharing the database", async () => {
    const here = await createTokenAuthority(config, db);
    const elsewhere = await createTokenAuthority(config, db, { revocationRecheckMs: 0 });
    const { token } = await here.issue("medtech");
    const verified = await here.verify(token);
    await elsewhere.verify(token); // remembered there before the sign-out
    await verified.revoke();
    assert.equal(await codeOf(here.verify(token)), "Unauthenticated");
    assert.equal(await codeOf(elsewhere.verify(token)), "Unauthenticated", "its memory is rechecked");
    const late = await createTokenAuthority(config, db);
    assert.equal(await codeOf(late.verify(token)), "Unauthenticated", "a new instance asks the table");
    const { rows } = await db.query<{ expires_at: Date }>(
      "SELECT expires_at FROM revoked_tokens WHERE token_id = $1",
      [verified.id],
    );
    assert.equal(rows[0]?.expires_at.getTime(), verified.expiresAt.getTime(), "kept until it expires");
    const other = await here.issue("medtech");
    assert.equal(await codeOf(here.verify(other.token)), "OK", "the user's other tokens still work");
  });

  it("a revocation recorded in a transaction that rolls back still holds on this instance", async () => {
    const tokens = await createTokenAuthority(config, db);
    const { token } = await tokens.issue("wingcc");
    const verified = await tokens.verify(token);
    await assert.rejects(
      db.transaction(async (tx) => {
        await verified.revoke(tx);
        throw new Error("the logout failed after revoking");
      }),
    );
    assert.equal(await codeOf(tokens.verify(token)), "Unauthenticated");
  });

  it("sign-outs purge revocations that have expired", async () => {
    await db.query(
      "INSERT INTO revoked_tokens (token_id, expires_at) VALUES ('jti:long-gone', now() - interval '1 hour')",
    );
    const tokens = await createTokenAuthority(config, db);
    await (await tokens.verify((await tokens.issue("admin")).token)).revoke();
    const { rows } = await db.query("SELECT 1 FROM revoked_tokens WHERE token_id = 'jti:long-gone'");
    assert.equal(rows.length, 0);
  });
});

describe("OIDC tokens", () => {
  it("are never verified without an audience to check (jose would accept any)", async () => {
    const oidc = loadConfig({
      ECT_AUTH_MODE: "oidc",
      ECT_OIDC_ISSUER: "https://login.example.org",
      ECT_OIDC_AUDIENCE: "ect",
      ECT_OIDC_JWKS_URL: "https://login.example.org/jwks",
    });
    await createTokenAuthority(oidc);
    await assert.rejects(
      createTokenAuthority({ ...oidc, auth: { ...oidc.auth, oidcAudience: undefined } }),
      /ECT_OIDC_AUDIENCE/,
    );
  });
});

describe("a token's id", () => {
  it("is its jti, else the hash of its signed part, the same for a re-encoded signature", async () => {
    const token = await devToken({ sub: "admin" });
    const [header, payload, signature] = token.split(".");
    const id = tokenIdOf(decodeJwt(token), token);
    assert.match(id, /^sha256:[\w-]{43}$/);
    assert.equal(tokenIdOf(decodeJwt(token), `${header}.${payload}.${signature}AA`), id);
    const withJti = await devToken({ sub: "admin", jti: "abc-123" });
    assert.equal(tokenIdOf(decodeJwt(withJti), withJti), "jti:abc-123");
  });
});
