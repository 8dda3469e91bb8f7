import type { Caller } from "../../auth/caller-context.js";
import type { KeysetQuery } from "../../db/keyset.js";
import { INVESTIGATING_OFFICER_ROLE_ID } from "../../domain/investigation/investigation-sections.js";
import { containsPattern, prefixPattern, type SearchQuery } from "../../domain/search/search-query.js";
import { OVERDUE_AFTER_DAYS } from "../../domain/status-age.js";
import { CaseState, Module } from "../../gen/ect/v1/resources_pb.js";
import { SearchSort } from "../../gen/ect/v1/search_service_pb.js";
import { type CaseFilterValues, caseConditions, caseKeysetQuery } from "../cases/case-queries.js";
import { CASE_COLUMNS, CASE_JOINS, type CaseRow } from "../cases/case-row.js";

/** A search's validated filters (SearchFilter after checking). */
export interface SearchFilterValues {
  workStatusIds: number[];
  state: CaseState;
  module: Module;
  unitId: number;
  workflowId: number;
  formal: boolean | undefined;
  determination: string;
  created: { from?: string; to?: string };
  completed: { from?: string; to?: string };
  myCases: boolean;
  overdue: boolean;
}

/** What one search reads: the query, the filters, the order, and "today" on the suspense calendar. */
export interface SearchSpec {
  query: SearchQuery;
  filter: SearchFilterValues;
  sort: SearchSort;
  /** YYYY-MM-DD: the day overdue is counted to (config.investigations.clock). */
  today: string;
}

/**
 * The member name as the trigram index members_name_trgm holds it (migration 018); a condition must
 * spell the expression exactly like this for the planner to use the index.
 */
export const MEMBER_NAME_TEXT = "lower(m.last_name || ' ' || m.first_name || ' ' || m.middle_name)";

/** The sort key of a row: the id, or the case number. */
type SortKey = number | string;

/** Where a UTC calendar day starts, as SQL over a YYYY-MM-DD parameter. */
const dayStart = (param: string) => `(${param}::date)::timestamp AT TIME ZONE 'UTC'`;
const dayEnd = (param: string) => `(${param}::date + 1)::timestamp AT TIME ZONE 'UTC'`;

/** The time a case entered its current status (its latest tracking row). */
const STATUS_SINCE =
  "(SELECT t.start_time FROM tracking t WHERE t.case_id = c.id ORDER BY t.id DESC LIMIT 1)";

/**
 * The SQL conditions of a search, scoped to the caller's units like every case read (caseConditions),
 * with `c` the case, `sc` its status code. Parameters are appended to `params`.
 */
export function searchConditions(caller: Caller, spec: SearchSpec, params: unknown[]): string[] {
  const add = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const { filter, query } = spec;
  const scoped: CaseFilterValues = {
    workStatusIds: filter.workStatusIds,
    module: filter.module,
    unitId: filter.unitId,
    waitingOnMyRole: false,
    state: filter.state,
  };
  const conditions = caseConditions(caller, scoped, params);
  if (query.kind === "caseNumber") conditions.push(`c.case_number LIKE ${add(prefixPattern(query.prefix))}`);
  if (query.kind === "last4") {
    conditions.push(
      `c.member_id IN (SELECT m.id FROM members m WHERE right(m.ssn, 4) = ${add(query.last4)})`,
    );
  }
  if (query.kind === "ssn")
    conditions.push(`c.member_id IN (SELECT m.id FROM members m WHERE m.ssn = ${add(query.ssn)})`);
  if (query.kind === "name") {
    const words = query.words.map((word) => `${MEMBER_NAME_TEXT} LIKE ${add(containsPattern(word))}`);
    conditions.push(`c.member_id IN (SELECT m.id FROM members m WHERE ${words.join(" AND ")})`);
  }
  if (filter.workflowId) conditions.push(`c.workflow_id = ${add(filter.workflowId)}`);
  if (filter.formal !== undefined) {
    conditions.push(
      `COALESCE((SELECT ld.formal_investigation FROM lod_details ld WHERE ld.case_id = c.id), false) = ${add(filter.formal)}`,
    );
  }
  if (filter.determination) {
    conditions.push(`EXISTS (SELECT 1 FROM lod_details ld JOIN findings f ON f.id = ld.finding_id
                             WHERE ld.case_id = c.id AND f.code = ${add(filter.determination)})`);
  }
  if (filter.created.from) conditions.push(`c.created_at >= ${dayStart(add(filter.created.from))}`);
  if (filter.created.to) conditions.push(`c.created_at < ${dayEnd(add(filter.created.to))}`);
  if (filter.completed.from || filter.completed.to) {
    conditions.push("sc.is_final AND NOT sc.is_cancel");
    if (filter.completed.from) conditions.push(`${STATUS_SINCE} >= ${dayStart(add(filter.completed.from))}`);
    if (filter.completed.to) conditions.push(`${STATUS_SINCE} < ${dayEnd(add(filter.completed.to))}`);
  }
  if (filter.myCases) {
    const user = add(caller.userId);
    // Created by the caller, or waiting on them now: their role's status, or the IO status of their appointment.
    conditions.push(`(c.created_by = ${user}
      OR (NOT sc.is_final AND sc.role_id = ${add(caller.roleId)} AND sc.role_id <> ${INVESTIGATING_OFFICER_ROLE_ID})
      OR (NOT sc.is_final AND sc.role_id = ${INVESTIGATING_OFFICER_ROLE_ID}
          AND EXISTS (SELECT 1 FROM investigations i WHERE i.case_id = c.id AND i.io_user_id = ${user})))`);
  }
  if (filter.overdue) {
    const today = add(spec.today);
    // The Case's statusOverdue and suspenseOverdue badges (domain/status-age.ts, domain/investigation/suspense.ts).
    conditions.push(`NOT sc.is_final AND (
      (${STATUS_SINCE} AT TIME ZONE 'UTC')::date < ${today}::date - ${OVERDUE_AFTER_DAYS}
      OR (sc.role_id = ${INVESTIGATING_OFFICER_ROLE_ID}
          AND EXISTS (SELECT 1 FROM investigations i WHERE i.case_id = c.id AND i.suspense_date < ${today}::date)))`);
  }
  return conditions;
}

/** The keyset query of a search: the page's cases chosen over the sort key first, then joined (as StreamCases). */
export function searchKeysetQuery(caller: Caller, spec: SearchSpec): KeysetQuery<CaseRow, SortKey> {
  const order = sortOrder(spec.sort);
  return {
    page(after, limit) {
      const params: unknown[] = [];
      const conditions = searchConditions(caller, spec, params);
      if (after !== undefined) {
        params.push(after);
        conditions.push(`${order.column} ${order.after} $${params.length}`);
      }
      params.push(limit);
      return {
        sql: `SELECT ${CASE_COLUMNS}
              FROM (SELECT c.* FROM cases c
                    JOIN work_statuses ws ON ws.id = c.work_status_id
                    JOIN status_codes sc ON sc.id = ws.status_code_id
                    WHERE ${conditions.join(" AND ")}
                    ORDER BY ${order.column} ${order.direction} LIMIT $${params.length}) c
              ${CASE_JOINS}
              ORDER BY ${order.column} ${order.direction}`,
        params,
      };
    },
    keyOf: (row) => (spec.sort === SearchSort.CASE_NUMBER ? row.case_number : row.id),
  };
}

function sortOrder(sort: SearchSort): { column: string; direction: "ASC" | "DESC"; after: "<" | ">" } {
  if (sort === SearchSort.OLDEST) return { column: "c.id", direction: "ASC", after: ">" };
  if (sort === SearchSort.CASE_NUMBER) return { column: "c.case_number", direction: "ASC", after: ">" };
  return { column: "c.id", direction: "DESC", after: "<" };
}

/** Every case of one member in the caller's scope, newest first (index cases_by_member_newest). */
export function memberCasesKeysetQuery(caller: Caller, memberId: number): KeysetQuery<CaseRow, number> {
  return caseKeysetQuery(caller, {
    workStatusIds: [],
    module: Module.UNSPECIFIED,
    unitId: 0,
    waitingOnMyRole: false,
    state: CaseState.UNSPECIFIED,
    memberId,
  });
}
