import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VerifiedTokens } from "./verified-tokens.js";

describe("verified token cache", () => {
  it("answers for a remembered token until its expiry, then forgets it", () => {
    let now = 1_000_000;
    const cache = new VerifiedTokens<string>(10, 10_000, () => now);
    cache.remember("t1", "medtech", 1_060_000);
    assert.equal(cache.get("t1")?.value, "medtech");
    now = 1_059_999;
    assert.equal(cache.get("t1")?.value, "medtech");
    now = 1_060_000;
    assert.equal(cache.get("t1"), undefined);
  });

  it("says when a token's revocation is due to be checked again", () => {
    let now = 0;
    const cache = new VerifiedTokens<string>(10, 5_000, () => now);
    cache.remember("t1", "medtech", 60_000);
    const entry = cache.get("t1")!;
    now = 4_999;
    assert.equal(cache.isStale(entry), false);
    now = 5_000;
    assert.equal(cache.isStale(entry), true);
    cache.checked(entry);
    assert.equal(cache.isStale(cache.get("t1")!), false, "fresh again after the check");
  });

  it("forgets a revoked token at once", () => {
    const cache = new VerifiedTokens<string>();
    cache.remember("t1", "medtech", Date.now() + 60_000);
    cache.forget("t1");
    assert.equal(cache.get("t1"), undefined);
  });

  it("drops the oldest token when full", () => {
    const cache = new VerifiedTokens<string>(2, 10_000, () => 0);
    cache.remember("a", "ua", 100_000);
    cache.remember("b", "ub", 100_000);
    cache.remember("c", "uc", 100_000);
    assert.equal(cache.get("a"), undefined);
    assert.equal(cache.get("b")?.value, "ub");
    assert.equal(cache.get("c")?.value, "uc");
  });
});
