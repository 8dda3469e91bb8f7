import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import type { Queryable } from "../src/db/db.js";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import { FormService } from "../src/gen/ect/v1/form_service_pb.js";
import { MemberService } from "../src/gen/ect/v1/member_service_pb.js";
import { ActionKind, CaseState } from "../src/gen/ect/v1/resources_pb.js";
import { fillPart, type RouteUser, roleOf, route } from "./support/af348-parts.js";
import { rejects } from "./support/assertions.js";
import { addMedicalRecord } from "./support/case-documents.js";
import { collect, grpcClient, signIn } from "./support/clients.js";
import { startTestServer, type TestServer, testDatabases } from "./support/test-server.js";

const UNIT_COMMANDER = roleOf.unitcc;

/** What the medical technician must fill before forwarding, as the form declares it. */
const MEDTECH_REQUIRED = [
  "member.dutyStatus",
  "medical.natureOfEvent",
  "medical.eventDetails",
  "medical.treatmentFacility",
  "medical.treatmentFacilityType",
  "medical.treatmentDate",
  "medical.deathInvolved",
  "medical.motorVehicleAccident",
];

for (const database of testDatabases()) {
  describe(`the AF 348 workflow on ${database.name}`, () => {
    let server: TestServer;
    const tokens = new Map<string, string>();
    const cases = (user: string) => grpcClient(server.url, CaseService, tokens.get(user));
    const form = (user: string) => grpcClient(server.url, FormService, tokens.get(user));

    before(async () => {
      server = await startTestServer(database.url);
      for (const user of [...route, "admin"]) tokens.set(user, await signIn(server.url, user));
    });
    after(async () => server?.stop());

    async function startCase(description: string) {
      const [batch] = await collect(
        grpcClient(server.url, MemberService, tokens.get("medtech")).searchMembers({ query: "a", limit: 1 }),
      );
      return cases("medtech").createCase({ memberId: batch.members[0].id, incidentDescription: description });
    }

    /** The role fills its part of the form over the API. */
    const fill = (user: RouteUser, name: string) => fillPart(form(user), user, name);

    /** The role fills its part, signs and forwards; returns the move. */
    async function forward(user: RouteUser, name: string) {
      await fill(user, name);
      // The medical officer's forward requires a medical record (required_documents).
      if (user === "medofficer") await addMedicalRecord(server.url, tokens.get("medofficer"), name);
      await cases(user).signCase({ name });
      const next = await cases(user).getNextActions({ name });
      const advance = next.actions.find((action) => action.kind === ActionKind.ADVANCE);
      assert.ok(advance, `${user} may forward`);
      return cases(user).takeAction({ name, optionId: advance.optionId });
    }

    /** A new case forwarded by every role before `holder`, so that `holder` holds it. */
    async function caseHeldBy(holder: RouteUser, description: string) {
      const created = await startCase(description);
      for (const user of route.slice(0, route.indexOf(holder))) await forward(user, created.name);
      const held = await cases(holder).getCase({ name: created.name });
      assert.equal(held.status?.holderRoleId, roleOf[holder], `${holder} holds the case`);
      return held;
    }

    it("a forward with missing required fields names every missing field", async () => {
      const created = await startCase("Twisted knee on the flight line");
      await cases("medtech").signCase({ name: created.name });
      const next = await cases("medtech").getNextActions({ name: created.name });
      const advance = next.actions.find((action) => action.kind === ActionKind.ADVANCE);
      assert.ok(advance);
      const refused = await rejects(
        cases("medtech").takeAction({ name: created.name, optionId: advance.optionId }),
        Code.FailedPrecondition,
      );
      for (const field of MEDTECH_REQUIRED) assert.ok(refused.rawMessage.includes(field), `names ${field}`);
      await fill("medtech", created.name);
      await rejects(
        cases("medtech").takeAction({ name: created.name, optionId: advance.optionId }),
        Code.FailedPrecondition,
        /signature \d+ is invalid: member, medical changed after signing/,
      );
      await cases("medtech").signCase({ name: created.name });
      const moved = await cases("medtech").takeAction({ name: created.name, optionId: advance.optionId });
      assert.equal(moved.case?.status?.holderRoleName, "Medical Officer");
    });

    it("an edit after signing blocks the move until the role signs again", async () => {
      const created = await startCase("Burned hand in the dining facility");
      await fill("medtech", created.name);
      await cases("medtech").signCase({ name: created.name });
      await form("medtech").updateForm({
        form: { name: `${created.name}/form`, medical: { treatmentFacility: "Civilian urgent care" } },
        updateMask: { paths: ["medical.treatmentFacility"] },
      });
      const next = await cases("medtech").getNextActions({ name: created.name });
      assert.equal(next.signedByCaller, false, "the invalidated signature no longer counts");
      const advance = next.actions.find((action) => action.kind === ActionKind.ADVANCE);
      assert.ok(advance);
      await rejects(
        cases("medtech").takeAction({ name: created.name, optionId: advance.optionId }),
        Code.FailedPrecondition,
        /sign/,
      );
      await cases("medtech").signCase({ name: created.name });
      const moved = await cases("medtech").takeAction({ name: created.name, optionId: advance.optionId });
      assert.equal(moved.case?.status?.holderRoleName, "Medical Officer");
      const signatures = await form("medtech").getForm({ name: `${created.name}/form` });
      const medical = signatures.sections.find((section) => section.section === "medical");
      assert.deepEqual(
        medical?.signatures.map((signature) => signature.valid),
        [false, true],
        "the first signature shows as invalid, the second as valid",
      );
    });

    it("board legal returns the case to the unit commander with a reason; the unit commander sees why and holds it", async () => {
      const held = await caseHeldBy("boardlegal", "Sprained wrist at the fitness center");
      const name = held.name;
      const next = await cases("boardlegal").getNextActions({ name });
      assert.deepEqual(
        next.returnTargets.map((status) => status.holderRoleName),
        [
          "LOD Board Medical",
          "LOD Board Technician",
          "Wing Commander",
          "Wing JA",
          "Unit Commander",
          "Medical Officer",
          "Medical Technician",
        ],
        "every earlier role, nearest first",
      );
      const reason = next.rwoaReasons[0];
      for (const role of [roleOf.approver, roleOf.boardlegal, 999]) {
        await rejects(
          cases("boardlegal").returnWithoutAction({ name, reasonId: reason.id, returnToRoleId: role }),
          Code.InvalidArgument,
          /^return_to_role_id: /,
        );
      }
      const returned = await cases("boardlegal").returnWithoutAction({
        name,
        reasonId: reason.id,
        comment: "The witness statement is missing",
        returnToRoleId: UNIT_COMMANDER,
      });
      assert.equal(returned.case?.status?.holderRoleName, "Unit Commander");

      const seen = await cases("unitcc").getCase({ name });
      assert.equal(seen.rwoaReason, reason.description);
      const timeline = await cases("unitcc").listTracking({ name });
      const last = timeline.entries.at(-2);
      assert.equal(last?.completedBy, "boardlegal");
      assert.match(last?.actionLabel ?? "", /Unit Commander Review/);
      assert.ok(last?.actionLabel.includes(reason.description), "the timeline says why");
      assert.ok(last?.actionLabel.includes("The witness statement is missing"), "with the explanation");

      const unitNext = await cases("unitcc").getNextActions({ name });
      assert.equal(unitNext.signedByCaller, false, "the unit commander signs again");
      assert.ok(unitNext.actions.some((action) => action.kind === ActionKind.ADVANCE));
      const signatures = await cases("admin").listSignatures({ name });
      assert.deepEqual(
        signatures.signatures.map((signature) => signature.roleName),
        ["Medical Technician", "Medical Officer"],
        "the signatures from the unit commander on are void: each of those roles signs again",
      );
      await rejects(
        cases("boardlegal").returnWithoutAction({ name, reasonId: reason.id }),
        Code.PermissionDenied,
        /held by another role/,
      );
    });

    it("returns one step back over REST when no role is named", async () => {
      const held = await caseHeldBy("unitcc", "Cut finger on sheet metal");
      const next = await cases("unitcc").getNextActions({ name: held.name });
      const res = await fetch(`${server.url}/ect/v1/${held.name}:returnWithoutAction`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.get("unitcc")}`, "content-type": "application/json" },
        body: JSON.stringify({ reasonId: next.rwoaReasons[0].id, comment: "Wrong diagnosis code" }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      const body = (await res.json()) as { case: { status: { holderRoleName: string } } };
      assert.equal(body.case.status.holderRoleName, "Medical Officer");
      const bad = await fetch(`${server.url}/ect/v1/${held.name}:returnWithoutAction`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.get("medofficer")}`, "content-type": "application/json" },
        body: JSON.stringify({ reasonId: next.rwoaReasons[0].id, returnToRoleId: UNIT_COMMANDER }),
      });
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { message: string }).message, /^return_to_role_id: /);
    });

    it("cancel is refused to the medical technician and open to the medical officer, with a reason", async () => {
      const created = await startCase("Opened for the wrong member");
      const medtechNext = await cases("medtech").getNextActions({ name: created.name });
      assert.ok(!medtechNext.actions.some((action) => action.kind === ActionKind.CANCEL));
      await rejects(
        cases("medtech").cancelCase({ name: created.name, reasonId: 1 }),
        Code.PermissionDenied,
        /may not cancel/,
      );
      await forward("medtech", created.name);
      const next = await cases("medofficer").getNextActions({ name: created.name });
      assert.ok(next.actions.some((action) => action.kind === ActionKind.CANCEL));
      const reason = next.cancelReasons[0];
      const cancelled = await cases("medofficer").cancelCase({ name: created.name, reasonId: reason.id });
      assert.equal(cancelled.case?.state, CaseState.CANCELLED);
      assert.equal(cancelled.case?.cancelReason, reason.description);
    });

    it("a formal investigation is directed, never flagged by UpdateCase", async () => {
      const held = await caseHeldBy("unitcc", "Injured in a vehicle accident off base");
      for (const user of ["unitcc", "wingja"] as const) await forward(user, held.name);
      await rejects(
        cases("wingcc").updateCase({
          case: { name: held.name, formalInvestigation: true },
          updateMask: { paths: ["formal_investigation"] },
        }),
        Code.InvalidArgument,
        /update_mask: formal_investigation is set by directing a formal investigation/,
      );
      const after = await cases("wingcc").getCase({ name: held.name });
      assert.equal(after.formalInvestigation, false, "the flag is unchanged");
    });

    it("the approving authority completes only with a determination, never a formal investigation", async () => {
      const held = await caseHeldBy("approver", "Heat exhaustion during a field exercise");
      const name = held.name;
      await rejects(
        form("approver").recordFinding({ parent: name, finding: { finding: "FORMAL", concur: true } }),
        Code.InvalidArgument,
      );
      await fill("approver", name);
      await cases("approver").signCase({ name });
      const next = await cases("approver").getNextActions({ name });
      assert.deepEqual(
        next.findings.map((finding) => finding.code).sort(),
        ["EPTS-LOD-NA", "ILOD", "NILOD-MISCONDUCT", "NILOD-NOT-MISCONDUCT"],
        "the approving authority is offered determinations only",
      );
      const complete = next.actions.find((action) => action.kind === ActionKind.ADVANCE);
      assert.ok(complete?.requiresFinding);
      const formal = await server.db.query<{ id: number }>("SELECT id FROM findings WHERE code = 'FORMAL'");
      await rejects(
        cases("approver").takeAction({ name, optionId: complete.optionId, findingId: formal.rows[0].id }),
        Code.InvalidArgument,
        /^finding_id: /,
      );
      const done = await cases("approver").takeAction({ name, optionId: complete.optionId });
      assert.equal(done.case?.state, CaseState.COMPLETED);
      assert.equal(done.case?.finding, "ILOD", "the determination recorded on the form");
    });

    it("migration 012 brings a database seeded before it to the seeded options, and does nothing twice", async () => {
      const script = await readFile(
        new URL("../src/db/migrations/012_workflow_af348.sql", import.meta.url),
        "utf8",
      );
      const rollback = new Error("rollback");
      await assert.rejects(
        server.db.transaction(async (tx) => {
          const seeded = await optionsByContent(tx);
          await ageOptions(tx);
          assert.notDeepEqual(await optionsByContent(tx), seeded, "the older options differ");
          await tx.exec(script);
          assert.deepEqual(await optionsByContent(tx), seeded);
          await tx.exec(script);
          assert.deepEqual(await optionsByContent(tx), seeded);
          throw rollback;
        }),
        (error) => error === rollback,
      );
    });
  });
}

/** The options of the seeded workflows by what they do (ids aside), with their rules and actions. */
async function optionsByContent(tx: Queryable): Promise<unknown[]> {
  const { rows } = await tx.query(
    `SELECT o.work_status_id, o.target_work_status_id, o.kind, o.display_text, o.sort_order, o.active, o.compo,
            array(SELECT at.name || ':' || a.target || ':' || a.data FROM option_actions a
                  JOIN action_types at ON at.id = a.action_type_id WHERE a.option_id = o.id ORDER BY a.id) AS actions,
            array(SELECT rt.name || ':' || r.rule_data FROM option_rules r
                  JOIN rule_types rt ON rt.id = r.rule_type_id WHERE r.option_id = o.id ORDER BY r.id) AS rules
     FROM options o JOIN work_statuses ws ON ws.id = o.work_status_id WHERE ws.workflow_id IN (1, 2)
     ORDER BY o.work_status_id, o.target_work_status_id, o.kind`,
  );
  return rows;
}

/** Puts back the options as seeded before issue 16: returns one step back only, cancel at 110, 111, 112, 114. */
async function ageOptions(tx: Queryable): Promise<void> {
  await tx.query(
    `DELETE FROM options o USING work_statuses ws
     WHERE ws.id = o.work_status_id AND ws.workflow_id IN (1, 2) AND o.kind = 'return'
       AND o.work_status_id - o.target_work_status_id > 1 AND o.work_status_id < 121`,
  );
  await tx.query("DELETE FROM options WHERE work_status_id = 118 AND kind = 'cancel'");
  await tx.query(
    `INSERT INTO options (id, work_status_id, target_work_status_id, display_text, kind, sort_order, compo)
     VALUES (1000, 110, 120, 'Cancel case', 'cancel', 3, '6'), (1001, 112, 120, 'Cancel case', 'cancel', 3, '6')`,
  );
  await tx.query(
    `INSERT INTO option_actions (option_id, action_type_id, target, data)
     SELECT o.id, at.id, CASE at.name WHEN 'removeSignatures' THEN 120 ELSE 0 END, 0
     FROM (VALUES (1000), (1001)) AS o (id) JOIN action_types at ON at.name IN ('removeSignatures', 'releaseLock')`,
  );
}
