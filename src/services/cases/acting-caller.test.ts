import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Caller } from "../../auth/caller-context.js";
import { actingCaller } from "./acting-caller.js";

const caller = (userId: number, roleId: number): Caller => ({
  userId,
  username: `user${userId}`,
  roleId,
  roleName: `role ${roleId}`,
  unitId: 101,
  permissions: new Set(["lodView", "lodEdit", "lodAct"]),
});

describe("the role a caller acts in on a case", () => {
  it("is Investigating Officer for the IO appointed to the case while it waits at that status", () => {
    assert.equal(actingCaller(caller(7, 3), { holder_role_id: 13, io_user_id: 7 }).roleId, 13);
  });

  it("is the caller's own role anywhere else, the appointed IO's included", () => {
    assert.equal(actingCaller(caller(7, 3), { holder_role_id: 5, io_user_id: 7 }).roleId, 3);
    assert.equal(actingCaller(caller(8, 5), { holder_role_id: 5, io_user_id: 7 }).roleId, 5);
  });

  it("holds nothing for a user whose own role is Investigating Officer but who is not appointed", () => {
    const acting = actingCaller(caller(8, 13), { holder_role_id: 13, io_user_id: 7 });
    assert.notEqual(acting.roleId, 13);
    assert.notEqual(actingCaller(caller(8, 13), { holder_role_id: 13, io_user_id: null }).roleId, 13);
  });
});
