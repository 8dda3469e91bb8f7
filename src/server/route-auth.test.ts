import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Caller } from "../auth/caller-context.js";
import type { TokenAuthority } from "../auth/token-issuer.js";
import { unauthenticated } from "../errors.js";
import { routeAuth } from "./route-auth.js";

/** A caller with the given permissions. */
function caller(username: string, permissions: string[]): Caller {
  return {
    userId: 1,
    username,
    roleId: 1,
    roleName: `${username}'s role`,
    unitId: 1,
    permissions: new Set(permissions),
  };
}

const callers = new Map([
  ["operator", caller("operator", ["operatorView"])],
  ["clerk", caller("clerk", ["lodView"])],
]);

/** Tokens are "token-<username>"; anything else is refused as the real authority refuses it. */
const tokens: Pick<TokenAuthority, "verify"> = {
  async verify(token) {
    const username = /^token-(\w+)$/.exec(token)?.[1];
    if (!username) throw unauthenticated("the bearer token is invalid or expired");
    if (username === "outage") throw new ConnectError("revocation list unavailable", Code.Unavailable);
    if (username === "broken") throw new Error("JWSSignatureVerificationFailed");
    return {
      account: { username },
      id: token,
      expiresAt: new Date(Date.now() + 60_000),
      revoke: async () => {},
    };
  },
};
/** The database behind the directory: `down` makes every lookup fail as an outage does. */
const database = { down: false };
const directory = {
  async resolve(account: { username: string } | { oidcSubject: string }) {
    if (database.down) throw new ConnectError("database unavailable", Code.Unavailable);
    return "username" in account ? callers.get(account.username) : undefined;
  },
};

async function codeOf(promise: Promise<unknown>): Promise<Code | "ok"> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return ConnectError.from(error).code;
  }
}

describe("route auth", () => {
  const auth = routeAuth({ tokens, directory });

  it("resolves the caller of a valid token whose role has the permission", async () => {
    const resolved = await auth("Bearer token-operator", "operatorView");
    assert.equal(resolved.username, "operator");
    assert.equal((await auth("bearer token-operator", "operatorView")).username, "operator");
  });

  it("refuses a missing, malformed, invalid or unknown-account token with UNAUTHENTICATED", async () => {
    for (const header of [undefined, "", "Basic abc", "Bearer ", "Bearer nonsense", "Bearer token-broken"]) {
      assert.equal(await codeOf(auth(header, "operatorView")), Code.Unauthenticated, `header ${header}`);
    }
    assert.equal(await codeOf(auth("Bearer token-ghost", "operatorView")), Code.Unauthenticated);
  });

  it("refuses a caller without the permission with PERMISSION_DENIED naming it", async () => {
    await assert.rejects(auth("Bearer token-clerk", "operatorView"), (error: ConnectError) => {
      return error.code === Code.PermissionDenied && error.rawMessage.includes('"operatorView"');
    });
  });

  it("passes the authority's own failure through (an outage is not a bad token)", async () => {
    assert.equal(await codeOf(auth("Bearer token-outage", "operatorView")), Code.Unavailable);
  });

  it("lets a caller verified in the last five minutes through while the check cannot run, and no one else", async () => {
    let clock = 1_000_000;
    const outageAuth = routeAuth({ tokens, directory, now: () => clock });
    await outageAuth("Bearer token-operator", "operatorView");
    await outageAuth("Bearer token-clerk", "lodView");
    database.down = true;
    try {
      clock += 4 * 60_000;
      assert.equal((await outageAuth("Bearer token-operator", "operatorView")).username, "operator");
      assert.equal(
        await codeOf(outageAuth("Bearer token-clerk", "operatorView")),
        Code.PermissionDenied,
        "the remembered caller's permissions still apply",
      );
      assert.equal(
        await codeOf(outageAuth("Bearer token-ghost", "operatorView")),
        Code.Unavailable,
        "a token never verified here is not let in",
      );
      clock += 2 * 60_000;
      assert.equal(await codeOf(outageAuth("Bearer token-operator", "operatorView")), Code.Unavailable);
    } finally {
      database.down = false;
    }
  });
});

describe("route auth and the anonymous limit", () => {
  it("charges a missing or refused token to the client's address, never a valid operator's call", async () => {
    const charged: string[] = [];
    const auth = routeAuth({
      tokens,
      directory,
      anonymousLimiter: {
        check(key: string) {
          charged.push(key);
          if (charged.length > 2)
            throw new ConnectError("too many calls without a token", Code.ResourceExhausted);
        },
      },
    });
    await auth("Bearer token-operator", "operatorView", "198.51.100.7");
    assert.deepEqual(charged, [], "a valid token costs no anonymous budget");
    const codeOf = (authorization: string | undefined) =>
      auth(authorization, "operatorView", "198.51.100.7").then(
        () => "OK",
        (error) => Code[ConnectError.from(error).code],
      );
    assert.equal(await codeOf(undefined), "Unauthenticated");
    assert.equal(await codeOf("Bearer junk"), "Unauthenticated");
    assert.equal(await codeOf("Bearer junk"), "ResourceExhausted");
    assert.deepEqual(charged, ["198.51.100.7", "198.51.100.7", "198.51.100.7"]);
  });
});
