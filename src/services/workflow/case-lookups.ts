import type { HandlerContext } from "@connectrpc/connect";
import { invalidArgument } from "../../errors.js";
import { actingUser } from "./acting-user.js";
import { lookup } from "./lookup.js";
import {
  inScope,
  iso,
  likePattern,
  optionalId,
  optionalSsn,
  optionalText,
  requiredId,
  unitScope,
} from "./request-fields.js";

const afterCaseDesc = "($1::int IS NULL OR c.id < $1::int)";

/**
 * SQL: the case with id `param` lies in the scope unit `scopeParam` (or the scope is NULL). A case outside
 * the scope so reads as a case that does not exist: no rows, an empty list, as ECTSystem's lookups answer
 * an unknown ref_id (they never raise NOT_FOUND); see docs/compatibility.md.
 */
const caseInScope = (param: string, scopeParam: string) =>
  `EXISTS (SELECT 1 FROM cases c WHERE c.id = ${param}::int AND ${inScope("c.unit_id", scopeParam)})`;

// A case's history, declared once for the …ByRefId lookups and their …AndType twins: one SQL and one
// row each, the plain lookup passing NULL for the type.

/** Parameters of a case-history lookup: $3 the case, $4 the module or NULL, $5 the type or NULL, $6 the scope. */
const caseHistoryParams = (
  request: { readonly refId?: number; readonly module?: number },
  context: HandlerContext,
  type: number | null,
) => [requiredId("ref_id", request.refId), optionalId("module", request.module), type, unitScope(context)];

interface CaseWorkflowRow {
  first_id: number;
  workflow_id: number;
  case_id: number;
  module_id: number;
  workflow_type_id: number;
}

/** The workflows a case has been through, in the order it entered them (from its tracking rows). */
const workflowsOfCase = {
  sql: `
    SELECT t.workflow_id, t.case_id, t.module_id, w.workflow_type_id, min(t.id) AS first_id
    FROM tracking t JOIN workflows w ON w.id = t.workflow_id
    WHERE t.case_id = $3::int AND ($4::int IS NULL OR t.module_id = $4::int)
      AND ($5::int IS NULL OR w.workflow_type_id = $5::int) AND ${caseInScope("$3", "$6")}
    GROUP BY t.workflow_id, t.case_id, t.module_id, w.workflow_type_id
    HAVING ($1::bigint IS NULL OR min(t.id) > $1::bigint)
    ORDER BY first_id LIMIT $2`,
  keyOf: (row: CaseWorkflowRow) => row.first_id,
};

const caseWorkflow = (row: CaseWorkflowRow) => ({
  workflowId: row.workflow_id,
  refId: row.case_id,
  module: row.module_id,
});

interface CaseStatusRow {
  id: number;
  work_status_id: number;
  case_id: number;
  module_id: number;
  work_status_type_id: number;
}

/** Every status the case has been in, oldest first (its tracking rows). */
const statusesOfCase = {
  sql: `
    SELECT t.id, t.work_status_id, t.case_id, t.module_id, k.work_status_type_id
    FROM tracking t JOIN work_status_kinds k ON k.work_status_id = t.work_status_id
    WHERE ($1::bigint IS NULL OR t.id > $1::bigint) AND t.case_id = $3::int
      AND ($4::int IS NULL OR t.module_id = $4::int) AND ($5::int IS NULL OR k.work_status_type_id = $5::int)
      AND ${caseInScope("$3", "$6")}
    ORDER BY t.id LIMIT $2`,
  keyOf: (row: CaseStatusRow) => row.id,
};

const caseStatus = (row: CaseStatusRow) => ({
  workstatusId: row.work_status_id,
  refId: row.case_id,
  module: row.module_id,
});

/** Case reads: the RR inbox, open cases, locks, member search and a case's history of workflows and statuses. */
export const caseLookups = [
  lookup({
    name: "getReinvestigationRequests",
    params: async (request, context, db) => [
      await actingUser(db, context, "get_reinvestigation_requests", "user_id", request.userId),
      request.sarc ?? false,
    ],
    // Open RR cases held by the user's role in the user's units whose original LOD is final and not cancelled.
    // ECT has no restricted SARC cases, so sarc = true finds none.
    sql: `
      WITH me AS (SELECT current_role_id AS role_id, unit_id FROM users WHERE id = $3::int)
      SELECT c.id, concat_ws(' | ', c.case_number, masked_ssn(m.ssn), m.last_name || ', ' || m.first_name,
               un.name, sc.description, 'received ' || to_char(t.start_time, 'YYYY-MM-DD'),
               (current_date - t.start_time::date) || ' days') AS description
      FROM me
      JOIN status_codes sc ON sc.role_id = me.role_id AND NOT sc.is_final
      JOIN work_statuses ws ON ws.status_code_id = sc.id
      JOIN cases c ON c.work_status_id = ws.id
      JOIN reinvestigation_requests rr ON rr.case_id = c.id
      JOIN cases lod ON lod.id = rr.initial_case_id
      JOIN work_statuses lws ON lws.id = lod.work_status_id
      JOIN status_codes lsc ON lsc.id = lws.status_code_id AND lsc.is_final AND NOT lsc.is_cancel
      JOIN members m ON m.id = c.member_id
      JOIN units un ON un.id = c.unit_id
      LEFT JOIN tracking t ON t.case_id = c.id AND t.end_time IS NULL
      WHERE ${afterCaseDesc} AND NOT $4::boolean
        AND c.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = me.unit_id)
      ORDER BY c.id DESC LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; description: string }) => ({ id: row.id, description: row.description }),
    response: (items) => ({ items, count: items.length }),
  }),
  lookup({
    name: "getActiveCases",
    params: (request, context) => [
      optionalId("ref_id", request.refId),
      optionalId("group_id", request.groupId),
      unitScope(context),
    ],
    // ref_id is the LOD a case concerns: the case itself, or the LOD a reinvestigation request reopens.
    sql: `
      SELECT c.id, coalesce(rr.initial_case_id, c.id) AS ref_id, coalesce(sc.role_id, 0) AS role_id, sc.description
      FROM cases c
      JOIN work_statuses ws ON ws.id = c.work_status_id
      JOIN status_codes sc ON sc.id = ws.status_code_id
      LEFT JOIN reinvestigation_requests rr ON rr.case_id = c.id
      WHERE ${afterCaseDesc} AND NOT sc.is_final
        AND ($3::int IS NULL OR c.id = $3::int OR rr.initial_case_id = $3::int)
        AND ($4::int IS NULL OR sc.role_id = $4::int)
        AND ${inScope("c.unit_id", "$5")}
      ORDER BY c.id DESC LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; ref_id: number; role_id: number; description: string }) => ({
      caseId: row.id,
      refId: row.ref_id,
      groupId: row.role_id,
      status: row.description,
    }),
  }),
  lookup({
    name: "getAllLocks",
    // Locks in force only: an expired lock counts as no lock (REQUIREMENTS §9).
    params: (_request, context) => [unitScope(context)],
    sql: `
      SELECT l.id, l.user_id, md.name AS lock_type, ${iso("l.lock_time")} AS lock_time
      FROM case_locks l JOIN modules md ON md.id = l.module_id JOIN cases c ON c.id = l.case_id
      WHERE ($1::int IS NULL OR l.id > $1::int) AND ${inScope("c.unit_id", "$3")} AND l.expires_at > now()
      ORDER BY l.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; user_id: number; lock_type: string; lock_time: string }) => ({
      lockId: row.id,
      userId: row.user_id,
      lockType: row.lock_type,
      lockTime: row.lock_time,
    }),
  }),
  lookup({
    name: "searchMemberData",
    params(request, context) {
      const lastName = optionalText("last_name", request.lastName, 60);
      const firstName = optionalText("first_name", request.firstName, 60);
      const middleName = optionalText("middle_name", request.middleName, 60);
      return [
        unitScope(context),
        optionalId("srch_unit", request.srchUnit),
        optionalSsn("ssn", request.ssn),
        lastName === null ? null : likePattern(lastName.toLowerCase(), "prefix"),
        firstName === null ? null : likePattern(firstName, "prefix"),
        middleName === null ? null : likePattern(middleName, "prefix"),
      ];
    },
    sql: `
      SELECT m.id, lower(m.last_name) AS sort_name, masked_ssn(m.ssn) AS ssn,
             m.first_name, m.last_name, m.middle_name
      FROM members m
      WHERE ($1::text[] IS NULL OR (lower(m.last_name), m.id) > (($1::text[])[1], ($1::text[])[2]::int))
        AND ${inScope("m.unit_id", "$3")} AND ${inScope("m.unit_id", "$4")}
        AND ($5::text IS NULL OR m.ssn = $5::text OR right(m.ssn, 4) = $5::text)
        AND ($6::text IS NULL OR lower(m.last_name) LIKE $6::text)
        AND ($7::text IS NULL OR m.first_name ILIKE $7::text)
        AND ($8::text IS NULL OR m.middle_name ILIKE $8::text)
      ORDER BY lower(m.last_name), m.id LIMIT $2`,
    keyOf: (row: { id: number; sort_name: string }) => [row.sort_name, String(row.id)],
    item: (row: {
      id: number;
      sort_name: string;
      ssn: string;
      first_name: string;
      last_name: string;
      middle_name: string;
    }) => ({
      memberId: row.id,
      ssn: row.ssn,
      firstName: row.first_name,
      lastName: row.last_name,
      middleName: row.middle_name,
    }),
  }),
  lookup({
    name: "searchMemberDataTest",
    params(request, context) {
      const name = optionalText("name", request.name, 120);
      const [last, first] = (name ?? "").split(",").map((part) => part.trim());
      if (name !== null && !last) throw invalidArgument("name", 'must look like "Last" or "Last, First"');
      return [
        unitScope(context),
        optionalId("srch_unit", request.srchUnit),
        optionalSsn("ssn", request.ssn),
        last ? likePattern(last.toLowerCase(), "prefix") : null,
        first ? likePattern(first, "prefix") : null,
      ];
    },
    sql: `
      SELECT m.id, lower(m.last_name) AS sort_name, masked_ssn(m.ssn) AS ssn,
             trim(m.last_name || ', ' || m.first_name || ' ' || m.middle_name) AS name
      FROM members m
      WHERE ($1::text[] IS NULL OR (lower(m.last_name), m.id) > (($1::text[])[1], ($1::text[])[2]::int))
        AND ${inScope("m.unit_id", "$3")} AND ${inScope("m.unit_id", "$4")}
        AND ($5::text IS NULL OR m.ssn = $5::text OR right(m.ssn, 4) = $5::text)
        AND ($6::text IS NULL OR lower(m.last_name) LIKE $6::text)
        AND ($7::text IS NULL OR m.first_name ILIKE $7::text)
      ORDER BY lower(m.last_name), m.id LIMIT $2`,
    keyOf: (row: { id: number; sort_name: string }) => [row.sort_name, String(row.id)],
    item: (row: { id: number; sort_name: string; ssn: string; name: string }) => ({
      memberId: row.id,
      ssn: row.ssn,
      name: row.name,
    }),
  }),
  lookup({
    name: "getWorkflowsByRefId",
    params: (request, context) => caseHistoryParams(request, context, null),
    ...workflowsOfCase,
    item: caseWorkflow,
  }),
  lookup({
    name: "getWorkflowsByRefIdAndType",
    params: (request, context) =>
      caseHistoryParams(request, context, optionalId("workflow_type", request.workflowType)),
    ...workflowsOfCase,
    item: (row: CaseWorkflowRow) => ({ ...caseWorkflow(row), workflowType: row.workflow_type_id }),
  }),
  lookup({
    name: "getWorkstatusesByRefId",
    params: (request, context) => caseHistoryParams(request, context, null),
    ...statusesOfCase,
    item: caseStatus,
  }),
  lookup({
    name: "getWorkstatusesByRefIdAndType",
    params: (request, context) =>
      caseHistoryParams(request, context, optionalId("workstatus_type", request.workstatusType)),
    ...statusesOfCase,
    item: (row: CaseStatusRow) => ({ ...caseStatus(row), workstatusType: row.work_status_type_id }),
  }),
];
