import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Code, type ConnectError } from "@connectrpc/connect";
import type { Db } from "../../db/db.js";
import { callerFor, clientAs, openSeededDb } from "./test-harness.js";

let db: Db;
/** An LOD case in unit 10's subtree waiting on the unit commander (work status 112). */
let caseId: number;

before(async () => {
  db = await openSeededDb();
  const { rows } = await db.query<{ id: number }>(
    `SELECT min(c.id) AS id FROM cases c WHERE c.work_status_id = 112
       AND c.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = 10)`,
  );
  caseId = rows[0].id;
});
after(() => db.close());

function code(expected: Code, field?: string) {
  return (error: ConnectError) => {
    assert.equal(error.code, expected, error.message);
    if (field) assert.ok(error.rawMessage.startsWith(`${field}:`), error.rawMessage);
    return true;
  };
}

describe("moving a case through InsertWorkstatus and UpdateWorkstatus", () => {
  test("the holder moves a case along an option: status, version, tracking rows and an audit row in one go", async () => {
    const unitcc = await callerFor(db, "unitcc");
    const before = await db.query<{ version: number }>("SELECT version FROM cases WHERE id = $1", [caseId]);
    const response = await clientAs(db, unitcc).insertWorkstatus({
      refId: caseId,
      module: 2,
      workstatusType: 113,
      workstatusText: "Reviewed, forwarding to JA",
    });
    const after = await db.query<{ work_status_id: number; version: number }>(
      "SELECT work_status_id, version FROM cases WHERE id = $1",
      [caseId],
    );
    assert.equal(after.rows[0].work_status_id, 113);
    assert.equal(after.rows[0].version, before.rows[0].version + 1);
    const tracking = await db.query<{
      id: number;
      work_status_id: number;
      end_time: Date | null;
      completed_by: number;
      comment: string;
    }>(
      "SELECT id, work_status_id, end_time, completed_by, comment FROM tracking WHERE case_id = $1 ORDER BY id DESC LIMIT 2",
      [caseId],
    );
    const [open, closed] = tracking.rows;
    assert.equal(response.result, open.id);
    assert.equal(open.work_status_id, 113);
    assert.equal(open.end_time, null);
    assert.equal(closed.work_status_id, 112);
    assert.ok(closed.end_time);
    assert.equal(closed.completed_by, unitcc.userId);
    assert.equal(closed.comment, "Reviewed, forwarding to JA");
    const audit = await db.query<{ after: { workStatusId: number } }>(
      "SELECT after FROM audit_events WHERE entity_type = 'case' AND entity_id = $1 AND action = 'move'",
      [String(caseId)],
    );
    assert.equal(audit.rows.length, 1);
    assert.equal(audit.rows[0].after.workStatusId, 113);
    const statuses = await clientAs(db, unitcc).getWorkstatusesByRefId({ refId: caseId });
    assert.deepEqual(
      statuses.items.slice(-2).map((item) => item.workstatusId),
      [112, 113],
    );
  });

  test("a role that does not hold the case cannot move it, nor skip along a path no option offers", async () => {
    const unitcc = clientAs(db, await callerFor(db, "unitcc"));
    await assert.rejects(
      unitcc.insertWorkstatus({ refId: caseId, workstatusType: 114 }),
      code(Code.PermissionDenied),
    );
    const wingja = clientAs(db, await callerFor(db, "wingja"));
    await assert.rejects(
      wingja.insertWorkstatus({ refId: caseId, workstatusType: 118 }),
      code(Code.FailedPrecondition),
    );
  });

  test("the target must be a work status of the case's workflow; the module must match; the case must exist", async () => {
    const admin = clientAs(db, await callerFor(db, "admin"));
    await assert.rejects(
      admin.insertWorkstatus({ refId: caseId, workstatusType: 131 }),
      code(Code.InvalidArgument, "workstatus_type"),
    );
    await assert.rejects(
      admin.insertWorkstatus({ refId: caseId, module: 5, workstatusType: 114 }),
      code(Code.InvalidArgument, "module"),
    );
    await assert.rejects(
      admin.insertWorkstatus({ refId: 99999999, workstatusType: 114 }),
      code(Code.NotFound),
    );
    await assert.rejects(
      admin.insertWorkstatus({ workstatusType: 114 }),
      code(Code.InvalidArgument, "ref_id"),
    );
  });

  test("UpdateWorkstatus moves the case named by its case number", async () => {
    const admin = clientAs(db, await callerFor(db, "admin"));
    const { rows } = await db.query<{ case_number: string }>("SELECT case_number FROM cases WHERE id = $1", [
      caseId,
    ]);
    const response = await admin.updateWorkstatus({ workstatusId: 114, workstatusText: rows[0].case_number });
    assert.ok(response.result > 0);
    const after = await db.query<{ work_status_id: number }>(
      "SELECT work_status_id FROM cases WHERE id = $1",
      [caseId],
    );
    assert.equal(after.rows[0].work_status_id, 114);
  });

  test("a case outside the caller's units is NOT_FOUND, as a missing case is (docs/compatibility.md)", async () => {
    const unitcc445 = clientAs(db, await callerFor(db, "unitcc445"));
    const { rows } = await db.query<{ case_number: string; missing: number }>(
      "SELECT case_number, (SELECT max(id) + 1000 FROM cases) AS missing FROM cases WHERE id = $1",
      [caseId],
    );
    const { missing } = rows[0];
    for (const refId of [caseId, missing]) {
      await assert.rejects(unitcc445.insertWorkstatus({ refId, workstatusType: 115 }), code(Code.NotFound));
      await assert.rejects(unitcc445.addSignature({ refId }), code(Code.NotFound));
    }
    for (const name of [rows[0].case_number, String(missing)]) {
      await assert.rejects(
        unitcc445.updateWorkstatus({ workstatusText: name, workstatusId: 115 }),
        code(Code.NotFound),
      );
    }
  });
});

describe("AddSignature", () => {
  test("records the signer's signature at the case's status, with the role's title, and refuses a second one", async () => {
    const wingcc = await callerFor(db, "wingcc");
    const client = clientAs(db, wingcc);
    const response = await client.addSignature({ refId: caseId, moduleType: 2, statusOut: 115 });
    const [item] = response.items;
    const row = await db.query<{
      id: number;
      work_status_id: number;
      role_id: number;
      user_id: number;
      title: string;
    }>("SELECT id, work_status_id, role_id, user_id, title FROM signatures WHERE id = $1", [
      item.signatureId,
    ]);
    assert.deepEqual(row.rows[0], {
      id: item.signatureId,
      work_status_id: 114,
      role_id: 6,
      user_id: wingcc.userId,
      // The signer's own title for the role (seeded as the role's signature title and the unit's name).
      title: "Appointing Authority, 452nd Air Mobility Wing",
    });
    assert.equal(item.refId, caseId);
    await assert.rejects(client.addSignature({ refId: caseId }), code(Code.AlreadyExists));
    const signed = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM signatures WHERE case_id = $1 AND work_status_id = 114 AND user_id = $2",
      [caseId, wingcc.userId],
    );
    assert.equal(signed.rows[0].n, 1, "the refused second signature wrote nothing");
    await assert.rejects(
      client.addSignature({ refId: caseId, statusIn: 131 }),
      code(Code.InvalidArgument, "status_in"),
    );
  });
});

describe("case locks on the legacy writes", () => {
  test("another user's lock in force refuses a move, naming the holder and the expiry; an expired one does not", async () => {
    const { rows } = await db.query<{ id: number }>(
      `SELECT c.id FROM cases c WHERE c.work_status_id = 112
         AND c.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = 10) ORDER BY c.id OFFSET 1 LIMIT 2`,
    );
    const [locked, lapsed] = rows.map((row) => row.id);
    const unitcc = await callerFor(db, "unitcc");
    await db.query(
      `INSERT INTO case_locks (case_id, module_id, user_id, lock_time, expires_at)
       VALUES ($1, 2, $3, now(), now() + interval '30 minutes'),
              ($2, 2, $3, now() - interval '31 minutes', now() - interval '1 minute')`,
      [locked, lapsed, unitcc.userId],
    );
    const admin = clientAs(db, await callerFor(db, "admin"));
    await assert.rejects(
      admin.insertWorkstatus({ refId: locked, workstatusType: 113 }),
      (error: ConnectError) => {
        assert.equal(error.code, Code.FailedPrecondition, error.message);
        assert.match(error.rawMessage, /locked for editing by unitcc until \d{4}-\d{2}-\d{2}T/);
        return true;
      },
    );
    await admin.insertWorkstatus({ refId: lapsed, workstatusType: 113 });
  });

  test("the holder's move along an option with the releaseLock action releases the lock", async () => {
    const { rows } = await db.query<{ id: number }>(
      `SELECT c.id FROM cases c WHERE c.work_status_id = 112 AND NOT EXISTS (SELECT 1 FROM case_locks l WHERE l.case_id = c.id)
         AND c.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = 10) ORDER BY c.id DESC LIMIT 1`,
    );
    const caseId = rows[0].id;
    const unitcc = await callerFor(db, "unitcc");
    await db.query("INSERT INTO case_locks (case_id, module_id, user_id) VALUES ($1, 2, $2)", [
      caseId,
      unitcc.userId,
    ]);
    await clientAs(db, unitcc).insertWorkstatus({ refId: caseId, workstatusType: 113 });
    const lock = await db.query("SELECT 1 FROM case_locks WHERE case_id = $1", [caseId]);
    assert.equal(lock.rowCount, 0);
  });
});
