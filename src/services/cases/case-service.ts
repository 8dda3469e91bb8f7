import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { Caller } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
import { canReinvestigate } from "../../domain/case-state.js";
import { actorHoldsCase, openOptions } from "../../domain/next-actions.js";
import { failedPrecondition, invalidArgument, permissionDenied } from "../../errors.js";
import {
  type CaseService,
  ListCasesResponseSchema,
  ListSignaturesResponseSchema,
  ListTrackingResponseSchema,
  TakeActionResponseSchema,
} from "../../gen/ect/v1/case_service_pb.js";
import { ActionKind, CaseEventType, Module, TrackingEntrySchema } from "../../gen/ect/v1/resources_pb.js";
import type { WatchLimiter } from "../../resilience/watch-limiter.js";
import { connectHandler } from "../../streams/connect-handler.js";
import { withSpan } from "../../telemetry/spans.js";
import { recordAudit } from "../audit.js";
import { callerOf } from "../call-caller.js";
import {
  decodePageToken,
  encodePageToken,
  pageSize,
  positiveId,
  requestId,
  resourceId,
  text,
} from "../validation.js";
import type { CaseEvents } from "./case-events.js";
import { caseFilterValues } from "./case-filter.js";
import { loadSignatures, loadTracking } from "./case-history.js";
import { guardCaseWrite } from "./case-locks.js";
import { actorOf, type MoveRequest, moveCase } from "./case-moves.js";
import { caseKeysetQuery, loadCaseRow } from "./case-queries.js";
import { caseFromRow, statusFromRow } from "./case-row.js";
import { createCase } from "./create-case.js";
import { acquireLock, releaseLock, signCase } from "./signatures-and-locks.js";
import { streamCases } from "./stream-cases.js";
import { watchCases } from "./watch-cases.js";
import { loadCaseFacts, loadFindings, loadOptions, loadReasons } from "./workflow-config.js";

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

const kindOf = { advance: ActionKind.ADVANCE, return: ActionKind.RETURN, cancel: ActionKind.CANCEL } as const;

/** ect.v1.CaseService: the LOD case lifecycle on the workflow engine. */
export function caseService(deps: CaseServiceDeps): ServiceImpl<typeof CaseService> {
  const { db, events } = deps;

  async function applyMove(caller: Caller, request: MoveRequest) {
    const result = await db.transaction(async (tx) => {
      // In scope first (NOT_FOUND reveals no lock holder), then the lock: refused against another user's
      // lock in force, renewed when it is the caller's.
      await loadCaseRow(tx, caller, request.caseId, true);
      await guardCaseWrite(tx, request.caseId, caller.userId);
      return moveCase(tx, caller, request);
    });
    const after = caseFromRow(result.after);
    events.publish({
      type: CaseEventType.MOVED,
      row: result.after,
      previous: result.before,
      actor: caller.username,
      time: new Date(),
    });
    return create(TakeActionResponseSchema, {
      case: after,
      tracking: create(TrackingEntrySchema, {
        id: result.tracking.id,
        status: after.status,
        startTime: timestampFromDate(result.tracking.startTime),
      }),
    });
  }

  return {
    async createCase(request, context) {
      const caller = callerOf(context);
      const module = request.module === Module.UNSPECIFIED ? Module.LOD : request.module;
      if (module !== Module.LOD)
        throw invalidArgument("module", "CreateCase starts LOD cases; use CreateReinvestigation");
      const input = {
        memberId: positiveId("member_id", request.memberId),
        incidentDescription: text("incident_description", request.incidentDescription, { min: 1, max: 2000 }),
        requestId: requestId("request_id", request.requestId),
      };
      const { row, created } = await withSpan("case.create", { "case.module": module }, () =>
        createCase(db, caller, { ...input, module, reinvestigation: undefined }),
      );
      if (created)
        events.publish({ type: CaseEventType.CREATED, row, actor: caller.username, time: new Date() });
      return caseFromRow(row);
    },

    async getCase(request, context) {
      const caller = callerOf(context);
      return caseFromRow(await loadCaseRow(db, caller, resourceId("name", request.name)));
    },

    async updateCase(request, context) {
      const caller = callerOf(context);
      if (!request.case) throw invalidArgument("case", "required");
      const caseId = resourceId("case.name", request.case.name);
      const paths = request.updateMask?.paths ?? [];
      if (paths.length === 0) throw invalidArgument("update_mask", "name at least one field to change");
      const allowed = new Set(["incident_description", "formal_investigation"]);
      for (const path of paths) {
        if (!allowed.has(path))
          throw invalidArgument(
            "update_mask",
            `"${path}" cannot be changed (allowed: ${[...allowed].join(", ")})`,
          );
      }
      const description = paths.includes("incident_description")
        ? text("case.incident_description", request.case.incidentDescription, { min: 1, max: 2000 })
        : undefined;
      const row = await db.transaction(async (tx) => {
        const before = await loadCaseRow(tx, caller, caseId, true);
        if (!actorHoldsCase(await loadCaseFacts(tx, before), actorOf(caller))) {
          throw permissionDenied("only the role holding the case may edit it");
        }
        await guardCaseWrite(tx, caseId, caller.userId);
        await tx.query(
          `UPDATE lod_details SET incident_description = coalesce($2, incident_description),
             formal_investigation = coalesce($3, formal_investigation) WHERE case_id = $1`,
          [
            caseId,
            description ?? null,
            paths.includes("formal_investigation") ? request.case?.formalInvestigation : null,
          ],
        );
        await tx.query("UPDATE cases SET version = version + 1, updated_at = now() WHERE id = $1", [caseId]);
        const after = await loadCaseRow(tx, caller, caseId);
        await recordAudit(tx, {
          entityType: "case",
          entityId: caseId,
          action: "update",
          actor: caller.username,
          before: {
            incidentDescription: before.incident_description,
            formalInvestigation: before.formal_investigation,
          },
          after: {
            incidentDescription: after.incident_description,
            formalInvestigation: after.formal_investigation,
          },
        });
        return after;
      });
      events.publish({ type: CaseEventType.UPDATED, row, actor: caller.username, time: new Date() });
      return caseFromRow(row);
    },

    async listCases(request, context) {
      const caller = callerOf(context);
      const size = pageSize("page_size", request.pageSize, 50);
      const after = decodePageToken("page_token", request.pageToken);
      const query = caseKeysetQuery(caller, caseFilterValues(request.filter));
      const { sql, params } = query.page(after, size + 1);
      const { rows } = await db.query<Parameters<typeof caseFromRow>[0]>(sql, params, {
        signal: context.signal,
      });
      const page = rows.slice(0, size);
      return create(ListCasesResponseSchema, {
        cases: page.map(caseFromRow),
        nextPageToken: rows.length > size ? encodePageToken(page[page.length - 1].id) : "",
      });
    },

    streamCases: connectHandler(streamCases, deps),

    watchCases(request, context) {
      return watchCases(
        { db, events, watches: deps.watches },
        callerOf(context),
        caseFilterValues(request.filter),
        context.signal,
      );
    },

    async getNextActions(request, context) {
      const caller = callerOf(context);
      const row = await loadCaseRow(db, caller, resourceId("name", request.name));
      const facts = await loadCaseFacts(db, row);
      const [options, rwoa, cancel, findings] = await Promise.all([
        loadOptions(db, row.work_status_id),
        loadReasons(db, row.workflow_id, "rwoa"),
        loadReasons(db, row.workflow_id, "cancel"),
        loadFindings(db, row.workflow_id, caller.roleId),
      ]);
      const open = openOptions(facts, actorOf(caller), options);
      const targets = await db.query<Parameters<typeof statusFromRow>[0]>(
        `SELECT ws.id AS work_status_id, ws.status_code_id, sc.description AS status_description,
                sc.role_id AS holder_role_id, r.name AS holder_role_name, sc.is_final, sc.is_cancel
         FROM work_statuses ws JOIN status_codes sc ON sc.id = ws.status_code_id LEFT JOIN roles r ON r.id = sc.role_id
         WHERE ws.id = ANY($1::int[])`,
        [open.map(({ option }) => option.toWorkStatusId)],
      );
      const statusById = new Map(
        targets.rows.map((target) => [target.work_status_id, statusFromRow(target)]),
      );
      const hasKind = (kind: string) => open.some(({ option }) => option.kind === kind);
      return {
        actions: open.map(({ option, requiresSignature, requiresFinding }) => ({
          optionId: option.id,
          label: option.label,
          kind: kindOf[option.kind],
          targetStatus: statusById.get(option.toWorkStatusId),
          requiresSignature,
          requiresFinding,
        })),
        rwoaReasons: hasKind("return") ? rwoa : [],
        cancelReasons: hasKind("cancel") ? cancel : [],
        findings: open.some((entry) => entry.requiresFinding) ? findings : [],
        signedByCaller: facts.signedRoleIds.has(caller.roleId),
      };
    },

    async takeAction(request, context) {
      const caller = callerOf(context);
      return applyMove(caller, {
        caseId: resourceId("name", request.name),
        optionId: positiveId("option_id", request.optionId),
        comment: text("comment", request.comment, { max: 2000 }),
        findingId: request.findingId || undefined,
        expectedVersion: request.expectedVersion || undefined,
      });
    },

    async returnWithoutAction(request, context) {
      return moveByKind(callerOf(context), "return", request.name, request.reasonId, request.comment);
    },

    async cancelCase(request, context) {
      return moveByKind(callerOf(context), "cancel", request.name, request.reasonId, request.comment);
    },

    async signCase(request, context) {
      const caller = callerOf(context);
      const caseId = resourceId("name", request.name);
      const signatureId = await signCase(db, caller, caseId);
      return (await loadSignatures(db, caseId)).find((entry) => entry.id === signatureId)!;
    },

    async acquireLock(request, context) {
      return acquireLock(db, callerOf(context), resourceId("name", request.name), deps.cases.lockTtlMs);
    },

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

    async createReinvestigation(request, context) {
      const caller = callerOf(context);
      const parentId = resourceId("parent", request.parent);
      const reason = text("reason", request.reason, { min: 1, max: 2000 });
      const key = requestId("request_id", request.requestId);
      const parent = await loadCaseRow(db, caller, parentId);
      if (parent.module_id !== Module.LOD) throw failedPrecondition("only an LOD case can be reinvestigated");
      if (!canReinvestigate({ isFinal: parent.is_final, isCancel: parent.is_cancel })) {
        throw failedPrecondition(
          "the LOD must reach a final, approved status before it can be reinvestigated",
        );
      }
      const { row, created } = await withSpan("case.create", { "case.module": Module.REINVESTIGATION }, () =>
        createCase(db, caller, {
          memberId: parent.member_id,
          incidentDescription: "",
          requestId: key,
          module: Module.REINVESTIGATION,
          reinvestigation: { initialCaseId: parentId, reason },
        }),
      );
      if (created)
        events.publish({ type: CaseEventType.CREATED, row, actor: caller.username, time: new Date() });
      return caseFromRow(row);
    },
  };

  async function moveByKind(
    caller: Caller,
    kind: "return" | "cancel",
    name: string,
    reasonId: number,
    comment: string,
  ) {
    const caseId = resourceId("name", name);
    positiveId("reason_id", reasonId);
    const row = await loadCaseRow(db, caller, caseId);
    const facts = await loadCaseFacts(db, row);
    const option = openOptions(facts, actorOf(caller), await loadOptions(db, row.work_status_id)).find(
      (open) => open.option.kind === kind,
    );
    if (!option) {
      if (!actorHoldsCase(facts, actorOf(caller)))
        throw permissionDenied("the case is held by another role at its current status");
      throw failedPrecondition(
        `the case cannot be ${kind === "return" ? "returned without action" : "cancelled"} at its current status`,
      );
    }
    return applyMove(caller, {
      caseId,
      optionId: option.option.id,
      comment: text("comment", comment, { max: 2000 }),
      reasonId,
    });
  }
}
