import type { Caller } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
import { canReinvestigate } from "../../domain/case-state.js";
import { failedPrecondition, invalidArgument } from "../../errors.js";
import type { CreateCaseRequest, CreateReinvestigationRequest } from "../../gen/ect/v1/case_service_pb.js";
import { type Case, CaseEventType, Module } from "../../gen/ect/v1/resources_pb.js";
import { withSpan } from "../../telemetry/spans.js";
import { positiveId, requestId, resourceId, text } from "../validation.js";
import type { CaseEvents } from "./case-events.js";
import { loadCaseRow } from "./case-queries.js";
import { caseFromRow } from "./case-row.js";
import { createCase, type NewCase } from "./create-case.js";
import { publishAfterCommit } from "./publish-after-commit.js";

/** What starting a case needs. */
export interface StartCaseDeps {
  db: Db;
  events: CaseEvents;
}

/** CreateCase: validates the request and starts an LOD case. */
export function startLodCase(deps: StartCaseDeps, caller: Caller, request: CreateCaseRequest): Promise<Case> {
  const module = request.module === Module.UNSPECIFIED ? Module.LOD : request.module;
  if (module !== Module.LOD)
    throw invalidArgument("module", "CreateCase starts LOD cases; use CreateReinvestigation");
  return start(deps, caller, {
    memberId: positiveId("member_id", request.memberId),
    incidentDescription: text("incident_description", request.incidentDescription, { min: 1, max: 2000 }),
    requestId: requestId("request_id", request.requestId),
    module,
    reinvestigation: undefined,
  });
}

/** CreateReinvestigation: validates the request and reinvestigates an LOD that reached a final, approved status. */
export async function startReinvestigation(
  deps: StartCaseDeps,
  caller: Caller,
  request: CreateReinvestigationRequest,
): Promise<Case> {
  const parentId = resourceId("parent", request.parent);
  const reason = text("reason", request.reason, { min: 1, max: 2000 });
  const key = requestId("request_id", request.requestId);
  const parent = await loadCaseRow(deps.db, caller, parentId);
  if (parent.module_id !== Module.LOD) throw failedPrecondition("only an LOD case can be reinvestigated");
  if (!canReinvestigate({ isFinal: parent.is_final, isCancel: parent.is_cancel })) {
    throw failedPrecondition("the LOD must reach a final, approved status before it can be reinvestigated");
  }
  return start(deps, caller, {
    memberId: parent.member_id,
    incidentDescription: "",
    requestId: key,
    module: Module.REINVESTIGATION,
    reinvestigation: { initialCaseId: parentId, reason },
  });
}

/** Creates the case (a repeated request id returns the first one) and publishes it when it is new. */
async function start(deps: StartCaseDeps, caller: Caller, input: NewCase): Promise<Case> {
  const { row, created } = await withSpan("case.create", { "case.module": input.module }, () =>
    createCase(deps.db, caller, input),
  );
  if (created) publishAfterCommit(deps.events, caller, CaseEventType.CREATED, row);
  return caseFromRow(row);
}
