import { invalidArgument } from "../../errors.js";
import { CaseService } from "../../gen/ect/v1/case_service_pb.js";
import { pagedStream } from "../../streams/paged-stream.js";
import { callerOf } from "../call-caller.js";
import { caseFilterValues } from "./case-filter.js";
import { caseKeysetQuery } from "./case-queries.js";
import { caseInitFromRow } from "./case-row.js";

/** StreamCases: the caller's cases newest first, one StreamCasesResponse per keyset page. */
export const streamCases = pagedStream({
  method: CaseService.method.streamCases,
  batch: "cases",
  read(request, context) {
    const caller = callerOf(context);
    if (request.limit < 0) throw invalidArgument("limit", "must be 0 (all) or more");
    return { query: caseKeysetQuery(caller, caseFilterValues(request.filter)), limit: request.limit };
  },
  item: caseInitFromRow,
});
