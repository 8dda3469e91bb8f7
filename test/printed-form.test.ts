import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { Code } from "@connectrpc/connect";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import { DocumentService } from "../src/gen/ect/v1/document_service_pb.js";
import { FormService } from "../src/gen/ect/v1/form_service_pb.js";
import { InvestigationService } from "../src/gen/ect/v1/investigation_service_pb.js";
import { MemoService } from "../src/gen/ect/v1/memo_service_pb.js";
import { PrintService } from "../src/gen/ect/v1/print_service_pb.js";
import { ActionKind } from "../src/gen/ect/v1/resources_pb.js";
import { fillPart, parts, type RouteUser, route } from "./support/af348-parts.js";
import { rejects } from "./support/assertions.js";
import { addMedicalRecord } from "./support/case-documents.js";
import { grpcClient, signIn } from "./support/clients.js";
import { startTestServer, type TestServer, testDatabases } from "./support/test-server.js";

const run = promisify(execFile);

/** The text of a PDF as pdftotext extracts it (layout kept, so a label and its value share a line). */
async function pdfText(pdf: Uint8Array): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ect-print-"));
  try {
    await writeFile(join(dir, "form.pdf"), pdf);
    const { stdout } = await run("pdftotext", ["-layout", join(dir, "form.pdf"), "-"]);
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Text as a single-spaced string, so that a phrase wrapped or column-aligned by the layout still matches. */
const squeeze = (text: string) => text.replace(/\s+/g, " ");

for (const database of testDatabases()) {
  describe(`printed AF 348 and memos on ${database.name}`, () => {
    let server: TestServer;
    const tokens = new Map<string, string>();
    const users = [...route, "medtech445", "admin", "lodpm", "iocapt"];
    const cases = (user: string) => grpcClient(server.url, CaseService, tokens.get(user));
    const form = (user: string) => grpcClient(server.url, FormService, tokens.get(user));
    const print = (user: string) => grpcClient(server.url, PrintService, tokens.get(user));
    const memos = (user: string) => grpcClient(server.url, MemoService, tokens.get(user));
    const documents = (user: string) => grpcClient(server.url, DocumentService, tokens.get(user));
    /** The decided case every test reads: walked through the whole route, with one invalidated signature. */
    let decided: { name: string; caseNumber: string; ssn: string; maskedSsn: string };
    /** The last case and IO appointment of the demo data, before any test adds its own. */
    let seeded: { cases: number; appointments: number };

    before(async () => {
      server = await startTestServer(database.url);
      for (const user of users) tokens.set(user, await signIn(server.url, user));
      const { rows } = await server.db.query<{ cases: number; appointments: number }>(
        `SELECT (SELECT max(id) FROM cases) AS cases,
                (SELECT max(id) FROM investigation_appointments) AS appointments`,
      );
      seeded = rows[0];
      decided = await decidedCase();
    });
    after(async () => server?.stop());

    async function forward(user: RouteUser, name: string, fill = true) {
      if (fill) await fillPart(form(user), user, name);
      const next = await cases(user).getNextActions({ name });
      if (!next.signedByCaller) await cases(user).signCase({ name });
      const actions = (await cases(user).getNextActions({ name })).actions;
      const advance = actions.find((action) => action.kind === ActionKind.ADVANCE);
      assert.ok(advance, `${user} may forward`);
      await cases(user).takeAction({ name, optionId: advance.optionId });
    }

    /**
     * A case of a 729th Airlift Squadron member walked to the approving authority's determination. The medical
     * technician signs, then changes the treatment facility after signing, which invalidates that signature;
     * signing again leaves the first one on the record as invalid.
     */
    async function decidedCase() {
      const { rows } = await server.db.query<{ id: number; ssn: string }>(
        "SELECT id, ssn FROM members WHERE unit_id = 102 AND grade LIKE 'E-%' ORDER BY id LIMIT 1",
      );
      const created = await cases("medtech").createCase({
        memberId: rows[0].id,
        incidentDescription: "Fell from a maintenance stand during the UTA",
      });
      const name = created.name;
      await fillPart(form("medtech"), "medtech", name);
      await cases("medtech").signCase({ name });
      await form("medtech").updateForm({
        form: { name: `${name}/form`, medical: { treatmentFacility: "March ARB clinic, building 2" } },
        updateMask: { paths: ["medical.treatmentFacility"] },
      });
      await forward("medtech", name, false);
      await addMedicalRecord(server.url, tokens.get("medofficer"), name);
      for (const user of route.slice(1)) await forward(user, name);
      const done = await cases("approver").getCase({ name });
      assert.equal(done.finding, "ILOD", "the approving authority decided in line of duty");
      return {
        name,
        caseNumber: created.caseNumber,
        ssn: rows[0].ssn,
        maskedSsn: `***-**-${rows[0].ssn.slice(-4)}`,
      };
    }

    /** A new case of a 729th Airlift Squadron member, forwarded by every role before `until`. */
    async function caseUpTo(until: RouteUser, description: string): Promise<string> {
      const { rows } = await server.db.query<{ id: number }>(
        "SELECT id FROM members WHERE unit_id = 102 AND grade LIKE 'E-%' ORDER BY id DESC LIMIT 1",
      );
      const { name } = await cases("medtech").createCase({
        memberId: rows[0].id,
        incidentDescription: description,
      });
      for (const user of route.slice(0, route.indexOf(until))) {
        if (user === "medofficer") await addMedicalRecord(server.url, tokens.get(user), name);
        await forward(user, name);
      }
      return name;
    }

    /** A document's bytes as DocumentService.DownloadDocument streams them. */
    async function downloaded(user: string, name: string): Promise<Buffer> {
      const chunks: Uint8Array[] = [];
      for await (const chunk of documents(user).downloadDocument({ name })) chunks.push(chunk.data);
      return Buffer.concat(chunks);
    }

    async function printed(user: string, name: string): Promise<{ bytes: Uint8Array; contentType: string }> {
      const chunks: Uint8Array[] = [];
      let contentType = "";
      for await (const chunk of print(user).printForm({ name: `${name}/form` })) {
        if (chunk.contentType) contentType = chunk.contentType;
        chunks.push(chunk.data);
      }
      return { bytes: Buffer.concat(chunks), contentType };
    }

    it("prints the AF 348 with the case number, the masked SSN (never the full one), every section and each signature's state", async () => {
      const { bytes, contentType } = await printed("wingja", decided.name);
      assert.equal(contentType, "application/pdf");
      assert.equal(Buffer.from(bytes.subarray(0, 5)).toString(), "%PDF-", "a PDF");
      const raw = await pdfText(bytes);
      const text = squeeze(raw);
      assert.ok(text.includes(decided.caseNumber), "the case number");
      assert.ok(text.includes(decided.maskedSsn), "the masked SSN");
      assert.ok(!raw.includes(decided.ssn), "never the full SSN");
      assert.ok(!raw.replace(/\D/g, " ").includes(decided.ssn.replace(/\D/g, "")), "not even without dashes");
      // Each section's content, as the roles filled it.
      const medical = parts.medtech.section!.medical as Record<string, string>;
      assert.ok(text.includes(medical.eventDetails), "the medical technician's event details");
      assert.ok(text.includes("March ARB clinic, building 2"), "the treatment facility as changed");
      assert.ok(text.includes("Lumbar radiculopathy"), "the medical officer's diagnosis");
      assert.ok(text.includes("M54.16"), "the ICD-10 code");
      const unit = parts.unitcc.section!.unit as Record<string, string>;
      assert.ok(text.includes(unit.circumstances), "the unit commander's circumstances");
      assert.ok(text.includes("inactive duty training"), "the duty status in words");
      for (const section of ["Section I", "Section II", "Section III"])
        assert.ok(text.includes(section), `${section} printed`);
      // Each finding, one section per reviewer: six ILOD findings and the wing JA's concurrence.
      assert.equal((text.match(/Finding: ILOD: In Line of Duty/g) ?? []).length, 6, "six ILOD findings");
      assert.match(text, /Wing JA finding Finding: None of its own Concurs: Yes/);
      assert.match(text, /Approving Authority finding Finding: ILOD: In Line of Duty Concurs: Yes/);
      // Each signature block: name, grade, role, date, state. The medical technician's first signature broke
      // on their own change, the second on the medical officer's: both print INVALID, the others VALID.
      const states = text.match(/Signature state: (VALID|INVALID)/g) ?? [];
      assert.equal(states.length, 10, "nine forwarding signatures and the one broken before forwarding");
      assert.equal(states.filter((state) => state.endsWith("INVALID")).length, 2, "two INVALID");
      assert.match(
        text,
        /Signature state: INVALID \(the signed content changed on \d{4}-\d{2}-\d{2} by medtech\)/,
      );
      assert.match(
        text,
        /Signature state: INVALID \(the signed content changed on \d{4}-\d{2}-\d{2} by medofficer\)/,
      );
      assert.match(
        text,
        /Name: TSgt \S+ \S+ Grade: E-6 Role: Medical Technician Date signed: \d{4}-\d{2}-\d{2}/,
      );
      assert.match(text, /Role: Approving Authority Date signed: \d{4}-\d{2}-\d{2} Signature state: VALID/);
      // Page numbers and the case number on every page.
      const pages = raw.split("\f").filter((page) => page.trim() !== "");
      assert.ok(pages.length >= 2, "the form runs over more than one page");
      pages.forEach((page, index) => {
        assert.ok(
          squeeze(page).includes(`Page ${index + 1} of ${pages.length}`),
          `page ${index + 1} numbered`,
        );
        assert.ok(page.includes(decided.caseNumber), `page ${index + 1} carries the case number`);
      });
    });

    it("audits the print as a read of the whole case", async () => {
      const id = decided.name.split("/")[1];
      const count = async () =>
        Number(
          (
            await server.db.query<{ n: string }>(
              "SELECT count(*) AS n FROM audit_events WHERE entity_type = 'case' AND entity_id = $1 AND action = 'form_printed' AND actor = 'boardtech'",
              [id],
            )
          ).rows[0].n,
        );
      const before = await count();
      await printed("boardtech", decided.name);
      assert.equal(await count(), before + 1);
    });

    it("prints a section the caller's role may not read at the case's status without its content", async () => {
      // Page access is data an administrator changes: take the medical page away from the wing JA here.
      const { rows } = await server.db.query<{ workflow_id: number; status_code_id: number }>(
        "SELECT c.workflow_id, ws.status_code_id FROM cases c JOIN work_statuses ws ON ws.id = c.work_status_id WHERE c.id = $1",
        [Number(decided.name.split("/")[1])],
      );
      const key = [rows[0].workflow_id, rows[0].status_code_id, 5, 3];
      await server.db.query(
        "UPDATE page_access SET access = 0 WHERE workflow_id = $1 AND status_code_id = $2 AND role_id = $3 AND page_id = $4",
        key,
      );
      try {
        const text = squeeze(await pdfText((await printed("wingja", decided.name)).bytes));
        assert.ok(text.includes("Not shown: your role may not read this section"), "the withheld notice");
        assert.ok(!text.includes("Lumbar radiculopathy"), "no medical content");
        assert.ok(text.includes(decided.caseNumber));
      } finally {
        await server.db.query(
          "UPDATE page_access SET access = 1 WHERE workflow_id = $1 AND status_code_id = $2 AND role_id = $3 AND page_id = $4",
          key,
        );
      }
    });

    it("refuses the print of a case outside the caller's units as NOT_FOUND, and a malformed name as INVALID_ARGUMENT", async () => {
      await rejects(printed("medtech445", decided.name), Code.NotFound, /case/);
      await rejects(printed("wingja", "cases/x"), Code.InvalidArgument, /name/);
    });

    it("serves the print and the memo list over REST: GET …/form:print is the PDF itself, GET …/memos the list", async () => {
      const auth = { authorization: `Bearer ${tokens.get("wingja")}` };
      const printedOverRest = await fetch(`${server.url}/ect/v1/${decided.name}/form:print`, {
        headers: auth,
      });
      assert.equal(printedOverRest.status, 200);
      assert.equal(printedOverRest.headers.get("content-type"), "application/pdf");
      const bytes = new Uint8Array(await printedOverRest.arrayBuffer());
      assert.ok(squeeze(await pdfText(bytes)).includes(decided.caseNumber));
      const listed = await fetch(`${server.url}/ect/v1/${decided.name}/memos`, { headers: auth });
      assert.equal(listed.status, 200);
      const body = (await listed.json()) as {
        memos: { name: string; downloadUri: string; category: string }[];
      };
      assert.equal(body.memos[0].category, "determination_memo");
      const memo = await fetch(`${server.url}${body.memos[0].downloadUri}`, { headers: auth });
      assert.equal(memo.status, 200);
      assert.equal(memo.headers.get("content-type"), "application/pdf");
      const outside = await fetch(`${server.url}/ect/v1/${decided.name}/form:print`, {
        headers: { authorization: `Bearer ${tokens.get("medtech445")}` },
      });
      assert.equal(outside.status, 404, "a case outside the caller's units is not found");
    });

    it("files the determination memo as a document of the case when the approving authority decides", async () => {
      const { memos: filed } = await memos("unitcc").listCaseMemos({ parent: decided.name });
      assert.equal(filed.length, 1, "one memo: the determination");
      const memo = filed[0];
      assert.equal(memo.category, "determination_memo");
      assert.equal(memo.template, "memoTemplates/determination_ilod", "the in-line-of-duty variant");
      assert.equal(memo.createdBy, "approver");
      assert.equal(memo.downloadUri, `/ect/v1/${memo.name}:download`);
      // It is one of the case's documents, and downloads byte for byte as stored.
      const listed = await documents("unitcc").listDocuments({ parent: decided.name });
      assert.ok(
        listed.documents.some(
          (document) => document.name === memo.name && document.category === "determination_memo",
        ),
      );
      const bytes = await downloaded("unitcc", memo.name);
      assert.equal(createHash("sha256").update(bytes).digest("hex"), memo.sha256);
      assert.equal(BigInt(bytes.length), memo.sizeBytes);
      const raw = await pdfText(bytes);
      const text = squeeze(raw);
      assert.ok(text.includes("MEMORANDUM FOR"), "addressed");
      assert.ok(
        text.includes(`Line of Duty Determination, Case ${decided.caseNumber}`),
        "the subject names the case",
      );
      assert.match(text, /has determined that it was IN LINE OF DUTY\./, "the ILOD wording");
      assert.ok(!text.includes("NOT IN LINE OF DUTY"), "not a NILOD variant");
      assert.ok(text.includes("Brig Gen"), "from the approving authority who decided");
      assert.ok(text.includes("Fell from a maintenance stand during the UTA"), "the incident");
      assert.ok(!raw.replace(/\D/g, " ").includes(decided.ssn.replace(/\D/g, "")), "never the full SSN");
    });

    it("the demo's decided cases carry their determination memos, and its appointed officers their appointment memos, as the workflow files them", async () => {
      // Each decided LOD case of the demo: its memo, filed by who made the final move, dated the day of it.
      const { rows: decidedDemo } = await server.db.query<{
        id: number;
        decider: number;
        decided_at: Date;
        memos: { created_by: number; uploaded_at: Date; template_key: string; finding: string }[];
      }>(
        `SELECT c.id, last.completed_by AS decider, last.end_time AS decided_at,
                (SELECT coalesce(json_agg(json_build_object('created_by', m.created_by, 'uploaded_at', d.uploaded_at,
                                                            'template_key', m.template_key, 'finding', f.code)), '[]')
                 FROM case_memos m JOIN documents d ON d.id = m.document_id
                 JOIN memo_templates mt ON mt.key = m.template_key
                 LEFT JOIN findings f ON f.code = mt.finding_code
                 WHERE m.case_id = c.id AND mt.kind = 'determination') AS memos
         FROM cases c
         JOIN work_statuses ws ON ws.id = c.work_status_id
         JOIN status_codes sc ON sc.id = ws.status_code_id AND sc.is_final AND NOT sc.is_cancel
         JOIN lod_details ld ON ld.case_id = c.id AND ld.finding_id IS NOT NULL
         CROSS JOIN LATERAL (SELECT t.completed_by, t.end_time FROM tracking t WHERE t.case_id = c.id
                             AND t.completed_by IS NOT NULL ORDER BY t.end_time DESC, t.id DESC LIMIT 1) last
         WHERE c.id <= $1
         ORDER BY c.id`,
        [seeded.cases],
      );
      assert.ok(decidedDemo.length >= 10, `the demo decides cases (${decidedDemo.length})`);
      for (const row of decidedDemo) {
        assert.equal(row.memos.length, 1, `case ${row.id} has one determination memo`);
        const [memo] = row.memos;
        assert.equal(memo.created_by, row.decider, `case ${row.id}: filed by its approving authority`);
        assert.equal(new Date(memo.uploaded_at).getTime(), new Date(row.decided_at).getTime());
      }
      const { rows: findings } = await server.db.query<{ id: number; code: string; decided_at: Date }>(
        `SELECT c.id, f.code, (SELECT max(t.end_time) FROM tracking t WHERE t.case_id = c.id AND t.completed_by IS NOT NULL) AS decided_at
         FROM cases c JOIN lod_details ld ON ld.case_id = c.id JOIN findings f ON f.id = ld.finding_id
         WHERE c.id = ANY($1::int[])`,
        [decidedDemo.map((row) => row.id)],
      );
      assert.ok(new Set(findings.map((row) => row.code)).size >= 2, "more than one determination is shown");
      // One read whole: the PDF names the decision's date, not the day the demo was seeded.
      const sample = findings[0];
      const [listed] = (await memos("admin").listCaseMemos({ parent: `cases/${sample.id}` })).memos;
      const text = squeeze(await pdfText(await downloaded("admin", listed.name)));
      const day = new Intl.DateTimeFormat("en-GB", {
        day: "numeric",
        month: "long",
        year: "numeric",
        timeZone: "UTC",
      }).format(new Date(sample.decided_at));
      assert.ok(text.includes(day), `dated ${day}`);
      // Each standing appointment of an investigating officer: its memo, by the appointing authority.
      const { rows: appointed } = await server.db.query<{
        case_id: number;
        appointed_by: number;
        filed: number[];
      }>(
        `SELECT a.case_id, a.appointed_by,
                (SELECT coalesce(array_agg(m.created_by), '{}') FROM case_memos m
                 WHERE m.case_id = a.case_id AND m.template_key = 'io_appointment') AS filed
         FROM investigation_appointments a
         WHERE a.ended_at IS NULL AND a.id <= $1`,
        [seeded.appointments],
      );
      assert.ok(appointed.length > 0, "the demo appoints investigating officers");
      for (const row of appointed) assert.deepEqual(row.filed, [row.appointed_by], `case ${row.case_id}`);
    });

    it("lists memos only for a case in the caller's units", async () => {
      await rejects(memos("medtech445").listCaseMemos({ parent: decided.name }), Code.NotFound, /case/);
    });

    it("lets a template administrator edit a template, and the next memo uses it while the one sent stays", async () => {
      await rejects(memos("medtech").listMemoTemplates({}), Code.PermissionDenied);
      const { templates } = await memos("lodpm").listMemoTemplates({});
      assert.deepEqual(templates.map((template) => template.key).sort(), [
        "determination_epts",
        "determination_ilod",
        "determination_nilod_misconduct",
        "determination_nilod_not_misconduct",
        "io_appointment",
      ]);
      const ilod = templates.find((template) => template.key === "determination_ilod")!;
      await rejects(
        memos("medtech").updateMemoTemplate({
          template: { ...ilod, body: "x" },
          updateMask: { paths: ["body"] },
        }),
        Code.PermissionDenied,
      );
      await rejects(
        memos("lodpm").updateMemoTemplate({
          template: { ...ilod, body: "{{#open}} never closed" },
          updateMask: { paths: ["body"] },
        }),
        Code.InvalidArgument,
        /template\.body/,
      );
      await rejects(
        memos("lodpm").updateMemoTemplate({
          template: { ...ilod, fontSize: 40 },
          updateMask: { paths: ["font_size"] },
        }),
        Code.InvalidArgument,
        /template\.font_size/,
      );
      const before = (await memos("unitcc").listCaseMemos({ parent: decided.name })).memos[0];
      const body = "1. Case {{caseNumber}}: your {{natureOfEvent}} is IN LINE OF DUTY (edited wording).";
      const edited = await memos("lodpm").updateMemoTemplate({
        template: { name: ilod.name, body },
        updateMask: { paths: ["body"] },
      });
      assert.equal(edited.body, body);
      assert.equal(edited.updatedBy, "lodpm");
      assert.equal(edited.subject, ilod.subject, "fields outside the mask stay");
      const { rows } = await server.db.query<{ n: string }>(
        "SELECT count(*) AS n FROM audit_events WHERE action = 'memo_template_update' AND entity_id = 'memoTemplates/determination_ilod' AND actor = 'lodpm'",
      );
      assert.equal(Number(rows[0].n), 1, "audited");

      const next = await caseUpTo("approver", "Twisted an ankle on the flight line");
      await forward("approver", next);
      const [memo] = (await memos("unitcc").listCaseMemos({ parent: next })).memos;
      const text = squeeze(await pdfText(await downloaded("unitcc", memo.name)));
      const { caseNumber } = await cases("unitcc").getCase({ name: next });
      assert.ok(
        text.includes(`1. Case ${caseNumber}: your injury is IN LINE OF DUTY (edited wording).`),
        text,
      );
      const after = (await memos("unitcc").listCaseMemos({ parent: decided.name })).memos[0];
      assert.equal(after.sha256, before.sha256, "the memo already sent is unchanged");
    });

    it("serves the memo templates over REST: GET the list, PATCH one with its update mask, 403 without templateAdmin", async () => {
      const call = (user: string, method: string, path: string, body?: unknown) =>
        fetch(`${server.url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${tokens.get(user)}`,
            ...(body ? { "content-type": "application/json" } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        });
      const listed = await call("lodpm", "GET", "/ect/v1/memoTemplates");
      assert.equal(listed.status, 200);
      const { templates } = (await listed.json()) as { templates: { name: string }[] };
      assert.deepEqual(templates.map((t) => t.name).sort(), [
        "memoTemplates/determination_epts",
        "memoTemplates/determination_ilod",
        "memoTemplates/determination_nilod_misconduct",
        "memoTemplates/determination_nilod_not_misconduct",
        "memoTemplates/io_appointment",
      ]);
      const path = "/ect/v1/memoTemplates/determination_epts?updateMask=signatureBlock";
      const signatureBlock = "HELEN WARD, Brig Gen, USAFR\nApproving Authority";
      assert.equal((await call("medtech", "PATCH", path, { signatureBlock })).status, 403);
      const patched = await call("lodpm", "PATCH", path, { signatureBlock });
      assert.equal(patched.status, 200);
      const template = (await patched.json()) as { signatureBlock: string; updatedBy: string };
      assert.equal(template.signatureBlock, signatureBlock);
      assert.equal(template.updatedBy, "lodpm");
      const unknownField = await call(
        "lodpm",
        "PATCH",
        "/ect/v1/memoTemplates/determination_epts?updateMask=key",
        {},
      );
      assert.equal(unknownField.status, 400);
      assert.match(await unknownField.text(), /update_mask/);
    });

    it("files the investigating officer's appointment memo when a formal investigation is directed, and prints the investigation", async () => {
      const name = await caseUpTo(
        "wingcc",
        "Injured during an off-base vehicle accident; misconduct alleged",
      );
      await grpcClient(server.url, InvestigationService, tokens.get("wingcc")).directFormalInvestigation({
        name,
        reason: "Misconduct alleged by the police report",
        investigatingOfficer: "iocapt",
      });
      const { memos: filed } = await memos("wingcc").listCaseMemos({ parent: name });
      assert.equal(filed.length, 1);
      assert.equal(filed[0].category, "appointment_memo");
      assert.equal(filed[0].template, "memoTemplates/io_appointment");
      assert.equal(filed[0].createdBy, "wingcc");
      const text = squeeze(await pdfText(await downloaded("wingcc", filed[0].name)));
      assert.ok(text.includes("Appointment as Investigating Officer"), "the subject");
      assert.ok(text.includes("Misconduct alleged by the police report"), "the reason");
      assert.match(text, /due by \d{4}-\d{2}-\d{2}/, "the suspense");
      const printedText = squeeze(await pdfText((await printed("wingcc", name)).bytes));
      assert.ok(printedText.includes("Formal investigation"), "the print has the investigation");
      assert.ok(printedText.includes("Reason: Misconduct alleged by the police report"));
      assert.ok(printedText.includes("Report of investigation (AF 1271)"));
    });

    it("migration 016 gives a database seeded before it the templateAdmin permission as the seed does, once", async () => {
      const script = await readFile(
        new URL("../src/db/migrations/016_memo_templates.sql", import.meta.url),
        "utf8",
      );
      const permissionRows = script.slice(script.indexOf("-- The permission to edit memo templates"));
      const holders = async (tx: { query: typeof server.db.query }) =>
        (
          await tx.query<{ role_id: number; name: string }>(
            `SELECT rp.role_id, p.name FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id
             WHERE p.id = 18 ORDER BY rp.role_id`,
          )
        ).rows;
      const rollback = new Error("rollback");
      await assert.rejects(
        server.db.transaction(async (tx) => {
          const seeded = await holders(tx);
          assert.deepEqual(
            seeded.map((row) => row.role_id),
            [1, 10],
            "the seed gives it to the system administrator and the LOD program manager",
          );
          await tx.exec(
            "DELETE FROM role_permissions WHERE permission_id = 18; DELETE FROM permissions WHERE id = 18;",
          );
          assert.deepEqual(await holders(tx), []);
          await tx.exec(permissionRows);
          assert.deepEqual(await holders(tx), seeded);
          await tx.exec(permissionRows);
          assert.deepEqual(await holders(tx), seeded, "nothing twice");
          throw rollback;
        }),
        (error) => error === rollback,
      );
    });
  });
}
