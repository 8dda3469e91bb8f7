import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { IdentityService } from "../src/gen/ect/v1/identity_service_pb.js";
import { grpcClient } from "./support/clients.js";
import { startTestServer, type TestServer } from "./support/test-server.js";

describe("production sign-in through an OIDC issuer", () => {
  let issuer: Server;
  let issuerUrl: string;
  let server: TestServer;
  let privateKey: CryptoKey;

  before(async () => {
    const keys = await generateKeyPair("RS256");
    privateKey = keys.privateKey as CryptoKey;
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
    issuer = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => issuer.listen(0, "127.0.0.1", resolve));
    issuerUrl = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`;
    server = await startTestServer(undefined, {
      ECT_AUTH_MODE: "oidc",
      ECT_OIDC_ISSUER: issuerUrl,
      ECT_OIDC_AUDIENCE: "ect",
      ECT_OIDC_JWKS_URL: `${issuerUrl}/jwks`,
    });
  });
  after(async () => {
    await server?.stop();
    issuer?.close();
  });

  const token = (claims: { username: string; audience?: string; key?: CryptoKey }) =>
    new SignJWT({ preferred_username: claims.username })
      .setProtectedHeader({ alg: "RS256", kid: "test-key" })
      .setIssuer(issuerUrl)
      .setAudience(claims.audience ?? "ect")
      .setSubject(`oidc|${claims.username}`)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(claims.key ?? privateKey);

  async function code(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
      return "OK";
    } catch (error) {
      return Code[ConnectError.from(error).code];
    }
  }

  it("accepts a token the issuer signed and maps it to the seeded user", async () => {
    const me = await grpcClient(
      server.url,
      IdentityService,
      await token({ username: "medtech" }),
    ).getCurrentUser({});
    assert.equal(me.username, "medtech");
    assert.equal(me.roleName, "Medical Technician");
    assert.ok(me.permissions.includes("lodCreate"));
  });

  it("refuses tokens signed by another key, for another audience, or naming no account", async () => {
    const stranger = (await generateKeyPair("RS256")).privateKey as CryptoKey;
    const client = (jwt: string) => grpcClient(server.url, IdentityService, jwt).getCurrentUser({});
    assert.equal(await code(client(await token({ username: "medtech", key: stranger }))), "Unauthenticated");
    assert.equal(
      await code(client(await token({ username: "medtech", audience: "other" }))),
      "Unauthenticated",
    );
    assert.equal(await code(client(await token({ username: "nobody" }))), "Unauthenticated");
  });

  it("turns demo sign-in off", async () => {
    const identity = grpcClient(server.url, IdentityService);
    assert.deepEqual((await identity.listDemoUsers({})).users, []);
    assert.equal(await code(identity.signInDemoUser({ username: "admin" })), "FailedPrecondition");
  });
});
