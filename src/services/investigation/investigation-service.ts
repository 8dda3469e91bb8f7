import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { Caller } from "../../auth/caller-context.js";
import type { Db, Queryable } from "../../db/db.js";
import type { CalendarClock } from "../../domain/investigation/calendar-clock.js";
import { notFound } from "../../errors.js";
import {
  type Investigation,
  type InvestigationService,
  ListInvestigatingOfficersResponseSchema,
  ListInvestigationsResponseSchema,
} from "../../gen/ect/v1/investigation_service_pb.js";
import { callerOf } from "../call-caller.js";
import { actingCaller } from "../cases/acting-caller.js";
import type { CaseEvents } from "../cases/case-events.js";
import { loadCaseRow } from "../cases/case-queries.js";
import type { CaseRow } from "../cases/case-row.js";
import { resourceId } from "../validation.js";
import { appointInvestigatingOfficer, directFormalInvestigation, extendSuspense } from "./appointments.js";
import { investigationMessage, officerMessage } from "./investigation-message.js";
import { loadInvestigationSignatures } from "./investigation-signatures.js";
import { loadInvestigation } from "./investigation-store.js";
import { listIoCandidates } from "./io-candidates.js";
import { listInvestigations } from "./list-investigations.js";
import { investigationCaseId, updateInvestigation } from "./update-investigation.js";

/** What the investigation service needs. */
export interface InvestigationServiceDeps {
  db: Db;
  events: CaseEvents;
  /** The calendar suspenses are counted on (config.investigations.clock; tests move a manual one). */
  clock: CalendarClock;
  /** config.investigations.suspenseDays. */
  suspenseDays: number;
}

/** ect.v1.InvestigationService: formal investigations on the LOD workflow; each RPC's work lives in its module. */
export function investigationService(
  deps: InvestigationServiceDeps,
): ServiceImpl<typeof InvestigationService> {
  const { db } = deps;
  const view = (caller: Caller, caseId: number) => investigationView(db, deps.clock, caller, caseId);
  return {
    async directFormalInvestigation(request, context) {
      const caller = callerOf(context);
      const row = await directFormalInvestigation(deps, caller, request);
      return view(caller, row.id);
    },

    getInvestigation: (request, context) =>
      view(callerOf(context), investigationCaseId("name", request.name)),

    async updateInvestigation(request, context) {
      const caller = callerOf(context);
      const row = await updateInvestigation(deps, caller, request);
      return view(caller, row.id);
    },

    async listInvestigatingOfficers(request, context) {
      const caller = callerOf(context);
      const caseId = resourceId("case", request.case);
      await loadCaseRow(db, caller, caseId);
      const candidates = await listIoCandidates(db, caseId, caller.unitId);
      return create(ListInvestigatingOfficersResponseSchema, {
        investigatingOfficers: candidates
          .filter((candidate) => request.includeIneligible || candidate.ineligibleReason === undefined)
          .map((candidate) => officerMessage(candidate, candidate.ineligibleReason ?? "")),
      });
    },

    async appointInvestigatingOfficer(request, context) {
      const caller = callerOf(context);
      const row = await appointInvestigatingOfficer(deps, caller, request);
      return view(caller, row.id);
    },

    async extendSuspense(request, context) {
      const caller = callerOf(context);
      const row = await extendSuspense(deps, caller, request);
      return view(caller, row.id);
    },

    async listInvestigations(request, context) {
      const caller = callerOf(context);
      const page = await listInvestigations(db, caller, request, deps.clock.today());
      return create(ListInvestigationsResponseSchema, page);
    },
  };
}

/** The full Investigation of a case in the caller's scope (NOT_FOUND for a case without one). */
async function investigationView(
  db: Queryable,
  clock: CalendarClock,
  caller: Caller,
  caseId: number,
): Promise<Investigation> {
  const row: CaseRow = await loadCaseRow(db, caller, caseId);
  const record = await loadInvestigation(db, caseId);
  if (!record) throw notFound("investigation", `cases/${caseId}/investigation`);
  const acting = actingCaller(caller, row);
  const [signatures, readable] = await Promise.all([
    loadInvestigationSignatures(db, caseId, record.content),
    mayReadInvestigationPage(db, row, acting.roleId),
  ]);
  return investigationMessage(row, record, clock.today(), {
    readable,
    editor: {
      roleId: acting.roleId,
      roleName: acting.roleName,
      statusCodeId: row.status_code_id,
      isFinal: row.is_final,
    },
    signatures,
  });
}

/** The seeded page of the report of investigation (migration 013). */
const INVESTIGATION_PAGE_ID = 11;

/** Whether a role may read the Investigation page at the case's status (page access ≥ 1, as the form's pages). */
async function mayReadInvestigationPage(db: Queryable, row: CaseRow, roleId: number): Promise<boolean> {
  const { rows } = await db.query<{ access: number }>(
    "SELECT access FROM page_access WHERE workflow_id = $1 AND status_code_id = $2 AND role_id = $3 AND page_id = $4",
    [row.workflow_id, row.status_code_id, roleId, INVESTIGATION_PAGE_ID],
  );
  return (rows[0]?.access ?? 0) >= 1;
}
