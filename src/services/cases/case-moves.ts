import type { Caller } from "../../auth/caller-context.js";
import type { Queryable } from "../../db/db.js";
import { openOptions } from "../../domain/next-actions.js";
import { type MovePlan, planMove } from "../../domain/plan-move.js";
import { recordableFindings } from "../../domain/recordable-findings.js";
import type { Actor } from "../../domain/workflow-model.js";
import { aborted, failedPrecondition } from "../../errors.js";
import { withSpan } from "../../telemetry/spans.js";
import { recordAudit } from "../audit.js";
import { assertRequiredDocuments } from "../documents/required-documents.js";
import { assertNoFormBlockers, formBlockers } from "../form/form-blockers.js";
import {
  assertNoInvestigationBlockers,
  investigationBlockers,
} from "../investigation/investigation-blockers.js";
import { storeDecisionMemo } from "../memos/store-memo.js";
import { enqueueMoveNotifications } from "../notifications/enqueue-move-notifications.js";
import { actingCaller } from "./acting-caller.js";
import { loadCaseRow } from "./case-queries.js";
import type { CaseRow } from "./case-row.js";
import {
  loadCaseFacts,
  loadFindings,
  loadOptions,
  loadReasons,
  loadRecordedFinding,
} from "./workflow-config.js";

/** The actor of the engine for a caller: administrators may act for any role. */
export function actorOf(caller: Caller): Actor {
  return { roleId: caller.roleId, isAdministrator: caller.permissions.has("workflowAdmin") };
}

/** What a caller asks for when moving a case. */
export interface MoveRequest {
  caseId: number;
  optionId: number;
  comment: string;
  findingId?: number;
  reasonId?: number;
  expectedVersion?: number;
}

/** The result of a committed move. */
export interface MoveResult {
  before: CaseRow;
  after: CaseRow;
  /** The tracking row the move opened, and when. */
  tracking: { id: number; startTime: Date };
}

/** Refuses a change while another user holds the case's edit lock. */
export function assertNotLockedByOther(row: CaseRow, caller: Caller): void {
  if (row.lock_user_id !== null && row.lock_user_id !== caller.userId) {
    throw failedPrecondition(`case is locked by ${row.lock_username} for editing`);
  }
}

/**
 * Applies a workflow option inside one transaction: status and version, the tracking rows, the option's
 * effects, the action log and the audit row. The engine (planMove) decides; this function only writes.
 * A forward first needs the holding role's part of the AF 348: FAILED_PRECONDITION listing every required
 * field still missing and every signature a later change invalidated.
 */
export async function moveCase(tx: Queryable, user: Caller, request: MoveRequest): Promise<MoveResult> {
  const before = await loadCaseRow(tx, user, request.caseId, true);
  const caller = actingCaller(user, before);
  if (request.expectedVersion && request.expectedVersion !== before.version) {
    throw aborted(`case changed: version is ${before.version}, expected ${request.expectedVersion}`);
  }
  assertNotLockedByOther(before, caller);
  const facts = await loadCaseFacts(tx, before);
  const options = await loadOptions(tx, before.work_status_id);
  const open = openOptions(facts, actorOf(caller), options).find(
    ({ option }) => option.id === request.optionId,
  );
  if (open?.option.kind === "advance" && facts.holderRoleId !== null) {
    assertNoFormBlockers(await formBlockers(tx, before.id, facts.holderRoleId));
    assertNoInvestigationBlockers(await investigationBlockers(tx, before));
  }
  if (open) await assertRequiredDocuments(tx, before.id, open.option.id);
  const chosen = options.find((option) => option.id === request.optionId);
  const reasonKind = chosen?.kind === "cancel" ? "cancel" : "rwoa";
  const [findings, reasons, recordedFindingId] = await Promise.all([
    loadFindings(tx, before.workflow_id, caller.roleId),
    loadReasons(tx, before.workflow_id, reasonKind),
    open?.requiresFinding ? loadRecordedFinding(tx, before.id, facts.holderRoleId) : undefined,
  ]);
  const plan = planMove(facts, actorOf(caller), options, {
    optionId: request.optionId,
    findingId: request.findingId,
    recordedFindingId,
    reasonId: request.reasonId,
    allowedFindingIds: new Set(recordableFindings(findings, facts.holderRoleId).map((finding) => finding.id)),
    allowedReasonIds: new Set(reasons.map((reason) => reason.id)),
  });
  const reasonText = reasons.find((reason) => reason.id === request.reasonId)?.description ?? "";
  return withSpan(
    "case.move",
    {
      "case.id": before.id,
      "case.status.from": before.work_status_id,
      "case.status.to": plan.toWorkStatusId,
    },
    () => writeMove(tx, caller, before, plan, request, reasonText),
  );
}

async function writeMove(
  tx: Queryable,
  caller: Caller,
  before: CaseRow,
  plan: MovePlan,
  request: MoveRequest,
  reasonText: string,
): Promise<MoveResult> {
  const kind = plan.option.kind;
  // A return or cancel says why on the timeline: the reason, then the explanation.
  const label =
    kind === "advance"
      ? plan.option.label
      : [`${plan.option.label}: ${reasonText}`, request.comment].filter(Boolean).join(" — ");
  await tx.query(
    `UPDATE cases SET work_status_id = $2, version = version + 1, updated_at = now(),
       rwoa_reason = CASE WHEN $3 = 'return' THEN $4 ELSE rwoa_reason END,
       cancel_reason = CASE WHEN $3 = 'cancel' THEN $4 ELSE cancel_reason END
     WHERE id = $1`,
    [before.id, plan.toWorkStatusId, kind, reasonText],
  );
  await tx.query(
    `UPDATE tracking SET end_time = now(), completed_by = $2, action_label = $3, comment = $4
     WHERE case_id = $1 AND end_time IS NULL`,
    [before.id, caller.userId, label, request.comment],
  );
  const { rows } = await tx.query<{ id: number; start_time: Date }>(
    `INSERT INTO tracking (case_id, module_id, workflow_id, work_status_id, start_time, end_time)
     SELECT $1, $2, $3, ws.id, now(), CASE WHEN sc.is_final THEN now() END
     FROM work_statuses ws JOIN status_codes sc ON sc.id = ws.status_code_id WHERE ws.id = $4
     RETURNING id, start_time`,
    [before.id, before.module_id, before.workflow_id, plan.toWorkStatusId],
  );
  for (const effect of plan.effects) {
    if (effect.type === "removeSignatures") {
      // andSince: also the statuses the case entered after its last stay at the returned-to status (that
      // stay is the newest closed tracking row there; the row this move opened is still open).
      await tx.query(
        `DELETE FROM signatures WHERE case_id = $1 AND (work_status_id = $2 OR ($3 AND work_status_id IN (
           SELECT t.work_status_id FROM tracking t WHERE t.case_id = $1 AND t.id >= (
             SELECT max(p.id) FROM tracking p
             WHERE p.case_id = $1 AND p.work_status_id = $2 AND p.end_time IS NOT NULL))))`,
        [before.id, effect.workStatusId, effect.andSince],
      );
    } else if (effect.type === "recordFinding") {
      await tx.query("UPDATE lod_details SET finding_id = $2 WHERE case_id = $1", [
        before.id,
        effect.findingId,
      ]);
    } else if (effect.type === "releaseLock") {
      await tx.query("DELETE FROM case_locks WHERE case_id = $1", [before.id]);
    } else if (effect.type === "notifyHolder") {
      await tx.query(`INSERT INTO action_log (case_id, module_id, action, user_id) VALUES ($1, $2, $3, $4)`, [
        before.id,
        before.module_id,
        `notify role ${effect.roleId}`,
        caller.userId,
      ]);
    }
  }
  await tx.query(
    `INSERT INTO action_log (case_id, module_id, action, from_status_code_id, to_status_code_id, reason_id, user_id)
     SELECT $1, $2, $3, $4, ws.status_code_id, $6, $7 FROM work_statuses ws WHERE ws.id = $5`,
    [
      before.id,
      before.module_id,
      kind,
      before.status_code_id,
      plan.toWorkStatusId,
      request.reasonId || null,
      caller.userId,
    ],
  );
  const after = await loadCaseRow(tx, caller, before.id);
  await enqueueMoveNotifications(tx, { caller, before, after, plan, reasonText });
  await recordAudit(tx, {
    entityType: "case",
    entityId: before.id,
    action: kind === "advance" ? "move" : kind === "return" ? "return_without_action" : "cancel",
    actor: caller.username,
    before: {
      workStatusId: before.work_status_id,
      status: before.status_description,
      version: before.version,
    },
    after: {
      workStatusId: after.work_status_id,
      status: after.status_description,
      version: after.version,
      optionId: plan.option.id,
      reason: reasonText || undefined,
      comment: request.comment || undefined,
    },
  });
  await storeDecisionMemo(tx, caller, after);
  return { before, after, tracking: { id: rows[0].id, startTime: rows[0].start_time } };
}
