import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import type { CallerDirectory } from "../auth/caller-directory.js";
import type { TokenAuthority } from "../auth/token-issuer.js";
import { IdentityService } from "../gen/ect/v1/identity_service_pb.js";
import { KeyRateLimiter } from "../resilience/key-rate-limiter.js";
import { authInterceptor } from "./auth.js";
import { remoteAddressKey } from "./caller-context.js";

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
