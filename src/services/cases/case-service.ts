import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { Db } from "../../db/db.js";
import {
  type CaseService,
  ListSignaturesResponseSchema,
  ListTrackingResponseSchema,
} from "../../gen/ect/v1/case_service_pb.js";
import type { WatchLimiter } from "../../resilience/watch-limiter.js";
import { connectHandler } from "../../streams/connect-handler.js";
import { callerOf } from "../call-caller.js";
import { positiveId, resourceId, text } from "../validation.js";
import { applyMove } from "./apply-move.js";
import type { CaseEvents } from "./case-events.js";
import { caseFilterValues } from "./case-filter.js";
import { loadSignatures, loadTracking } from "./case-history.js";
import { loadCaseRow } from "./case-queries.js";
import { caseFromRow } from "./case-row.js";
import { getNextActions } from "./get-next-actions.js";
import { listCases } from "./list-cases.js";
import { moveByKind } from "./move-by-kind.js";
import { acquireLock, releaseLock, signCase } from "./signatures-and-locks.js";
import { startLodCase, startReinvestigation } from "./start-case.js";
import { streamCases } from "./stream-cases.js";
import { updateCase } from "./update-case.js";
import { watchCases } from "./watch-cases.js";

/** What the case service needs. */
export interface CaseServiceDeps {
  db: Db;
  events: CaseEvents;
  streaming: { firstPageSize: number; pageSize: number };
  /** config.cases: how long an edit lock lasts without its holder's activity. */
  cases: { lockTtlMs: number };
  /** WatchCases streams: per-user cap, idle and lifetime limits, apart from the stream slots. */
  watches: WatchLimiter;
}

/** ect.v1.CaseService: the LOD case lifecycle on the workflow engine; each RPC's work lives in its module. */
export function caseService(deps: CaseServiceDeps): ServiceImpl<typeof CaseService> {
  const { db } = deps;
  return {
    createCase: (request, context) => startLodCase(deps, callerOf(context), request),

    async getCase(request, context) {
      const caller = callerOf(context);
      return caseFromRow(await loadCaseRow(db, caller, resourceId("name", request.name)));
    },

    updateCase: (request, context) => updateCase(deps, callerOf(context), request),

    listCases: (request, context) => listCases(db, callerOf(context), request, context.signal),

    streamCases: connectHandler(streamCases, deps),

    watchCases: (request, context) =>
      watchCases(
        { db, events: deps.events, watches: deps.watches },
        callerOf(context),
        caseFilterValues(request.filter),
        context.signal,
      ),

    getNextActions(request, context) {
      const caller = callerOf(context);
      return getNextActions(db, caller, resourceId("name", request.name));
    },

    takeAction(request, context) {
      const caller = callerOf(context);
      return applyMove(deps, caller, {
        caseId: resourceId("name", request.name),
        optionId: positiveId("option_id", request.optionId),
        comment: text("comment", request.comment, { max: 2000 }),
        findingId: request.findingId || undefined,
        expectedVersion: request.expectedVersion || undefined,
      });
    },

    returnWithoutAction: (request, context) =>
      moveByKind(deps, callerOf(context), {
        kind: "return",
        name: request.name,
        reasonId: request.reasonId,
        comment: request.comment,
        returnToRoleId: request.returnToRoleId,
      }),

    cancelCase: (request, context) =>
      moveByKind(deps, callerOf(context), {
        kind: "cancel",
        name: request.name,
        reasonId: request.reasonId,
        comment: request.comment,
      }),

    async signCase(request, context) {
      const caller = callerOf(context);
      const caseId = resourceId("name", request.name);
      const signatureId = await signCase(db, caller, caseId);
      return (await loadSignatures(db, caseId)).find((entry) => entry.id === signatureId)!;
    },

    acquireLock: (request, context) =>
      acquireLock(db, callerOf(context), resourceId("name", request.name), deps.cases.lockTtlMs),

    async releaseLock(request, context) {
      return { released: await releaseLock(db, callerOf(context), resourceId("name", request.name)) };
    },

    async listTracking(request, context) {
      const caller = callerOf(context);
      const caseId = resourceId("name", request.name);
      await loadCaseRow(db, caller, caseId);
      return create(ListTrackingResponseSchema, { entries: await loadTracking(db, caseId) });
    },

    async listSignatures(request, context) {
      const caller = callerOf(context);
      const caseId = resourceId("name", request.name);
      await loadCaseRow(db, caller, caseId);
      return create(ListSignaturesResponseSchema, { signatures: await loadSignatures(db, caseId) });
    },

    createReinvestigation: (request, context) => startReinvestigation(deps, callerOf(context), request),
  };
}
