import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { CaseService } from "../src/gen/ect/v1/case_service_pb.js";
import { FormService } from "../src/gen/ect/v1/form_service_pb.js";
import { MemberService } from "../src/gen/ect/v1/member_service_pb.js";
import { ActionKind, type CaseEvent, CaseEventType, CaseState } from "../src/gen/ect/v1/resources_pb.js";
import { fillPart, route } from "./support/af348-parts.js";
import { rejects } from "./support/assertions.js";
import { addMedicalRecord } from "./support/case-documents.js";
import { collect, grpcClient, signIn } from "./support/clients.js";
import { startTestServer, type TestServer, testDatabases } from "./support/test-server.js";

for (const database of testDatabases()) {
  describe(`the LOD case lifecycle on ${database.name}`, () => {
    let server: TestServer;
    const tokens = new Map<string, string>();
    const cases = (user: string) => grpcClient(server.url, CaseService, tokens.get(user));
    const forms = (user: string) => grpcClient(server.url, FormService, tokens.get(user));

    before(async () => {
      server = await startTestServer(database.url);
      for (const user of [...route, "mpf", "admin"]) tokens.set(user, await signIn(server.url, user));
    });
    after(async () => server?.stop());

    /** The ids of the cases a user may see, straight from the unit closure table (the scoping's source of truth). */
    async function casesInUnitsOf(username: string): Promise<number[]> {
      const { rows } = await server.db.query<{ id: number }>(
        `SELECT c.id FROM cases c
         WHERE c.unit_id IN (SELECT t.descendant_id FROM unit_tree t JOIN users u ON u.unit_id = t.ancestor_id
                             WHERE u.username = $1)
         ORDER BY c.id DESC`,
        [username],
      );
      return rows.map((row) => row.id);
    }

    async function startCase(description: string) {
      const batches = await collect(
        grpcClient(server.url, MemberService, tokens.get("medtech")).searchMembers({ query: "a", limit: 5 }),
      );
      const members = batches.flatMap((batch) => batch.members);
      assert.ok(members.length > 0, "member search streams members in the medical technician's units");
      const { rows } = await server.db.query<{ id: number; ssn: string }>(
        "SELECT id, ssn FROM members WHERE id = ANY($1::int[])",
        [members.map((member) => member.id)],
      );
      const ssnOf = new Map(rows.map((row) => [row.id, row.ssn]));
      for (const member of members) {
        const ssn = ssnOf.get(member.id) ?? assert.fail(`member ${member.id} is in the database`);
        assert.equal(member.maskedSsn, `***-**-${ssn.slice(-4)}`, `member ${member.id} leaves masked`);
        for (const batch of batches) {
          assert.ok(!JSON.stringify(batch).includes(ssn), `member ${member.id}'s SSN is in no response`);
        }
      }
      return cases("medtech").createCase({ memberId: members[0].id, incidentDescription: description });
    }

    it("walks a new LOD through every role to final approval with a finding", async () => {
      const created = await startCase("Sprained ankle during unit PT");
      assert.equal(created.status?.holderRoleName, "Medical Technician");
      assert.equal(created.state, CaseState.OPEN);
      for (const [index, user] of route.entries()) {
        // The medical officer's forward requires a medical record (required_documents).
        if (user === "medofficer") await addMedicalRecord(server.url, tokens.get("medofficer"), created.name);
        const client = cases(user);
        const next = await client.getNextActions({ name: created.name });
        const forward = next.actions.find((action) => action.kind === ActionKind.ADVANCE);
        assert.ok(forward, `${user} has a forward option at step ${index}`);
        assert.equal(forward.requiresSignature, true);
        await fillPart(forms(user), user, created.name);
        await rejects(
          client.takeAction({ name: created.name, optionId: forward.optionId }),
          Code.FailedPrecondition,
          /sign/,
        );
        await client.signCase({ name: created.name });
        const findingId = forward.requiresFinding
          ? next.findings.find((f) => f.code === "ILOD")?.id
          : undefined;
        const moved = await client.takeAction({ name: created.name, optionId: forward.optionId, findingId });
        assert.equal(moved.case?.status?.workStatusId, forward.targetStatus?.workStatusId);
        assert.equal(
          moved.tracking?.status?.workStatusId,
          forward.targetStatus?.workStatusId,
          "the new tracking row",
        );
        assert.ok(moved.tracking?.id && moved.tracking.startTime, "the tracking row the move opened");
      }
      const final = await cases("admin").getCase({ name: created.name });
      assert.equal(final.state, CaseState.COMPLETED);
      assert.equal(final.finding, "ILOD");
      const tracking = await cases("admin").listTracking({ name: created.name });
      assert.equal(
        tracking.entries.length,
        route.length + 1,
        "one tracking row per status, the final one included",
      );
      assert.ok(tracking.entries.slice(0, -1).every((entry) => entry.endTime && entry.completedBy));
      const signatures = await cases("admin").listSignatures({ name: created.name });
      assert.equal(signatures.signatures.length, route.length, "every role signed once");

      const rr = await grpcClient(server.url, CaseService, tokens.get("mpf")).createReinvestigation({
        parent: created.name,
        reason: "New medical evidence",
      });
      assert.equal(rr.reinvestigatedCase, created.name);
      assert.equal(rr.status?.holderRoleName, "Military Personnel Flight");
      await rejects(
        grpcClient(server.url, CaseService, tokens.get("mpf")).createReinvestigation({
          parent: created.name,
          reason: "again",
        }),
        Code.FailedPrecondition,
        /open reinvestigation/,
      );
    });

    it("returns a case without action to the previous role with its reason and clears that role's signature", async () => {
      const created = await startCase("Back strain lifting pallets");
      const medtech = cases("medtech");
      const first = await medtech.getNextActions({ name: created.name });
      await fillPart(forms("medtech"), "medtech", created.name);
      await medtech.signCase({ name: created.name });
      await medtech.takeAction({ name: created.name, optionId: first.actions[0].optionId });
      const officer = await cases("medofficer").getNextActions({ name: created.name });
      assert.ok(officer.actions.some((action) => action.kind === ActionKind.RETURN));
      const reason = officer.rwoaReasons[0];
      const returned = await cases("medofficer").returnWithoutAction({
        name: created.name,
        reasonId: reason.id,
        comment: "Add the AF Form 2030",
      });
      assert.equal(returned.case?.status?.holderRoleName, "Medical Technician");
      assert.equal(returned.case?.rwoaReason, reason.description);
      const again = await medtech.getNextActions({ name: created.name });
      assert.equal(again.signedByCaller, false, "the returned-to status must be signed again");
      await rejects(
        cases("medofficer").returnWithoutAction({ name: created.name, reasonId: reason.id }),
        Code.PermissionDenied,
      );
    });

    it("cancels a case with a reason and refuses further moves", async () => {
      const created = await startCase("Opened for the wrong member");
      const atTechnician = await cases("medtech").getNextActions({ name: created.name });
      assert.deepEqual(atTechnician.cancelReasons, [], "the medical technician may not cancel");
      await fillPart(forms("medtech"), "medtech", created.name);
      await cases("medtech").signCase({ name: created.name });
      const forward = atTechnician.actions.find((action) => action.kind === ActionKind.ADVANCE);
      await cases("medtech").takeAction({ name: created.name, optionId: forward?.optionId ?? 0 });
      const next = await cases("medofficer").getNextActions({ name: created.name });
      const cancelled = await cases("medofficer").cancelCase({
        name: created.name,
        reasonId: next.cancelReasons[0].id,
      });
      assert.equal(cancelled.case?.state, CaseState.CANCELLED);
      assert.equal(cancelled.case?.cancelReason, next.cancelReasons[0].description);
      await rejects(
        cases("medofficer").cancelCase({ name: created.name, reasonId: next.cancelReasons[0].id }),
        Code.PermissionDenied,
      );
      await rejects(
        grpcClient(server.url, CaseService, tokens.get("mpf")).createReinvestigation({
          parent: created.name,
          reason: "x",
        }),
        Code.FailedPrecondition,
      );
    });

    it("returns the first case again for a repeated idempotency key", async () => {
      const [batch] = await collect(
        grpcClient(server.url, MemberService, tokens.get("medtech")).searchMembers({ query: "b" }),
      );
      const request = {
        memberId: batch.members[0].id,
        incidentDescription: "Knee injury",
        requestId: "retry-key-1",
      };
      const first = await cases("medtech").createCase(request);
      const second = await cases("medtech").createCase(request);
      assert.equal(second.name, first.name);
    });

    it("pushes a case's creation and its move, with the status it left, to a watcher", async () => {
      const abort = new AbortController();
      const watch = cases("admin").watchCases({}, { signal: abort.signal })[Symbol.asyncIterator]();
      const received: CaseEvent[] = [];
      let pending = watch.next();
      /** The next event of the watch, failing after `ms` instead of hanging (undefined on a quiet probe). */
      const nextEvent = async (ms: number, quietIsFine = false): Promise<CaseEvent | undefined> => {
        while (received.length === 0) {
          let timer: NodeJS.Timeout | undefined;
          const quiet = new Promise<"quiet">((resolve) => {
            timer = setTimeout(() => resolve("quiet"), ms);
          });
          const result = await Promise.race([pending, quiet]).finally(() => clearTimeout(timer));
          if (result === "quiet") return quietIsFine ? undefined : assert.fail(`no event within ${ms} ms`);
          assert.ok(!result.done, "the watch stays open");
          received.push(...result.value.events);
          pending = watch.next();
        }
        return received.shift();
      };
      try {
        // The watch subscribes some time after the call starts: create cases until one is seen (bounded),
        // instead of guessing how long subscribing takes on a loaded machine.
        let created: Awaited<ReturnType<typeof startCase>> | undefined;
        for (let attempt = 0; attempt < 20 && !created; attempt++) {
          const candidate = await startCase(`Heat exhaustion during exercise ${attempt}`);
          for (let event = await nextEvent(500, true); event; event = await nextEvent(500, true)) {
            if (event.case?.name !== candidate.name) continue;
            assert.equal(event.type, CaseEventType.CREATED, "a new case is pushed as created");
            assert.equal(event.actor, "medtech");
            assert.equal(event.case.status?.holderRoleName, "Medical Technician");
            created = candidate;
            break;
          }
        }
        assert.ok(created, "the watcher saw a case created");

        const forward = (await cases("medtech").getNextActions({ name: created.name })).actions.find(
          (action) => action.kind === ActionKind.ADVANCE,
        );
        assert.ok(forward, "the technician can forward");
        await fillPart(forms("medtech"), "medtech", created.name);
        await cases("medtech").signCase({ name: created.name });
        await cases("medtech").takeAction({ name: created.name, optionId: forward.optionId });
        let moved: CaseEvent | undefined;
        while (!moved) {
          const event = await nextEvent(10_000);
          if (event?.case?.name === created.name && event.type === CaseEventType.MOVED) moved = event;
        }
        assert.equal(moved.actor, "medtech");
        assert.equal(moved.previousStatus?.holderRoleName, "Medical Technician", "the status it left");
        assert.equal(moved.previousStatus?.workStatusId, created.status?.workStatusId);
        assert.equal(
          moved.case?.status?.workStatusId,
          forward.targetStatus?.workStatusId,
          "the status it entered",
        );
        assert.equal(moved.case?.status?.holderRoleName, "Medical Officer");
      } finally {
        abort.abort();
        await pending.catch(() => undefined);
      }
    });

    it("streams cases in batches, scoped to the caller's units and filtered by role", async () => {
      const all = (await collect(cases("admin").streamCases({}))).flatMap((batch) => batch.cases);
      const wing = (await collect(cases("medtech").streamCases({}))).flatMap((batch) => batch.cases);
      const ids = all.map((item) => item.id);
      assert.deepEqual(ids, await casesInUnitsOf("admin"), "the administrator (HQ) sees every case under HQ");
      const wingIds = await casesInUnitsOf("medtech");
      assert.ok(
        wingIds.length > 0 && wingIds.length < ids.length,
        "the seed has cases in the 452nd's units and outside them",
      );
      assert.deepEqual(
        wing.map((item) => item.id),
        wingIds,
        "the 452nd's technician sees exactly the cases of unit 10 and the units below it: none missing, none outside",
      );
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => b - a),
        "newest first",
      );
      const inbox = (
        await collect(cases("unitcc").streamCases({ filter: { waitingOnMyRole: true } }))
      ).flatMap((b) => b.cases);
      assert.ok(inbox.length > 0 && inbox.every((item) => item.status?.holderRoleName === "Unit Commander"));
      const page = await cases("admin").listCases({ pageSize: 7 });
      assert.equal(page.cases.length, 7);
      const page2 = await cases("admin").listCases({ pageSize: 7, pageToken: page.nextPageToken });
      assert.deepEqual(
        page2.cases.map((c) => c.id),
        ids.slice(7, 14),
      );
    });

    it("rejects bad input, missing tokens and missing permissions with their codes", async () => {
      await rejects(
        cases("medtech").createCase({ memberId: 1, incidentDescription: "" }),
        Code.InvalidArgument,
        /incident_description/,
      );
      await rejects(cases("medtech").getCase({ name: "cases/abc" }), Code.InvalidArgument, /name/);
      await rejects(cases("medtech").listCases({ pageSize: 5000 }), Code.InvalidArgument, /page_size/);
      await rejects(cases("medtech").getCase({ name: "cases/999999" }), Code.NotFound);
      await rejects(grpcClient(server.url, CaseService).getCase({ name: "cases/1" }), Code.Unauthenticated);
      await rejects(
        grpcClient(server.url, CaseService, "not-a-token").getCase({ name: "cases/1" }),
        Code.Unauthenticated,
      );
      await rejects(
        cases("medofficer").createCase({ memberId: 1, incidentDescription: "x" }),
        Code.PermissionDenied,
        /lodCreate/,
      );
    });

    it("serves the same case over REST with the same permission checks", async () => {
      const created = await startCase("Laceration to right hand");
      const response = await fetch(`${server.url}/ect/v1/${created.name}`, {
        headers: { authorization: `Bearer ${tokens.get("medtech")}`, "x-correlation-id": "test-rest-1" },
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("x-correlation-id"), "test-rest-1");
      const text = await response.text();
      const body = JSON.parse(text) as { name: string; caseNumber: string; member: { maskedSsn: string } };
      assert.equal(body.name, created.name);
      assert.equal(body.caseNumber, created.caseNumber);
      const { rows } = await server.db.query<{ ssn: string }>(
        "SELECT m.ssn FROM cases c JOIN members m ON m.id = c.member_id WHERE c.id = $1",
        [created.id],
      );
      assert.equal(
        body.member.maskedSsn,
        `***-**-${rows[0].ssn.slice(-4)}`,
        "the member's SSN leaves masked",
      );
      assert.ok(!text.includes(rows[0].ssn), "the full SSN is nowhere in the REST response");
      const denied = await fetch(`${server.url}/ect/v1/${created.name}`);
      assert.equal(denied.status, 401);
      assert.equal(((await denied.json()) as { code: number }).code, Code.Unauthenticated);

      // A role without the RPC's permission: the medical officer holds lodView but not lodCreate.
      const member = await server.db.query<{ member_id: number }>(
        "SELECT member_id FROM cases WHERE id = $1",
        [created.id],
      );
      const createBody = JSON.stringify({
        memberId: member.rows[0].member_id,
        incidentDescription: "Opened by a role that may not",
      });
      const casesBefore = (await casesInUnitsOf("admin")).length;
      const forbidden = await fetch(`${server.url}/ect/v1/cases`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.get("medofficer")}`, "content-type": "application/json" },
        body: createBody,
      });
      assert.equal(forbidden.status, 403);
      const refusal = (await forbidden.json()) as { code: number; message: string };
      assert.equal(refusal.code, Code.PermissionDenied);
      assert.match(refusal.message, /lodCreate/);
      assert.equal((await casesInUnitsOf("admin")).length, casesBefore, "the refused create wrote nothing");
      const allowed = await fetch(`${server.url}/ect/v1/cases`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.get("medtech")}`, "content-type": "application/json" },
        body: createBody,
      });
      assert.equal(allowed.status, 200, "the same request from a role with lodCreate is served");
      assert.equal((await casesInUnitsOf("admin")).length, casesBefore + 1);
    });
  });
}
