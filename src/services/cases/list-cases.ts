import { create } from "@bufbuild/protobuf";
import type { Caller } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
import {
  type ListCasesRequest,
  type ListCasesResponse,
  ListCasesResponseSchema,
} from "../../gen/ect/v1/case_service_pb.js";
import { decodePageToken, encodePageToken, pageSize } from "../validation.js";
import { caseFilterValues } from "./case-filter.js";
import { caseKeysetQuery } from "./case-queries.js";
import { type CaseRow, caseFromRow } from "./case-row.js";

/** ListCases: one page of the caller's cases newest first, and the token of the next page if any. */
export async function listCases(
  db: Db,
  caller: Caller,
  request: ListCasesRequest,
  signal: AbortSignal,
): Promise<ListCasesResponse> {
  const size = pageSize("page_size", request.pageSize, 50);
  const after = decodePageToken("page_token", request.pageToken);
  const query = caseKeysetQuery(caller, caseFilterValues(request.filter));
  const { sql, params } = query.page(after, size + 1);
  // One row past the page tells whether another page follows.
  const { rows } = await db.query<CaseRow>(sql, params, { signal });
  const page = rows.slice(0, size);
  return create(ListCasesResponseSchema, {
    cases: page.map(caseFromRow),
    nextPageToken: rows.length > size ? encodePageToken(page[page.length - 1].id) : "",
  });
}
