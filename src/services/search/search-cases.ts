import type { Caller } from "../../auth/caller-context.js";
import type { Queryable } from "../../db/db.js";
import {
  dateRange,
  parseSearchQuery,
  type SearchQuery,
  ssnLastFour,
} from "../../domain/search/search-query.js";
import { invalidArgument, permissionDenied } from "../../errors.js";
import { CaseState, Module } from "../../gen/ect/v1/resources_pb.js";
import { type SearchFilter, SearchService, SearchSort } from "../../gen/ect/v1/search_service_pb.js";
import { pagedStream } from "../../streams/paged-stream.js";
import { recordAudit } from "../audit.js";
import { callerOf } from "../call-caller.js";
import { caseInitFromRow } from "../cases/case-row.js";
import { suspenseCalendar } from "../cases/suspense-calendar.js";
import { positiveId, text } from "../validation.js";
import { type SearchFilterValues, searchKeysetQuery } from "./search-sql.js";

/** The permission a full-SSN search needs (reference data id 23). */
export const SSN_SEARCH_PERMISSION = "ssnSearch";

/** SearchCases: the caller's cases matching the box and the filters, one SearchCasesResponse per keyset page. */
export const searchCases = pagedStream({
  method: SearchService.method.searchCases,
  batch: "cases",
  async read(request, context, db) {
    const caller = callerOf(context);
    const query = parseSearchQuery(request.query);
    if (request.limit < 0) throw invalidArgument("limit", "must be 0 (all) or more");
    if (!Object.values(SearchSort).includes(request.sort)) throw invalidArgument("sort", "unknown sort");
    const filter = searchFilterValues(request.filter);
    const reason = text("reason", request.reason, { max: 500 });
    if (query.kind === "ssn") await allowSsnSearch(db, caller, query, reason);
    const spec = { query, filter, sort: request.sort, today: suspenseCalendar.clock.today() };
    return { query: searchKeysetQuery(caller, spec), limit: request.limit };
  },
  item: caseInitFromRow,
});

/**
 * A full-SSN search is allowed with the ssnSearch permission and a reason, and audited either way with who and
 * why; the audit row holds the SSN's last four digits only (the audit trail is scanned for full SSNs).
 */
async function allowSsnSearch(
  db: Queryable,
  caller: Caller,
  query: Extract<SearchQuery, { kind: "ssn" }>,
  reason: string,
): Promise<void> {
  const audit = (action: string, refusal?: string) =>
    recordAudit(db, {
      entityType: "user",
      entityId: caller.userId,
      action,
      actor: caller.username,
      after: {
        reason,
        ssnLastFour: ssnLastFour(query.ssn),
        role: caller.roleName,
        ...(refusal && { refusal }),
      },
    });
  if (!caller.permissions.has(SSN_SEARCH_PERMISSION)) {
    await audit("ssn_search_denied", "no ssnSearch permission");
    throw permissionDenied(`a full-SSN search needs the ${SSN_SEARCH_PERMISSION} permission`);
  }
  if (reason === "") {
    await audit("ssn_search_denied", "no reason");
    throw invalidArgument("reason", "required for a full-SSN search");
  }
  await audit("ssn_search");
}

/** Validates SearchFilter (INVALID_ARGUMENT naming the field). */
function searchFilterValues(filter: SearchFilter | undefined): SearchFilterValues {
  for (const id of filter?.status ?? []) positiveId("filter.status", id);
  if (filter?.unitId && filter.unitId < 0)
    throw invalidArgument("filter.unit_id", "must be a positive unit id");
  if (filter?.workflowId && filter.workflowId < 0)
    throw invalidArgument("filter.workflow_id", "must be a positive workflow id");
  if (filter?.module && !Object.values(Module).includes(filter.module))
    throw invalidArgument("filter.module", "unknown module");
  if (filter?.state && !Object.values(CaseState).includes(filter.state))
    throw invalidArgument("filter.state", "unknown case state");
  const determination = text("filter.determination", filter?.determination ?? "", { max: 40 }).toUpperCase();
  if (determination && !/^[A-Z][A-Z-]*$/.test(determination))
    throw invalidArgument("filter.determination", "a finding code such as ILOD");
  return {
    workStatusIds: filter?.status ?? [],
    state: filter?.state ?? CaseState.UNSPECIFIED,
    module: filter?.module ?? Module.UNSPECIFIED,
    unitId: filter?.unitId ?? 0,
    workflowId: filter?.workflowId ?? 0,
    formal: filter?.formal,
    determination,
    created: dateRange(
      "filter.created_from",
      filter?.createdFrom ?? "",
      "filter.created_to",
      filter?.createdTo ?? "",
    ),
    completed: dateRange(
      "filter.completed_from",
      filter?.completedFrom ?? "",
      "filter.completed_to",
      filter?.completedTo ?? "",
    ),
    myCases: filter?.myCases ?? false,
    overdue: filter?.overdue ?? false,
  };
}
