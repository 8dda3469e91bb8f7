import type { Caller } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
import { failedPrecondition, notFound, permissionDenied } from "../../errors.js";
import type { Module } from "../../gen/ect/v1/resources_pb.js";
import { recordAudit } from "../audit.js";
import { loadCaseRow } from "./case-queries.js";
import type { CaseRow } from "./case-row.js";

/** A validated create request. */
export interface NewCase {
  memberId: number;
  incidentDescription: string;
  requestId: string | undefined;
  module: Module;
  reinvestigation: { initialCaseId: number; reason: string } | undefined;
}

/**
 * Creates a case at the initial status of the module's workflow for the caller's role, with its first
 * tracking row and audit row, in one transaction. A repeated request id returns the first case.
 */
export async function createCase(
  db: Db,
  caller: Caller,
  input: NewCase,
): Promise<{ row: CaseRow; created: boolean }> {
  return db.transaction(
    async (tx) => {
      if (input.requestId) {
        const existing = await tx.query<{ id: number }>(
          "SELECT id FROM cases WHERE created_by = $1 AND request_id = $2",
          [caller.userId, input.requestId],
        );
        if (existing.rowCount > 0)
          return { row: await loadCaseRow(tx, caller, existing.rows[0].id), created: false };
      }
      const start = await tx.query<{ workflow_id: number; work_status_id: number }>(
        `SELECT w.id AS workflow_id, i.work_status_id
         FROM workflows w
         JOIN workflow_permissions p ON p.workflow_id = w.id AND p.role_id = $2 AND p.can_create
         JOIN workflow_init_statuses i ON i.workflow_id = w.id AND i.role_id = $2
         WHERE w.module_id = $1 AND w.active ORDER BY w.id LIMIT 1`,
        [input.module, caller.roleId],
      );
      if (start.rowCount === 0)
        throw permissionDenied(`your role (${caller.roleName}) cannot start this kind of case`);
      const member = await tx.query<{ unit_id: number }>(
        `SELECT m.unit_id FROM members m
         WHERE m.id = $1 AND m.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = $2)`,
        [input.memberId, caller.unitId],
      );
      if (member.rowCount === 0) throw notFound("member", input.memberId);
      if (input.reinvestigation) {
        const open = await tx.query(
          `SELECT 1 FROM reinvestigation_requests rr JOIN cases c ON c.id = rr.case_id
           JOIN work_statuses ws ON ws.id = c.work_status_id JOIN status_codes sc ON sc.id = ws.status_code_id
           WHERE rr.initial_case_id = $1 AND NOT sc.is_final`,
          [input.reinvestigation.initialCaseId],
        );
        if (open.rowCount > 0)
          throw failedPrecondition("this LOD already has an open reinvestigation request");
      }
      const { workflow_id: workflowId, work_status_id: workStatusId } = start.rows[0];
      const inserted = await tx.query<{ id: number }>(
        `WITH next AS (SELECT nextval(pg_get_serial_sequence('cases', 'id'))::int AS id)
         INSERT INTO cases (id, case_number, module_id, workflow_id, work_status_id, unit_id, member_id, created_by, request_id)
         SELECT next.id, $8 || to_char(now(), 'YYYYMMDD') || '-' || lpad(next.id::text, 7, '0'),
                $1, $2, $3, $4, $5, $6, $7
         FROM next
         ON CONFLICT (created_by, request_id) DO NOTHING
         RETURNING id`,
        [
          input.module,
          workflowId,
          workStatusId,
          member.rows[0].unit_id,
          input.memberId,
          caller.userId,
          input.requestId ?? null,
          input.reinvestigation ? "RR-" : "",
        ],
      );
      const caseId = inserted.rows[0].id;
      if (input.reinvestigation) {
        await tx.query(
          "INSERT INTO reinvestigation_requests (case_id, initial_case_id, reason) VALUES ($1, $2, $3)",
          [caseId, input.reinvestigation.initialCaseId, input.reinvestigation.reason],
        );
      } else {
        await tx.query("INSERT INTO lod_details (case_id, incident_description) VALUES ($1, $2)", [
          caseId,
          input.incidentDescription,
        ]);
      }
      await tx.query(
        "INSERT INTO tracking (case_id, module_id, workflow_id, work_status_id) VALUES ($1, $2, $3, $4)",
        [caseId, input.module, workflowId, workStatusId],
      );
      const row = await loadCaseRow(tx, caller, caseId);
      await recordAudit(tx, {
        entityType: "case",
        entityId: caseId,
        action: "create",
        actor: caller.username,
        after: {
          caseNumber: row.case_number,
          module: input.module,
          memberId: input.memberId,
          workStatusId,
          reinvestigates: input.reinvestigation?.initialCaseId,
        },
      });
      return { row, created: true };
    },
    // The request id makes a retried create return the first case instead of a second one.
    { idempotent: input.requestId !== undefined },
  );
}
