import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { remoteAddressKey } from "../auth/caller-context.js";
import type { CallerDirectory } from "../auth/caller-directory.js";
import type { TokenAuthority } from "../auth/token-issuer.js";
import { IdentityService } from "../gen/ect/v1/identity_service_pb.js";
import { KeyRateLimiter } from "../resilience/key-rate-limiter.js";
import { authInterceptor } from "./auth.js";

/**
 * A public RPC behind the auth interceptor, with an anonymous budget of one call per client address
 * (time stands still) and the transport's peer address fixed as `peer`.
 */
function anonymousClient(peer: string) {
  const anonymousLimiter = new KeyRateLimiter({
    requestsPerSecond: 1,
    burst: 1,
    maxKeys: 100,
    clock: { now: () => 0, sleep: async () => {} },
  });
  const unused = undefined as never;
  const transport = createRouterTransport(
    ({ service }) => service(IdentityService, { getSignInOptions: async () => ({ mode: "development" }) }),
    {
      router: {
        interceptors: [
          (next) => (req) => {
            req.contextValues.set(remoteAddressKey, peer);
            return next(req);
          },
          authInterceptor({
            tokens: unused as TokenAuthority,
            directory: unused as CallerDirectory,
            anonymousLimiter,
          }),
        ],
      },
    },
  );
  const client = createClient(IdentityService, transport);
  return (forwardedFor?: string) =>
    client.getSignInOptions({}, { headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {} }).then(
      () => "OK",
      (error) => Code[ConnectError.from(error).code],
    );
}

describe("the anonymous rate limit", () => {
  it("counts calls by the transport's peer address; a client's X-Forwarded-For buys no new budget", async () => {
    const call = anonymousClient("198.51.100.4");
    assert.equal(await call("203.0.113.1"), "OK");
    assert.equal(await call("203.0.113.2"), "ResourceExhausted");
    assert.equal(await call(), "ResourceExhausted");
  });

  it("puts calls whose address the transport did not give under one shared key", async () => {
    const call = anonymousClient("");
    assert.equal(await call("203.0.113.1"), "OK");
    assert.equal(await call("203.0.113.2"), "ResourceExhausted");
  });
});

describe("a bearer token that proves nothing", () => {
  it("pays the anonymous limit like no token at all, so 'Bearer junk' buys no unlimited token checks", async () => {
    const anonymousLimiter = new KeyRateLimiter({
      requestsPerSecond: 1,
      burst: 2,
      maxKeys: 100,
      clock: { now: () => 0, sleep: async () => {} },
    });
    let verifications = 0;
    const tokens = {
      verify: async () => {
        verifications++;
        throw new ConnectError("the bearer token is invalid or expired", Code.Unauthenticated);
      },
    } as unknown as TokenAuthority;
    const transport = createRouterTransport(
      ({ service }) => service(IdentityService, { getCurrentUser: async () => ({}) }),
      {
        router: {
          interceptors: [
            (next) => (req) => {
              req.contextValues.set(remoteAddressKey, "198.51.100.9");
              return next(req);
            },
            authInterceptor({ tokens, directory: undefined as never, anonymousLimiter }),
          ],
        },
      },
    );
    const client = createClient(IdentityService, transport);
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) {
      codes.push(
        await client.getCurrentUser({}, { headers: { authorization: "Bearer junk" } }).then(
          () => "OK",
          (error) => Code[ConnectError.from(error).code],
        ),
      );
    }
    assert.deepEqual(codes, ["Unauthenticated", "Unauthenticated", "ResourceExhausted", "ResourceExhausted"]);
    assert.equal(verifications, 4, "each call was checked; the budget refuses after the check fails");
  });
});
