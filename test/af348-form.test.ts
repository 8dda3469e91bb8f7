import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { PROXIMATE_CAUSES } from "../src/domain/form/proximate-causes.js";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import type { Form } from "../src/gen/ect/v1/form_service_pb.js";
import { FormService } from "../src/gen/ect/v1/form_service_pb.js";
import { MemberService } from "../src/gen/ect/v1/member_service_pb.js";
import { ActionKind } from "../src/gen/ect/v1/resources_pb.js";
import { rejects } from "./support/assertions.js";
import { addMedicalRecord } from "./support/case-documents.js";
import { collect, grpcClient, signIn } from "./support/clients.js";
import { startTestServer, type TestServer, testDatabases } from "./support/test-server.js";

const users = [
  "medtech",
  "medofficer",
  "unitcc",
  "wingja",
  "wingcc",
  "boardtech",
  "boardmed",
  "boardlegal",
  "approver",
  "medtech445",
  "medtech2",
];

/** A REST answer: status and parsed JSON body. */
interface RestAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: a JSON body read by the assertions
  body: any;
}

for (const database of testDatabases()) {
  describe(`the AF 348 over the API on ${database.name}`, { timeout: 300_000 }, () => {
    let server: TestServer;
    const tokens = new Map<string, string>();
    const cases = (user: string) => grpcClient(server.url, CaseService, tokens.get(user));
    const forms = (user: string) => grpcClient(server.url, FormService, tokens.get(user));

    async function rest(user: string, method: string, path: string, body?: unknown): Promise<RestAnswer> {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${tokens.get(user)}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    }

    /** Signs at the current status and takes the forward option. */
    async function signAndForward(user: string, name: string) {
      await cases(user).signCase({ name });
      const next = await cases(user).getNextActions({ name });
      const forward = next.actions.find((action) => action.kind === ActionKind.ADVANCE);
      assert.ok(forward, `${user} can forward`);
      await cases(user).takeAction({ name, optionId: forward.optionId });
    }

    function section(form: Form, name: string) {
      const state = form.sections.find((entry) => entry.section === name);
      assert.ok(state, `the form reports section ${name}`);
      return state;
    }

    let caseName = "";
    let caseId = 0;
    let memberId = 0;

    before(async () => {
      server = await startTestServer(database.url);
      // A second medical technician of the same unit, to hold the edit lock against the first.
      await server.db.query(
        `INSERT INTO users (username, edipin, first_name, last_name, rank, work_compo, unit_id, current_role_id)
         SELECT 'medtech2', edipin || '2', 'Second', last_name, rank, work_compo, unit_id, current_role_id
         FROM users WHERE username = 'medtech'`,
      );
      await server.db.query(
        `INSERT INTO user_roles (user_id, role_id) SELECT id, current_role_id FROM users WHERE username = 'medtech2'`,
      );
      for (const user of users) tokens.set(user, await signIn(server.url, user));
      const [batch] = await collect(
        grpcClient(server.url, MemberService, tokens.get("medtech")).searchMembers({ query: "a", limit: 1 }),
      );
      memberId = batch.members[0].id;
      const created = await cases("medtech").createCase({
        memberId,
        incidentDescription: "Ankle sprain at PT",
      });
      caseName = created.name;
      caseId = created.id;
    });
    after(async () => server?.stop());

    it("holds the proximate causes the web client offers, id for id", async () => {
      const { rows } = await server.db.query<{ id: number; description: string }>(
        "SELECT id, description FROM proximate_causes ORDER BY id",
      );
      assert.deepEqual(rows, PROXIMATE_CAUSES);
    });

    it("shows the member as the record stood when the case started, SSN masked, and keeps it after a promotion", async () => {
      const before = await rest("medtech", "GET", `/ect/v1/${caseName}/form`);
      assert.equal(before.status, 200, JSON.stringify(before.body));
      const member = before.body.member;
      assert.match(member.maskedSsn, /^\*\*\*-\*\*-\d{4}$/);
      assert.ok(member.lastName && member.grade && member.rank && member.unitName && member.component);
      assert.equal(JSON.stringify(before.body).includes(`"ssn"`), false, "no raw SSN field");
      await server.db.query("UPDATE members SET grade = 'O-6', last_name = 'Renamed' WHERE id = $1", [
        memberId,
      ]);
      const later = await forms("medtech").getForm({ name: `${caseName}/form` });
      assert.equal(later.member?.grade, member.grade, "a promotion does not reach the case");
      assert.equal(later.member?.lastName, member.lastName);
      assert.equal(later.member?.rank, member.rank);
      await assert.rejects(
        server.db.query("UPDATE case_members SET grade = 'O-6' WHERE case_id = $1", [caseId]),
        /never rewritten/,
        "the database refuses to rewrite a snapshot",
      );
      const started = await cases("medtech").createCase({ memberId, incidentDescription: "Second injury" });
      const fresh = await forms("medtech").getForm({ name: `${started.name}/form` });
      assert.equal(fresh.member?.grade, "O-6", "a case started after the promotion carries the new grade");
      assert.equal(fresh.member?.rank, "Col");
    });

    it("lets each role fill its own section only, naming the section or the field it refuses", async () => {
      const form = await rest("medtech", "GET", `/ect/v1/${caseName}/form`);
      assert.equal(section(form.body, "medical").editable, true);
      assert.equal(section(form.body, "unit").editable ?? false, false);
      assert.ok(section(form.body, "medical").missingFields.includes("medical.treatmentDate"));
      const refusedSection = await rest(
        "unitcc",
        "PATCH",
        `/ect/v1/${caseName}/form?updateMask=medical.treatmentFacility`,
        {
          medical: { treatmentFacility: "Base clinic" },
        },
      );
      assert.equal(refusedSection.status, 403);
      assert.match(refusedSection.body.message, /^medical: /);
      const ownRoleWrongSection = await rest(
        "medtech",
        "PATCH",
        `/ect/v1/${caseName}/form?updateMask=unit.circumstances`,
        {
          unit: { circumstances: "x" },
        },
      );
      assert.equal(ownRoleWrongSection.status, 403);
      assert.match(ownRoleWrongSection.body.message, /^unit: /);
      const snapshotField = await rest(
        "medtech",
        "PATCH",
        `/ect/v1/${caseName}/form?updateMask=member.grade`,
        {
          member: { grade: "E-9" },
        },
      );
      assert.equal(snapshotField.status, 403);
      assert.match(snapshotField.body.message, /^member\.grade: /);
      await rejects(
        forms("medtech").recordFinding({ parent: caseName, finding: { finding: "ILOD" } }),
        Code.PermissionDenied,
        /^findings: /,
      );
    });

    it("refuses a bad value with 400 naming the field, and out-of-scope cases as not found", async () => {
      const bad = async (mask: string, medical: Record<string, unknown>, field: RegExp) => {
        const answer = await rest("medtech", "PATCH", `/ect/v1/${caseName}/form?updateMask=${mask}`, {
          medical,
        });
        assert.equal(answer.status, 400, JSON.stringify(answer.body));
        assert.match(answer.body.message, field);
      };
      await bad("medical.treatmentDate", { treatmentDate: "2026-02-30" }, /^medical\.treatmentDate: /);
      await bad(
        "medical.treatmentDate",
        { treatmentDate: "2999-01-01" },
        /^medical\.treatmentDate: must not be in the future/,
      );
      await bad(
        "medical.natureOfEvent",
        { natureOfEvent: "sprain" },
        /^medical\.natureOfEvent: must be one of/,
      );
      await bad("medical.icd10Code", { icd10Code: "123" }, /^medical\.icd10Code: /);
      await bad("medical.noSuchField", {}, /^update_mask: /);
      const icd10 = await server.db
        .query<{ present: boolean }>(
          "SELECT to_regclass('icd10_codes') IS NOT NULL AND EXISTS (SELECT 1 FROM icd10_codes) AS present",
        )
        .catch(() => ({ rows: [{ present: false }] }));
      if (icd10.rows[0].present) {
        await bad(
          "medical.icd10Code",
          { icd10Code: "Z99.89" },
          /^medical\.icd10Code: Z99\.89 is not in the ICD-10-CM code list/,
        );
      }
      await rejects(forms("medtech445").getForm({ name: `${caseName}/form` }), Code.NotFound);
      const outOfScope = await rest(
        "medtech445",
        "PATCH",
        `/ect/v1/${caseName}/form?updateMask=medical.eventDetails`,
        {
          medical: { eventDetails: "x" },
        },
      );
      assert.equal(outOfScope.status, 404);
    });

    it("respects another user's edit lock, and records who changed what in the audit trail without the SSN", async () => {
      await cases("medtech2").acquireLock({ name: caseName });
      await rejects(
        forms("medtech").updateForm({
          form: { name: `${caseName}/form`, medical: { eventDetails: "Rolled ankle" } },
          updateMask: { paths: ["medical.event_details"] },
        }),
        Code.FailedPrecondition,
        /lock/,
      );
      const locked = await forms("medtech").getForm({ name: `${caseName}/form` });
      assert.equal(
        section(locked, "medical").editable,
        false,
        "not editable while another user holds the lock",
      );
      await cases("medtech2").releaseLock({ name: caseName });
      const version = (await cases("medtech").getCase({ name: caseName })).version;
      await forms("medtech").updateForm({
        form: { name: `${caseName}/form`, medical: { eventDetails: "Rolled ankle" } },
        updateMask: { paths: ["medical.event_details"] },
      });
      assert.equal(
        (await cases("medtech").getCase({ name: caseName })).version,
        version + 1,
        "the case version moves",
      );
      const { rows } = await server.db.query<{ before: unknown; after: unknown }>(
        "SELECT before, after FROM audit_events WHERE entity_id = $1 AND action = 'form_update' ORDER BY id DESC LIMIT 1",
        [String(caseId)],
      );
      assert.deepEqual(rows[0].before, { "medical.eventDetails": null });
      assert.equal((rows[0].after as Record<string, unknown>)["medical.eventDetails"], "Rolled ankle");
      const all = await server.db.query<{ text: string }>(
        "SELECT coalesce(before::text, '') || coalesce(after::text, '') AS text FROM audit_events WHERE entity_id = $1",
        [String(caseId)],
      );
      assert.ok(
        all.rows.every((row) => !/ssn/i.test(row.text)),
        "no SSN in the case's audit rows",
      );
    });

    it("walks the case through every role, each filling its section and finding, and a change after signing invalidates exactly that signature", async () => {
      const mt = await rest(
        "medtech",
        "PATCH",
        `/ect/v1/${caseName}/form?updateMask=member.dutyStatus,medical.natureOfEvent,medical.eventDetails,medical.treatmentFacility,medical.treatmentFacilityType,medical.treatmentDate,medical.deathInvolved,medical.motorVehicleAccident`,
        {
          member: { dutyStatus: "inactive_duty_training" },
          medical: {
            natureOfEvent: "injury",
            eventDetails: "Rolled the right ankle during unit PT",
            treatmentFacility: "452nd Medical Group clinic",
            treatmentFacilityType: "military",
            treatmentDate: "2026-04-02",
            deathInvolved: false,
            motorVehicleAccident: false,
          },
        },
      );
      assert.equal(mt.status, 200, JSON.stringify(mt.body));
      assert.equal(mt.body.medical.treatmentDate, "2026-04-02");
      assert.deepEqual(
        section(mt.body, "medical").missingFields ?? [],
        [],
        "the medical technician's part is complete",
      );
      await signAndForward("medtech", caseName);

      const mo = await forms("medofficer").updateForm({
        form: {
          name: `${caseName}/form`,
          medical: {
            icd10Code: "s93401",
            seventhCharacter: "A",
            diagnosisText: "Sprain of the right ankle",
            alcoholTestDone: false,
            drugTestDone: false,
            psychiatricEvaluation: false,
            existedPriorToService: false,
            mobilityStandardsMet: true,
            medicalOfficerComments: "Return to duty after 14 days of limited duty",
          },
        },
        updateMask: {
          paths: [
            "medical.icd10_code",
            "medical.seventh_character",
            "medical.diagnosis_text",
            "medical.alcohol_test_done",
            "medical.drug_test_done",
            "medical.psychiatric_evaluation",
            "medical.existed_prior_to_service",
            "medical.mobility_standards_met",
            "medical.medical_officer_comments",
          ],
        },
      });
      assert.equal(mo.medical?.icd10Code, "S93.401");
      assert.deepEqual(section(mo, "medical").missingFields, []);
      // The medical officer's forward needs the case's medical record (a required document).
      await addMedicalRecord(server.url, tokens.get("medofficer"), caseName);
      await signAndForward("medofficer", caseName);

      const uc = await rest(
        "unitcc",
        "PATCH",
        `/ect/v1/${caseName}/form?updateMask=unit.dutyStatus,unit.dutyFrom,unit.dutyTo,unit.onOrders,unit.informationSource,unit.circumstances,unit.witnesses,unit.proximateCauseId,unit.memberCredible,unit.travelOccurrence,unit.proofOfStatusVerified`,
        {
          unit: {
            dutyStatus: "inactive_duty_training",
            dutyFrom: "2026-04-01",
            dutyTo: "2026-04-02",
            onOrders: true,
            informationSource: "witness",
            circumstances: "Member stepped into a pothole on the running track during scheduled PT.",
            witnesses: [{ name: "TSgt Ray Ortiz", contact: "DSN 555-0101", statement: "Saw the fall." }],
            proximateCauseId: 2,
            memberCredible: true,
            travelOccurrence: "not_travelling",
            proofOfStatusVerified: true,
          },
        },
      );
      assert.equal(uc.status, 200, JSON.stringify(uc.body));
      assert.equal(uc.body.unit.witnesses[0].name, "TSgt Ray Ortiz");
      assert.equal(uc.body.unit.proximateCause, "Sports or physical training");
      const ucFinding = await rest("unitcc", "POST", `/ect/v1/${caseName}/findings`, { finding: "ILOD" });
      assert.equal(ucFinding.status, 200, JSON.stringify(ucFinding.body));
      assert.equal(ucFinding.body.finding, "ILOD");
      const concurWithNothing = await rest("unitcc", "POST", `/ect/v1/${caseName}/findings`, {
        finding: "ILOD",
        concur: true,
      });
      assert.equal(concurWithNothing.status, 400);
      assert.match(concurWithNothing.body.message, /^finding\.concur: /);
      await signAndForward("unitcc", caseName);

      for (const user of ["wingja", "wingcc", "boardtech", "boardmed", "boardlegal"]) {
        await forms(user).recordFinding({ parent: caseName, finding: { finding: "ILOD", concur: true } });
        await signAndForward(user, caseName);
      }

      const formal = await rest("approver", "POST", `/ect/v1/${caseName}/findings`, {
        finding: "FORMAL",
        concur: true,
      });
      assert.equal(formal.status, 400);
      assert.match(
        formal.body.message,
        /^finding\.finding: must be one of ILOD, NILOD-NOT-MISCONDUCT, NILOD-MISCONDUCT, EPTS-LOD-NA/,
      );
      const nonConcur = await forms("approver").recordFinding({
        parent: caseName,
        finding: { finding: "ILOD", concur: false, explanation: "" },
      });
      const pending = await forms("approver").getForm({ name: `${caseName}/form` });
      assert.deepEqual(section(pending, "findings.approvingAuthority").missingFields, [
        "findings.approvingAuthority.explanation",
      ]);
      assert.equal(nonConcur.concur, false);
      await forms("approver").recordFinding({
        parent: caseName,
        finding: { finding: "ILOD", concur: true, explanation: "Injury in line of duty" },
      });
      await cases("approver").signCase({ name: caseName });

      const findings = await rest("approver", "GET", `/ect/v1/${caseName}/findings`);
      assert.equal(findings.status, 200);
      assert.deepEqual(
        findings.body.findings.map(
          (entry: { role: string; finding: string }) => `${entry.role}:${entry.finding}`,
        ),
        [
          "unitCommander:ILOD",
          "wingJa:ILOD",
          "wingCommander:ILOD",
          "boardTechnician:ILOD",
          "boardMedical:ILOD",
          "boardLegal:ILOD",
          "approvingAuthority:ILOD",
        ],
      );

      const signed = await forms("approver").getForm({ name: `${caseName}/form` });
      const validity = (form: Form) =>
        new Map(
          form.sections.flatMap((entry) =>
            entry.signatures.map((signature) => [signature.id, signature.valid]),
          ),
        );
      const before = validity(signed);
      const approverSignature = section(signed, "findings.approvingAuthority").signatures.at(-1);
      assert.ok(approverSignature?.valid, "the approving authority's signature signs its finding");
      assert.equal(
        section(signed, "unit").signatures.at(-1)?.valid,
        true,
        "the unit commander's signature still signs",
      );

      await forms("approver").recordFinding({
        parent: caseName,
        finding: { finding: "ILOD", concur: true, explanation: "Injury in line of duty; PT is duty" },
      });
      const changed = await forms("approver").getForm({ name: `${caseName}/form` });
      const after = validity(changed);
      const flipped = [...before].filter(([id, valid]) => after.get(id) !== valid).map(([id]) => id);
      assert.deepEqual(
        flipped,
        [approverSignature.id],
        "exactly the approving authority's signature is invalidated",
      );
      const invalid = section(changed, "findings.approvingAuthority").signatures.at(-1);
      assert.equal(invalid?.valid, false);
      assert.equal(invalid?.invalidatedBy, "approver");
      assert.ok(invalid?.invalidateTime);
      const audit = await server.db.query<{ after: { signatureId: number } }>(
        "SELECT after FROM audit_events WHERE entity_id = $1 AND action = 'signature_invalidated' ORDER BY id",
        [String(caseId)],
      );
      assert.equal(audit.rows.at(-1)?.after.signatureId, approverSignature.id, "the invalidation is audited");
    });
  });
}
