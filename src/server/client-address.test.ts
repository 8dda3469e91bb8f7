import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../config.js";
import { clientAddress, normaliseAddress, trustedProxyCheck } from "./client-address.js";

describe("client address", () => {
  it("is the socket peer when no proxy is trusted, whatever X-Forwarded-For claims", () => {
    const resolve = clientAddress([]);
    assert.equal(resolve("203.0.113.9", "198.51.100.1"), "203.0.113.9");
    assert.equal(resolve("::ffff:203.0.113.9", undefined), "203.0.113.9");
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    const resolve = clientAddress(["10.0.0.5"]);
    assert.equal(resolve("203.0.113.9", "198.51.100.1"), "203.0.113.9");
  });

  it("takes the right-most untrusted hop when the peer is a trusted proxy", () => {
    const resolve = clientAddress(["10.0.0.0/8"]);
    // The client forged the first entry; the proxy appended the address it really saw.
    assert.equal(resolve("10.0.0.5", "1.1.1.1, 198.51.100.7"), "198.51.100.7");
    assert.equal(resolve("10.0.0.5", "1.1.1.1, 198.51.100.7, 10.2.3.4"), "198.51.100.7");
    assert.equal(resolve("10.0.0.5", ["1.1.1.1", "198.51.100.7"]), "198.51.100.7");
    assert.equal(resolve("::ffff:10.0.0.5", "[2001:db8::1]:4711"), "2001:db8::1");
  });

  it("falls back to the last address a trusted proxy vouched for when a hop is not an address", () => {
    const resolve = clientAddress(["10.0.0.0/8"]);
    assert.equal(resolve("10.0.0.5", "not-an-ip, 10.1.1.1"), "10.1.1.1");
    assert.equal(resolve("10.0.0.5", ""), "10.0.0.5");
    assert.equal(resolve("10.0.0.5", "10.9.9.9"), "10.9.9.9");
  });

  it("refuses a trusted-proxy entry that is neither an address nor a CIDR range, naming the setting", () => {
    for (const bad of ["proxy.example", "10.0.0.0/33", "10.0.0.0/8/1", "10.0.0.0/x"]) {
      assert.throws(
        () => trustedProxyCheck([bad]),
        (e: Error) => {
          return (
            e instanceof ConfigError && e.message.includes("ECT_TRUSTED_PROXIES") && e.message.includes(bad)
          );
        },
      );
    }
    const trusted = trustedProxyCheck(["192.0.2.1", "fd00::/8"]);
    assert.equal(trusted("192.0.2.1"), true);
    assert.equal(trusted("fd12::1"), true);
    assert.equal(trusted("192.0.2.2"), false);
    assert.equal(trusted(""), false);
  });

  it("normalises brackets, ports, case and IPv4-mapped IPv6", () => {
    assert.equal(normaliseAddress(" [2001:DB8::1]:80 "), "2001:db8::1");
    assert.equal(normaliseAddress("192.0.2.1:5000"), "192.0.2.1");
    assert.equal(normaliseAddress("::ffff:192.0.2.1"), "192.0.2.1");
    assert.equal(normaliseAddress("::1"), "::1");
  });
});
