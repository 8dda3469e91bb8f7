import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  Code,
  ConnectError,
  createClient,
  createRouterTransport,
  type Interceptor,
} from "@connectrpc/connect";
import { type Caller, callerKey } from "../src/auth/caller-context.js";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import { FormService } from "../src/gen/ect/v1/form_service_pb.js";
import { WorkflowService } from "../src/gen/workflow/workflow_pb.js";
import { WatchLimiter } from "../src/resilience/watch-limiter.js";
import { CaseEvents } from "../src/services/cases/case-events.js";
import { caseService } from "../src/services/cases/case-service.js";
import { callerFor } from "../src/services/workflow/test-harness.js";
import { fillPart } from "./support/af348-parts.js";
import { rejects } from "./support/assertions.js";
import { grpcClient, signIn } from "./support/clients.js";
import { startTestServer, type TestServer, testDatabases } from "./support/test-server.js";

const UNIT_COMMANDER_REVIEW = 112;
const MEDICAL_OFFICER_REVIEW = 111;

/** "locked … by <holder> until <ISO time>", the FAILED_PRECONDITION every refused write carries. */
const lockedBy = (holder: string) =>
  new RegExp(`locked for editing by ${holder} until \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z`);

for (const database of testDatabases()) {
  describe(`case locks and signatures on ${database.name}`, () => {
    let server: TestServer;
    const tokens = new Map<string, string>();
    /** LOD cases in the 452nd's units waiting on the unit commander; each test takes its own. */
    let free: number[];
    const nextCase = () => {
      const id = free.shift();
      assert.ok(id, "enough seeded cases at the unit commander");
      return id;
    };
    const cases = (user: string) => grpcClient(server.url, CaseService, tokens.get(user));
    const legacy = (user: string) => grpcClient(server.url, WorkflowService, tokens.get(user));
    const userId = async (username: string) =>
      (await server.db.query<{ id: number }>("SELECT id FROM users WHERE username = $1", [username])).rows[0]
        .id;
    const lockRow = async (caseId: number) =>
      (
        await server.db.query<{ user_id: number; lock_time: Date; expires_at: Date }>(
          "SELECT user_id, lock_time, expires_at FROM case_locks WHERE case_id = $1",
          [caseId],
        )
      ).rows[0];

    before(async () => {
      server = await startTestServer(database.url);
      // A second unit commander of the same wing, and an inactive one.
      for (const [username, edipin, status] of [
        ["unitcc2", "1999999001", "active"],
        ["unitcc3", "1999999002", "inactive"],
      ]) {
        await server.db.query(
          `WITH u AS (
             INSERT INTO users (username, edipin, first_name, last_name, rank, work_compo, unit_id, current_role_id, account_status)
             VALUES ($1, $2, 'Dana', 'Reyes', 'Lt Col', '6', 10, 4, $3) RETURNING id)
           INSERT INTO user_roles (user_id, role_id, status, active) SELECT id, 4, 'approved', true FROM u`,
          [username, edipin, status],
        );
      }
      for (const user of ["unitcc", "unitcc2", "medofficer", "wingcc", "lodpm", "admin"]) {
        tokens.set(user, await signIn(server.url, user));
      }
      const inWing = async (workStatusId: number) =>
        (
          await server.db.query<{ id: number }>(
            `SELECT c.id FROM cases c WHERE c.work_status_id = $1
               AND c.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = 10) ORDER BY c.id`,
            [workStatusId],
          )
        ).rows.map((row) => row.id);
      // The seed leaves a few cases at each status: the medical officer's are moved on to the unit commander.
      for (const id of await inWing(MEDICAL_OFFICER_REVIEW)) {
        await legacy("admin").insertWorkstatus({ refId: id, workstatusType: UNIT_COMMANDER_REVIEW });
      }
      free = await inWing(UNIT_COMMANDER_REVIEW);
    });
    after(async () => server?.stop());

    it("AddSignature, like SignCase, lets only the holding role's active users sign, at the current status", async () => {
      const caseId = nextCase();
      const name = `cases/${caseId}`;
      // Another approved role (the wing commander) may not sign a case the unit commander holds.
      await rejects(
        legacy("wingcc").addSignature({ refId: caseId, moduleType: 2 }),
        Code.PermissionDenied,
        /role 4/,
      );
      await rejects(cases("wingcc").signCase({ name }), Code.PermissionDenied);
      // Nor may the holding role sign at a status that is not the current one.
      await rejects(
        legacy("unitcc").addSignature({ refId: caseId, statusIn: MEDICAL_OFFICER_REVIEW }),
        Code.FailedPrecondition,
        /current work status 112, not 111/,
      );
      // An administrator signs for no role of its own, on either service...
      await rejects(legacy("admin").addSignature({ refId: caseId }), Code.PermissionDenied);
      await rejects(cases("admin").signCase({ name }), Code.PermissionDenied);
      // ...and cannot sign for an inactive user of the holding role.
      await rejects(
        legacy("admin").addSignature({ refId: caseId, userId: await userId("unitcc3") }),
        Code.PermissionDenied,
        /not an active user/,
      );
      const signatures = await server.db.query(
        "SELECT 1 FROM signatures WHERE case_id = $1 AND work_status_id = $2",
        [caseId, UNIT_COMMANDER_REVIEW],
      );
      assert.equal(signatures.rowCount, 0, "nothing was signed by the refused attempts");

      const signed = await legacy("unitcc").addSignature({ refId: caseId, moduleType: 2 });
      assert.equal(signed.items[0].refId, caseId);
      await rejects(cases("unitcc").signCase({ name }), Code.AlreadyExists);
      const other = nextCase();
      const viaCaseService = await cases("unitcc2").signCase({ name: `cases/${other}` });
      assert.ok(viaCaseService.id > 0);
    });

    it("only the role holding the case, or an administrator, locks it", async () => {
      const caseId = nextCase();
      const name = `cases/${caseId}`;
      await rejects(cases("medofficer").acquireLock({ name }), Code.PermissionDenied, /holding the case/);
      await rejects(cases("wingcc").acquireLock({ name }), Code.PermissionDenied);
      assert.equal(await lockRow(caseId), undefined, "the refused attempts took no lock");
      const lock = await cases("unitcc").acquireLock({ name });
      assert.equal(lock.username, "unitcc");
      await cases("unitcc").releaseLock({ name });
      const byAdmin = await cases("admin").acquireLock({ name });
      assert.equal(byAdmin.username, "admin");
    });

    it("refuses every write of others on a locked case, on both services, naming the holder and the expiry", async () => {
      const caseId = nextCase();
      const name = `cases/${caseId}`;
      await cases("unitcc").acquireLock({ name });
      const next = await cases("unitcc").getNextActions({ name });
      const forward = next.actions[0];
      assert.ok(forward, "the unit commander has an option on the case");

      const other = cases("unitcc2");
      await rejects(other.signCase({ name }), Code.FailedPrecondition, lockedBy("unitcc"));
      await rejects(
        other.takeAction({ name, optionId: forward.optionId }),
        Code.FailedPrecondition,
        lockedBy("unitcc"),
      );
      await rejects(
        other.updateCase({
          case: { name, incidentDescription: "changed behind the holder's back" },
          updateMask: { paths: ["incident_description"] },
        }),
        Code.FailedPrecondition,
        lockedBy("unitcc"),
      );
      await rejects(other.acquireLock({ name }), Code.FailedPrecondition, lockedBy("unitcc"));
      // The same conflict over REST: HTTP 400 with FAILED_PRECONDITION (9) and the same message; the release too.
      for (const verb of ["acquireLock", "releaseLock"]) {
        const response = await fetch(`${server.url}/ect/v1/${name}:${verb}`, {
          method: "POST",
          headers: { authorization: `Bearer ${tokens.get("unitcc2")}`, "content-type": "application/json" },
          body: "{}",
        });
        const status = (await response.json()) as { code: number; message: string };
        assert.equal(response.status, verb === "acquireLock" ? 400 : 403, JSON.stringify(status));
        assert.equal(status.code, verb === "acquireLock" ? Code.FailedPrecondition : Code.PermissionDenied);
        assert.match(status.message, verb === "acquireLock" ? lockedBy("unitcc") : /locked by unitcc until/);
      }
      assert.equal((await lockRow(caseId)).user_id, await userId("unitcc"), "the holder keeps the lock");
      await rejects(
        legacy("unitcc2").addSignature({ refId: caseId }),
        Code.FailedPrecondition,
        lockedBy("unitcc"),
      );
      // Administrators too: they break the lock first (audited) instead of writing past it.
      await rejects(
        cases("admin").takeAction({ name, optionId: forward.optionId }),
        Code.FailedPrecondition,
        lockedBy("unitcc"),
      );
      await rejects(
        legacy("admin").insertWorkstatus({
          refId: caseId,
          workstatusType: forward.targetStatus?.workStatusId,
        }),
        Code.FailedPrecondition,
        lockedBy("unitcc"),
      );
      const unchanged = await cases("unitcc").getCase({ name });
      assert.equal(unchanged.status?.workStatusId, UNIT_COMMANDER_REVIEW);
      assert.equal(unchanged.lock?.username, "unitcc");

      // The holder writes; the move (an option with the releaseLock action) releases the lock.
      await fillPart(grpcClient(server.url, FormService, tokens.get("unitcc")), "unitcc", name);
      await cases("unitcc").signCase({ name });
      const moved = await cases("unitcc").takeAction({ name, optionId: forward.optionId });
      assert.equal(moved.case?.lock, undefined);
    });

    it("renews the lock with every write of its holder, for the lock's own duration", async () => {
      const caseId = nextCase();
      const name = `cases/${caseId}`;
      await cases("unitcc").acquireLock({ name });
      const taken = await lockRow(caseId);
      assert.equal(taken.expires_at.getTime() - taken.lock_time.getTime(), server.config.cases.lockTtlMs);
      await server.db.query(
        "UPDATE case_locks SET lock_time = lock_time - interval '20 minutes', expires_at = expires_at - interval '20 minutes' WHERE case_id = $1",
        [caseId],
      );
      const aged = await lockRow(caseId);
      await cases("unitcc").updateCase({
        case: { name, incidentDescription: "Fell from a ladder during maintenance" },
        updateMask: { paths: ["incident_description"] },
      });
      const renewed = await lockRow(caseId);
      assert.ok(renewed.lock_time > aged.lock_time, "the write moved the lock time forward");
      assert.equal(renewed.expires_at.getTime() - renewed.lock_time.getTime(), server.config.cases.lockTtlMs);
      await legacy("unitcc").addSignature({ refId: caseId });
      const again = await lockRow(caseId);
      assert.ok(again.lock_time >= renewed.lock_time, "a legacy write renews it too");
    });

    it("treats an expired lock as no lock on reads and writes of both services", async () => {
      const caseId = nextCase();
      const name = `cases/${caseId}`;
      await cases("unitcc").acquireLock({ name });
      const lockId = (
        await server.db.query<{ id: number }>("SELECT id FROM case_locks WHERE case_id = $1", [caseId])
      ).rows[0].id;
      const listed = async () => (await legacy("admin").getAllLocks({})).items.map((item) => item.lockId);
      assert.ok((await listed()).includes(lockId));
      // The lock's time runs out (as if 30 minutes passed without its holder's activity).
      await server.db.query(
        "UPDATE case_locks SET lock_time = now() - interval '31 minutes', expires_at = now() - interval '1 minute' WHERE case_id = $1",
        [caseId],
      );
      assert.equal((await cases("unitcc2").getCase({ name })).lock, undefined);
      assert.equal((await listed()).includes(lockId), false, "GetAllLocks lists locks in force only");
      await legacy("unitcc2").addSignature({ refId: caseId });
      const taken = await cases("unitcc2").acquireLock({ name });
      assert.equal(taken.username, "unitcc2", "the expired lock is replaced");
      await rejects(cases("unitcc").signCase({ name }), Code.FailedPrecondition, lockedBy("unitcc2"));
    });

    it("is broken by a supervisor role or an administrator, audited; nobody else may release it", async () => {
      const [first, second] = [nextCase(), nextCase()];
      await cases("unitcc").acquireLock({ name: `cases/${first}` });
      await cases("unitcc").acquireLock({ name: `cases/${second}` });
      await rejects(
        cases("unitcc2").releaseLock({ name: `cases/${first}` }),
        Code.PermissionDenied,
        /locked by unitcc until .*only the lock holder, a role that manages theirs or an administrator/,
      );
      await rejects(cases("medofficer").releaseLock({ name: `cases/${first}` }), Code.PermissionDenied);
      // The LOD program manager's role manages the unit commander's (role_managed_by).
      assert.equal((await cases("lodpm").releaseLock({ name: `cases/${first}` })).released, true);
      assert.equal((await cases("admin").releaseLock({ name: `cases/${second}` })).released, true);
      const audit = await server.db.query<{
        entity_id: string;
        actor: string;
        before: Record<string, unknown>;
      }>(
        `SELECT entity_id, actor, before FROM audit_events WHERE action = 'break_lock' AND entity_id = ANY($1::text[])
         ORDER BY id`,
        [[String(first), String(second)]],
      );
      assert.deepEqual(
        audit.rows.map((row) => [row.entity_id, row.actor, row.before.lockUsername, row.before.expired]),
        [
          [String(first), "lodpm", "unitcc", false],
          [String(second), "admin", "unitcc", false],
        ],
      );
      assert.equal((await cases("unitcc").getCase({ name: `cases/${first}` })).lock, undefined);
      // A holder's own release is no break and is not audited as one.
      await cases("unitcc").acquireLock({ name: `cases/${first}` });
      assert.equal((await cases("unitcc").releaseLock({ name: `cases/${first}` })).released, true);
      const breaks = await server.db.query("SELECT 1 FROM audit_events WHERE action = 'break_lock'");
      assert.equal(breaks.rowCount, 2);
    });

    it("UpdateCase changes only the fields its mask names, over gRPC and REST, and refuses a field it may not change", async () => {
      const caseId = nextCase();
      const name = `cases/${caseId}`;
      const before = await cases("unitcc").getCase({ name });
      assert.equal(before.formalInvestigation, false);
      // The body carries other values too (a formal investigation, another description's neighbours): only
      // incident_description is in the mask, so nothing else may change.
      const updated = await cases("unitcc").updateCase({
        case: {
          ...before,
          incidentDescription: "Masked: fell from a ladder",
          formalInvestigation: true,
          finding: "In line of duty",
          cancelReason: "not in the mask",
          rwoaReason: "not in the mask",
          investigatingOfficer: "Maj Not In Mask",
        },
        updateMask: { paths: ["incident_description"] },
      });
      const unchanged = (value: typeof before) => ({
        ...value,
        incidentDescription: undefined,
        updateTime: undefined,
        version: undefined,
        lock: undefined,
        $typeName: undefined,
      });
      assert.equal(updated.incidentDescription, "Masked: fell from a ladder");
      assert.equal(updated.version, before.version + 1);
      assert.deepEqual(unchanged(updated), unchanged(before), "only the masked field changed");
      assert.deepEqual(unchanged(await cases("unitcc").getCase({ name })), unchanged(before), "as stored");
      const audit = await server.db.query<{ before: unknown; after: unknown }>(
        "SELECT before, after FROM audit_events WHERE action = 'update' AND entity_id = $1",
        [String(caseId)],
      );
      assert.deepEqual(audit.rows, [
        {
          before: { incidentDescription: before.incidentDescription, formalInvestigation: false },
          after: { incidentDescription: "Masked: fell from a ladder", formalInvestigation: false },
        },
      ]);

      // Over REST: PATCH with the mask as a query parameter (proto3 JSON: lowerCamelCase), the case as the body.
      const response = await fetch(`${server.url}/ect/v1/${name}?updateMask=incidentDescription`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${tokens.get("unitcc")}`, "content-type": "application/json" },
        body: JSON.stringify({
          incidentDescription: "Masked over REST",
          formalInvestigation: true,
          finding: "x",
        }),
      });
      assert.equal(response.status, 200, await response.clone().text());
      const overRest = (await response.json()) as {
        incidentDescription: string;
        formalInvestigation?: boolean;
        finding?: string;
      };
      assert.equal(overRest.incidentDescription, "Masked over REST");
      assert.equal(overRest.formalInvestigation ?? false, false);
      assert.equal(overRest.finding ?? "", before.finding);

      // A path outside what UpdateCase may change is refused, naming the mask, and changes nothing.
      await rejects(
        cases("unitcc").updateCase({
          case: { name, incidentDescription: "refused", finding: "refused" },
          updateMask: { paths: ["incident_description", "finding"] },
        }),
        Code.InvalidArgument,
        /^update_mask: "finding" cannot be changed/,
      );
      assert.equal((await cases("unitcc").getCase({ name })).incidentDescription, "Masked over REST");
    });

    it("lets a lock lapse after the configured lock TTL", async () => {
      // The case service as the server builds it, with a 300 ms lock TTL from its configuration.
      const ttlMs = 300;
      const service = caseService({
        db: server.db,
        events: new CaseEvents(),
        streaming: { firstPageSize: 10, pageSize: 10 },
        cases: { lockTtlMs: ttlMs },
        watches: new WatchLimiter({ maxPerUser: 5, idleMs: 60_000, maxLifetimeMs: 60_000 }),
      });
      const as = (caller: Caller) => {
        const setCaller: Interceptor = (next) => (req) => {
          req.contextValues.set(callerKey, caller);
          return next(req);
        };
        const transport = createRouterTransport(({ service: add }) => add(CaseService, service), {
          router: { interceptors: [setCaller] },
        });
        return createClient(CaseService, transport);
      };
      const holder = as(await callerFor(server.db, "unitcc"));
      const other = as(await callerFor(server.db, "unitcc2"));
      const caseId = nextCase();
      const name = `cases/${caseId}`;
      await holder.acquireLock({ name });
      const row = await lockRow(caseId);
      assert.equal(row.expires_at.getTime() - row.lock_time.getTime(), ttlMs);
      await rejects(other.acquireLock({ name }), Code.FailedPrecondition, lockedBy("unitcc"));
      // Expiry needs only time to pass: wait past the TTL, boundedly, whatever the machine's load.
      const deadline = Date.now() + 10_000;
      for (;;) {
        await sleep(ttlMs);
        const attempt = await other.acquireLock({ name }).catch((error: unknown) => ConnectError.from(error));
        if (!(attempt instanceof ConnectError)) {
          assert.equal(attempt.username, "unitcc2");
          break;
        }
        assert.equal(attempt.code, Code.FailedPrecondition, attempt.message);
        assert.ok(Date.now() < deadline, "the lock lapsed within 10 s of a 300 ms TTL");
      }
    });
  });
}
