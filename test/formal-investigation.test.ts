import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import type { Queryable } from "../src/db/db.js";
import type { ManualClock } from "../src/domain/investigation/calendar-clock.js";
import { addDays } from "../src/domain/investigation/suspense.js";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import { FormService } from "../src/gen/ect/v1/form_service_pb.js";
import { InvestigationService } from "../src/gen/ect/v1/investigation_service_pb.js";
import { ActionKind, CaseState } from "../src/gen/ect/v1/resources_pb.js";
import { fillPart, type RouteUser, route } from "./support/af348-parts.js";
import { rejects } from "./support/assertions.js";
import { addMedicalRecord } from "./support/case-documents.js";
import { grpcClient, signIn } from "./support/clients.js";
import { startTestServer, type TestServer, testDatabases } from "./support/test-server.js";

/** The day the test's calendar starts on (ECT_IO_CLOCK); the test moves it to check the suspense. */
const START = "2026-03-02";
const IO_ROLE = 13;

/** The report of investigation as the IO fills it (every required field), dated before the clock's day. */
const REPORT = {
  reportDate: "2026-02-27",
  investigationOf: "injury",
  memberStatus: "inactive_duty_training",
  inactiveDutyTraining: "UTA weekend, second period",
  investigationStartDate: "2026-02-10",
  investigationEndDate: "2026-02-26",
  place: "Hangar 3, March ARB",
  howSustained: "Slipped on a wet maintenance stand while inspecting an engine",
  medicalDiagnosis: "Lumbar radiculopathy",
  presentForDuty: true,
  intentionalMisconduct: false,
  mentallySound: true,
  otherPersons: [{ name: "SSgt Lee Park", grade: "E-5", unit: "729 AS", involvement: "Witness" }],
  recommendedFinding: "ILOD",
};

for (const database of testDatabases()) {
  describe(`formal investigations on ${database.name}`, () => {
    let server: TestServer;
    let clock: ManualClock;
    const tokens = new Map<string, string>();
    const users = [...route, "iocapt", "iomaj", "io2lt", "medtech445", "admin"];
    const cases = (user: string) => grpcClient(server.url, CaseService, tokens.get(user));
    const form = (user: string) => grpcClient(server.url, FormService, tokens.get(user));
    const investigations = (user: string) => grpcClient(server.url, InvestigationService, tokens.get(user));

    /** A REST call as `user`: the JSON answer, or the HTTP status and error body. */
    async function rest(user: string, method: string, path: string, body?: unknown) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${tokens.get(user)}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      // biome-ignore lint/suspicious/noExplicitAny: the REST answers are read as loose JSON, field by field
      return { status: response.status, json: (await response.json()) as Record<string, any> };
    }

    before(async () => {
      server = await startTestServer(database.url, { ECT_IO_CLOCK: START });
      clock = server.config.investigations.clock as ManualClock;
      for (const user of users) tokens.set(user, await signIn(server.url, user));
    });
    after(async () => server?.stop());

    /** A new LOD for an enlisted member of the 729th Airlift Squadron, forwarded until the wing commander holds it. */
    async function caseAtWingCommander(description: string) {
      const { rows } = await server.db.query<{ id: number }>(
        "SELECT id FROM members WHERE unit_id = 102 AND grade LIKE 'E-%' ORDER BY id LIMIT 1",
      );
      const created = await cases("medtech").createCase({
        memberId: rows[0].id,
        incidentDescription: description,
      });
      for (const user of route.slice(0, route.indexOf("wingcc"))) await forward(user, created.name);
      return created.name;
    }

    /** Signs (unless already signed) and takes the first forward; returns the case after. */
    async function signAndForward(user: string, name: string) {
      const before = await cases(user).getNextActions({ name });
      if (!before.signedByCaller) await cases(user).signCase({ name });
      const next = await cases(user).getNextActions({ name });
      const advance = next.actions.find((action) => action.kind === ActionKind.ADVANCE);
      assert.ok(advance, `${user} may forward`);
      return (await cases(user).takeAction({ name, optionId: advance.optionId })).case!;
    }

    async function forward(user: RouteUser, name: string) {
      await fillPart(form(user), user, name);
      // The medical officer's forward requires a medical record (required_documents).
      if (user === "medofficer") await addMedicalRecord(server.url, tokens.get("medofficer"), name);
      return signAndForward(user, name);
    }

    async function audits(caseName: string, action: string) {
      const { rows } = await server.db.query<{ after: Record<string, unknown> | string }>(
        "SELECT after FROM audit_events WHERE entity_type = 'case' AND entity_id = $1 AND action = $2 ORDER BY id",
        [caseName.split("/")[1], action],
      );
      return rows.map((row) => (typeof row.after === "string" ? JSON.parse(row.after) : row.after));
    }

    it("walks a formal case from the wing commander's decision through the IO's report to the determination", async () => {
      clock.set(START);
      const name = await caseAtWingCommander("Fell from a maintenance stand; misconduct alleged");
      const id = name.split("/")[1];

      // Only the appointing authority directs it.
      const denied = await rest("wingja", "POST", `/ect/v1/${name}:directFormalInvestigation`, {
        reason: "Misconduct alleged",
        investigatingOfficer: "iocapt",
      });
      assert.equal(denied.status, 403, JSON.stringify(denied.json));
      assert.equal((await audits(name, "formal_investigation_denied")).length, 1, "the refusal is audited");

      // A reason is required; the IO must be eligible.
      await rejects(
        investigations("wingcc").directFormalInvestigation({
          name,
          reason: " ",
          investigatingOfficer: "iocapt",
        }),
        Code.InvalidArgument,
        /^reason: required/,
      );
      await rejects(
        investigations("wingcc").directFormalInvestigation({
          name,
          reason: "x",
          investigatingOfficer: "io2lt",
        }),
        Code.InvalidArgument,
        /^investigating_officer: .*too junior/,
      );
      await rejects(
        investigations("wingcc").directFormalInvestigation({
          name,
          reason: "x",
          investigatingOfficer: "medofficer",
        }),
        Code.InvalidArgument,
        /^investigating_officer: .*in the member's chain/,
      );

      // The picker lists eligible officers only (with grade); the refused ones only when asked, with the reason.
      const eligible = await rest("wingcc", "GET", `/ect/v1/investigatingOfficers?case=${name}`);
      assert.equal(eligible.status, 200, JSON.stringify(eligible.json));
      const eligibleNames = eligible.json.investigatingOfficers.map(
        (officer: { username: string }) => officer.username,
      );
      assert.ok(eligibleNames.includes("iocapt") && eligibleNames.includes("iomaj"), eligibleNames.join());
      assert.ok(!eligibleNames.includes("io2lt") && !eligibleNames.includes("medofficer"));
      const all = await investigations("wingcc").listInvestigatingOfficers({
        case: name,
        includeIneligible: true,
      });
      assert.match(
        all.investigatingOfficers.find((o) => o.username === "io2lt")?.ineligibleReason ?? "",
        /too junior/,
      );
      assert.equal(all.investigatingOfficers.find((o) => o.username === "iocapt")?.grade, "O-3");

      // Directed over REST: the case moves to the IO with the default suspense (50 days).
      const directed = await rest("wingcc", "POST", `/ect/v1/${name}:directFormalInvestigation`, {
        reason: "Misconduct alleged by a witness",
        investigatingOfficer: "iocapt",
      });
      assert.equal(directed.status, 200, JSON.stringify(directed.json));
      assert.equal(directed.json.status.statusCodeId, 21);
      assert.equal(directed.json.suspenseDate, addDays(START, 50));
      assert.equal(directed.json.daysToSuspense, 50);
      assert.equal(directed.json.suspenseOverdue ?? false, false);
      assert.equal(directed.json.investigatingOfficer.username, "iocapt");
      const [audit] = await audits(name, "formal_investigation_directed");
      assert.equal(audit.reason, "Misconduct alleged by a witness");

      // The IO sees the case (outside their unit), the case shows the suspense; others outside the units do not.
      const held = await cases("iocapt").getCase({ name });
      assert.equal(held.suspenseDate, addDays(START, 50));
      assert.equal(held.investigatingOfficer, "iocapt");
      assert.equal(held.formalInvestigation, true);
      await rejects(
        investigations("iomaj").getInvestigation({ name: `${name}/investigation` }),
        Code.NotFound,
      );
      await rejects(
        investigations("medtech445").getInvestigation({ name: `${name}/investigation` }),
        Code.NotFound,
      );
      const outsider = await rest("medtech445", "GET", `/ect/v1/${name}/investigation`);
      assert.equal(outsider.status, 404);
      const inbox = await investigations("iocapt").listInvestigations({});
      assert.ok(inbox.investigations.some((entry) => entry.case === name));
      const waiting = await cases("iocapt").listCases({ filter: { waitingOnMyRole: true } });
      assert.ok(
        waiting.cases.some((entry) => entry.name === name),
        "the IO's inbox of cases holds it",
      );
      const otherIo = await cases("iomaj").listCases({ filter: { waitingOnMyRole: true } });
      assert.ok(!otherIo.cases.some((entry) => entry.name === name), "not another IO's");

      // Past the suspense the case is overdue; only the appointing authority extends it, to a later date.
      clock.set(addDays(START, 52));
      const late = await investigations("iocapt").getInvestigation({ name: `${name}/investigation` });
      assert.equal(late.daysToSuspense, -2);
      assert.equal(late.suspenseOverdue, true);
      assert.equal(
        (await cases("wingcc").getCase({ name })).suspenseOverdue,
        true,
        "overdue on the case too",
      );
      await rejects(
        investigations("iocapt").extendSuspense({
          name,
          suspenseDate: addDays(START, 80),
          reason: "more time",
        }),
        Code.PermissionDenied,
      );
      await rejects(
        investigations("wingcc").extendSuspense({
          name,
          suspenseDate: addDays(START, 40),
          reason: "more time",
        }),
        Code.InvalidArgument,
        /^suspense_date: must be later/,
      );
      const extended = await rest("wingcc", "POST", `/ect/v1/${name}:extendSuspense`, {
        suspenseDate: addDays(START, 80),
        reason: "Witness deployed",
      });
      assert.equal(extended.status, 200, JSON.stringify(extended.json));
      assert.equal(extended.json.daysToSuspense, 28);
      assert.equal(extended.json.suspenseOverdue ?? false, false);
      assert.equal((await audits(name, "suspense_extended")).length, 1);

      // The IO cannot submit with required fields missing.
      await cases("iocapt").signCase({ name });
      const missing = await rejects(signAndForward("iocapt", name), Code.FailedPrecondition);
      assert.match(missing.rawMessage, /investigation\.report\.place/);
      assert.match(missing.rawMessage, /investigation\.report\.recommendedFinding/);

      // Filling the report over REST invalidates the signature taken before; the IO signs again and forwards.
      const paths = Object.keys(REPORT).map((field) => `report.${field}`);
      const patched = await rest(
        "iocapt",
        "PATCH",
        `/ect/v1/${name}/investigation?updateMask=${paths.join(",")}`,
        { name: `${name}/investigation`, report: REPORT },
      );
      assert.equal(patched.status, 200, JSON.stringify(patched.json));
      const reportState = patched.json.sections.find(
        (s: { section: string }) => s.section === "investigation.report",
      );
      assert.deepEqual(reportState.missingFields ?? [], []);
      assert.equal(patched.json.report.recommendedFindingDescription, "In Line of Duty");
      assert.equal(patched.json.report.otherPersons[0].name, "SSgt Lee Park");
      assert.equal(
        reportState.signatures[0].valid ?? false,
        false,
        "the signature no longer signs the report",
      );
      const next = await cases("iocapt").getNextActions({ name });
      assert.equal(next.signedByCaller, false);
      const atJa = await signAndForward("iocapt", name);
      assert.equal(atJa.status?.statusCodeId, 22);
      assert.equal(atJa.suspenseOverdue, false);

      // The formal wing JA reviews, signs and forwards; the appointing authority returns it to the IO.
      await rejects(
        signAndForward("wingja", name),
        Code.FailedPrecondition,
        /legalReview\.legallySufficient/,
      );
      await investigations("wingja").updateInvestigation({
        investigation: {
          name: `${name}/investigation`,
          legalReview: { legallySufficient: true, concur: true },
        },
        updateMask: { paths: ["legalReview.legallySufficient", "legalReview.concur"] },
      });
      assert.equal((await signAndForward("wingja", name)).status?.statusCodeId, 23);
      const returned = await cases("wingcc").returnWithoutAction({
        name,
        reasonId: 10,
        comment: "Add the witness statement",
        returnToRoleId: IO_ROLE,
      });
      assert.equal(returned.case?.status?.statusCodeId, 21, "back with the IO");
      const back = await investigations("iocapt").getInvestigation({ name: `${name}/investigation` });
      assert.equal(back.investigatingOfficer?.username, "iocapt", "the appointment stays");
      assert.equal(back.suspenseDate, addDays(START, 80), "and its suspense");
      assert.equal(back.report?.place, REPORT.place, "and the report");
      await investigations("iocapt").updateInvestigation({
        investigation: { name: `${name}/investigation`, report: { remarks: "Witness statement attached" } },
        updateMask: { paths: ["report.remarks"] },
      });
      assert.equal((await signAndForward("iocapt", name)).status?.statusCodeId, 22);
      assert.equal((await signAndForward("wingja", name)).status?.statusCodeId, 23);

      // The appointing authority concurs (and records its finding on the AF 348), the board and the approver decide.
      await investigations("wingcc").updateInvestigation({
        investigation: { name: `${name}/investigation`, appointingAuthorityReview: { concur: true } },
        updateMask: { paths: ["appointingAuthorityReview.concur"] },
      });
      await form("wingcc").recordFinding({ parent: name, finding: { finding: "ILOD", concur: true } });
      assert.equal((await signAndForward("wingcc", name)).status?.statusCodeId, 24);
      for (const [user, status] of [
        ["boardtech", 25],
        ["boardmed", 26],
        ["boardlegal", 27],
      ] as const) {
        await fillPart(form(user), user, name);
        assert.equal((await signAndForward(user, name)).status?.statusCodeId, status);
      }
      await fillPart(form("approver"), "approver", name);
      const done = await signAndForward("approver", name);
      assert.equal(done.state, CaseState.COMPLETED);
      assert.equal(done.finding, "ILOD");
      const closed = await investigations("iocapt").listInvestigations({});
      assert.ok(
        !closed.investigations.some((entry) => entry.case === name),
        "a closed case leaves the inbox",
      );
      assert.equal(id.length > 0, true);
    });

    it("re-appoints a different IO (audited): the case moves to the new IO's scope, the suspense stays", async () => {
      clock.set(START);
      const name = await caseAtWingCommander("Injured during off-duty travel");
      await investigations("wingcc").directFormalInvestigation({
        name,
        reason: "Duty status unclear",
        investigatingOfficer: "iocapt",
        suspenseDate: addDays(START, 30),
      });
      await rejects(
        investigations("iocapt").appointInvestigatingOfficer({
          name,
          investigatingOfficer: "iomaj",
          reason: "r",
        }),
        Code.PermissionDenied,
      );
      const reappointed = await rest("wingcc", "POST", `/ect/v1/${name}:appointInvestigatingOfficer`, {
        investigatingOfficer: "iomaj",
        reason: "Capt Walsh deployed",
      });
      assert.equal(reappointed.status, 200, JSON.stringify(reappointed.json));
      assert.equal(reappointed.json.investigatingOfficer.username, "iomaj");
      assert.equal(reappointed.json.suspenseDate, addDays(START, 30));
      assert.equal(reappointed.json.appointments.length, 2);
      assert.ok(reappointed.json.appointments[0].endTime, "the first appointment ended");
      assert.equal((await audits(name, "investigating_officer_appointed")).length, 1);
      await rejects(cases("iocapt").getCase({ name }), Code.NotFound);
      assert.equal((await cases("iomaj").getCase({ name })).investigatingOfficer, "iomaj");
      // Overdue first in the inbox: the new IO's case is past its suspense.
      clock.set(addDays(START, 31));
      const inbox = await investigations("iomaj").listInvestigations({});
      assert.equal(inbox.investigations[0].case, name);
      assert.equal(inbox.investigations[0].suspenseOverdue, true);
    });

    it("shows the report of investigation only to roles the Investigation page's access lets read it", async () => {
      clock.set(START);
      const name = await caseAtWingCommander("Vehicle accident returning from drill");
      await investigations("wingcc").directFormalInvestigation({
        name,
        reason: "Possible intoxication",
        investigatingOfficer: "iocapt",
      });
      const paths = Object.keys(REPORT).map((field) => `report.${field}`);
      await investigations("iocapt").updateInvestigation({
        investigation: { name: `${name}/investigation`, report: REPORT },
        updateMask: { paths },
      });
      const readBy = async (user: string) => {
        const viaGrpc = await investigations(user).getInvestigation({ name: `${name}/investigation` });
        const viaRest = await rest(user, "GET", `/ect/v1/${name}/investigation`);
        assert.equal(viaRest.status, 200, JSON.stringify(viaRest.json));
        const report = viaGrpc.sections.find((section) => section.section === "investigation.report");
        const restReport = viaRest.json.sections.find(
          (section: { section: string }) => section.section === "investigation.report",
        );
        assert.equal(restReport.readable ?? false, report?.readable ?? false, "the same answer on REST");
        assert.equal(viaRest.json.report?.medicalDiagnosis, viaGrpc.report?.medicalDiagnosis || undefined);
        return { readable: report?.readable ?? false, diagnosis: viaGrpc.report?.medicalDiagnosis ?? "" };
      };
      // Seeded: every role that sees the case reads the Investigation page.
      assert.deepEqual(await readBy("medtech"), { readable: true, diagnosis: REPORT.medicalDiagnosis });
      // An administrator withdraws the medical technician's read access at the IO's status: the report,
      // the legal and appointing-authority reviews come back empty, and nothing is editable.
      const access = [1, 21, 2, 11] as const; // LOD workflow, Investigating Officer status, Medical Technician
      await server.db.query(
        "UPDATE page_access SET access = 0 WHERE workflow_id = $1 AND status_code_id = $2 AND role_id = $3 AND page_id = $4",
        [...access],
      );
      try {
        assert.deepEqual(await readBy("medtech"), { readable: false, diagnosis: "" });
        const hidden = await investigations("medtech").getInvestigation({ name: `${name}/investigation` });
        assert.ok(hidden.sections.every((section) => !section.readable && !section.editable));
        assert.equal(hidden.legalReview?.explanation ?? "", "");
        // The IO, whose page it is, still reads and edits it.
        const own = await investigations("iocapt").getInvestigation({ name: `${name}/investigation` });
        assert.equal(own.report?.medicalDiagnosis, REPORT.medicalDiagnosis);
      } finally {
        await server.db.query(
          "UPDATE page_access SET access = 1 WHERE workflow_id = $1 AND status_code_id = $2 AND role_id = $3 AND page_id = $4",
          [...access],
        );
      }
    });

    it("migration 013 brings a database seeded before it to the seeded formal path, and does nothing twice", async () => {
      const script = await readFile(
        new URL("../src/db/migrations/013_formal_investigation.sql", import.meta.url),
        "utf8",
      );
      // The tables the migration creates exist here already: its engine rows are what is checked.
      const engineRows = script.slice(script.indexOf("-- The engine's rows"));
      const rollback = new Error("rollback");
      await assert.rejects(
        server.db.transaction(async (tx) => {
          const seeded = await formalPath(tx);
          await tx.exec(`
            DELETE FROM options WHERE id >= 200;
            DELETE FROM page_access WHERE status_code_id BETWEEN 21 AND 27 OR role_id = 13 OR page_id = 11;
            DELETE FROM workflow_views WHERE page_id = 11;
            DELETE FROM pages WHERE id = 11;
            DELETE FROM work_statuses WHERE id BETWEEN 121 AND 127 AND NOT EXISTS (
              SELECT 1 FROM cases c WHERE c.work_status_id = work_statuses.id)
              AND NOT EXISTS (SELECT 1 FROM tracking t WHERE t.work_status_id = work_statuses.id)
              AND NOT EXISTS (SELECT 1 FROM signatures s WHERE s.work_status_id = work_statuses.id);`);
          assert.notDeepEqual(await formalPath(tx), seeded, "the older database lacks the formal path");
          await tx.exec(engineRows);
          assert.deepEqual(await formalPath(tx), seeded);
          await tx.exec(engineRows);
          assert.deepEqual(await formalPath(tx), seeded);
          throw rollback;
        }),
        (error) => error === rollback,
      );
    });
  });
}

/** The formal path as data: options by content with their rules and actions, and the page access count. */
async function formalPath(tx: Queryable): Promise<unknown[]> {
  const { rows } = await tx.query(
    `SELECT o.id, o.work_status_id, o.target_work_status_id, o.kind, o.display_text, o.sort_order,
            array(SELECT at.name || ':' || a.target FROM option_actions a
                  JOIN action_types at ON at.id = a.action_type_id WHERE a.option_id = o.id ORDER BY at.name) AS actions,
            array(SELECT rt.name || ':' || r.rule_data FROM option_rules r
                  JOIN rule_types rt ON rt.id = r.rule_type_id WHERE r.option_id = o.id ORDER BY r.id) AS rules
     FROM options o WHERE o.id >= 200 ORDER BY o.id`,
  );
  const access = await tx.query(
    `SELECT count(*)::int AS n, sum(access)::int AS total FROM page_access
     WHERE status_code_id BETWEEN 21 AND 27 OR role_id = 13 OR page_id = 11`,
  );
  const statuses = await tx.query("SELECT * FROM work_statuses WHERE id BETWEEN 121 AND 127 ORDER BY id");
  return [...rows, access.rows[0], ...statuses.rows];
}
