import type { Caller } from "../src/auth/caller-context.js";
import { CaseState, Module } from "../src/gen/ect/v1/resources_pb.js";
import { caseKeysetQuery } from "../src/services/cases/case-queries.js";
import { CASE_COLUMNS, CASE_JOINS } from "../src/services/cases/case-row.js";
import { caseLookups } from "../src/services/workflow/case-lookups.js";

/**
 * The rows every peer reads, taken from ECT's own declarations so the peers run the very SQL ECT runs:
 * the case stream of an administrator (all units) and the GetActiveCases lookup with no filter.
 */

/** Page sizes ECT uses by default (a small first page, then 1,000). */
export const FIRST_PAGE = 50;
export const PAGE = 1000;

/** A keyset page query: SQL and parameters for the rows after `after`. */
export type PageQuery = (after: number | undefined, limit: number) => { sql: string; params: unknown[] };

/** ECT's StreamCases query for a caller whose unit is `unitId`, with an empty filter. */
export function casePages(unitId: number): PageQuery {
  const caller = { userId: 0, username: "", roleId: 0, roleName: "", unitId, permissions: new Set() };
  const query = caseKeysetQuery(caller as Caller, {
    workStatusIds: [],
    module: Module.UNSPECIFIED,
    unitId: 0,
    waitingOnMyRole: false,
    state: CaseState.UNSPECIFIED,
  });
  return (after, limit) => query.page(after, limit);
}

const activeSql = caseLookups.find((declared) => declared.name === "getActiveCases")!.sql;

/** ECT's GetActiveCases lookup for an administrator: `$1` keyset, `$2` limit, no ref, group or unit scope. */
export const activePages: PageQuery = (after, limit) => ({
  sql: activeSql,
  params: [after ?? null, limit, null, null, null],
});

/** One active-case row as the lookup returns it. */
export interface ActiveRow {
  id: number;
  ref_id: number;
  role_id: number;
  description: string;
}

/** ECT's GetCase query (loadCaseRow) for a caller whose unit is `$2`. */
export const getCaseSql = `SELECT ${CASE_COLUMNS} FROM cases c ${CASE_JOINS}
  WHERE c.id = $1 AND c.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = $2)`;
