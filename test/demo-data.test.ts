import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Queryable } from "../src/db/db.js";
import { SECTIONS } from "../src/domain/form/af348-sections.js";
import { fieldValue } from "../src/domain/form/field-values.js";
import type { FormContent } from "../src/domain/form/form-content.js";
import { type FormRoleKey, formRoleOf, SECTION_NAMES } from "../src/domain/form/form-roles.js";
import { missingRequired } from "../src/domain/form/missing-required.js";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import { FormService } from "../src/gen/ect/v1/form_service_pb.js";
import * as ref from "../src/seed/reference-data.js";
import { loadFormSignatures } from "../src/services/form/form-signatures.js";
import { loadForm } from "../src/services/form/form-store.js";
import { grpcClient, signIn } from "./support/clients.js";
import { startTestServer, type TestServer, testDatabases } from "./support/test-server.js";

/** One seeded LOD case as the checks read it back. */
interface SeededCase {
  id: number;
  statusCodeId: number;
  formal: boolean;
  findingCode: string | null;
  rwoaReason: string;
  cancelReason: string;
  /** Its tracking, oldest first: the status, and the label and comment of the move out of it. */
  path: { statusCodeId: number; label: string; comment: string }[];
  form: FormContent;
}

/**
 * Where a status lies along the way a case goes forward: the informal route, with the formal route (entered
 * from the appointing authority's review, leaving to Complete) between the appointing authority and the board.
 */
const FORWARD_ORDER = [
  ...ref.lodRoute.slice(0, 5),
  ...ref.formalRoute.slice(0, -1),
  ...ref.lodRoute.slice(5),
];
const routeIndex = (statusCodeId: number) => FORWARD_ORDER.indexOf(statusCodeId);

/**
 * The roles that moved the case forward, read from its tracking alone: a status whose next status lies further
 * along the route. A return goes back along the route and a cancellation leaves it; neither passes the case.
 */
function passedRoles(path: SeededCase["path"]): FormRoleKey[] {
  const roles: FormRoleKey[] = [];
  for (let index = 0; index + 1 < path.length; index++) {
    const from = routeIndex(path[index].statusCodeId);
    const to = routeIndex(path[index + 1].statusCodeId);
    const holder = ref.statusCodes.find(([id]) => id === path[index].statusCodeId)?.[3] ?? 0;
    const role = formRoleOf(holder);
    if (to > from && from >= 0 && role) roles.push(role.key);
  }
  return roles;
}

async function loadSeededCases(db: Queryable): Promise<SeededCase[]> {
  const { rows } = await db.query<{
    id: number;
    status_code_id: number;
    formal_investigation: boolean;
    finding_code: string | null;
    rwoa_reason: string;
    cancel_reason: string;
    path: { status: number; label: string; comment: string }[];
  }>(
    `SELECT c.id, c.work_status_id - 100 AS status_code_id, d.formal_investigation, f.code AS finding_code,
            c.rwoa_reason, c.cancel_reason,
            (SELECT json_agg(json_build_object('status', t.work_status_id - 100, 'label', t.action_label,
                                               'comment', t.comment) ORDER BY t.id)
             FROM tracking t WHERE t.case_id = c.id) AS path
     FROM cases c JOIN lod_details d ON d.case_id = c.id LEFT JOIN findings f ON f.id = d.finding_id
     WHERE c.module_id = $1 ORDER BY c.id`,
    [ref.Module.Lod],
  );
  return inBatches(rows, 16, async (row) => ({
    id: row.id,
    statusCodeId: row.status_code_id,
    formal: row.formal_investigation,
    findingCode: row.finding_code,
    rwoaReason: row.rwoa_reason,
    cancelReason: row.cancel_reason,
    path: row.path.map((step) => ({ statusCodeId: step.status, label: step.label, comment: step.comment })),
    form: (await loadForm(db, row.id)).content,
  }));
}

/** Maps items `size` at a time, in order. */
async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  map: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map(map))));
  }
  return results;
}

for (const database of testDatabases()) {
  describe(`the seeded demo LOD cases on ${database.name}`, { timeout: 300_000 }, () => {
    let server: TestServer;
    let cases: SeededCase[];

    before(async () => {
      server = await startTestServer(database.url);
      cases = await loadSeededCases(server.db);
    });
    after(async () => server?.stop());

    it("at every status, carry a form filled by every role that has passed the case, with no required field missing", () => {
      const statuses = [...ref.lodRoute, 20];
      for (const status of statuses) {
        const complete = cases.filter(
          (entry) =>
            entry.statusCodeId === status &&
            passedRoles(entry.path).every((role) => missingRequired(entry.form, role).length === 0),
        );
        assert.ok(complete.length > 0, `a case at status ${status} whose passed roles filled their parts`);
      }
      for (const entry of cases) {
        for (const role of passedRoles(entry.path)) {
          assert.deepEqual(missingRequired(entry.form, role), [], `case ${entry.id}: ${role} passed it`);
        }
      }
      const atMedicalOfficer = cases.find((entry) => entry.statusCodeId === 11 && entry.rwoaReason === "");
      assert.ok(
        atMedicalOfficer?.form.medical.natureOfEvent,
        "the technician's entries reach the medical officer",
      );
      assert.equal(
        atMedicalOfficer?.form.medical.existedPriorToService,
        null,
        "the medical officer's part waits",
      );
      assert.equal(atMedicalOfficer?.form.unit.circumstances, null, "the unit's section waits");
      const completed = cases.filter((entry) => entry.statusCodeId === 19);
      for (const entry of completed) {
        const missing = SECTION_NAMES.filter(
          (section) =>
            section !== "member" &&
            !(entry.formal && section === "findings.boardMedical") &&
            Object.values(entry.form[section]).every((value) => value === null),
        );
        assert.deepEqual(missing, [], `completed case ${entry.id} has every section`);
      }
    });

    it("show every seeded signature as valid, each bound to the content it signed, as GetForm shows it", async () => {
      const bound = await server.db.query<{ n: number; unbound: number }>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE s.content_sha256 IS NULL OR s.sections IS NULL)::int AS unbound
         FROM signatures s JOIN cases c ON c.id = s.case_id
         WHERE c.module_id = $1
           AND NOT EXISTS (SELECT 1 FROM investigation_signatures i WHERE i.signature_id = s.id)`,
        [ref.Module.Lod],
      );
      assert.ok(bound.rows[0].n > 1000, "the demo cases carry their signatures");
      assert.equal(bound.rows[0].unbound, 0, "every seeded AF 348 signature records its hash and sections");
      // Every signature through the function GetForm judges validity with, on the form as the service reads it …
      const ofInvestigations = await server.db.query<{ signature_id: number }>(
        "SELECT signature_id FROM investigation_signatures",
      );
      const investigationSigned = new Set(ofInvestigations.rows.map((row) => row.signature_id));
      const judged = await inBatches(cases, 16, async (entry) =>
        (await loadFormSignatures(server.db, entry.id, entry.form)).filter(
          (signature) => !investigationSigned.has(signature.id),
        ),
      );
      const invalid = judged.flat().filter((signature) => !signature.valid);
      assert.deepEqual(
        invalid.map((signature) => `signature ${signature.id} (${signature.roleName})`),
        [],
        "no seeded signature is invalid",
      );
      assert.equal(judged.flat().length, bound.rows[0].n);
      // … and GetForm itself, over the API, for the first cases at every status.
      const forms = grpcClient(server.url, FormService, await signIn(server.url, "admin"));
      const sample = [...ref.lodRoute, 20].flatMap((status) =>
        cases.filter((entry) => entry.statusCodeId === status).slice(0, 3),
      );
      for (const entry of sample) {
        const form = await forms.getForm({ name: `cases/${entry.id}/form` });
        const shown = new Map(
          form.sections.flatMap((section) =>
            section.signatures.map((signature) => [signature.id, signature]),
          ),
        );
        const stored = judged[cases.indexOf(entry)];
        assert.deepEqual([...shown.keys()].sort(), stored.map((signature) => signature.id).sort());
        for (const signature of shown.values()) {
          assert.equal(
            signature.valid,
            true,
            `case ${entry.id}: signature ${signature.id} (${signature.roleName})`,
          );
        }
      }
      assert.ok(
        sample.some((entry) => judged[cases.indexOf(entry)].length >= 8),
        "a sampled case signed by the board",
      );
    });

    it("hold values the form service would accept, and ICD-10-CM codes of the seeded list", async () => {
      const today = new Date().toISOString().slice(0, 10);
      for (const entry of cases) {
        for (const section of SECTION_NAMES) {
          for (const field of SECTIONS[section].fields) {
            const value = entry.form[section][field.name];
            if (value === null || field.writers.length === 0) continue;
            const path = `case ${entry.id} ${section}.${field.name}`;
            assert.deepEqual(fieldValue(field, value, path, today), value, path);
          }
        }
        const { icd10Code, seventhCharacter } = entry.form.medical;
        if (typeof icd10Code !== "string") continue;
        const base = icd10Code.replace(".", "");
        const code = typeof seventhCharacter === "string" ? base.padEnd(6, "X") + seventhCharacter : base;
        const known = await server.db.query("SELECT 1 FROM icd10_codes WHERE code = $1", [code]);
        assert.equal(known.rowCount, 1, `case ${entry.id}: ${code} is a seeded ICD-10-CM code`);
      }
    });

    it("are varied: many diagnoses, incidents and circumstances, with witnesses and their statements", async () => {
      const distinct = (values: unknown[]) => new Set(values.filter((value) => value !== null)).size;
      assert.ok(distinct(cases.map((entry) => entry.form.medical.icd10Code)) >= 8, "at least 8 diagnoses");
      assert.ok(
        distinct(cases.map((entry) => entry.form.medical.eventDetails)) >= 100,
        "event details differ",
      );
      assert.ok(distinct(cases.map((entry) => entry.form.unit.circumstances)) >= 100, "circumstances differ");
      assert.ok(
        distinct(cases.map((entry) => entry.form.unit.proximateCauseId)) >= 6,
        "proximate causes differ",
      );
      const incidents = await server.db.query<{ n: number }>(
        "SELECT count(DISTINCT incident_description)::int AS n FROM lod_details",
      );
      assert.ok(incidents.rows[0].n >= 8, "at least 8 kinds of incident");
      const witnesses = await server.db.query<{ n: number; statements: number }>(
        "SELECT count(*)::int AS n, count(DISTINCT statement)::int AS statements FROM case_unit_witnesses",
      );
      assert.ok(witnesses.rows[0].n > 100 && witnesses.rows[0].statements > 100, "witnesses with statements");
      const findings = new Set(cases.map((entry) => entry.findingCode).filter((code) => code !== null));
      assert.deepEqual(
        [...findings].sort(),
        ["EPTS-LOD-NA", "ILOD", "NILOD-MISCONDUCT", "NILOD-NOT-MISCONDUCT"],
        "completed cases show every determination",
      );
    });

    it("agree with their workflow: determinations, the formal flag, returns and cancellations with their reasons", async () => {
      for (const entry of cases) {
        const statuses = entry.path.map((step) => step.statusCodeId);
        const determination = entry.form["findings.approvingAuthority"].finding;
        if (entry.statusCodeId === 19) assert.equal(entry.findingCode, determination, `case ${entry.id}`);
        else assert.equal(entry.findingCode, null, `case ${entry.id} has no determination yet`);
        const directed = statuses.includes(21);
        assert.equal(
          entry.formal,
          directed,
          `case ${entry.id}: formal only when directed to an investigating officer`,
        );
        if (entry.formal) {
          assert.deepEqual(
            statuses.slice(statuses.indexOf(14), statuses.indexOf(14) + 2),
            [14, 21],
            `formal case ${entry.id} went from the appointing authority to its investigating officer`,
          );
        }
        assert.equal(
          entry.form["findings.wingCommander"].finding !== null,
          passedRoles(entry.path).includes("wingCommander"),
        );
      }
      const formal = cases.filter((entry) => entry.formal);
      for (const status of [21, 22, 23, 24, 25, 26, 27, 19]) {
        assert.ok(
          formal.some((entry) => entry.statusCodeId === status),
          `a formal case at status ${status}`,
        );
      }

      const returned = cases.filter((entry) => entry.rwoaReason !== "");
      assert.ok(returned.length >= 8, "returned cases at several statuses");
      for (const entry of returned) {
        const back = entry.path.at(-2);
        assert.ok(back, `case ${entry.id} has a return`);
        assert.match(back.label, /^Return without action to /);
        assert.ok(back.comment.length > 20, `case ${entry.id}: the returning role explains why`);
        assert.ok(
          routeIndex(back.statusCodeId) > routeIndex(entry.statusCodeId),
          "returned to an earlier role",
        );
        assert.ok(ref.reasons.some(([, kind, text]) => kind === "rwoa" && text === entry.rwoaReason));
      }
      assert.ok(
        returned.some(
          (entry) => routeIndex(entry.path.at(-2)?.statusCodeId ?? 0) - routeIndex(entry.statusCodeId) > 1,
        ),
        "a return further back than one step",
      );
      const caseReader = grpcClient(server.url, CaseService, await signIn(server.url, "admin"));
      const shown = await caseReader.getCase({ name: `cases/${returned[0].id}` });
      assert.equal(shown.rwoaReason, returned[0].rwoaReason, "the receiving role sees why");

      const cancelled = cases.filter((entry) => entry.statusCodeId === 20);
      const cancellers = new Set<number>();
      for (const entry of cancelled) {
        const last = entry.path.at(-2);
        assert.ok(last, `case ${entry.id} was cancelled from a status`);
        assert.equal(last.label, "Cancel case");
        assert.ok(ref.reasons.some(([, kind, text]) => kind === "cancel" && text === entry.cancelReason));
        cancellers.add(last.statusCodeId);
      }
      assert.deepEqual([...cancellers].sort(), [11, 14, 18], "cancelled only by the roles that may cancel");
      const logged = await server.db.query<{ action: string; reasoned: number }>(
        `SELECT a.action, count(*) FILTER (WHERE r.kind = CASE a.action WHEN 'return' THEN 'rwoa' ELSE a.action END)::int AS reasoned
         FROM action_log a JOIN cases c ON c.id = a.case_id JOIN reasons r ON r.id = a.reason_id
         WHERE c.module_id = $1 GROUP BY a.action ORDER BY a.action`,
        [ref.Module.Lod],
      );
      assert.deepEqual(logged.rows, [
        { action: "cancel", reasoned: cancelled.length },
        { action: "return", reasoned: returned.length },
      ]);
    });
  });
}
