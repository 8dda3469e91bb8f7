import { SearchService } from "../../gen/ect/v1/search_service_pb.js";
import { pagedStream } from "../../streams/paged-stream.js";
import { callerOf } from "../call-caller.js";
import { caseInitFromRow } from "../cases/case-row.js";
import { resourceId } from "../validation.js";
import { memberCasesKeysetQuery } from "./search-sql.js";

/** ListMemberCases: a member's LOD history, every case of theirs in the caller's scope, newest first. */
export const listMemberCases = pagedStream({
  method: SearchService.method.listMemberCases,
  batch: "cases",
  read(request, context) {
    const caller = callerOf(context);
    const memberId = resourceId("member", request.member, "members");
    return { query: memberCasesKeysetQuery(caller, memberId) };
  },
  item: caseInitFromRow,
});
