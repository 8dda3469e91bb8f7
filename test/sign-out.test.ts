import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { decodeJwt } from "jose";
import { IdentityService } from "../src/gen/ect/v1/identity_service_pb.js";
import { WorkflowService } from "../src/gen/workflow/workflow_pb.js";
import { grpcClient, signIn } from "./support/clients.js";
import { startTestServer, type TestServer, testDatabases } from "./support/test-server.js";

/** A Connect (HTTP/1.1 JSON) client of a service with a bearer token. */
function connectClient<S extends typeof IdentityService | typeof WorkflowService>(
  baseUrl: string,
  service: S,
  token: string,
) {
  const transport = createConnectTransport({
    baseUrl,
    httpVersion: "1.1",
    interceptors: [
      (next) => (req) => {
        req.header.set("authorization", `Bearer ${token}`);
        return next(req);
      },
    ],
  });
  return createClient(service, transport);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "OK";
  } catch (error) {
    return Code[ConnectError.from(error).code];
  }
}

for (const database of testDatabases()) {
  describe(`signing out revokes the token on every protocol (${database.name})`, { timeout: 120_000 }, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(database.url);
    });
    after(async () => server?.stop());

    /** How each protocol answers GetCurrentUser with a token: "OK" or the gRPC code name. */
    async function everyProtocol(token: string): Promise<Record<string, string>> {
      const rest = await fetch(`${server.url}/ect/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      await rest.arrayBuffer();
      return {
        grpc: await codeOf(grpcClient(server.url, IdentityService, token).getCurrentUser({})),
        connect: await codeOf(connectClient(server.url, IdentityService, token).getCurrentUser({})),
        rest: rest.status === 200 ? "OK" : rest.status === 401 ? "Unauthenticated" : `HTTP ${rest.status}`,
      };
    }
    const signedIn = { grpc: "OK", connect: "OK", rest: "OK" };
    const refused = { grpc: "Unauthenticated", connect: "Unauthenticated", rest: "Unauthenticated" };

    /** POSTs `{}` to a REST route with the token; "OK" or the gRPC code name of the HTTP status. */
    async function restPost(path: string, token: string): Promise<string> {
      const response = await fetch(`${server.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: "{}",
      });
      const body = (await response.json()) as { revokedUntil?: string };
      if (response.status === 401) return "Unauthenticated";
      assert.equal(response.status, 200, JSON.stringify(body));
      if (path.endsWith(":signOut")) {
        assert.ok(body.revokedUntil && Date.parse(body.revokedUntil) > Date.now(), "says until when");
      }
      return "OK";
    }

    /** Each way to sign out, answering "OK" or the gRPC code name. */
    const signOuts: Record<string, (token: string) => Promise<string>> = {
      "gRPC SignOut": (token) => codeOf(grpcClient(server.url, IdentityService, token).signOut({})),
      "Connect SignOut": (token) => codeOf(connectClient(server.url, IdentityService, token).signOut({})),
      "REST POST /ect/v1/identity:signOut": (token) => restPost("/ect/v1/identity:signOut", token),
      "legacy Logout over REST": (token) => restPost("/v1/users/logout", token),
      "legacy Logout over gRPC": (token) => codeOf(grpcClient(server.url, WorkflowService, token).logout({})),
    };

    for (const [name, signOut] of Object.entries(signOuts)) {
      it(`after ${name}, the same token is UNAUTHENTICATED over gRPC, Connect and REST`, async () => {
        const token = await signIn(server.url, "medtech");
        const other = await signIn(server.url, "medtech");
        assert.deepEqual(await everyProtocol(token), signedIn);
        assert.equal(await signOut(token), "OK");
        assert.deepEqual(await everyProtocol(token), refused);
        assert.deepEqual(await everyProtocol(other), signedIn, "another sign-in's token is unaffected");
        assert.equal(await signOut(token), "Unauthenticated", "signing out twice needs a valid token");
      });
    }

    it("a user administrator logging another user out keeps their own token", async () => {
      const admin = await signIn(server.url, "lodpm");
      const { userId } = await grpcClient(
        server.url,
        IdentityService,
        await signIn(server.url, "medtech"),
      ).getCurrentUser({});
      await grpcClient(server.url, WorkflowService, admin).logout({ userId });
      assert.deepEqual(await everyProtocol(admin), signedIn);
    });

    it("the revocation is in the table every instance reads, until the token would have expired", async () => {
      const token = await signIn(server.url, "wingcc");
      const { revokedUntil } = await grpcClient(server.url, IdentityService, token).signOut({});
      const { rows } = await server.db.query<{ expires_at: Date }>(
        "SELECT expires_at FROM revoked_tokens WHERE token_id = $1",
        [`jti:${decodeJwt(token).jti}`],
      );
      assert.equal(rows[0]?.expires_at.getTime(), Number(revokedUntil?.seconds) * 1000);
    });
  });
}
