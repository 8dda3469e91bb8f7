import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Caller } from "../../auth/caller-context.js";
import type { Queryable } from "../../db/db.js";
import type {
  ListInvestigationsRequest,
  ListInvestigationsResponseSchema,
} from "../../gen/ect/v1/investigation_service_pb.js";
import { CASE_COLUMNS, CASE_JOINS, type CaseRow } from "../cases/case-row.js";
import { decodePageToken, encodePageToken, pageSize } from "../validation.js";
import { investigationMessage } from "./investigation-message.js";
import { loadInvestigation } from "./investigation-store.js";

/**
 * The IO inbox: investigations appointed to the caller (with include_unit_cases, also those of cases in the
 * caller's units), open ones only unless include_closed; overdue first (past the suspense while the IO holds
 * the case), then by suspense date, then case id. Pages by position (the order moves with the calendar, so a
 * keyset on it would not be stable across days).
 */
export async function listInvestigations(
  db: Queryable,
  caller: Caller,
  request: ListInvestigationsRequest,
  today: string,
): Promise<MessageInitShape<typeof ListInvestigationsResponseSchema>> {
  const size = pageSize("page_size", request.pageSize, 50);
  const offset = decodePageToken("page_token", request.pageToken) ?? 0;
  const { rows } = await db.query<CaseRow>(
    `SELECT ${CASE_COLUMNS} FROM cases c ${CASE_JOINS}
     WHERE inv.case_id IS NOT NULL
       AND (inv.io_user_id = $1
            OR ($2 AND c.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = $3)))
       AND ($4 OR NOT sc.is_final)
     ORDER BY (sc.role_id = 13 AND inv.suspense_date < $5::date) DESC, inv.suspense_date, c.id
     LIMIT $6 OFFSET $7`,
    [caller.userId, request.includeUnitCases, caller.unitId, request.includeClosed, today, size + 1, offset],
  );
  const page = rows.slice(0, size);
  const investigations = [];
  for (const row of page) {
    const record = await loadInvestigation(db, row.id);
    if (record) investigations.push(investigationMessage(row, record, today));
  }
  return {
    investigations,
    nextPageToken: rows.length > size ? encodePageToken(offset + size) : "",
  };
}
