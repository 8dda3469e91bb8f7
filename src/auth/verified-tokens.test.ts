import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VerifiedTokens } from "./verified-tokens.js";

describe("verified token cache", () => {
  it("answers for a remembered token until its expiry, then forgets it", () => {
    let now = 1_000_000;
    const cache = new VerifiedTokens(10, () => now);
    cache.remember("t1", "medtech", 1_000 + 60);
    assert.equal(cache.get("t1"), "medtech");
    now = 1_059_999;
    assert.equal(cache.get("t1"), "medtech");
    now = 1_060_000;
    assert.equal(cache.get("t1"), undefined);
  });

  it("does not remember a token without an expiry", () => {
    const cache = new VerifiedTokens();
    cache.remember("forever", "admin", undefined);
    assert.equal(cache.get("forever"), undefined);
  });

  it("drops the oldest token when full", () => {
    const cache = new VerifiedTokens(2, () => 0);
    cache.remember("a", "ua", 100);
    cache.remember("b", "ub", 100);
    cache.remember("c", "uc", 100);
    assert.equal(cache.get("a"), undefined);
    assert.equal(cache.get("b"), "ub");
    assert.equal(cache.get("c"), "uc");
  });
});
