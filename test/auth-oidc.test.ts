import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT, UnsecuredJWT } from "jose";
import { IdentityService } from "../src/gen/ect/v1/identity_service_pb.js";
import { grpcClient } from "./support/clients.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

/** What a test token says and how it is signed; every field defaults to a valid token for medtech. */
interface Claims {
  sub?: string | null;
  preferredUsername?: string;
  audience?: string | null;
  exp?: boolean;
  alg?: "RS256" | "ES256";
  key?: CryptoKey;
  jti?: string;
}

describe("production sign-in through an OIDC issuer", () => {
  let issuer: Server;
  let issuerUrl: string;
  let server: TestServer;
  const keys: Record<"RS256" | "ES256", CryptoKey> = {} as never;
  let rsaPublicJwk: Record<string, unknown>;

  before(async () => {
    const jwks: Record<string, unknown>[] = [];
    for (const alg of ["RS256", "ES256"] as const) {
      const pair = await generateKeyPair(alg, { extractable: true });
      keys[alg] = pair.privateKey as CryptoKey;
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: `${alg}-key`, alg, use: "sig" };
      if (alg === "RS256") rsaPublicJwk = jwk;
      jwks.push(jwk);
    }
    issuer = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: jwks }));
    });
    await new Promise<void>((resolve) => issuer.listen(0, "127.0.0.1", resolve));
    issuerUrl = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`;
    server = await startTestServer(undefined, {
      ECT_AUTH_MODE: "oidc",
      ECT_OIDC_ISSUER: issuerUrl,
      ECT_OIDC_AUDIENCE: "ect",
      ECT_OIDC_JWKS_URL: `${issuerUrl}/jwks`,
      // The issuer publishes an ES256 key too, but this deployment accepts RS256 only.
      ECT_OIDC_ALGORITHMS: "RS256",
    });
    // Accounts are linked to the issuer's subject; the subjects are opaque, unlike any username.
    for (const username of ["medtech", "admin"]) {
      await server.db.query("UPDATE users SET oidc_subject = $1 WHERE username = $2", [
        `idp|${username}-7f3a`,
        username,
      ]);
    }
  });
  after(async () => {
    await server?.stop();
    issuer?.close();
  });

  function token(claims: Claims = {}): Promise<string> {
    const alg = claims.alg ?? "RS256";
    const payload: JWTPayload = { preferred_username: claims.preferredUsername ?? "medtech" };
    if (claims.jti) payload.jti = claims.jti;
    let jwt = new SignJWT(payload)
      .setProtectedHeader({ alg, kid: `${alg}-key` })
      .setIssuer(issuerUrl)
      .setIssuedAt();
    if (claims.audience !== null) jwt = jwt.setAudience(claims.audience ?? "ect");
    if (claims.sub !== null) jwt = jwt.setSubject(claims.sub ?? "idp|medtech-7f3a");
    if (claims.exp !== false) jwt = jwt.setExpirationTime("5m");
    return jwt.sign(claims.key ?? keys[alg]);
  }

  async function code(jwt: string | Promise<string>): Promise<string> {
    try {
      await grpcClient(server.url, IdentityService, await jwt).getCurrentUser({});
      return "OK";
    } catch (error) {
      return Code[ConnectError.from(error).code];
    }
  }

  it("accepts a token the issuer signed and maps its subject to the linked account", async () => {
    const me = await grpcClient(server.url, IdentityService, await token()).getCurrentUser({});
    assert.equal(me.username, "medtech");
    assert.equal(me.roleName, "Medical Technician");
    assert.ok(me.permissions.includes("lodCreate"));
  });

  it("identifies the user by subject: preferred_username cannot name another user", async () => {
    const spoof = await token({ preferredUsername: "admin" });
    const me = await grpcClient(server.url, IdentityService, spoof).getCurrentUser({});
    assert.equal(me.username, "medtech", "the subject's account, not the claimed name");
    assert.equal(
      await code(token({ sub: "idp|someone-else", preferredUsername: "admin" })),
      "Unauthenticated",
    );
    assert.equal(
      await code(token({ sub: "admin", preferredUsername: "admin" })),
      "Unauthenticated",
      "a username is no subject",
    );
  });

  it("refuses a subject linked to no account, and a token without a subject", async () => {
    assert.equal(await code(token({ sub: "idp|nobody" })), "Unauthenticated");
    assert.equal(await code(token({ sub: null })), "Unauthenticated");
  });

  it("refuses a token without an audience or for another audience", async () => {
    assert.equal(await code(token({ audience: null })), "Unauthenticated");
    assert.equal(await code(token({ audience: "other" })), "Unauthenticated");
  });

  it("refuses a token without an expiry", async () => {
    assert.equal(await code(token({ exp: false })), "Unauthenticated");
  });

  it("refuses algorithms outside ECT_OIDC_ALGORITHMS, even with the issuer's own key", async () => {
    assert.equal(await code(token({ alg: "ES256" })), "Unauthenticated");
  });

  it("refuses unsigned tokens and HMAC tokens keyed with the issuer's public key", async () => {
    const claims = { preferred_username: "admin" };
    const none = new UnsecuredJWT(claims)
      .setIssuer(issuerUrl)
      .setAudience("ect")
      .setSubject("idp|admin-7f3a")
      .setExpirationTime("5m")
      .encode();
    assert.equal(await code(none), "Unauthenticated");
    const confused = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", kid: "RS256-key" })
      .setIssuer(issuerUrl)
      .setAudience("ect")
      .setSubject("idp|admin-7f3a")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(JSON.stringify(rsaPublicJwk)));
    assert.equal(await code(confused), "Unauthenticated");
  });

  it("refuses a token signed by another key", async () => {
    const stranger = (await generateKeyPair("RS256")).privateKey as CryptoKey;
    assert.equal(await code(token({ key: stranger })), "Unauthenticated");
  });

  it("signing out revokes an issuer's token, with or without a jti", async () => {
    for (const jwt of [await token(), await token({ jti: "issuer-jti-1" })]) {
      assert.equal(await code(jwt), "OK");
      await grpcClient(server.url, IdentityService, jwt).signOut({});
      assert.equal(await code(jwt), "Unauthenticated");
    }
  });

  it("turns demo sign-in off", async () => {
    const identity = grpcClient(server.url, IdentityService);
    assert.deepEqual((await identity.listDemoUsers({})).users, []);
    await assert.rejects(
      identity.signInDemoUser({ username: "admin" }),
      (error) => ConnectError.from(error).code === Code.FailedPrecondition,
    );
  });
});
