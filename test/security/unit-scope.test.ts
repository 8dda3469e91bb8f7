/**
 * Unit-scope probes: every case-reading RPC — the WorkflowService case lookups of the registry
 * (src/services/workflow/case-lookups.ts) with their stream twins, and every GET RPC whose request names a
 * case (a `cases/*` name, a ref_id/case_id, a CaseFilter) — is called twice with the same request: by
 * the 452nd AMW's MPF (unit 10), who must see the target case, and by an MPF of the 445th Airlift Wing
 * (unit 11, a sibling wing), who must get NOT_FOUND or nothing, and never any case of unit 10's subtree.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DescMethod, DescMethodStreaming, JsonObject, JsonValue } from "@bufbuild/protobuf";
import { Code, ConnectError, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { CaseService } from "../../src/gen/ect/v1/case_service_pb.js";
import { Role } from "../../src/seed/reference-data.js";
import { storeDocument } from "../../src/services/documents/document-store.js";
import { grpcClient, signIn } from "../support/clients.js";
import { startTestServer, type TestServer, testDatabases } from "../support/test-server.js";
import { type CallAnswer, callAny } from "./support/any-call.js";
import { type CaseMarkers, hasItems, markersIn, subtreeMarkers } from "./support/case-markers.js";
import { type CaseTarget, caseReads, requestFor } from "./support/case-reads.js";
import { mapLimited } from "./support/map-limited.js";
import { type OpenWatch, openWatch } from "./support/open-watch.js";
import { rpcCatalog } from "./support/rpc-catalog.js";
import { createAccount } from "./support/test-accounts.js";

/** The wing whose cases are probed, and the sibling wing the prober belongs to. */
const TARGET_WING = 10;
const OTHER_WING = 11;
/** A member name no seeded member has, given to the target case's member. */
const MEMBER_LAST_NAME = "Zyqvist";

const catalog = rpcCatalog();
const reads = caseReads(catalog);

/** What in an answer shows the case: where the markers appear, or "items" when a narrowed read found any. */
function sightings(
  method: DescMethod,
  answer: CallAnswer,
  markers: CaseMarkers,
  narrowed: boolean,
): string[] {
  const found = answer.messages.flatMap((message) => markersIn(message, markers));
  // A stream twin yields one item per message; a unary read holds its items in a list.
  const items =
    method.methodKind === "server_streaming" ? answer.messages.length > 0 : answer.messages.some(hasItems);
  if (found.length === 0 && narrowed && items) found.push("a read narrowed to the case found items");
  return found;
}

for (const database of testDatabases()) {
  describe(`unit scope of case reads on ${database.name}`, { timeout: 120_000 }, () => {
    let server: TestServer;
    let transport: Transport;
    let target: CaseTarget;
    // The completed LOD the target reinvestigates: the form's reads (form, print, documents, memos) probe it, an
    // RR has no AF 348; it carries its determination memo as a document.
    let formTarget: CaseTarget;
    // A case of the target wing under formal investigation: InvestigationService's reads probe it.
    let investigationTarget: CaseTarget | undefined;
    let targetMemberId: number;
    const tokens = new Map<string, string>();

    before(async () => {
      server = await startTestServer(database.url);
      transport = createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" });
      const db = server.db;
      // A completed LOD of the target wing, reinvestigated by its MPF: an open case at the MPF's desk.
      const { rows } = await db.query<{ id: number; member_id: number }>(
        `SELECT c.id, c.member_id FROM cases c JOIN work_statuses ws ON ws.id = c.work_status_id
         JOIN status_codes sc ON sc.id = ws.status_code_id
         WHERE sc.is_final AND sc.is_approved AND c.module_id = 2
           AND c.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = $1)
           AND NOT EXISTS (SELECT 1 FROM reinvestigation_requests rr WHERE rr.initial_case_id = c.id)
         ORDER BY c.id LIMIT 1`,
        [TARGET_WING],
      );
      assert.ok(rows[0], "a completed LOD in the target wing to reinvestigate");
      await db.query("UPDATE members SET last_name = $2, first_name = 'Target' WHERE id = $1", [
        rows[0].member_id,
        MEMBER_LAST_NAME,
      ]);
      await createAccount(db, {
        username: "mpf445",
        unitId: OTHER_WING,
        roleId: Role.MilitaryPersonnelFlight,
      });
      for (const user of ["mpf", "mpf445", "medtech", "medtech445"])
        tokens.set(user, await signIn(server.url, user));
      const mpf = tokens.get("mpf")!;
      const created = await call("ect.v1.CaseService/CreateReinvestigation", mpf, {
        parent: `cases/${rows[0].id}`,
        reason: "Scope probe",
      });
      const id = (created as { id: number }).id;
      await call("ect.v1.CaseService/SignCase", mpf, { name: `cases/${id}` });
      await call("ect.v1.CaseService/AcquireLock", mpf, { name: `cases/${id}` });
      const facts = await db.query<{
        case_number: string;
        unit_id: number;
        work_status_id: number;
        lock_id: number;
      }>(
        `SELECT c.case_number, c.unit_id, c.work_status_id, l.id AS lock_id
         FROM cases c JOIN case_locks l ON l.case_id = c.id WHERE c.id = $1`,
        [id],
      );
      const row = facts.rows[0];
      targetMemberId = rows[0].member_id;
      target = {
        id,
        caseNumber: row.case_number,
        unitId: row.unit_id,
        workStatusId: row.work_status_id,
        lockId: row.lock_id,
        memberLastName: MEMBER_LAST_NAME,
      };
      const lod = await db.query<{ case_number: string; unit_id: number; work_status_id: number }>(
        "SELECT case_number, unit_id, work_status_id FROM cases WHERE id = $1",
        [rows[0].id],
      );
      formTarget = {
        id: rows[0].id,
        caseNumber: lod.rows[0].case_number,
        unitId: lod.rows[0].unit_id,
        workStatusId: lod.rows[0].work_status_id,
        lockId: 0,
        memberLastName: MEMBER_LAST_NAME,
      };
      // The decided LOD's determination memo, filed as the server files one: the document and memo reads see it.
      const memo = await db.transaction((tx) =>
        storeDocument(tx, {
          caseId: formTarget.id,
          categoryCode: "determination_memo",
          fileName: "determination.pdf",
          contentType: "application/pdf",
          content: new TextEncoder().encode("%PDF-1.4\n% scope probe\n%%EOF\n"),
          uploadedBy: null,
          chunkBytes: 64 * 1024,
          maxBytes: 1024 * 1024,
        }),
      );
      formTarget.documentId = memo.id;
      await db.query(
        `INSERT INTO case_memos (document_id, case_id, template_key, title, created_by)
         SELECT $1, $2, 'determination_ilod', 'Line of Duty Determination', id FROM users WHERE username = 'approver'`,
        [memo.id, formTarget.id],
      );
      // Until the seed directs one in the target wing, direct a formal investigation of its LOD here.
      await db.query(
        `INSERT INTO investigations (case_id, directed_by, direct_reason, io_user_id, suspense_date)
         SELECT $1, (SELECT id FROM users WHERE username = 'wingcc'), 'Scope probe',
                (SELECT id FROM users WHERE username = 'unitcc'), current_date + 30
         WHERE NOT EXISTS (SELECT 1 FROM investigations i JOIN cases c ON c.id = i.case_id
                           WHERE c.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = $2))`,
        [rows[0].id, TARGET_WING],
      );
      const investigated = await db.query<{
        id: number;
        case_number: string;
        unit_id: number;
        work_status_id: number;
      }>(
        `SELECT c.id, c.case_number, c.unit_id, c.work_status_id FROM investigations i JOIN cases c ON c.id = i.case_id
         WHERE c.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = $1) ORDER BY c.id LIMIT 1`,
        [TARGET_WING],
      );
      const underInvestigation = investigated.rows[0];
      if (underInvestigation) {
        investigationTarget = {
          id: underInvestigation.id,
          caseNumber: underInvestigation.case_number,
          unitId: underInvestigation.unit_id,
          workStatusId: underInvestigation.work_status_id,
          lockId: 0,
          memberLastName: MEMBER_LAST_NAME,
        };
      }
    });
    after(async () => server?.stop());

    async function call(id: string, token: string, request: JsonObject): Promise<JsonValue> {
      const rpc = catalog.find((r) => r.id === id);
      assert.ok(rpc, `${id} exists`);
      const answer = await callAny(transport, rpc.method, request, token);
      assert.equal(answer.error, undefined, `${id} as the holder: ${answer.error?.message}`);
      return answer.messages[0];
    }

    it("hides every case of another wing from every case-reading RPC, which shows it to the wing's own MPF", async () => {
      const probed = reads.filter((rpc) => !rpc.method.name.startsWith("Watch"));
      assert.ok(probed.length >= 20, `expected the case reads of both services, found ${probed.length}`);
      const own: CaseMarkers = {
        caseNumbers: new Set([target.caseNumber]),
        caseIds: new Set([target.id]),
        lockIds: new Set([target.lockId]),
        texts: [MEMBER_LAST_NAME],
      };
      const wing = await subtreeMarkers(server.db, TARGET_WING, [MEMBER_LAST_NAME]);
      const problems: string[] = [];
      await mapLimited(probed, 4, async (rpc) => {
        // The form's reads probe a completed LOD (an RR has no AF 348), InvestigationService's a case under one.
        const service = rpc.method.parent.typeName;
        const caseTarget =
          service === "ect.v1.FormService" ||
          service === "ect.v1.PrintService" ||
          service === "ect.v1.DocumentService" ||
          service === "ect.v1.MemoService"
            ? formTarget
            : service === "ect.v1.InvestigationService"
              ? investigationTarget
              : target;
        if (!caseTarget) {
          problems.push(`${rpc.id}: no case of the target wing is under formal investigation to probe it on`);
          return;
        }
        const ownMarkers: CaseMarkers =
          caseTarget === target
            ? own
            : {
                caseNumbers: new Set([caseTarget.caseNumber]),
                caseIds: new Set([caseTarget.id]),
                lockIds: new Set(),
                texts: [],
              };
        const request = requestFor(catalog, rpc.method, caseTarget);
        const narrowed = Object.keys(request).length > 0;
        const [control, probe] = await Promise.all([
          callAny(transport, rpc.method, request, tokens.get("mpf")!),
          callAny(transport, rpc.method, request, tokens.get("mpf445")!),
        ]);
        if (control.error || sightings(rpc.method, control, ownMarkers, narrowed).length === 0) {
          problems.push(
            `${rpc.id} ${JSON.stringify(request)}: the wing's own MPF does not see the case (${control.error?.message ?? "no sighting"}), so the probe proves nothing`,
          );
        }
        const seen = sightings(rpc.method, probe, wing, narrowed);
        if (seen.length > 0)
          problems.push(
            `${rpc.id} ${JSON.stringify(request)}: the other wing sees ${seen.slice(0, 3).join("; ")}`,
          );
        if (probe.error && probe.error.code !== Code.NotFound && probe.error.code !== Code.PermissionDenied) {
          problems.push(
            `${rpc.id}: the other wing got ${Code[probe.error.code]} (${probe.error.message}), not NOT_FOUND or nothing`,
          );
        }
      });
      console.log(
        `unit scope (${database.name}): ${probed.length} case reads probed (${probed.map((rpc) => rpc.method.name).join(", ")}), ${problems.length} problems`,
      );
      assert.deepEqual(problems, [], "case reads that leak across wings or cannot show the case at all");
    });

    it("answers GetCase of another wing's case NOT_FOUND over gRPC and REST, exactly as for a case that does not exist", async () => {
      const missing = (await server.db.query<{ id: number }>("SELECT max(id) + 1000 AS id FROM cases"))
        .rows[0].id;
      const overGrpc = async (user: string, id: number) => {
        const client = grpcClient(server.url, CaseService, tokens.get(user));
        const error = await client.getCase({ name: `cases/${id}` }).then(
          (found) => `found ${found.caseNumber}`,
          (e: unknown) => ConnectError.from(e),
        );
        return typeof error === "string"
          ? error
          : `${Code[error.code]}: ${error.rawMessage.replace(String(id), "<id>")}`;
      };
      const overRest = async (user: string, id: number) => {
        const response = await fetch(`${server.url}/ect/v1/cases/${id}`, {
          headers: { authorization: `Bearer ${tokens.get(user)}` },
        });
        const body = (await response.json()) as { code?: number; message?: string; caseNumber?: string };
        return `${response.status} ${body.code ?? ""} ${body.message?.replace(String(id), "<id>") ?? body.caseNumber}`;
      };
      // The control: the wing's own MPF reads the case on both protocols.
      assert.equal(await overGrpc("mpf", target.id), `found ${target.caseNumber}`);
      assert.equal(await overRest("mpf", target.id), `200  ${target.caseNumber}`);
      assert.equal(await overGrpc("mpf445", target.id), "NotFound: case cases/<id> not found");
      assert.equal(await overGrpc("mpf445", target.id), await overGrpc("mpf445", missing));
      assert.equal(await overRest("mpf445", target.id), `404 ${Code.NotFound} case cases/<id> not found`);
      assert.equal(await overRest("mpf445", target.id), await overRest("mpf445", missing));
    });

    it("never sends a watcher another wing's case events, while the wing's own MPF receives them", async () => {
      const watches = reads.filter((rpc) => rpc.method.name.startsWith("Watch"));
      assert.deepEqual(
        watches.map((rpc) => rpc.id),
        ["ect.v1.CaseService/WatchCases"],
        "every watch RPC needs this probe",
      );
      const method = watches[0].method as DescMethodStreaming;
      const otherMember = await server.db.query<{ id: number }>(
        "SELECT id FROM members WHERE unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = $1) ORDER BY id LIMIT 1",
        [OTHER_WING],
      );
      const create = async (user: string, memberId: number) =>
        (await call("ect.v1.CaseService/CreateCase", tokens.get(user)!, {
          memberId,
          incidentDescription: "Scope probe",
        })) as {
          caseNumber: string;
        };
      const carries = (caseNumber: string) => (message: JsonValue) =>
        JSON.stringify(message).includes(caseNumber);
      // A watch has subscribed once a new case reaches it; until then, cases created go unseen (bounded retries).
      const reaches = async (watch: OpenWatch, user: string, memberId: number) => {
        for (let attempt = 0; attempt < 5; attempt++) {
          if (await watch.until(carries((await create(user, memberId)).caseNumber), 2_000)) return true;
        }
        return false;
      };
      const control = openWatch(transport, method, {}, tokens.get("mpf")!);
      const probe = openWatch(transport, method, {}, tokens.get("mpf445")!);
      try {
        assert.ok(
          await reaches(probe, "medtech445", otherMember.rows[0].id),
          "the other wing's watch sees its own cases",
        );
        assert.ok(
          await reaches(control, "medtech", targetMemberId),
          "the target wing's watch sees the new case",
        );
        // Events reach a watcher in the order they were published: once a later case of its own wing has
        // arrived, an event of the target wing published before it would have arrived too.
        const last = await create("medtech445", otherMember.rows[0].id);
        assert.ok(await probe.until(carries(last.caseNumber), 10_000), "the other wing's last case arrives");
        const wing = await subtreeMarkers(server.db, TARGET_WING, [MEMBER_LAST_NAME]);
        const seen = probe.messages.flatMap((message) => markersIn(message, wing));
        console.log(
          `unit scope (${database.name}): WatchCases, ${control.messages.length} events to the wing's MPF, ${probe.messages.length} to the other wing's, ${seen.length} of them the target wing's`,
        );
        assert.deepEqual(seen, [], "events of the target wing sent to the other wing's watch");
      } finally {
        control.close();
        probe.close();
      }
    });
  });
}
