import type { Caller } from "../../auth/caller-context.js";
import type { Db, Queryable } from "../../db/db.js";
import { DIRECT_AT_WORK_STATUS_ID, formalInvestigationRefusal } from "../../domain/formal-investigation.js";
import type { CalendarClock } from "../../domain/investigation/calendar-clock.js";
import { INVESTIGATING_OFFICER_ROLE_ID } from "../../domain/investigation/investigation-sections.js";
import { appointmentSuspense, extendedSuspense } from "../../domain/investigation/suspense.js";
import { failedPrecondition, notFound, permissionDenied } from "../../errors.js";
import { CaseEventType } from "../../gen/ect/v1/resources_pb.js";
import { recordAudit } from "../audit.js";
import type { CaseEvents } from "../cases/case-events.js";
import { guardCaseWrite } from "../cases/case-locks.js";
import { actorOf } from "../cases/case-moves.js";
import { loadCaseRow } from "../cases/case-queries.js";
import type { CaseRow } from "../cases/case-row.js";
import { publishAfterCommit } from "../cases/publish-after-commit.js";
import { storeAppointmentMemo } from "../memos/store-memo.js";
import { enqueueInvestigationNotifications } from "../notifications/enqueue-investigation-notifications.js";
import { resourceId, text } from "../validation.js";
import { eligibleOfficer } from "./io-candidates.js";

/** What directing and appointing need. */
export interface AppointmentDeps {
  db: Db;
  events: CaseEvents;
  clock: CalendarClock;
  /** config.investigations.suspenseDays: the default suspense of an appointment. */
  suspenseDays: number;
}

/** The Investigating Officer status's work status: the formal path starts there. */
const IO_WORK_STATUS_ID = 100 + 21;

/** The appointing authority's actions, refused to anyone else (PERMISSION_DENIED, audited). */
type AuthorityAction = "direct" | "appoint" | "extend";

const DENIED_ACTION: Record<AuthorityAction, string> = {
  direct: "formal_investigation_denied",
  appoint: "investigating_officer_appointment_denied",
  extend: "suspense_extension_denied",
};

/**
 * Runs an appointing-authority action in one transaction; a refusal (PERMISSION_DENIED) leaves only its audit
 * row, written after the rollback.
 */
async function asAuthority<T>(
  deps: AppointmentDeps,
  caller: Caller,
  caseId: number,
  action: AuthorityAction,
  work: (tx: Queryable, refuse: (reason: string) => never) => Promise<T>,
): Promise<T> {
  let refusal: string | undefined;
  const refuse = (reason: string): never => {
    refusal = reason;
    throw permissionDenied(reason);
  };
  try {
    return await deps.db.transaction((tx) => work(tx, refuse));
  } catch (error) {
    if (refusal !== undefined) {
      await recordAudit(deps.db, {
        entityType: "case",
        entityId: caseId,
        action: DENIED_ACTION[action],
        actor: caller.username,
        after: { reason: refusal, roleId: caller.roleId },
      });
    }
    throw error;
  }
}

/** The wing commander (or an administrator) of the case's units, while the formal case is open. */
function assertAppointingAuthority(row: CaseRow, caller: Caller, refuse: (reason: string) => never): void {
  const actor = actorOf(caller);
  if (row.is_final) throw failedPrecondition(`case ${row.id} is closed`);
  if (actor.roleId !== 6 && !actor.isAdministrator)
    refuse(
      "only the appointing authority (wing commander) may appoint investigating officers and extend suspenses",
    );
}

/** A DirectFormalInvestigation request, validated. */
export interface DirectRequest {
  name: string;
  reason: string;
  investigatingOfficer: string;
  suspenseDate: string;
}

/**
 * Directs a formal investigation: only the appointing authority holding the case at Wing Commander Review
 * (PERMISSION_DENIED otherwise, audited as formal_investigation_denied), with a reason and an eligible IO
 * (INVALID_ARGUMENT naming the field). In one transaction: the investigation and its first appointment, the
 * formal flag, the move to the Investigating Officer status (tracking, action log, lock released) and the
 * audit row formal_investigation_directed with the reason.
 */
export async function directFormalInvestigation(
  deps: AppointmentDeps,
  caller: Caller,
  request: DirectRequest,
): Promise<CaseRow> {
  const caseId = resourceId("name", request.name);
  const reason = text("reason", request.reason, { min: 1, max: 2000 });
  const today = deps.clock.today();
  const suspense = appointmentSuspense(request.suspenseDate.trim(), today, deps.suspenseDays);
  const { before, after } = await asAuthority(deps, caller, caseId, "direct", async (tx, refuse) => {
    const before = await loadCaseRow(tx, caller, caseId, true);
    const facts = {
      holderRoleId: before.holder_role_id,
      isFinal: before.is_final,
      workStatusId: before.work_status_id,
    };
    const refusal = formalInvestigationRefusal(facts, actorOf(caller));
    if (refusal) refuse(refusal);
    if (before.io_user_id !== null)
      throw failedPrecondition(`case ${caseId} is already under a formal investigation`);
    await guardCaseWrite(tx, caseId, caller.userId);
    const officer = await eligibleOfficer(tx, caseId, caller.unitId, request.investigatingOfficer);
    await tx.query(
      `INSERT INTO investigations (case_id, directed_by, direct_reason, io_user_id, suspense_date)
       VALUES ($1, $2, $3, $4, $5)`,
      [caseId, caller.userId, reason, officer.user_id, suspense],
    );
    await tx.query(
      `INSERT INTO investigation_appointments (case_id, io_user_id, appointed_by, reason, suspense_date)
       VALUES ($1, $2, $3, $4, $5)`,
      [caseId, officer.user_id, caller.userId, reason, suspense],
    );
    await tx.query("UPDATE lod_details SET formal_investigation = true WHERE case_id = $1", [caseId]);
    await moveToInvestigatingOfficer(tx, before, caller, reason);
    await storeAppointmentMemo(tx, caller, caseId);
    await enqueueInvestigationNotifications(tx, { caller, caseId, kind: "directed" });
    const after = await loadCaseRow(tx, caller, caseId);
    await recordAudit(tx, {
      entityType: "case",
      entityId: caseId,
      action: "formal_investigation_directed",
      actor: caller.username,
      before: { workStatusId: before.work_status_id, formalInvestigation: before.formal_investigation },
      after: {
        workStatusId: after.work_status_id,
        formalInvestigation: true,
        reason,
        investigatingOfficer: officer.username,
        suspenseDate: suspense,
      },
    });
    return { before, after };
  });
  publishAfterCommit(deps.events, caller, CaseEventType.MOVED, after, before);
  return after;
}

/** The move onto the formal path: status, version, tracking, action log, lock released. */
async function moveToInvestigatingOfficer(tx: Queryable, before: CaseRow, caller: Caller, reason: string) {
  if (before.work_status_id !== DIRECT_AT_WORK_STATUS_ID)
    throw failedPrecondition(`case ${before.id} is not at Wing Commander Review`);
  await tx.query(
    "UPDATE cases SET work_status_id = $2, version = version + 1, updated_at = now() WHERE id = $1",
    [before.id, IO_WORK_STATUS_ID],
  );
  await tx.query(
    `UPDATE tracking SET end_time = now(), completed_by = $2, action_label = $3, comment = $4
     WHERE case_id = $1 AND end_time IS NULL`,
    [before.id, caller.userId, "Formal investigation directed", reason],
  );
  await tx.query(
    `INSERT INTO tracking (case_id, module_id, workflow_id, work_status_id, start_time)
     VALUES ($1, $2, $3, $4, now())`,
    [before.id, before.module_id, before.workflow_id, IO_WORK_STATUS_ID],
  );
  await tx.query(
    `INSERT INTO action_log (case_id, module_id, action, from_status_code_id, to_status_code_id, user_id)
     VALUES ($1, $2, 'formal_investigation_directed', $3, 21, $4)`,
    [before.id, before.module_id, before.status_code_id, caller.userId],
  );
  await tx.query("DELETE FROM case_locks WHERE case_id = $1", [before.id]);
}

/**
 * Appoints a different IO (the appointing authority, while the case is open), audited as
 * investigating_officer_appointed. The previous appointment ends; a signature the previous IO left at the
 * Investigating Officer status no longer counts. The suspense stays unless a new one is given.
 */
export async function appointInvestigatingOfficer(
  deps: AppointmentDeps,
  caller: Caller,
  request: { name: string; investigatingOfficer: string; reason: string; suspenseDate: string },
): Promise<CaseRow> {
  const caseId = resourceId("name", request.name);
  const reason = text("reason", request.reason, { min: 1, max: 2000 });
  const today = deps.clock.today();
  const row = await asAuthority(deps, caller, caseId, "appoint", async (tx, refuse) => {
    const before = await loadCaseRow(tx, caller, caseId, true);
    if (before.io_user_id === null) throw notFound("investigation", `cases/${caseId}/investigation`);
    assertAppointingAuthority(before, caller, refuse);
    const officer = await eligibleOfficer(tx, caseId, caller.unitId, request.investigatingOfficer);
    if (officer.user_id === before.io_user_id)
      throw failedPrecondition(`${officer.username} is already the investigating officer`);
    const suspense = request.suspenseDate.trim()
      ? appointmentSuspense(request.suspenseDate.trim(), today, deps.suspenseDays)
      : (before.suspense_date as string);
    await tx.query(
      "UPDATE investigation_appointments SET ended_at = now() WHERE case_id = $1 AND ended_at IS NULL",
      [caseId],
    );
    await tx.query(
      `INSERT INTO investigation_appointments (case_id, io_user_id, appointed_by, reason, suspense_date)
       VALUES ($1, $2, $3, $4, $5)`,
      [caseId, officer.user_id, caller.userId, reason, suspense],
    );
    await tx.query(
      "UPDATE investigations SET io_user_id = $2, suspense_date = $3, version = version + 1 WHERE case_id = $1",
      [caseId, officer.user_id, suspense],
    );
    await tx.query(
      `UPDATE signatures SET invalidated_at = now(), invalidated_by = $2
       WHERE case_id = $1 AND role_id = $3 AND user_id = $4 AND invalidated_at IS NULL`,
      [caseId, caller.userId, INVESTIGATING_OFFICER_ROLE_ID, before.io_user_id],
    );
    await storeAppointmentMemo(tx, caller, caseId);
    await tx.query("UPDATE cases SET version = version + 1, updated_at = now() WHERE id = $1", [caseId]);
    await recordAudit(tx, {
      entityType: "case",
      entityId: caseId,
      action: "investigating_officer_appointed",
      actor: caller.username,
      before: { investigatingOfficer: before.io_username, suspenseDate: before.suspense_date },
      after: { investigatingOfficer: officer.username, suspenseDate: suspense, reason },
    });
    await enqueueInvestigationNotifications(tx, { caller, caseId, kind: "appointed" });
    return loadCaseRow(tx, caller, caseId);
  });
  publishAfterCommit(deps.events, caller, CaseEventType.UPDATED, row);
  return row;
}

/**
 * Extends the suspense to a later date with a reason: the appointing authority only (PERMISSION_DENIED,
 * audited), audited as suspense_extended.
 */
export async function extendSuspense(
  deps: AppointmentDeps,
  caller: Caller,
  request: { name: string; suspenseDate: string; reason: string },
): Promise<CaseRow> {
  const caseId = resourceId("name", request.name);
  const reason = text("reason", request.reason, { min: 1, max: 2000 });
  const row = await asAuthority(deps, caller, caseId, "extend", async (tx, refuse) => {
    const before = await loadCaseRow(tx, caller, caseId, true);
    if (before.io_user_id === null || before.suspense_date === null)
      throw notFound("investigation", `cases/${caseId}/investigation`);
    assertAppointingAuthority(before, caller, refuse);
    const suspense = extendedSuspense(request.suspenseDate.trim(), before.suspense_date);
    await tx.query(
      `INSERT INTO suspense_extensions (case_id, previous_suspense_date, suspense_date, reason, extended_by)
       VALUES ($1, $2, $3, $4, $5)`,
      [caseId, before.suspense_date, suspense, reason, caller.userId],
    );
    await tx.query("UPDATE investigations SET suspense_date = $2, version = version + 1 WHERE case_id = $1", [
      caseId,
      suspense,
    ]);
    await tx.query("UPDATE cases SET version = version + 1, updated_at = now() WHERE id = $1", [caseId]);
    await recordAudit(tx, {
      entityType: "case",
      entityId: caseId,
      action: "suspense_extended",
      actor: caller.username,
      before: { suspenseDate: before.suspense_date },
      after: { suspenseDate: suspense, reason },
    });
    return loadCaseRow(tx, caller, caseId);
  });
  publishAfterCommit(deps.events, caller, CaseEventType.UPDATED, row);
  return row;
}
