import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import type net from "node:net";
import { describe, it } from "node:test";
import { ConnectionGuard, type ConnectionRefusal } from "./connection-guard.js";

/** Just enough of a socket: an address, destroy() and the close event it fires. */
function fakeSocket(remoteAddress: string) {
  const socket = Object.assign(new EventEmitter(), {
    remoteAddress,
    destroyed: false,
    destroy() {
      if (socket.destroyed) return;
      socket.destroyed = true;
      socket.emit("close");
    },
  });
  return socket as typeof socket & net.Socket;
}

describe("connection guard", () => {
  it("refuses the connection past the per-IP cap, counting IPv4-mapped peers as IPv4", () => {
    const guard = new ConnectionGuard({ maxPerIp: 2, maxTotal: 100 });
    const refusals: ConnectionRefusal[] = [];
    guard.onRefused((refusal) => refusals.push(refusal));
    const a1 = fakeSocket("192.0.2.1");
    assert.equal(guard.admit(a1), true);
    assert.equal(guard.admit(fakeSocket("::ffff:192.0.2.1")), true);
    const third = fakeSocket("192.0.2.1");
    assert.equal(guard.admit(third), false);
    assert.equal(third.destroyed, true, "a refused connection is destroyed");
    assert.deepEqual(refusals, [{ address: "192.0.2.1", reason: "per_ip" }]);
    assert.equal(guard.admit(fakeSocket("192.0.2.2")), true, "another address has its own count");
    a1.destroy();
    assert.equal(guard.countFor("192.0.2.1"), 1);
    assert.equal(guard.admit(fakeSocket("192.0.2.1")), true, "a closed connection frees its slot");
  });

  it("refuses past the total cap, whatever the address, and exempts trusted proxies only from the per-IP cap", () => {
    const guard = new ConnectionGuard({ maxPerIp: 1, maxTotal: 3, exempt: (a) => a === "10.0.0.1" });
    const refusals: string[] = [];
    guard.onRefused(({ reason }) => refusals.push(reason));
    assert.equal(guard.admit(fakeSocket("10.0.0.1")), true);
    assert.equal(guard.admit(fakeSocket("10.0.0.1")), true);
    assert.equal(guard.admit(fakeSocket("192.0.2.9")), true);
    assert.equal(guard.total, 3);
    assert.equal(guard.admit(fakeSocket("10.0.0.1")), false);
    assert.equal(guard.admit(fakeSocket("192.0.2.10")), false);
    assert.deepEqual(refusals, ["total", "total"]);
  });

  it("destroys every open connection on destroyAll and forgets them", () => {
    const guard = new ConnectionGuard({ maxPerIp: 5, maxTotal: 5 });
    const sockets = [fakeSocket("192.0.2.1"), fakeSocket("192.0.2.2")];
    for (const socket of sockets) guard.admit(socket);
    guard.destroyAll();
    assert.ok(sockets.every((socket) => socket.destroyed));
    assert.equal(guard.total, 0);
    assert.equal(guard.countFor("192.0.2.1"), 0);
  });
});
