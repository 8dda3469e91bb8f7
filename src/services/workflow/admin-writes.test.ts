import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Code, type ConnectError } from "@connectrpc/connect";
import type { Db } from "../../db/db.js";
import { callerFor, clientAs, openSeededDb } from "./test-harness.js";

let db: Db;
let admin: ReturnType<typeof clientAs>;

before(async () => {
  db = await openSeededDb();
  admin = clientAs(db, await callerFor(db, "admin"));
});
after(() => db.close());

function code(expected: Code, field?: string) {
  return (error: ConnectError) => {
    assert.equal(error.code, expected, error.message);
    if (field) assert.ok(error.rawMessage.startsWith(`${field}:`), error.rawMessage);
    return true;
  };
}

async function auditCount(entityType: string, entityId: string | number, action: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM audit_events WHERE entity_type = $1 AND entity_id = $2 AND action = $3",
    [entityType, String(entityId), action],
  );
  return rows[0].n;
}

describe("workflow administration writes", () => {
  test("InsertWorkflow creates a workflow, CopyWorkflow copies the LOD configuration into it", async () => {
    const created = await admin.insertWorkflow({
      module: 2,
      workflowType: 2,
      workflowText: "AFRC Formal LOD",
    });
    const workflowId = created.result;
    assert.ok(workflowId > 2);
    assert.equal(await auditCount("workflow", workflowId, "insert_workflow"), 1);
    const copy = await admin.copyWorkflow({ fromId: 1, toId: workflowId });
    assert.deepEqual(
      copy.items.map((item) => [item.workflowId, item.workflowName, item.copySuccess]),
      [[workflowId, "AFRC Formal LOD", true]],
    );
    const counts = await db.query<{
      workflow_id: number;
      statuses: number;
      options: number;
      actions: number;
      rules: number;
    }>(
      `SELECT ws.workflow_id, count(DISTINCT ws.id)::int AS statuses, count(DISTINCT o.id)::int AS options,
              count(DISTINCT a.id)::int AS actions, count(DISTINCT r.id)::int AS rules
       FROM work_statuses ws LEFT JOIN options o ON o.work_status_id = ws.id
       LEFT JOIN option_actions a ON a.option_id = o.id LEFT JOIN option_rules r ON r.option_id = o.id
       WHERE ws.workflow_id IN (1, $1) GROUP BY ws.workflow_id ORDER BY ws.workflow_id`,
      [workflowId],
    );
    const [source, target] = counts.rows;
    assert.deepEqual({ ...target, workflow_id: 1 }, source);
    const initial = await admin.getWorkflowInitialStatusCode({ workflowId });
    assert.equal(initial.items[0].initialStatusId, 10);
    const steps = await admin.getStepsByWorkflowAndStatus({ workflow: workflowId, status: 15 });
    assert.equal(
      steps.items.length,
      (await admin.getStepsByWorkflowAndStatus({ workflow: 1, status: 15 })).items.length,
    );
    await assert.rejects(admin.copyWorkflow({ fromId: 1, toId: workflowId }), code(Code.FailedPrecondition));
    await assert.rejects(admin.copyWorkflow({ fromId: 1, toId: 2 }), code(Code.FailedPrecondition));
    await assert.rejects(admin.copyWorkflow({ fromId: 1, toId: 9999 }), code(Code.NotFound));
    await assert.rejects(admin.copyWorkflow({ fromId: 1, toId: 1 }), code(Code.InvalidArgument, "to_id"));
  });

  test("InsertOptionAction adds an action with a real id, audited; CopyActions and CopyRules report what they copied", async () => {
    const inserted = await admin.insertOptionAction({ type: 3, wsoid: 2, target: 4, data: 0 });
    const [item] = inserted.items;
    const row = await db.query("SELECT option_id, action_type_id, target FROM option_actions WHERE id = $1", [
      item.actionId,
    ]);
    assert.deepEqual(row.rows[0], { option_id: 2, action_type_id: 3, target: 4 });
    assert.equal(await auditCount("workflow", 1, "insert_option_action"), 1);
    const sourceActions = await db.query("SELECT 1 FROM option_actions WHERE option_id = 2");
    const copied = await admin.copyActions({ destWsoid: 3, srcWsoid: 2 });
    assert.equal(copied.result, sourceActions.rows.length);
    const rules = await admin.copyRules({ destWsoid: 3, srcWsoid: 40 });
    assert.equal(rules.result, 2);
    await assert.rejects(admin.insertAction({ type: 99, stepId: 2 }), code(Code.NotFound));
    await assert.rejects(admin.insertAction({ type: 1, stepId: 99999 }), code(Code.NotFound));
    await assert.rejects(admin.insertAction({ stepId: 2 }), code(Code.InvalidArgument, "type"));
    await assert.rejects(
      admin.copyRules({ destWsoid: 3, srcWsoid: 3 }),
      code(Code.InvalidArgument, "dest_wsoid"),
    );
  });

  test("DeleteStatusCode removes an unused status with its options and action-log rows, and refuses one cases use", async () => {
    await db.query(
      `INSERT INTO status_codes (id, description, module_id, compo) VALUES (99, 'Obsolete review', 2, '6')`,
    );
    await db.query(
      `INSERT INTO work_statuses (id, workflow_id, status_code_id, display_text) VALUES (199, 1, 99, 'Obsolete')`,
    );
    await db.query(
      `INSERT INTO options (id, work_status_id, target_work_status_id, display_text, compo) VALUES (999, 112, 199, 'Obsolete', '6')`,
    );
    await db.query(
      "INSERT INTO action_log (case_id, module_id, action, from_status_code_id, to_status_code_id) VALUES (1, 2, 'advance', 12, 99)",
    );
    const deleted = await admin.deleteStatusCode({ statusId: 99 });
    assert.equal(deleted.result, 1);
    const left = await db.query(
      `SELECT 1 FROM status_codes WHERE id = 99 UNION ALL SELECT 1 FROM options WHERE id = 999
       UNION ALL SELECT 1 FROM action_log WHERE to_status_code_id = 99`,
    );
    assert.equal(left.rows.length, 0);
    assert.equal(await auditCount("status_code", 99, "delete"), 1);
    await assert.rejects(admin.deleteStatusCode({ statusId: 12 }), code(Code.FailedPrecondition));
    await assert.rejects(admin.deleteStatusCode({ statusId: 99 }), code(Code.NotFound));
  });
});

describe("user and log writes", () => {
  test("RegisterUserRole returns the user-role id; UpdateAccountStatus changes the status and is audited", async () => {
    const user = await db.query<{ id: number }>("SELECT id FROM users WHERE username = 'medofficer'");
    const userId = user.rows[0].id;
    const role = await admin.registerUserRole({ userId, groupId: 9, status: 1 });
    const stored = await db.query("SELECT user_id, role_id, status FROM user_roles WHERE id = $1", [
      role.userRoleId,
    ]);
    assert.deepEqual(stored.rows[0], { user_id: userId, role_id: 9, status: "pending" });
    const updated = await admin.updateAccountStatus({ userId, accountStatus: 3, comment: "on leave" });
    assert.equal(updated.result, 1);
    const managed = await admin.getManagedUsers({ showAllUsers: true, status: 3, name: "Chen" });
    assert.deepEqual(
      managed.items.map((item) => [item.userId, item.status]),
      [[userId, 3]],
    );
    assert.equal(await auditCount("user", userId, "update_account_status"), 1);
    await assert.rejects(
      admin.updateAccountStatus({ userId, accountStatus: 9 }),
      code(Code.InvalidArgument, "account_status"),
    );
    await assert.rejects(admin.registerUserRole({ userId: 999999, groupId: 9 }), code(Code.NotFound));
  });

  test("InsertLog needs an existing process and returns the new id; DeleteLogById deletes it once", async () => {
    const inserted = await admin.insertLog({
      processName: "ReportWarmup",
      message: "Completed: 3 reports",
      executionDate: "2026-01-02T03:04:05Z",
    });
    const last = await admin.findProcessLastExecutionDate({ processName: "ReportWarmup" });
    assert.ok(inserted.result > 0);
    assert.ok(last.items[0].lastExecutionDate >= "2026-01-02T03:04:05.000Z");
    await assert.rejects(admin.insertLog({ processName: "NoSuchJob", message: "x" }), code(Code.NotFound));
    await assert.rejects(
      admin.insertLog({ processName: "ReportWarmup" }),
      code(Code.InvalidArgument, "message"),
    );
    assert.equal((await admin.deleteLogById({ logId: inserted.result })).result, 1);
    await assert.rejects(admin.deleteLogById({ logId: inserted.result }), code(Code.NotFound));
    await assert.rejects(admin.deleteLogById({ logId: 0 }), code(Code.InvalidArgument, "log_id"));
    assert.equal(await auditCount("log", inserted.result, "delete"), 1);
  });
});
