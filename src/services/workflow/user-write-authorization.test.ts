import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Code, type ConnectError } from "@connectrpc/connect";
import type { Caller } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
import { callerFor, clientAs, openSeededDb } from "./test-harness.js";

const SYSTEM_ADMINISTRATOR = 1;
const MEDICAL_TECHNICIAN = 2;
const MEDICAL_OFFICER = 3;
const PROGRAM_MANAGER = 10;

let db: Db;
let lodpm: Caller;
let admin: Caller;

/** Adds an account of `roleId` in `unitId` holding that role; returns its id. */
async function addUser(username: string, roleId: number, unitId: number): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO users (username, edipin, first_name, last_name, work_compo, unit_id, current_role_id)
     VALUES ($1, '9' || lpad((SELECT count(*) FROM users)::text, 9, '0'), 'Test', $1, '6', $2, $3) RETURNING id`,
    [username, unitId, roleId],
  );
  await db.query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)", [rows[0].id, roleId]);
  return rows[0].id;
}

before(async () => {
  db = await openSeededDb();
  lodpm = await callerFor(db, "lodpm");
  admin = await callerFor(db, "admin");
  // A command beside HQ AFRC (unit 1, lodpm's) with one wing: its users are outside lodpm's units.
  await db.query(
    `INSERT INTO units (id, parent_id, name, pas_code, compo) VALUES
       (900, NULL, 'HQ Air Mobility Command', 'AMC00000', '6'), (901, 900, '305th Air Mobility Wing', 'WG305000', '6')`,
  );
  await db.query(
    "INSERT INTO unit_tree (ancestor_id, descendant_id, depth) VALUES (900, 900, 0), (901, 901, 0), (900, 901, 1)",
  );
});
after(() => db.close());

/** The account as the writes could change it, to show a refusal changed nothing. */
async function accountOf(userId: number) {
  const { rows } = await db.query(
    `SELECT u.work_compo, u.current_role_id, u.account_status, u.expiration_date, u.comment, u.receive_email,
            array(SELECT role_id || ':' || status || ':' || active FROM user_roles WHERE user_id = u.id ORDER BY role_id) AS roles,
            array(SELECT role_id || ':' || title FROM user_alt_titles WHERE user_id = u.id ORDER BY role_id) AS titles
     FROM users u WHERE u.id = $1`,
    [userId],
  );
  return rows[0];
}

/** The refusal audit rows of one account and action. */
async function refusals(userId: number, action: string) {
  const { rows } = await db.query<{
    actor: string;
    after: { attempted: Record<string, unknown>; reason: string };
  }>(
    "SELECT actor, after FROM audit_events WHERE entity_type = 'user' AND entity_id = $1 AND action = $2 ORDER BY id",
    [String(userId), `${action}_denied`],
  );
  return rows;
}

/**
 * Asserts that `write` is PERMISSION_DENIED with `reason`, leaves the account as it was, and leaves
 * one more `<action>_denied` audit row naming the caller, the attempt and the reason.
 */
async function refused(
  caller: Caller,
  userId: number,
  action: string,
  write: () => Promise<unknown>,
  reason: RegExp,
) {
  const before = await accountOf(userId);
  const audited = (await refusals(userId, action)).length;
  await assert.rejects(write(), (error: ConnectError) => {
    assert.equal(error.code, Code.PermissionDenied, error.message);
    assert.match(error.rawMessage, reason);
    return true;
  });
  assert.deepEqual(await accountOf(userId), before, `${action} changed the account although refused`);
  const rows = await refusals(userId, action);
  assert.equal(rows.length, audited + 1, `${action}: no refusal audited`);
  const last = rows[rows.length - 1];
  assert.equal(last.actor, caller.username);
  assert.equal(last.after.attempted.action, action);
  assert.match(last.after.reason, reason);
}

describe("a user administrator cannot escalate through the compatible user writes", () => {
  test("the reported attack: lodpm cannot make their own account a System Administrator", async () => {
    const pm = clientAs(db, lodpm);
    await refused(
      lodpm,
      lodpm.userId,
      "update_managed_settings",
      () => pm.updateManagedSettings({ userId: lodpm.userId, groupId: SYSTEM_ADMINISTRATOR }),
      /own roles/,
    );
    const { rows } = await db.query("SELECT 1 FROM user_roles WHERE user_id = $1 AND role_id = 1", [
      lodpm.userId,
    ]);
    assert.equal(rows.length, 0);
  });

  test("lodpm cannot grant the System Administrator role to anyone, through any user write", async () => {
    const pm = clientAs(db, lodpm);
    const target = await addUser("sa.target", MEDICAL_TECHNICIAN, 10);
    const onlyAdmin = /only a System Administrator/;
    await refused(
      lodpm,
      target,
      "register",
      () => pm.registerUser({ userId: target, groupId: 1 }),
      onlyAdmin,
    );
    await refused(
      lodpm,
      target,
      "register_user_role",
      () => pm.registerUserRole({ userId: target, groupId: 1 }),
      onlyAdmin,
    );
    await refused(
      lodpm,
      target,
      "update_managed_settings",
      () => pm.updateManagedSettings({ userId: target, groupId: 1 }),
      onlyAdmin,
    );
    await refused(
      lodpm,
      target,
      "update_alt_title",
      () => pm.updateUserAltTitle({ userId: target, groupId: 1, newTitle: "Administrator" }),
      onlyAdmin,
    );
    // A System Administrator role the account holds but does not use cannot be made current by lodpm either.
    const held = await clientAs(db, admin).registerUserRole({ userId: target, groupId: 1, status: 3 });
    await refused(
      lodpm,
      target,
      "update_managed_settings",
      () => pm.updateManagedSettings({ userId: target, roleId: held.userRoleId }),
      onlyAdmin,
    );
  });

  test("nobody changes their own roles or status: not lodpm, not a System Administrator", async () => {
    const pm = clientAs(db, lodpm);
    const own = /own roles, account status or expiry/;
    const mpfRole = await db.query<{ id: number }>(
      "SELECT id FROM user_roles WHERE user_id = $1 AND role_id = 12",
      [lodpm.userId],
    );
    await refused(
      lodpm,
      lodpm.userId,
      "register",
      () => pm.registerUser({ userId: lodpm.userId, accountStatus: 2 }),
      own,
    );
    await refused(
      lodpm,
      lodpm.userId,
      "register_user_role",
      () => pm.registerUserRole({ userId: lodpm.userId, groupId: MEDICAL_OFFICER }),
      own,
    );
    await refused(
      lodpm,
      lodpm.userId,
      "update_account_status",
      () => pm.updateAccountStatus({ userId: lodpm.userId, accountStatus: 2, expirationDate: "2099-12-31" }),
      own,
    );
    await refused(
      lodpm,
      lodpm.userId,
      "update_managed_settings",
      () => pm.updateManagedSettings({ userId: lodpm.userId, roleId: mpfRole.rows[0].id }),
      own,
    );
    const sa = clientAs(db, admin);
    await refused(
      admin,
      admin.userId,
      "update_account_status",
      () => sa.updateAccountStatus({ userId: admin.userId, accountStatus: 4 }),
      own,
    );
  });

  test("lodpm cannot touch a user outside their units, through any user write", async () => {
    const pm = clientAs(db, lodpm);
    const outsider = await addUser("amc.medtech", MEDICAL_TECHNICIAN, 901);
    const outside = new RegExp(`user ${outsider} is outside your units`);
    await refused(
      lodpm,
      outsider,
      "register",
      () => pm.registerUser({ userId: outsider, accountStatus: 4 }),
      outside,
    );
    await refused(
      lodpm,
      outsider,
      "register_user_role",
      () => pm.registerUserRole({ userId: outsider, groupId: MEDICAL_OFFICER }),
      outside,
    );
    await refused(
      lodpm,
      outsider,
      "update_account_status",
      () => pm.updateAccountStatus({ userId: outsider, accountStatus: 4 }),
      outside,
    );
    await refused(
      lodpm,
      outsider,
      "update_managed_settings",
      () => pm.updateManagedSettings({ userId: outsider, comment: "moved" }),
      outside,
    );
    await refused(
      lodpm,
      outsider,
      "update_alt_title",
      () => pm.updateUserAltTitle({ userId: outsider, groupId: MEDICAL_TECHNICIAN, newTitle: "Tech" }),
      outside,
    );
  });

  test("a wing's user administrator manages their wing, not the wing beside it", async () => {
    await addUser("wing452.pm", PROGRAM_MANAGER, 10);
    const wingPm = await callerFor(db, "wing452.pm");
    const client = clientAs(db, wingPm);
    const neighbour = await addUser("wing445.tech", MEDICAL_TECHNICIAN, 11);
    const own = await addUser("wing452.tech", MEDICAL_TECHNICIAN, 100);
    await refused(
      wingPm,
      neighbour,
      "update_account_status",
      () => client.updateAccountStatus({ userId: neighbour, accountStatus: 3 }),
      /outside your units/,
    );
    assert.equal((await client.updateAccountStatus({ userId: own, accountStatus: 3 })).result, 1);
  });

  test("lodpm cannot assign a role lodpm's role does not manage, nor change an account holding one", async () => {
    const pm = clientAs(db, lodpm);
    const target = await addUser("unmanaged.target", MEDICAL_TECHNICIAN, 10);
    const unmanaged = /your role \(LOD Program Manager\) does not manage role 10/;
    await refused(
      lodpm,
      target,
      "register",
      () => pm.registerUser({ userId: target, groupId: PROGRAM_MANAGER }),
      unmanaged,
    );
    await refused(
      lodpm,
      target,
      "register_user_role",
      () => pm.registerUserRole({ userId: target, groupId: PROGRAM_MANAGER }),
      unmanaged,
    );
    await refused(
      lodpm,
      target,
      "update_managed_settings",
      () => pm.updateManagedSettings({ userId: target, groupId: PROGRAM_MANAGER }),
      unmanaged,
    );
    await refused(
      lodpm,
      target,
      "update_alt_title",
      () => pm.updateUserAltTitle({ userId: target, groupId: PROGRAM_MANAGER, newTitle: "PM" }),
      unmanaged,
    );
    // Accounts holding a role lodpm does not manage: another program manager, and the administrator.
    const peer = await addUser("peer.pm", PROGRAM_MANAGER, 1);
    await refused(
      lodpm,
      peer,
      "update_account_status",
      () => pm.updateAccountStatus({ userId: peer, accountStatus: 4 }),
      /does not manage role 10 held by user/,
    );
    await refused(
      lodpm,
      admin.userId,
      "update_account_status",
      () => pm.updateAccountStatus({ userId: admin.userId, accountStatus: 4 }),
      /does not manage role 1 held by user/,
    );
  });

  test("legitimate changes still work: lodpm manages the roles theirs manages in their units; the administrator grants System Administrator", async () => {
    const pm = clientAs(db, lodpm);
    const target = await addUser("managed.target", MEDICAL_TECHNICIAN, 102);
    const role = await pm.registerUserRole({ userId: target, groupId: MEDICAL_OFFICER });
    assert.ok(role.userRoleId > 0);
    assert.equal((await pm.updateManagedSettings({ userId: target, roleId: role.userRoleId })).result, 1);
    assert.equal(
      (await pm.updateAccountStatus({ userId: target, accountStatus: 3, comment: "leave" })).result,
      1,
    );
    assert.equal(
      (await pm.registerUser({ userId: target, accountStatus: 2, receiveEmail: false })).result,
      target,
    );
    assert.equal(
      (await pm.updateUserAltTitle({ userId: target, groupId: MEDICAL_OFFICER, newTitle: "Flight Surgeon" }))
        .result,
      1,
    );
    const account = await accountOf(target);
    assert.equal(account.current_role_id, MEDICAL_OFFICER);
    assert.equal(account.account_status, "active");
    assert.deepEqual(account.titles, [`${MEDICAL_OFFICER}:Flight Surgeon`]);
    const denied = await db.query(
      "SELECT 1 FROM audit_events WHERE entity_id = $1 AND action LIKE '%_denied'",
      [String(target)],
    );
    assert.equal(denied.rows.length, 0);

    const deputy = await addUser("deputy.admin", MEDICAL_TECHNICIAN, 1);
    const sa = clientAs(db, admin);
    assert.equal(
      (await sa.updateManagedSettings({ userId: deputy, groupId: SYSTEM_ADMINISTRATOR })).result,
      1,
    );
    assert.equal((await accountOf(deputy)).current_role_id, SYSTEM_ADMINISTRATOR);
  });
});
